"""Training sequences for the generation engine (the corpus is read by models/train/generation.py).

Each chorale gives two pieces: its four voices (texture ``parts``) and its soprano alone
(``melody``); every folk and Irish tune gives one melody. The split is the composition engine's
(`models.splits.is_held_out`: crc32 of the source name, 1 in 10 held out), so the two engines
are scored on the same pieces.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.generation.vocab import (
    LEVELS,
    METERS,
    PITCH_HI,
    PITCH_LO,
    STEPS_PER_BEAT,
    Event,
    Header,
    bar_steps,
    encode_body,
)
from models.splits import is_held_out


@dataclass(frozen=True)
class RawPiece:
    """Notes in beats (pitch, onset, duration, voice), with the facts the header needs."""

    source: str
    style: str
    texture: str
    tonic_pc: int
    mode: str
    meter: tuple[int, int]
    notes: tuple[tuple[int, float, float, int], ...]


@dataclass(frozen=True)
class Sequence_:
    source: str
    style: str
    texture: str
    header: Header
    tokens: np.ndarray  # header + body + EOS, int16
    events: tuple[Event, ...]  # key-relative (tonic C) events, as encoded


def transpose_shift(tonic_pc: int) -> int:
    """Semitones that move a tonic to C by the smallest step (-6..+5)."""
    shift = -tonic_pc % 12
    return shift - 12 if shift > 5 else shift


def to_events(piece: RawPiece) -> tuple[list[Event], int] | None:
    """Grid events (tonic moved to C, first bar line at 0) and the bar count; None if unusable."""
    if piece.meter not in METERS or not piece.notes:
        return None
    bar_len = piece.meter[0] * 4.0 / piece.meter[1]
    first = min(n[1] for n in piece.notes)
    end = max(n[1] + n[2] for n in piece.notes)
    rest = round((end - first) % bar_len, 3)
    pickup = 0.0 if rest in (0.0, round(bar_len, 3)) else rest
    offset = -first + (bar_len - pickup if pickup else 0.0)
    shift = transpose_shift(piece.tonic_pc)
    events = []
    for pitch, start, dur, voice in piece.notes:
        p = pitch + shift
        if not PITCH_LO <= p <= PITCH_HI:
            return None
        s = round((start + offset) * STEPS_PER_BEAT)
        d = max(1, round(dur * STEPS_PER_BEAT))
        events.append(Event(s, voice, p, d))
    size = bar_steps(piece.meter)
    bars = max(1, math.ceil(max(e.start + e.dur for e in events) / size - 1e-9))
    bars = max(bars, max(e.start for e in events) // size + 1)
    return events, bars


def mood_scores(events: Sequence[Event], mode: str, meter: tuple[int, int]) -> tuple[float, float]:
    """(valence, arousal) proxies: mode plus melody register; melody onsets per quarter beat."""
    top: dict[int, int] = {}
    for e in events:
        top[e.start] = max(top.get(e.start, 0), e.pitch)
    span = (max(e.start + e.dur for e in events) - min(e.start for e in events)) / STEPS_PER_BEAT
    arousal = len(top) / max(span, 1.0)
    register = (sum(top.values()) / len(top) - 67.0) / 12.0
    valence = (1.0 if mode == "major" else -1.0) + 0.5 * register
    return valence, arousal


def level(value: float, cuts: Sequence[float]) -> str:
    """ "low", "mid" or "high" against two tercile cuts."""
    return LEVELS[sum(value > c for c in cuts)]


def build_sequences(
    pieces: Iterable[RawPiece], cuts: dict[str, list[float]] | None = None
) -> tuple[list[Sequence_], dict[str, list[float]]]:
    """Token sequences; the mood cuts are the terciles of the given pieces unless passed in."""
    staged = []
    for piece in pieces:
        got = to_events(piece)
        if got is None:
            continue
        events, bars = got
        staged.append((piece, events, bars, mood_scores(events, piece.mode, piece.meter)))
    if cuts is None:
        vals = np.array([s[3][0] for s in staged])
        aros = np.array([s[3][1] for s in staged])
        cuts = {
            "valence": [float(np.quantile(vals, q)) for q in (1 / 3, 2 / 3)],
            "arousal": [float(np.quantile(aros, q)) for q in (1 / 3, 2 / 3)],
        }
    out = []
    for piece, events, bars, (val, aro) in staged:
        header = Header(
            piece.style, piece.texture, piece.mode, piece.meter, bars,
            level(val, cuts["valence"]), level(aro, cuts["arousal"]),
        )  # fmt: skip
        parts = piece.texture == "parts"
        body = encode_body(events, piece.meter, bars, parts)
        tokens = np.array(header.tokens() + body, dtype=np.int16)
        out.append(
            Sequence_(piece.source, piece.style, piece.texture, header, tokens, tuple(events))
        )
    return out, cuts


def save_corpus(path: Path, seqs: list[Sequence_], cuts: dict[str, list[float]]) -> None:
    """Sequences in one .npz (tokens concatenated, with offsets and names) for fast reloads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lengths = np.array([len(s.tokens) for s in seqs], dtype=np.int64)
    np.savez_compressed(
        path,
        tokens=np.concatenate([s.tokens for s in seqs]),
        lengths=lengths,
        sources=np.array([s.source for s in seqs]),
        styles=np.array([s.style for s in seqs]),
        textures=np.array([s.texture for s in seqs]),
        cuts=np.array(cuts["valence"] + cuts["arousal"]),
    )


@dataclass(frozen=True)
class Corpus:
    """Token sequences loaded from `save_corpus`."""

    tokens: list[np.ndarray]
    sources: list[str]
    styles: list[str]
    textures: list[str]
    cuts: dict[str, list[float]]

    @classmethod
    def load(cls, path: Path) -> Corpus:
        z = np.load(path)
        ends = np.cumsum(z["lengths"])
        flat = z["tokens"].astype(np.int64)
        tokens = [flat[e - n : e] for e, n in zip(ends, z["lengths"], strict=True)]
        c = [float(x) for x in z["cuts"]]
        return cls(
            tokens, [str(s) for s in z["sources"]], [str(s) for s in z["styles"]],
            [str(s) for s in z["textures"]], {"valence": c[:2], "arousal": c[2:]},
        )  # fmt: skip

    def split(self, held_out: bool) -> list[int]:
        return [i for i, s in enumerate(self.sources) if is_held_out(s) == held_out]
