"""Insights for a song (who it can win, and why) and for a segment (what fits it, what to make).

A segment's fit for a song is a percentile: how the song's closeness to the segment's centre
compares with every catalogue song's (90 means closer than 90% of the catalogue). That reads
the same for any catalogue, where a raw cosine does not. The reasons are the musical features
the song shares with the segment's centre and the tags they have in common.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from models.audience.engine import QUANTILES, Snapshot
from models.audience.features import SongFeatures
from models.audience.segments import Segment
from models.audience.vectors import agreements
from models.errors import InputError, ModelError

PITCH_LEAD_DAYS = 7  # editorial playlist pitches go in at least 7 days before release


@dataclass
class SegmentFit:
    segment: Segment
    fit: float  # 0..100 percentile among catalogue songs
    cosine: float
    reasons: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        seg = self.segment
        return {
            "segment": seg.seg_id,
            "name": seg.name,
            "fit": round(self.fit, 1),
            "size": seg.size,
            "active_share": seg.active_share,
            "where": ", ".join(c for c, _ in seg.cities[:2])
            or ", ".join(c for c, _ in seg.countries[:2]),
            "countries": seg.countries,
            "age_bands": seg.age_bands,
            "profile": seg.profile,
            "why": self.reasons,
        }


def unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


def segment_fits(
    song: SongFeatures,
    vec: np.ndarray,
    segments: list[Segment],
    centres: np.ndarray,
    metas: list[dict],
) -> list[SegmentFit]:
    """Every segment's fit for a song, best first."""
    import json

    fits = []
    for seg, centre, meta in zip(segments, centres, metas, strict=True):
        cos = float(unit(vec) @ unit(centre))
        quantiles = json.loads(meta.get("sim_quantiles") or "[]")
        fit = float(np.interp(cos, quantiles, QUANTILES) * 100) if quantiles else 50.0
        shared = [
            t
            for t in seg.tags
            if t in {*song.genres, *song.moods, song.style or "", song.mood or ""}
        ]
        reasons = [f"shares their tags: {', '.join(shared[:3])}"] if shared else []
        reasons += agreements(unit(vec), unit(centre))
        fits.append(SegmentFit(seg, fit, cos, reasons))
    return sorted(fits, key=lambda f: (-f.fit, -f.cosine))


def likely_listeners(
    snap: Snapshot, song_id: str | None, vec: np.ndarray, n: int = 5
) -> list[dict]:
    """The listeners most likely to pick the song up (who don't play it yet), with why."""
    from models.audience.rank import cold_start_scores, top_k

    if not snap.listener_ids:
        return []
    scores = cold_start_scores(vec, snap.song_vecs, snap.plays, snap.tastes, snap.act)
    if song_id in snap.song_ids:  # already a fan: not a prospect
        j = snap.song_ids.index(song_id)
        scores[snap.plays[:, j].nonzero()[0]] = -np.inf
    sims = snap.song_vecs @ unit(vec)
    rows = []
    for i in top_k(scores, n):
        if not np.isfinite(scores[i]):
            break
        played = snap.plays[i].indices
        near = played[np.argsort(-sims[played])[:2]] if len(played) else []
        rows.append({
            "listener": snap.listener_ids[i],
            **{k: v for k, v in snap.profiles[i].items() if k != "segment"},
            "segment": f"segment-{int(snap.profiles[i].get('segment', -1)) + 1}",
            "score": round(float(scores[i]), 2),
            "plays_like": [snap.song_ids[j] for j in near],
        })  # fmt: skip
    return rows


def pitch_note(release: date | None, today: date | None = None) -> str:
    """When to pitch editorial playlists for a release date."""
    today = today or date.today()
    if release is None:
        return (
            f"Pitch it to editorial playlists at least {PITCH_LEAD_DAYS} days before release "
            "(tell me the release date and I'll give you the deadline)."
        )
    deadline = release - timedelta(days=PITCH_LEAD_DAYS)
    if release < today:
        return f"The release date {release.isoformat()} has passed; pitch the next single instead."
    if deadline < today:
        return (
            f"The release on {release.isoformat()} is under {PITCH_LEAD_DAYS} days away, so it "
            "misses the editorial pitch window: move the release, or pitch the next one."
        )
    days = (deadline - today).days
    return (
        f"Pitch it to editorial playlists by {deadline.isoformat()} ({days} day(s) from now), "
        f"at least {PITCH_LEAD_DAYS} days before the release on {release.isoformat()}."
    )


def resolve_segment(segments: list[Segment], query: str) -> Segment:
    """A segment named by id ('segment-2'), number ('2', 'the second') or description."""
    import re

    from models.embeddings.encoder import get_encoder

    if not segments:
        raise ModelError("There are no segments yet; import listening data first.")
    text = query.strip().lower()
    from models.music.vocabulary import ORDINALS

    ordinals = list(ORDINALS)
    number = re.search(r"\b(\d{1,2})\b", text)
    word = next((i for i, w in enumerate(ordinals) if re.search(rf"\b{w}\b", text)), None)
    index = int(number.group(1)) - 1 if number else word
    if index is not None:
        if 0 <= index < len(segments):
            return segments[index]
        raise InputError(f"There are {len(segments)} segments; pick one from 1 to {len(segments)}.")
    enc = get_encoder()
    q = enc.encode([query])[0]
    docs = enc.encode([f"{s.name}: {s.profile}" for s in segments])
    return segments[int(np.argmax(docs @ q))]
