"""Audience-insights benchmark on real listeners: HetRec 2011 Last.fm 2K (1,892 listeners).

    python benchmarks/audience_lastfm.py [--quick] [--json]

The data set is non-commercial, evaluation only: it is read from ../shared/data (or
$CADENZA_LASTFM_DIR) and never copied into the repository; without it the benchmark skips.

- Warm start: 20% of each listener's artists held out (seeded; listeners with >= 5 artists);
  all artists not in the listener's train set ranked; recall@10, NDCG@10 for item-kNN
  co-listening (the product's; k chosen on a validation split of train), popularity, random.
- Cold start (the real use): test and validation artists (seeded, disjoint; >= 5 listeners,
  >= 3 tag assignments) have EVERY play hidden from training; all listeners are ranked from the
  artist's tags alone; recall@50, NDCG@50 of its true listeners. Content: the product's MiniLM
  on a "top tags by assignment count" text; TF-IDF of tags is a comparison row. No listener-side
  tag behaviour is used. Parameters are chosen on the validation artists; test is scored once.
  Leak check: the test artists re-scored with tags applied only by people who do not play them.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.audience import rank as R  # noqa: E402

DATA_DIR = Path(__file__).resolve().parents[2] / "shared/data/listening/hetrec2011-lastfm-2k"
SEED = 20110
N_TAGS = 10  # tags in an artist's text: 10 beat 5 on the validation artists (NDCG@50 .365 vs .347)


@dataclass
class Lastfm:
    plays: sp.csr_matrix  # listeners x artists, play counts
    tag_counts: sp.csr_matrix  # artists x tags, assignment counts (by anyone)
    assignments: np.ndarray  # (n, 3) user index, artist index, tag index
    tag_names: list[str]


def _read_table(path: Path) -> np.ndarray:
    return np.loadtxt(path, skiprows=1, dtype=np.int64, delimiter="\t", ndmin=2)


def load_lastfm(root: Path) -> Lastfm:
    """Listeners and artists re-indexed from 0 (artists = those with plays)."""
    ua = _read_table(root / "user_artists.dat")
    users, u_idx = np.unique(ua[:, 0], return_inverse=True)
    artists, a_idx = np.unique(ua[:, 1], return_inverse=True)
    plays = sp.csr_matrix((ua[:, 2].astype(np.float32), (u_idx, a_idx)))
    with open(root / "tags.dat", encoding="latin-1") as f:
        rows = [line.rstrip("\n").split("\t", 1) for line in f.readlines()[1:]]
    tag_ids = np.array([int(r[0]) for r in rows])
    tag_names = [rows[i][1].strip().lower() for i in np.argsort(tag_ids)]
    ut = _read_table(root / "user_taggedartists.dat")
    ut = ut[np.isin(ut[:, 1], artists) & np.isin(ut[:, 0], users) & np.isin(ut[:, 2], tag_ids)]
    refs = (users, artists, np.sort(tag_ids))  # -> (user, artist, tag) indices from 0
    assign = np.column_stack([np.searchsorted(ref, ut[:, i]) for i, ref in enumerate(refs)])
    return Lastfm(plays, _tag_matrix(assign, len(artists), len(tag_names)), assign, tag_names)


def _tag_matrix(assign: np.ndarray, n_artists: int, n_tags: int) -> sp.csr_matrix:
    ones = np.ones(len(assign), dtype=np.float32)
    m = sp.csr_matrix((ones, (assign[:, 1], assign[:, 2])), shape=(n_artists, n_tags))
    m.sum_duplicates()
    return m


def artist_texts(tag_counts: sp.csr_matrix, tag_names: list[str], n_tags: int) -> list[str]:
    """'rock, alternative, indie': top tags by assignment count (ties: more common tag first)."""
    tag_freq = np.asarray((tag_counts > 0).sum(axis=0)).ravel()
    texts = []
    for a in range(tag_counts.shape[0]):
        lo, hi = tag_counts.indptr[a], tag_counts.indptr[a + 1]
        tags, counts = tag_counts.indices[lo:hi], tag_counts.data[lo:hi]
        order = np.lexsort((-tag_freq[tags], -counts))[:n_tags]
        texts.append(", ".join(tag_names[t] for t in tags[order]))
    return texts


def encode_minilm(texts: list[str]) -> np.ndarray:
    """MiniLM vectors of non-empty texts (zero rows for empty), cached by a hash of the texts."""
    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:16]
    home = os.environ.get("CADENZA_HOME")
    cache = Path(home) / "cache" if home else Path.home() / ".cache" / "cadenza-bench"
    path = cache / f"lastfm-minilm-{key}.npy"
    if path.exists():
        return np.load(path)
    from models.embeddings.encoder import get_encoder

    vecs = np.zeros((len(texts), 384), dtype=np.float32)
    todo = [i for i, t in enumerate(texts) if t]
    if todo:
        vecs[todo] = get_encoder().encode([texts[i] for i in todo], batch_size=128)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


def tfidf(tag_counts: sp.csr_matrix) -> sp.csr_matrix:
    """Sparse TF-IDF of tags: (1 + log count) * log(n_artists / artists with the tag), unit rows."""
    tf = tag_counts.copy().astype(np.float32)
    tf.data = 1.0 + np.log(tf.data)
    df = np.asarray((tag_counts > 0).sum(axis=0)).ravel()
    idf = np.log(tag_counts.shape[0] / np.maximum(df, 1)).astype(np.float32)
    return sp.csr_matrix(R.l2_rows(tf @ sp.diags_array(idf)))


def mean_metrics(scores: np.ndarray, relevant: list[np.ndarray], k: int) -> tuple[float, float]:
    """Mean recall@k and NDCG@k over queries (rows of scores)."""
    rec = [R.recall_at_k(s, r, k) for s, r in zip(scores, relevant, strict=True)]
    ndcg = [R.ndcg_at_k(s, r, k) for s, r in zip(scores, relevant, strict=True)]
    return float(np.mean(rec)), float(np.mean(ndcg))


def holdout(plays: sp.csr_matrix, rng: np.random.Generator, frac: float = 0.2):
    """(train, eval listeners, their held-out items): frac of each listener's items (>= 5)."""
    coo = plays.tocoo()
    test = np.zeros(coo.nnz, dtype=bool)
    users, held = [], []
    for u in range(plays.shape[0]):
        lo, hi = plays.indptr[u], plays.indptr[u + 1]
        if hi - lo < 5:
            continue
        pick = lo + rng.choice(hi - lo, size=max(1, round(frac * (hi - lo))), replace=False)
        test[pick] = True
        users.append(u)
        held.append(np.sort(plays.indices[pick]))
    train = sp.csr_matrix(
        (coo.data[~test], (coo.row[~test], coo.col[~test])), shape=plays.shape
    )  # csr order matches coo order, so `pick` indexes both
    return train, np.array(users), held


