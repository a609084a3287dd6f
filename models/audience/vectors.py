"""A song's content vector: its tags and words (MiniLM) beside its musical numbers.

The vector is what songs, listeners (the play-weighted mean of what they play) and segments
(cluster centres of listeners) share, so one cosine answers "how close is this song to these
listeners". The text part is the MiniLM embedding of `SongFeatures.taste_text()` (the label's
genre and mood tags, the style, lyric emotions, instruments and descriptive words); the numeric
part holds nine features scaled to about -1..1. A missing number is 0, which neither helps nor
hurts a match. Weights: the text part carries most of the meaning (tags are what listeners'
tastes are described by); the numbers separate songs the tags can't (a slow and a fast reel).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.audience.features import TRIPLE, SongFeatures
from models.embeddings.encoder import DIM as TEXT_DIM

NUMERIC = (
    "tempo", "mode", "energy", "danceability", "register", "density", "valence", "arousal", "triple",
)  # fmt: skip
# What each numeric dimension means at +1 and at -1, for explanations.
NUMERIC_WORDS = {
    "tempo": ("fast tempo", "slow tempo"),
    "mode": ("major key", "minor key"),
    "energy": ("high energy", "low energy"),
    "danceability": ("a danceable pulse", "a loose, free pulse"),
    "register": ("a high, bright register", "a low, dark register"),
    "density": ("busy, many notes", "sparse, few notes"),
    "valence": ("a bright, positive feel", "a dark, sad feel"),
    "arousal": ("an excited feel", "a calm feel"),
    "triple": ("triple or lilting time", "straight duple time"),
}
TEXT_WEIGHT = 0.85
NUMERIC_WEIGHT = 0.3  # per dimension, so nine agreeing numbers weigh about as much as the tags
DIM = TEXT_DIM + len(NUMERIC)


def numeric_part(f: SongFeatures) -> np.ndarray:
    """The nine numbers of a song, each about -1..1 (0 when unknown)."""
    x = np.zeros(len(NUMERIC), dtype=np.float32)
    if f.tempo_bpm:
        x[0] = np.clip((f.tempo_bpm - 105.0) / 40.0, -1.5, 1.5)
    if f.mode:
        x[1] = 1.0 if f.mode == "major" else -1.0
    if f.energy is not None:
        x[2] = 2 * f.energy - 1
    if f.danceability is not None:
        x[3] = 2 * f.danceability - 1
    if f.pitch_mean is not None:
        x[4] = np.clip((f.pitch_mean - 62.0) / 10.0, -1.5, 1.5)
    elif f.brightness_hz:
        x[4] = np.clip(np.log2(f.brightness_hz / 1800.0), -1.5, 1.5)
    if f.note_density:
        x[5] = np.clip(np.log2(f.note_density / 4.0), -1.5, 1.5)
    if f.valence is not None:
        x[6] = f.valence
    if f.arousal is not None:
        x[7] = f.arousal
    if f.meter:
        x[8] = 1.0 if f.meter in TRIPLE else -1.0
    return x


def combine(text_vecs: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """(n, DIM) unit vectors from (n, 384) text vectors and (n, 9) numbers."""
    out = np.concatenate([TEXT_WEIGHT * text_vecs, NUMERIC_WEIGHT * numbers], axis=1)
    return normalise(out.astype(np.float32))


def normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-9)


def content_vectors(songs: Sequence[SongFeatures]) -> np.ndarray:
    """(n, DIM) content vectors; the texts are encoded in one batch."""
    from models.embeddings.encoder import get_encoder

    if not songs:
        return np.zeros((0, DIM), dtype=np.float32)
    text = get_encoder().encode([s.taste_text() for s in songs])
    numbers = np.stack([numeric_part(s) for s in songs])
    return combine(text, numbers)


def numeric_of(vectors: np.ndarray) -> np.ndarray:
    """The numeric features back from content vectors (up to the vector's normalisation)."""
    return vectors[..., TEXT_DIM:] / NUMERIC_WEIGHT


def text_of(vectors: np.ndarray) -> np.ndarray:
    return vectors[..., :TEXT_DIM] / TEXT_WEIGHT


def agreements(song: np.ndarray, target: np.ndarray, n: int = 3) -> list[str]:
    """The musical features a song shares with a target (a segment centre), strongest first.

    A dimension counts when both lean the same way, clearly: the product of the two numbers
    (in feature units, about -1..1) above 0.1, with the target leaning at least 0.15.
    """
    a, b = numeric_of(song), numeric_of(target)
    prod = a * b
    order = np.argsort(-prod)
    out = []
    for i in order[:n]:
        if prod[i] > 0.1 and abs(b[i]) > 0.15:
            out.append(NUMERIC_WORDS[NUMERIC[i]][0 if b[i] > 0 else 1])
    return out
