"""Ranking listeners for a song, and songs for a listener: the numpy core of audience insights.

Everything here works on one listeners x items play matrix (scipy sparse, play counts) and,
for the content side, one items x d matrix of content vectors (MiniLM text vectors of an item's
tags, unit length; a sparse TF-IDF matrix works too). No torch, no Chroma: the product builds
the matrices from its store and calls these functions; the benchmark calls the same ones on
Last.fm listeners (`benchmarks/audience_lastfm.py`).

Two questions are answered:
- cold start: a brand-new item with no plays, known only by its content vector. Which listeners
  will it win? Each listener gets a taste vector (the play-weighted mean of the content of what
  they play); the item is compared with every taste, with the closest corner of each history
  (history match, a soft maximum), and with the listeners of the items whose content is closest
  to it (lookalike audiences); a small activity prior favours listeners who play a lot of
  different things. `cold_start_scores` (or `ColdStartIndex`) is the blend the product uses.
- warm start: which items for a listener, from co-listening (item-item cosine over listener
  sets, nearest neighbours only), and which items share an item's fans (`co_listening`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

Vectors = np.ndarray | sp.spmatrix | sp.sparray

# Activity always breaks exact ties (e.g. listeners with no content history), even at weight 0.
TIE_BREAK = 1e-6
WARM_K = 500  # neighbours per item for warm-start item-kNN (see item_similarity)


@dataclass(frozen=True)
class ColdStartParams:
    """The cold-start blend. Defaults are the values chosen on the benchmark's VALIDATION artists.

    `python benchmarks/audience_lastfm.py` (HetRec 2011 Last.fm 2K, 300 validation artists with
    every play hidden, MiniLM vectors of their top-10 tags) grid-searched these by NDCG@50 of the
    true listeners (validation 0.385; test 0.379, popularity 0.022); the test artists were never
    used to choose them. Weights act on z-scored parts, so they keep their meaning when the
    catalogue or the number of listeners changes.

    Attributes:
        taste_weight: weight of the cosine between the item and each listener's taste vector.
        history_weight: weight of the history match (soft maximum of the item's cosine to each
            item the listener plays; see `history_match_scores`).
        lookalike_weight: weight of the lookalike score (listeners of the k most similar items).
        activity_weight: weight of the activity prior (>= 0: more active listeners are likelier).
        k: how many similar items form the lookalike audience.
        power: sharpness of the history match (1 = plain mean cosine, higher = closer to max).
        center: subtract the mean item vector first; MiniLM vectors of tag lists all share a
            large common direction, and removing it makes cosines discriminate between styles.
    """

    taste_weight: float = 1.0
    history_weight: float = 1.0
    lookalike_weight: float = 0.5
    activity_weight: float = 0.25
    k: int = 50
    power: float = 8.0
    center: bool = True


def _as_csr(plays: Vectors) -> sp.csr_matrix:
    """Float32 CSR copy-free where possible (the product may pass COO, CSC or a dense array)."""
    return sp.csr_matrix(plays, dtype=np.float32)


def play_weights(plays: Vectors) -> sp.csr_matrix:
    """log1p of play counts: a listener's 1,000th play of an artist says little more than the 100th."""
    w = _as_csr(plays).copy()
    np.log1p(np.maximum(w.data, 0.0), out=w.data)
    w.eliminate_zeros()
    return w


def binary(plays: Vectors) -> sp.csr_matrix:
    """1 where a listener played an item at all."""
    b = _as_csr(plays).copy()
    b.data = (b.data > 0).astype(np.float32)
    b.eliminate_zeros()
    return b


def l2_rows(m: Vectors) -> Vectors:
    """Rows scaled to unit length; all-zero rows stay zero (never NaN)."""
    if sp.issparse(m):
        m = sp.csr_matrix(m, dtype=np.float32)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        return sp.diags_array(1.0 / np.where(norms > 0, norms, 1.0)) @ m
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.where(norms > 0, norms, 1.0)


def zscore(x: np.ndarray) -> np.ndarray:
    """(x - mean) / std across listeners; a constant (or empty) vector gives zeros."""
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return x
    std = x.std()
    return (x - x.mean()) / std if std > 1e-12 else np.zeros_like(x)


