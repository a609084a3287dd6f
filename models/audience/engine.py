"""Audience insights over the store: import listening data, rebuild segments, answer queries.

The store (Chroma) is the source of truth: songs, listeners (with their plays) and segments.
Queries need a few matrices (the played songs' vectors, the plays, listener tastes and
activity); they are built from the store once and cached as an `.npz` snapshot under
`CADENZA_HOME/cache`, keyed by the audience's build stamp, so a query is milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.audience.listening import Listener, ListeningData, read_plays
from models.audience.segments import AudienceModel, Segment, build_audience
from models.errors import InputError, ModelError

if TYPE_CHECKING:
    from models.audience.store import AudienceStore

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"
TOP_PLAYS_KEPT = 400  # plays per listener kept in the store (their most played songs)
QUANTILES = np.linspace(0, 1, 41)


@dataclass
class Snapshot:
    """What queries need, as matrices (rows: listeners; columns: played songs)."""

    stamp: str
    song_ids: list[str]
    song_vecs: np.ndarray
    plays: Any  # csr (L, S)
    listener_ids: list[str]
    tastes: np.ndarray
    act: np.ndarray
    profiles: list[dict[str, Any]]


# -- building -----------------------------------------------------------------------------------
def import_listening(
    store: AudienceStore, plays: Path, profiles: Path | None = None, dataset: str = "yours"
) -> dict[str, Any]:
    """Replace the listening data with a plays CSV (and profiles), then rebuild the segments.

    All or nothing: the file is read and the new audience computed before anything is written,
    so a refused import (no listener plays a catalogue song, too few listeners) changes nothing.
    The label's own data also replaces the demo: the demo's songs leave the catalogue, once the
    new audience is known to build without them.
    """
    data = read_plays(plays, profiles)
    drop_demo = dataset != "demo" and bool(store.catalog.get(where={"origin": "demo"}, limit=1)["ids"])
    model = rebuild_audience(store, data, dataset, drop_demo=drop_demo)
    return {
        "listeners": len(data.listeners),
        "rows": data.rows,
        "skipped": data.skipped[:20],
        "skipped_count": len(data.skipped),
        "segments": len(model.segments),
        "unknown_songs": model.unknown_songs,
        "silent_listeners": model.silent_listeners,
    }


def listening_from_store(store: AudienceStore) -> ListeningData:
    ids, _, metas = store.listener_entries()
    listeners = {}
    for lid, meta in zip(ids, metas, strict=True):
        li = Listener(lid, plays=json.loads(meta.get("plays_json") or "{}"))
        li.profile = {
            k: meta[k] for k in ("country", "city", "age_band", "platform") if meta.get(k)
        }
        li.recent = int(meta.get("recent", 0))
        listeners[lid] = li
    return ListeningData(listeners=listeners)


def rebuild_audience(
    store: AudienceStore, data: ListeningData | None = None, dataset: str | None = None,
    drop_demo: bool = False,
) -> AudienceModel:
    """Recompute tastes, segments and song statistics from the listening data and catalogue
    (without the demo's songs, which then leave the catalogue, with `drop_demo`). Everything is
    computed before the first write: a refusal leaves the store as it was."""
    from models.audience.rank import co_listening

    if data is None:
        data = listening_from_store(store)
        dataset = dataset or _dataset(store)
    songs, vecs, metas = store.catalog_entries()
    if drop_demo:
        keep = [i for i, meta in enumerate(metas) if meta.get("origin") != "demo"]
        songs, vecs = [songs[i] for i in keep], vecs[keep]
    if not songs:
        raise ModelError(
            "The catalogue has no songs of yours yet" + (" (only the demo's)" if drop_demo else "")
            + ". Import your songs first: `cadenza catalog import DIR`; nothing was changed."
        )
    try:
        model = build_audience(data, songs, vecs)
    except ValueError as exc:
        raise InputError(f"{exc} Nothing was changed.") from exc
    if drop_demo:
        store.catalog.delete(where={"origin": "demo"})
    stamp = f"{time.time():.3f}"
    store.replace_listeners(*_listener_rows(model, data, stamp, vecs))
    store.replace_segments(*_segment_rows(model, vecs, stamp, dataset or "yours"))
    col = model.plays.tocsc()
    extra = []
    for j in range(len(songs)):
        fans = co_listening(model.plays, j, n=5) if col.indptr[j + 1] > col.indptr[j] else []
        extra.append({
            "plays_total": int(col[:, j].sum()),
            "listeners": int(col.indptr[j + 1] - col.indptr[j]),
            "fans_also_like": json.dumps([[songs[i].song_id, round(s, 3)] for i, s in fans]),
        })  # fmt: skip
    store.upsert_songs(songs, vecs, extra)
    return model


def _dataset(store: AudienceStore) -> str:
    _, _, metas = store.segment_entries()
    return str(metas[0].get("dataset", "yours")) if metas else "yours"


def _listener_rows(model: AudienceModel, data: ListeningData, stamp: str, vecs: np.ndarray):  # noqa: ANN202
    segment_of = dict(zip(model.listener_ids, model.labels.tolist(), strict=True))
    taste_of = dict(zip(model.listener_ids, model.tastes, strict=True))
    neutral = vecs.mean(axis=0)
    neutral = neutral / max(float(np.linalg.norm(neutral)), 1e-9)
    ids, rows, metas = [], [], []
    for lid, li in data.listeners.items():
        top = dict(sorted(li.plays.items(), key=lambda kv: -kv[1])[:TOP_PLAYS_KEPT])
        meta = {**li.profile, "plays_total": li.total, "recent": li.recent, "active": li.active,
                "segment": int(segment_of.get(lid, -1)), "plays_json": json.dumps(top), "stamp": stamp}  # fmt: skip
        ids.append(lid)
        rows.append(taste_of.get(lid, neutral))  # listeners of no catalogue song: kept, not ranked
        metas.append(meta)
    return ids, np.asarray(rows, dtype=np.float32), metas


def _segment_rows(model: AudienceModel, vecs: np.ndarray, stamp: str, dataset: str):  # noqa: ANN202
    unit = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    ids, metas = [], []
    for seg, centre in zip(model.segments, model.centres, strict=True):
        sims = unit @ (centre / max(float(np.linalg.norm(centre)), 1e-9))
        meta = seg.to_metadata()
        meta.update(dataset=dataset, stamp=stamp, listeners_total=len(model.listener_ids),
                    sim_quantiles=json.dumps(np.quantile(sims, QUANTILES).round(4).tolist()))  # fmt: skip
        ids.append(seg.seg_id)
        metas.append(meta)
    return ids, model.centres, metas


def ensure_audience(store: AudienceStore, progress=lambda f, m="": None) -> str | None:  # noqa: ANN001
    """With no listening data in the store, load the synthetic demo; returns a note saying so."""
    from models.audience.catalog import import_folder

    if store.segment_entries()[0]:
        return "Demo data: synthetic listeners." if _dataset(store) == "demo" else None
    if not (DEMO_DIR / "plays.csv").is_file():
        raise ModelError(
            "There is no listening data yet. Import your label's plays: "
            "`cadenza audience import plays.csv --profiles listeners.csv` (format in the README)."
        )
    progress(0.1, "loading the demo catalogue")
    import_folder(
        DEMO_DIR / "catalog", store, lambda f, m="": progress(0.1 + 0.6 * f, m), origin="demo"
    )
    progress(0.75, "building the demo segments")
    import_listening(store, DEMO_DIR / "plays.csv", DEMO_DIR / "listeners.csv", dataset="demo")
    return demo_note()


def demo_note() -> str:
    return (
        "These insights use the demo data (synthetic listeners, data/demo); import your own with "
        "`cadenza audience import plays.csv --profiles listeners.csv`."
    )


# -- the query snapshot -------------------------------------------------------------------------
_SNAPSHOTS: dict[str, Snapshot] = {}


def snapshot(store: AudienceStore, cache_dir: Path) -> Snapshot:
    """The matrices for queries, for the store's current audience build (cached in memory and on disk)."""
    _, _, seg_metas = store.segment_entries()
    if not seg_metas:
        raise ModelError("There are no segments yet; import listening data first.")
    stamp = str(seg_metas[0].get("stamp"))
    key = f"{store.location}:{stamp}"
    if key in _SNAPSHOTS:
        return _SNAPSHOTS[key]
    path = cache_dir / f"audience-{hashlib.sha1(key.encode()).hexdigest()[:12]}.npz"
    snap = _load_snapshot(path, stamp) or _build_snapshot(store, stamp)
    _save_snapshot(snap, path)
    _SNAPSHOTS.clear()
    _SNAPSHOTS[key] = snap
    return snap


def _build_snapshot(store: AudienceStore, stamp: str) -> Snapshot:
    from scipy.sparse import csr_matrix

    from models.audience.rank import ColdStartParams, prepare_cold_start

    ids, _, metas = store.listener_entries()
    ranked = [(i, m) for i, m in zip(ids, metas, strict=True) if int(m.get("segment", -1)) >= 0]
    plays = [json.loads(m.get("plays_json") or "{}") for _, m in ranked]
    played = sorted({s for p in plays for s in p})
    songs, vecs, _ = store.catalog_entries(played)
    index = {s.song_id: j for j, s in enumerate(songs)}
    rows, cols, vals = [], [], []
    for r, p in enumerate(plays):
        for sid, n in p.items():
            if sid in index:
                rows.append(r)
                cols.append(index[sid])
                vals.append(float(n))
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(ranked), len(songs)), dtype=np.float32)
    tastes, act = prepare_cold_start(matrix, vecs, ColdStartParams())
    profiles = [
        {
            k: m[k]
            for k in ("country", "city", "age_band", "platform", "active", "segment")
            if k in m
        }
        for _, m in ranked
    ]
    return Snapshot(stamp, [s.song_id for s in songs], vecs, matrix, [i for i, _ in ranked],
                    np.asarray(tastes, dtype=np.float32), act, profiles)  # fmt: skip


