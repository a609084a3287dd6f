"""Listener segments from the label's plays and the catalogue's content vectors.

Each listener's taste is the play-weighted mean of the content vectors of what they play
(`rank.taste_vectors`). Listeners are clustered with k-means on their taste beside what they
play (their log-play row, unit length; reduced by SVD for large catalogues), equally weighted;
k is chosen by the silhouette score between 3 and 8. On the demo data this recovers the five
planted segments (adjusted Rand index 0.83; taste alone: 0.53, as silhouette then picks k=3).
A segment's centre is the mean taste of its members, in the songs' content space. A segment is then described in a producer's words from what
its members play: the label's tags, the musical numbers of its centre ("slow tempo, minor key"),
where its members are, how many are active, and the parameters to write for it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from models.audience.features import SongFeatures
from models.audience.listening import ListeningData
from models.audience.vectors import NUMERIC, NUMERIC_WORDS, numeric_of

K_RANGE = range(3, 9)
MIN_LISTENERS = 12  # below this, clustering says nothing
BEHAVIOUR_DIMS = 128


@dataclass
class Segment:
    seg_id: str
    rank: int  # by size, largest first
    size: int
    active_share: float
    name: str
    profile: str  # "late night, melancholy, piano; slow tempo, minor key, low energy"
    tags: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    countries: list[tuple[str, float]] = field(default_factory=list)
    cities: list[tuple[str, float]] = field(default_factory=list)
    age_bands: list[tuple[str, float]] = field(default_factory=list)
    platforms: list[tuple[str, float]] = field(default_factory=list)
    top_songs: list[str] = field(default_factory=list)
    make: dict[str, Any] = field(default_factory=dict)  # compose parameters to write for it

    def to_metadata(self) -> dict[str, Any]:
        return {
            k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in asdict(self).items()
        }

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> Segment:
        data = {}
        for k in cls.__dataclass_fields__:
            value = meta.get(k)
            if isinstance(value, str) and k in (
                "tags",
                "words",
                "countries",
                "cities",
                "age_bands",
                "platforms",
                "top_songs",
                "make",
            ):
                value = json.loads(value)
                if k in ("countries", "cities", "age_bands", "platforms"):
                    value = [tuple(v) for v in value]
            data[k] = value
        return cls(**data)


@dataclass
class AudienceModel:
    listener_ids: list[str]
    tastes: np.ndarray  # (L, DIM)
    labels: np.ndarray  # (L,) segment index
    segments: list[Segment]
    centres: np.ndarray  # (k, DIM)
    plays: Any  # scipy.sparse.csr_matrix (L, S): plays of catalogue songs
    song_ids: list[str]
    unknown_songs: int = 0  # ids in the plays that aren't in the catalogue
    silent_listeners: int = 0  # listeners none of whose plays are in the catalogue


def play_matrix(data: ListeningData, song_ids: list[str]):  # noqa: ANN201 (scipy type)
    """(listeners with a known song, csr plays matrix, unknown song count)."""
    from scipy.sparse import csr_matrix

    index = {s: i for i, s in enumerate(song_ids)}
    rows, cols, vals, kept = [], [], [], []
    unknown = set()
    for lid, listener in data.listeners.items():
        known = [(index[s], p) for s, p in listener.plays.items() if s in index]
        unknown.update(s for s in listener.plays if s not in index)
        if not known:
            continue
        r = len(kept)
        kept.append(lid)
        for c, p in known:
            rows.append(r)
            cols.append(c)
            vals.append(float(p))
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(kept), len(song_ids)), dtype=np.float32)
    return kept, matrix, len(unknown)


def listener_features(tastes: np.ndarray, plays, seed: int = 0) -> np.ndarray:  # noqa: ANN001
    """What listeners are clustered on: taste (content) beside behaviour (what they play)."""
    from models.audience.rank import l2_rows, play_weights

    behaviour = l2_rows(play_weights(plays))
    if behaviour.shape[1] > BEHAVIOUR_DIMS:
        from sklearn.decomposition import TruncatedSVD

        svd = TruncatedSVD(n_components=BEHAVIOUR_DIMS, random_state=seed)
        behaviour = l2_rows(svd.fit_transform(behaviour))
    else:
        behaviour = behaviour.toarray()
    return np.hstack([tastes, behaviour]).astype(np.float32)


def cluster(features: np.ndarray, seed: int = 0) -> np.ndarray:
    """k-means labels; k by the best silhouette score in K_RANGE."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    distinct = len(np.unique(features.round(5), axis=0))
    if distinct <= K_RANGE.start:  # as many kinds of listener as segments: no choice to make
        return (
            KMeans(n_clusters=max(distinct, 1), n_init=1, random_state=seed).fit(features).labels_
        )
    best = None
    for k in K_RANGE:
        if k >= distinct:
            break
        km = KMeans(n_clusters=k, n_init=8, random_state=seed).fit(features)
        sample = min(len(features), 3000)
        score = silhouette_score(features, km.labels_, sample_size=sample, random_state=seed)
        if best is None or score > best[0] + 1e-3:
            best = (score, km)
    assert best is not None
    return best[1].labels_