def warm_scores(train, users, held, k_knn: int, rng, batch: int = 256) -> dict[str, tuple]:
    """Recall@10/NDCG@10 of item-kNN, popularity and random for the held-out items."""
    sim = R.item_similarity(train, k_knn)
    pop = np.diff(train.tocsc().indptr).astype(np.float64)
    out: dict[str, list] = {"item-kNN co-listening": [], "popularity": [], "random": []}
    for s in range(0, len(users), batch):
        knn = R.item_knn_scores(train, users[s : s + batch], sim=sim)
        base = {"popularity": np.broadcast_to(pop, knn.shape), "random": rng.random(knn.shape)}
        base = {n: np.where(np.isinf(knn), -np.inf, b) for n, b in base.items()}
        for name, sc in {"item-kNN co-listening": knn, **base}.items():
            out[name] += [(R.recall_at_k(x, r, 10), R.ndcg_at_k(x, r, 10))
                          for x, r in zip(sc, held[s : s + batch], strict=True)]  # fmt: skip
    return {n: tuple(float(m) for m in np.mean(v, axis=0)) for n, v in out.items()}


def warm_start(plays: sp.csr_matrix, quick: bool) -> dict:
    rng = np.random.default_rng(SEED)
    train, users, held = holdout(plays, rng)
    inner, v_users, v_held = holdout(train, np.random.default_rng(SEED + 1))
    if quick:
        keep = rng.choice(len(users), 300, replace=False)
        users, held = users[keep], [held[i] for i in keep]
        v_users, v_held = v_users[:300], v_held[:300]
    grid = [50, 200] if quick else [20, 50, 100, 200, 500, 0]  # 0: keep all neighbours
    val = {k: warm_scores(inner, v_users, v_held, k, rng)["item-kNN co-listening"] for k in grid}
    best_k = max(grid, key=lambda k: val[k][1])
    res = warm_scores(train, users, held, best_k, rng)
    return {"rows": res, "k": best_k, "val": val, "listeners": len(users)}