def item_mean(item_vecs: Vectors) -> np.ndarray | None:
    """Mean of the items that have content (None for sparse vectors: TF-IDF is not centred)."""
    if sp.issparse(item_vecs) or item_vecs.shape[0] == 0:
        return None
    has = np.abs(item_vecs).sum(axis=1) > 0
    return item_vecs[has].mean(axis=0) if has.any() else np.zeros(item_vecs.shape[1], np.float32)


def center_vectors(item_vec: np.ndarray, item_vecs: Vectors) -> tuple[np.ndarray, Vectors]:
    """Subtract the mean item vector from both and re-normalise (dense only; sparse as is).

    Sentence vectors of tag lists are all alike in one big shared direction ("music, genre"),
    so raw cosines sit in a narrow band; centring leaves what tells one style from another.
    Items without content stay zero.
    """
    mean = item_mean(item_vecs)
    if mean is None:
        return np.asarray(item_vec, dtype=np.float32), item_vecs
    has = np.abs(item_vecs).sum(axis=1, keepdims=True) > 0
    centred = l2_rows(np.where(has, item_vecs - mean, 0.0))
    return l2_rows(np.asarray(item_vec, dtype=np.float32) - mean), centred


def taste_vectors(plays: Vectors, item_vecs: Vectors) -> Vectors:
    """Listeners x d taste vectors: the log1p-play-weighted mean content of what each one plays.

    L2-normalised so that a listener's score for a new item is a cosine, independent of how
    much they play (activity is a separate, explicit prior). Listeners who play nothing with
    content get a zero vector and score 0 on content.
    """
    w = play_weights(plays)
    if w.shape[1] != item_vecs.shape[0]:
        raise ValueError(f"plays has {w.shape[1]} items but item_vecs has {item_vecs.shape[0]}")
    tastes = w @ item_vecs
    return l2_rows(tastes if sp.issparse(tastes) else np.asarray(tastes))


def activity(plays: Vectors, measure: Literal["items", "plays"] = "items") -> np.ndarray:
    """Per-listener activity prior: z-scored log1p of distinct items (or of total plays).

    Breadth ("items") is the default: a listener who plays many different artists is likelier
    to pick up any given new one. Total plays is the alternative where histories are truncated
    (Last.fm 2K keeps only each listener's top 50 artists, so breadth is nearly constant there).
    """
    p = _as_csr(plays)
    raw = np.diff(p.indptr) if measure == "items" else np.asarray(p.sum(axis=1)).ravel()
    return zscore(np.log1p(np.maximum(raw, 0)))


def _dense_scores(vectors: Vectors, item_vec: np.ndarray) -> np.ndarray:
    """vectors @ item_vec as a flat float64 array, for dense or sparse vectors."""
    return np.asarray(vectors @ np.asarray(item_vec, dtype=np.float32), dtype=np.float64).ravel()


def rank_listeners(
    item_vec: np.ndarray,
    tastes: Vectors,
    act: np.ndarray,
    *,
    activity_weight: float = ColdStartParams.activity_weight,
) -> np.ndarray:
    """Score every listener for a new item from content alone: z(cosine to taste) + w * activity.

    The cosine is z-scored across listeners so that `activity_weight` means the same thing for
    any encoder; the prior only reorders listeners whose tastes fit the item about equally.
    """
    cos = zscore(_dense_scores(tastes, item_vec))
    return cos + (activity_weight + TIE_BREAK) * np.asarray(act, dtype=np.float64)


def _played_items(b: sp.csr_matrix) -> np.ndarray:
    """Mask of items somebody plays (the only useful neighbours: the others carry no audience)."""
    return np.diff(b.tocsc().indptr) > 0


def lookalike_listener_scores(
    item_vec: np.ndarray, item_vecs: Vectors, plays: Vectors, k: int = ColdStartParams.k
) -> np.ndarray:
    """Listeners of the k items most similar in content, each counted with that similarity.

    A listener gets sum over the k nearest items j of max(cos(item, j), 0) * played(j). Items
    nobody plays are skipped as neighbours, so a catalogue full of other new songs does not
    crowd out the useful ones.
    """
    b = binary(plays)
    if b.shape[1] == 0 or k <= 0:
        return np.zeros(b.shape[0])
    sims = _dense_scores(item_vecs, item_vec)
    sims[~_played_items(b)] = -np.inf
    k = min(k, b.shape[1])
    top = np.argpartition(-sims, k - 1)[:k]
    weights = np.maximum(np.where(np.isfinite(sims[top]), sims[top], 0.0), 0.0)
    return np.asarray(b[:, top] @ weights, dtype=np.float64).ravel()


