"""Sampling pieces from the trained Markov melody models, within the producer's constraints.

Constraints are applied by masking candidates before sampling, never by rejection afterwards:
only degrees of the key, only durations that fit the rest of the bar, and the last bar holds the
tonic. So every output has exactly the requested key, meter and bar count.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.errors import ToolError
from models.composition.markov import DURATIONS, REST, MarkovMelody, from_token, metric_class
from models.music.piece import Note, Piece, Track
from models.music.theory import Key

STABLE_DEGREES = {0, 3, 4, 7}  # tonic, third (minor or major), fifth: where phrases rest


@dataclass(frozen=True)
class MelodyRequest:
    key: Key
    meter: tuple[int, int] = (4, 4)
    bars: int = 8
    tempo_bpm: float = 100.0
    style: str = "chorale"
    seed: int = 0
    register_center: int = 69  # MIDI pitch the melody hovers around (A4)
    register_span: int = 10  # semitones either side
    density: float = 0.0  # >0 favours short notes, <0 long notes
    temperature: float = 1.0
    phrase_bars: int = 4
    program: int = 0
    velocity: int = 80


def realize_pitch(degree: int, key: Key, prev: int | None, lo: int, hi: int, center: int) -> int:
    """The MIDI pitch for a degree: nearest to the previous note, kept inside [lo, hi]."""
    pc = (key.tonic_pc + degree) % 12
    options = [p for p in range(lo - 11, hi + 12) if p % 12 == pc]
    in_range = [p for p in options if lo <= p <= hi] or options
    target = center if prev is None else prev
    # Ties (a tritone away) go towards the centre of the register.
    return min(in_range, key=lambda p: (abs(p - target), abs(p - center)))


def sample_melody(model: MarkovMelody, req: MelodyRequest) -> list[Note]:
    """One melody of exactly `req.bars` bars in `req.key`, seeded."""
    rng = np.random.default_rng(req.seed)
    num, den = req.meter
    bar_len = num * 4.0 / den
    total = req.bars * bar_len
    lo, hi = req.register_center - req.register_span, req.register_center + req.register_span
    allowed = sorted(req.key.degrees(include_altered=req.key.mode == "minor"))
    notes: list[Note] = []
    history: list[int] = []
    prev: int | None = None
    pos = 0.0
    while pos < total - 1e-6:
        bar_idx = int(pos // bar_len + 1e-9)
        in_bar = pos - bar_idx * bar_len
        left = bar_len - in_bar
        if bar_idx == req.bars - 1 and in_bar < 1e-6:
            # The last bar is the tonic, held: the piece ends at home.
            pitch = realize_pitch(0, req.key, prev, lo, hi, req.register_center)
            notes.append(Note(pitch, pos, bar_len, req.velocity))
            break
        metric = metric_class(in_bar, req.meter)
        cands = [
            d * len(DURATIONS) + i
            for d in allowed + ([REST] if notes else [])
            for i, dur in enumerate(DURATIONS)
            if dur <= left + 1e-6
        ]
        probs = model.prob(history, metric, cands)
        phrase_end = (bar_idx + 1) % req.phrase_bars == 0 and in_bar >= bar_len / 2 - 1e-6
        weights = np.array([_weight(t, probs[t], req, phrase_end, left) for t in cands])
        weights = weights ** (1.0 / max(req.temperature, 1e-3))
        token = cands[int(rng.choice(len(cands), p=weights / weights.sum()))]
        degree, dur = from_token(token)
        if degree != REST:
            prev = realize_pitch(degree, req.key, prev, lo, hi, req.register_center)
            accent = 12 if metric == 0 else (6 if metric == 1 else 0)
            notes.append(Note(prev, pos, dur, min(127, req.velocity + accent)))
        history.append(token)
        pos += dur
    return notes


def _weight(token: int, p: float, req: MelodyRequest, phrase_end: bool, left: float) -> float:
    degree, dur = from_token(token)
    w = p * dur ** (-req.density) if req.density else p
    if phrase_end and degree in STABLE_DEGREES and dur >= min(left, 1.0):
        w *= 4.0  # let phrases breathe on a stable, longer note
    return w


def compose_melody(model: MarkovMelody, req: MelodyRequest) -> Piece:
    """A one-track piece with the sampled melody."""
    if req.bars < 1:
        raise ToolError("A piece needs at least 1 bar.")
    melody = sample_melody(model, req)
    track = Track(name="Melody", program=req.program, notes=melody)
    return Piece(
        key=req.key, tempo_bpm=req.tempo_bpm, meter=req.meter, bars=req.bars, tracks=[track]
    )


class Composer:
    """The trained melody models of every style, loaded from a verified checkpoint."""

    FORMAT = "cadenza-markov-melody"
    FORMAT_VERSION = 1

    def __init__(self, models: dict[str, dict[str, MarkovMelody]], config: dict) -> None:
        self.models = models
        self.config = config

    @property
    def styles(self) -> list[str]:
        return sorted(self.models)

    @classmethod
    def load(cls, folder: Path | None = None) -> Composer:
        from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint

        folder = folder or CHECKPOINT_ROOT / "composition-v1"
        config = verify_checkpoint(folder, cls.FORMAT, cls.FORMAT_VERSION)
        with gzip.open(folder / "markov.json.gz", "rt") as fh:
            payload = json.load(fh)
        models = {
            style: {mode: MarkovMelody.from_json(data) for mode, data in per_mode.items()}
            for style, per_mode in payload.items()
        }
        return cls(models, config)

    def compose(self, req: MelodyRequest) -> Piece:
        if req.style not in self.models:
            raise ToolError(
                f"No '{req.style}' style is trained; choose one of {', '.join(self.styles)}."
            )
        return compose_melody(self.models[req.style][req.key.mode], req)


@lru_cache(maxsize=1)
def get_composer() -> Composer:
    """The process-wide composer (the checkpoint is read once)."""
    return Composer.load()