def _save_snapshot(snap: Snapshot, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    p = snap.plays.tocoo()
    np.savez(tmp, stamp=snap.stamp, song_ids=np.array(snap.song_ids), song_vecs=snap.song_vecs,
             rows=p.row, cols=p.col, vals=p.data, shape=np.array(p.shape),
             listener_ids=np.array(snap.listener_ids), tastes=snap.tastes, act=snap.act,
             profiles=json.dumps(snap.profiles))  # fmt: skip
    tmp.replace(path)


def _load_snapshot(path: Path, stamp: str) -> Snapshot | None:
    from scipy.sparse import csr_matrix

    try:
        with np.load(path) as z:
            if str(z["stamp"]) != stamp:
                return None
            plays = csr_matrix((z["vals"], (z["rows"], z["cols"])), shape=tuple(z["shape"]))
            return Snapshot(stamp, z["song_ids"].tolist(), z["song_vecs"], plays,
                            z["listener_ids"].tolist(), z["tastes"], z["act"],
                            json.loads(str(z["profiles"])))  # fmt: skip
    except (OSError, KeyError, ValueError):
        return None


def segments_of(store: AudienceStore) -> tuple[list[Segment], np.ndarray, list[dict[str, Any]]]:
    ids, centres, metas = store.segment_entries()
    return [Segment.from_metadata(m) for m in metas], centres, metas