def history_match_scores(
    item_vec: np.ndarray, item_vecs: Vectors, plays: Vectors, power: float = 8.0
) -> np.ndarray:
    """How closely the item matches the BEST parts of each listener's history.

    The play-weighted mean over the listener's items j of max(cos(item, j), 0) ** power. A high
    power makes it a soft maximum: a listener with one corner of their taste right on the item
    scores well even when the mean taste vector (a blur of all their styles) points elsewhere.
    """
    w = play_weights(plays)
    if w.shape[1] == 0:
        return np.zeros(w.shape[0])
    kernel = np.maximum(_dense_scores(item_vecs, item_vec), 0.0) ** power
    total = np.asarray(w.sum(axis=1), dtype=np.float64).ravel()
    matched = np.asarray(w @ kernel, dtype=np.float64).ravel()
    return np.divide(matched, total, out=np.zeros_like(matched), where=total > 0)


def _blend(
    item_vec: np.ndarray,
    item_vecs: Vectors,
    plays: Vectors,
    tastes: Vectors,
    act: np.ndarray,
    p: ColdStartParams,
) -> np.ndarray:
    """Weighted sum of the z-scored parts; vectors already centred when p.center."""
    score = (p.activity_weight + TIE_BREAK) * np.asarray(act, dtype=np.float64)
    if p.taste_weight:
        score = score + p.taste_weight * zscore(_dense_scores(tastes, item_vec))
    if p.history_weight:
        hist = history_match_scores(item_vec, item_vecs, plays, power=p.power)
        score = score + p.history_weight * zscore(hist)
    if p.lookalike_weight:
        look = lookalike_listener_scores(item_vec, item_vecs, plays, k=p.k)
        score = score + p.lookalike_weight * zscore(np.log1p(look))
    return score


def cold_start_scores(
    item_vec: np.ndarray,
    item_vecs: Vectors,
    plays: Vectors,
    tastes: Vectors,
    act: np.ndarray,
    params: ColdStartParams = ColdStartParams(),
) -> np.ndarray:
    """The product's cold-start ranking: taste + history match + lookalike + activity prior.

    Each content part is z-scored across listeners before weighting, so the weights compare
    like with like. `tastes` must come from the same (centred, if params.center) item vectors:
    `prepare_cold_start` builds them and `act`. Scoring many new items against one catalogue?
    `ColdStartIndex` does the centring once instead of per call (same scores, faster).
    """
    if params.center:
        item_vec, item_vecs = center_vectors(item_vec, item_vecs)
    return _blend(item_vec, item_vecs, plays, tastes, act, params)


def prepare_cold_start(
    plays: Vectors, item_vecs: Vectors, params: ColdStartParams = ColdStartParams()
) -> tuple[Vectors, np.ndarray]:
    """(tastes, activity) for `cold_start_scores`, built once per catalogue, not per new item."""
    if params.center:
        _, item_vecs = center_vectors(np.zeros(item_vecs.shape[1]), item_vecs)
    return taste_vectors(plays, item_vecs), activity(plays)


@dataclass(frozen=True)
class ColdStartIndex:
    """A catalogue ready for cold-start queries: everything that does not depend on the new item."""

    item_vecs: Vectors  # centred and re-normalised when params.center
    mean: np.ndarray | None  # subtracted from each new item's vector (None: no centring)
    plays: sp.csr_matrix
    tastes: Vectors
    act: np.ndarray
    params: ColdStartParams

    @classmethod
    def build(
        cls, plays: Vectors, item_vecs: Vectors, params: ColdStartParams = ColdStartParams()
    ) -> ColdStartIndex:
        mean = item_mean(item_vecs) if params.center else None
        if mean is not None:
            _, item_vecs = center_vectors(mean, item_vecs)
        plays = _as_csr(plays)
        return cls(item_vecs, mean, plays, taste_vectors(plays, item_vecs), activity(plays), params)

    def scores(self, item_vec: np.ndarray) -> np.ndarray:
        """`cold_start_scores` for one new item's content vector."""
        v = np.asarray(item_vec, dtype=np.float32)
        if self.mean is not None:
            v = l2_rows(v - self.mean)
        return _blend(v, self.item_vecs, self.plays, self.tastes, self.act, self.params)