@dataclass
class ColdSplit:
    train: sp.csr_matrix  # plays with every play of the test and validation artists removed
    test: np.ndarray
    val: np.ndarray
    relevant: dict[int, np.ndarray]  # artist -> its true listeners


def cold_split(data: Lastfm, n_test: int, n_val: int) -> ColdSplit:
    """Seeded, disjoint test/validation artists (>= 5 listeners, >= 3 tag assignments)."""
    csc = data.plays.tocsc()
    n_listeners = np.diff(csc.indptr)
    n_assign = np.asarray(data.tag_counts.sum(axis=1)).ravel()
    eligible = np.flatnonzero((n_listeners >= 5) & (n_assign >= 3))
    perm = np.random.default_rng(SEED).permutation(eligible)
    test, val = np.sort(perm[:n_test]), np.sort(perm[n_test : n_test + n_val])
    keep = np.ones(data.plays.shape[1], dtype=np.float32)
    keep[np.concatenate([test, val])] = 0.0
    train = sp.csr_matrix(data.plays @ sp.diags_array(keep))
    train.eliminate_zeros()
    relevant = {int(a): csc.indices[csc.indptr[a] : csc.indptr[a + 1]] for a in (*test, *val)}
    return ColdSplit(train, test, val, relevant)


def _zrows(m) -> np.ndarray:
    """Each row (one artist's scores over listeners) z-scored."""
    return np.stack([R.zscore(r) for r in m]) if len(m) else np.asarray(m)


def _row(vecs, i: int) -> np.ndarray:
    """One item's content vector as a flat dense array (TF-IDF rows are sparse)."""
    v = vecs[i]
    return np.asarray(v.todense()).ravel() if sp.issparse(v) else v


def baselines(train: sp.csr_matrix) -> dict[str, np.ndarray]:
    """Per-listener scores that ignore the item: the popularity baselines."""
    pop = np.diff(train.tocsc().indptr).astype(np.float64)  # listeners per artist
    return {
        "popularity: most plays": R.activity(train, "plays"),
        "popularity: most artists": R.activity(train, "items"),
        "mainstream: plays popular artists": np.log1p(R.binary(train) @ pop),
    }


def components(split: ColdSplit, vecs, artists: np.ndarray, center: bool, ks, powers):
    """z-scored parts of the blend for the artists (artists x listeners): taste, history per
    power, lookalike per k; the same rank.py functions the product calls."""
    if center:
        _, vecs = R.center_vectors(np.zeros(vecs.shape[1]), vecs)
    tastes = R.taste_vectors(split.train, vecs)
    rows = [_row(vecs, a) for a in artists]
    taste = _zrows(np.stack([np.asarray(tastes @ v).ravel() for v in rows]))
    hist = [[R.history_match_scores(v, vecs, split.train, p) for v in rows] for p in powers]
    look = [
        [np.log1p(R.lookalike_listener_scores(v, vecs, split.train, k)) for v in rows] for k in ks
    ]
    by_power = dict(zip(powers, map(_zrows, hist), strict=True))
    return taste, by_power, dict(zip(ks, map(_zrows, look), strict=True))


GRID = {"k": [25, 50, 100, 200], "power": [4.0, 8.0, 12.0], "act": [0.0, 0.1, 0.25]}
QUICK_GRID = {"k": [50, 100], "power": [8.0], "act": [0.0, 0.25]}


def grid(quick: bool, center_options: list[bool]):
    """Every ColdStartParams the validation search tries (activity weight kept >= 0: on this data
    a negative weight would exploit the hidden plays, see the report notes)."""
    g = QUICK_GRID if quick else GRID
    weights = itertools.product([0.0, 0.5, 1.0], [0.0, 1.0], [0.0, 0.5, 1.0])
    for center, (tw, hw, lw) in itertools.product(center_options, weights):
        if tw == hw == lw == 0:
            continue
        ks = g["k"] if lw else g["k"][:1]  # k and power only matter with their part
        for k, power, aw in itertools.product(ks, g["power"] if hw else g["power"][:1], g["act"]):
            yield R.ColdStartParams(taste_weight=tw, history_weight=hw, lookalike_weight=lw,
                                    activity_weight=aw, k=k, power=power, center=center)  # fmt: skip