def build_audience(
    data: ListeningData, songs: list[SongFeatures], vectors: np.ndarray, seed: int = 0
) -> AudienceModel:
    from models.audience.rank import taste_vectors

    song_ids = [s.song_id for s in songs]
    kept, plays, unknown = play_matrix(data, song_ids)
    if len(kept) < MIN_LISTENERS:
        raise ValueError(
            f"Only {len(kept)} listeners play songs in the catalogue; segments need at least "
            f"{MIN_LISTENERS}. Import the songs they play first (`cadenza catalog import DIR`)."
        )
    tastes = np.asarray(taste_vectors(plays, vectors), dtype=np.float32)
    labels = cluster(listener_features(tastes, plays, seed), seed)
    order = np.argsort(-np.bincount(labels), kind="stable")  # largest segment first
    remap = np.empty_like(order)
    remap[order] = np.arange(len(order))
    labels = remap[labels]
    centres = np.stack([tastes[labels == i].mean(axis=0) for i in range(len(order))])
    segments = [
        describe_segment(i, np.flatnonzero(labels == i), centres[i], data, kept, plays, songs)
        for i in range(len(centres))
    ]
    return AudienceModel(
        kept, tastes, labels, segments, centres, plays, song_ids, unknown,
        len(data.listeners) - len(kept),
    )  # fmt: skip


def _shares(values: list[str], n: int = 3) -> list[tuple[str, float]]:
    known = [v for v in values if v]
    if not known:
        return []
    return [(v, round(c / len(values), 3)) for v, c in Counter(known).most_common(n)]


def describe_segment(
    i: int,
    members: np.ndarray,
    centre: np.ndarray,
    data: ListeningData,
    listener_ids: list[str],
    plays,  # noqa: ANN001 (csr matrix)
    songs: list[SongFeatures],
) -> Segment:
    listeners = [data.listeners[listener_ids[m]] for m in members]
    weight = np.asarray(np.log1p(plays[members]).sum(axis=0)).ravel()  # per song
    top = np.argsort(-weight)[:5]
    tags = _top_tags(songs, weight)
    words = _centre_words(centre)
    profile = ", ".join(tags[:4]) + ("; " + ", ".join(words) if words else "")
    return Segment(
        seg_id=f"segment-{i + 1}",
        rank=i,
        size=len(members),
        active_share=round(float(np.mean([li.active for li in listeners])), 3),
        name=" & ".join(tags[:2]) + " listeners" if tags else f"segment {i + 1}",
        profile=profile,
        tags=tags,
        words=words,
        countries=_shares([li.profile.get("country", "") for li in listeners]),
        cities=_shares([li.profile.get("city", "") for li in listeners]),
        age_bands=_shares([li.profile.get("age_band", "") for li in listeners]),
        platforms=_shares([li.profile.get("platform", "") for li in listeners]),
        top_songs=[songs[j].song_id for j in top if weight[j] > 0],
        make=make_params(songs, weight),
    )


def _top_tags(songs: list[SongFeatures], weight: np.ndarray, n: int = 6) -> list[str]:
    """Tags of what the segment plays, weighted, relative to how common the tag is overall."""
    score: Counter[str] = Counter()
    overall: Counter[str] = Counter()
    for song, w in zip(songs, weight, strict=True):
        for tag in {*song.genres, *song.moods, *([song.style] if song.style else [])}:
            score[tag] += float(w)
            overall[tag] += 1.0
    total_w = float(weight.sum()) or 1.0
    lift = {
        t: (s / total_w) * (s / total_w) / (overall[t] / max(len(songs), 1))
        for t, s in score.items()
    }
    return [t for t, _ in sorted(lift.items(), key=lambda kv: -kv[1])[:n]]


def _centre_words(centre: np.ndarray, threshold: float = 0.3) -> list[str]:
    nums = numeric_of(centre / max(np.linalg.norm(centre), 1e-9))
    order = np.argsort(-np.abs(nums))
    return [
        NUMERIC_WORDS[NUMERIC[j]][0 if nums[j] > 0 else 1]
        for j in order[:4]
        if abs(nums[j]) > threshold
    ]


def make_params(songs: list[SongFeatures], weight: np.ndarray) -> dict[str, Any]:
    """What to write for a segment: the weighted centre of what it plays, as compose arguments."""
    from models.lyrics.music import nearest_mood

    w = weight / max(float(weight.sum()), 1e-9)
    params: dict[str, Any] = {}
    tempos = [(s.tempo_bpm, x) for s, x in zip(songs, w, strict=True) if s.tempo_bpm and x > 0]
    if tempos:
        params["tempo"] = int(round(sum(t * x for t, x in tempos) / sum(x for _, x in tempos)))
    for attr in ("mode", "style", "meter"):
        votes: Counter[str] = Counter()
        for s, x in zip(songs, w, strict=True):
            votes[getattr(s, attr) or ""] += x
        value, share = votes.most_common(1)[0] if votes else ("", 0.0)
        # A style only when it is what they mostly play: a few reels in a pop crowd's plays
        # don't make it an Irish crowd.
        if value and (attr != "style" or share >= 0.4):
            params[attr] = value
    instruments: Counter[str] = Counter()
    for s, x in zip(songs, w, strict=True):
        if s.instruments:
            instruments[s.instruments[0]] += x
    if instruments:
        params["instrument"] = instruments.most_common(1)[0][0]
    va = [(s.valence, s.arousal, x) for s, x in zip(songs, w, strict=True) if s.valence is not None]
    if va:
        total = sum(x for *_, x in va) or 1.0
        v = sum(a * x for a, _, x in va) / total
        a = sum((b or 0.0) * x for _, b, x in va) / total
        params["mood"] = nearest_mood(v, a)
    return params