def item_similarity(plays: Vectors, k: int = WARM_K) -> sp.csr_matrix:
    """Items x items cosine over listener sets, keeping each item's k nearest (k <= 0: all).

    Cosine on binary listening: two artists are alike when the same people play them. Pruning
    to the k nearest bounds memory on big catalogues; on Last.fm 2K (validation split of the
    warm-start benchmark) NDCG@10 rose with k and levelled off by k = 500 (.1655 vs .1675 for
    all neighbours, .126 at k = 50), hence the default.
    """
    b = l2_rows(binary(plays).T.tocsr())  # items x listeners, unit rows
    sim = sp.csr_matrix(b @ b.T)
    sim.setdiag(0)
    sim.eliminate_zeros()
    if k <= 0 or sim.nnz == 0:
        return sim
    coo = sim.tocoo()
    order = np.lexsort((-coo.data, coo.row))  # by row, then by similarity descending
    rows, cols, vals = coo.row[order], coo.col[order], coo.data[order]
    starts = np.searchsorted(rows, rows, side="left")
    keep = (np.arange(rows.size) - starts) < k
    return sp.csr_matrix((vals[keep], (rows[keep], cols[keep])), shape=sim.shape)


def item_knn_scores(
    plays: Vectors,
    listener_idx: np.ndarray | list[int],
    k: int = WARM_K,
    sim: sp.csr_matrix | None = None,
) -> np.ndarray:
    """Warm start: (len(listener_idx), items) scores; items a listener already has are -inf.

    score(u, i) = sum over u's items j of log1p(plays[u, j]) * sim(j, i), sim from
    `item_similarity` (pass it in to reuse it across calls).
    """
    p = _as_csr(plays)
    sim = item_similarity(p, k) if sim is None else sim
    rows = play_weights(p[np.asarray(listener_idx, dtype=np.int64)])
    scores = np.asarray((rows @ sim).todense(), dtype=np.float64)
    seen = rows.tocoo()
    scores[seen.row, seen.col] = -np.inf
    return scores


def co_listening(plays: Vectors, item: int, n: int = 5) -> list[tuple[int, float]]:
    """ "Fans also like": the n items whose listener sets overlap the item's most (Jaccard).

    Jaccard rather than raw overlap, so that the most popular items do not top every list.
    """
    b = binary(plays).tocsc()
    if not 0 <= item < b.shape[1]:
        raise IndexError(f"item {item} out of range for {b.shape[1]} items")
    inter = np.asarray((b[:, [item]].T @ b).todense(), dtype=np.float64).ravel()
    counts = np.diff(b.indptr).astype(np.float64)
    union = counts[item] + counts - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    jac[item] = 0.0
    order = np.argsort(-jac, kind="stable")[:n]
    return [(int(j), float(jac[j])) for j in order if jac[j] > 0]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first (ties: lower index first)."""
    scores = np.asarray(scores, dtype=np.float64)
    k = min(k, scores.size)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.lexsort((part, -scores[part]))]


def recall_at_k(scores: np.ndarray, relevant: np.ndarray | list[int], k: int) -> float:
    """Share of the relevant candidates that are in the top k (0 when none are relevant)."""
    rel = np.unique(np.asarray(relevant, dtype=np.int64))
    if rel.size == 0:
        return 0.0
    return float(np.isin(top_k(scores, k), rel).sum() / rel.size)


def ndcg_at_k(scores: np.ndarray, relevant: np.ndarray | list[int], k: int) -> float:
    """Binary-relevance NDCG@k: DCG of the top k over the DCG of a perfect top k."""
    rel = np.unique(np.asarray(relevant, dtype=np.int64))
    if rel.size == 0:
        return 0.0
    hits = np.isin(top_k(scores, k), rel)
    discounts = 1.0 / np.log2(np.arange(2, hits.size + 2))
    ideal = discounts[: min(rel.size, k)].sum() if hits.size else 1.0
    return float((hits * discounts).sum() / ideal)