def tune(split: ColdSplit, vecs, quick: bool, center_options: list[bool]) -> dict:
    """Best params by validation NDCG@50: the blend, and each content part alone."""
    g = QUICK_GRID if quick else GRID
    comps = {c: components(split, vecs, split.val, c, g["k"], g["power"]) for c in center_options}
    act = R.activity(split.train)
    rel = [split.relevant[int(a)] for a in split.val]
    results = []
    for p in grid(quick, center_options):
        taste, hist, look = comps[p.center]
        sc = p.activity_weight * act + p.taste_weight * taste
        sc = sc + p.history_weight * hist[p.power] + p.lookalike_weight * look[p.k]
        results.append((mean_metrics(sc, rel, 50), p))

    def best(keep) -> tuple:
        return max((r for r in results if keep(r[1])), key=lambda r: r[0][1])

    return {
        "blend": best(lambda p: True),
        "taste only": best(lambda p: p.history_weight == p.lookalike_weight == 0),
        "history only": best(lambda p: p.taste_weight == p.lookalike_weight == 0),
        "lookalike only": best(lambda p: p.taste_weight == p.history_weight == 0),
    }


def product_scores(split: ColdSplit, vecs, artists: np.ndarray, p: R.ColdStartParams, query=None):
    """The product path, end to end: index the catalogue once, then score each new artist."""
    index = R.ColdStartIndex.build(split.train, vecs, p)
    query = vecs if query is None else query
    t0 = time.perf_counter()
    rows = [index.scores(_row(query, a)) for a in artists]
    ms = 1000 * (time.perf_counter() - t0) / max(len(artists), 1)
    return np.stack(rows), ms


def nonlistener_vectors(data: Lastfm, artists: np.ndarray) -> np.ndarray:
    """Leak check: MiniLM vectors of the artists' texts from tags by NON-listeners only."""
    a = data.assignments
    by_listener = np.asarray(data.plays[a[:, 0], a[:, 1]]).ravel() > 0
    counts = _tag_matrix(a[~by_listener], data.plays.shape[1], len(data.tag_names))
    texts = artist_texts(counts[artists], data.tag_names, N_TAGS)
    out = np.zeros((data.plays.shape[1], 384), dtype=np.float32)
    out[artists] = encode_minilm(texts)
    return out


def score_test_artists(split: ColdSplit, best: dict, vecs: dict, rel: dict) -> tuple[dict, ...]:
    """Test figures of every tuned variant, through the product path; blends' z-scores kept."""
    rows, ms, blends = {}, {}, {}
    n = len(split.test)
    rng = np.random.default_rng(SEED + 2)
    rows["random"] = mean_metrics(rng.random((n, split.train.shape[0])), rel["test"], 50)
    for name, b in baselines(split.train).items():
        rows[name] = mean_metrics(np.tile(b, (n, 1)), rel["test"], 50)
    for enc, v in vecs.items():
        for part, (_, p) in best[enc].items():
            sets = ("val", "test") if part == "blend" else ("test",)
            sc = {s: product_scores(split, v, getattr(split, s), p) for s in sets}
            rows[f"{enc} {part}"] = mean_metrics(sc["test"][0], rel["test"], 50)
            ms[f"{enc} {part}"] = sc["test"][1]
            if part == "blend":
                blends[enc] = {s: _zrows(x[0]) for s, x in sc.items()}
    return rows, ms, blends


def cold_start(data: Lastfm, quick: bool) -> dict:
    split = cold_split(data, n_test=100 if quick else 300, n_val=100 if quick else 300)
    t0 = time.perf_counter()
    minilm = encode_minilm(artist_texts(data.tag_counts, data.tag_names, N_TAGS))
    t_encode, t0 = time.perf_counter() - t0, time.perf_counter()
    vecs = {"MiniLM": minilm, "TF-IDF": tfidf(data.tag_counts)}
    best = {e: tune(split, v, quick, [False, True] if e == "MiniLM" else [False])
            for e, v in vecs.items()}  # fmt: skip
    t_tune = time.perf_counter() - t0
    rel = {s: [split.relevant[int(a)] for a in getattr(split, s)] for s in ("val", "test")}
    rows, ms, blends = score_test_artists(split, best, vecs, rel)
    mix = {w: blends["MiniLM"]["val"] + w * blends["TF-IDF"]["val"] for w in (0.25, 0.5, 1, 2)}
    w_tf = max(mix, key=lambda w: mean_metrics(mix[w], rel["val"], 50)[1])
    both = blends["MiniLM"]["test"] + w_tf * blends["TF-IDF"]["test"]
    rows[f"MiniLM + {w_tf:g} x TF-IDF blend"] = mean_metrics(both, rel["test"], 50)
    leak_vecs = nonlistener_vectors(data, split.test)
    sc, _ = product_scores(split, minilm, split.test, best["MiniLM"]["blend"][1], query=leak_vecs)
    rows["MiniLM blend, tags by non-listeners"] = mean_metrics(sc, rel["test"], 50)
    return {
        "rows": rows, "params": {e: {k: asdict(v[1]) for k, v in b.items()} for e, b in best.items()},
        "val": {e: {k: v[0] for k, v in b.items()} for e, b in best.items()}, "tfidf_weight": w_tf,
        "artists": (len(split.test), len(split.val)), "ms_per_item": ms,
        "sec": {"encode": t_encode, "tune": t_tune},
    }  # fmt: skip


def print_report(res: dict) -> None:
    w, c = res["warm"], res["cold"]
    print(f"\nWARM START  ({w['listeners']} listeners, 20% of artists held out; item-kNN k={w['k'] or 'all'}"
          f" chosen on a validation split of train)")  # fmt: skip
    print(f"{'method':<40}{'recall@10':>10}{'NDCG@10':>10}")
    for name, (r, g) in w["rows"].items():
        print(f"{name:<40}{r:>10.4f}{g:>10.4f}")
    n_test, n_val = c["artists"]
    print(f"\nCOLD START  ({n_test} test artists, every play hidden; ranking "
          f"{res['listeners']} listeners from tags; params tuned on {n_val} validation artists)")  # fmt: skip
    print(f"{'method':<40}{'recall@50':>10}{'NDCG@50':>10}{'ms/item':>9}")
    for name, (r, g) in c["rows"].items():
        ms = c["ms_per_item"].get(name)
        print(f"{name:<40}{r:>10.4f}{g:>10.4f}" + (f"{ms:>9.1f}" if ms else ""))
    print("note: Last.fm 2K keeps each listener's top 50 artists only: activity carries little signal,\n"
          "and hiding an artist lowers its listeners' train breadth, so popularity <= random here.")  # fmt: skip
    pop = max(v[1] for k, v in c["rows"].items() if k.startswith(("popularity", "mainstream")))
    main = c["rows"]["MiniLM blend"][1]
    print(f"MiniLM blend vs best popularity baseline: NDCG@50 {main:.3f} vs {pop:.3f} "
          f"({main / max(pop, 1e-9):.1f}x)")  # fmt: skip
    for enc, p in c["params"].items():
        args = ", ".join(f"{k}={v}" for k, v in p["blend"].items())
        print(f"{enc} tuned (validation NDCG@50 {c['val'][enc]['blend'][1]:.4f}): {args}")
    t = res["sec"]
    print(f"time: load {t['load']:.1f}s, warm {t['warm']:.1f}s, MiniLM encode {c['sec']['encode']:.1f}s "
          f"(cached after the first run), cold tune {c['sec']['tune']:.1f}s, total {t['total']:.1f}s")  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and return its figures ({"skipped": why} when the data is absent)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sample, smoke check (< 1 min)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON as well")
    args = ap.parse_args(argv)
    root = Path(os.environ.get("CADENZA_LASTFM_DIR", DATA_DIR))
    if not (root / "user_artists.dat").exists():
        msg = f"SKIPPED: Last.fm 2K not found at {root} (evaluation-only data, read from ../shared; set CADENZA_LASTFM_DIR)"
        print(msg)
        return {"skipped": msg}
    t0 = time.perf_counter()
    data = load_lastfm(root)
    t_load = time.perf_counter() - t0
    warm = warm_start(data.plays, args.quick)
    t_warm = time.perf_counter() - t0 - t_load
    cold = cold_start(data, args.quick)
    sec = {"load": t_load, "warm": t_warm, "total": time.perf_counter() - t0}
    res = {"warm": warm, "cold": cold, "sec": sec, "listeners": data.plays.shape[0],
           "quick": args.quick}  # fmt: skip
    print_report(res)
    if args.json:
        print(json.dumps(res, indent=1, default=str))
    return res


if __name__ == "__main__":
    main()
