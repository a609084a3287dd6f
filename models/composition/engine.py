"""Composing pieces: a Markov melody sampled within the producer's constraints, then (for four
parts) Viterbi chords from the harmony HMM and voice-leading under it.

Melody constraints are applied by masking candidates before sampling, never by rejection afterwards:
only degrees of the key, only durations that fit the rest of the bar, and the last bar holds the
tonic. So every output has exactly the requested key, meter and bar count.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.composition.harmony import Chord, HarmonyHMM, melody_slots
from models.composition.markov import (
    DURATIONS,
    REST,
    VOCAB,
    MarkovMelody,
    from_token,
    metric_class,
)
from models.composition.voicing import RANGES, voice_chords
from models.errors import InputError
from models.music.piece import Note, Piece, Track
from models.music.theory import Key, degree_name, pc_name

STABLE_DEGREES = {0, 3, 4, 7}  # tonic, third (minor or major), fifth: where phrases rest
SOPRANO_RANGE = RANGES["soprano"]


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
    parts: int = 4  # 4: soprano melody over alto, tenor and bass; 1: the melody alone
    harmony_program: int | None = None  # General MIDI program of the lower parts (None: same)


def realize_pitch(degree: int, key: Key, prev: int | None, lo: int, hi: int, center: int) -> int:
    """The MIDI pitch for a degree: nearest to the previous note, kept inside [lo, hi]."""
    pc = (key.tonic_pc + degree) % 12
    options = [p for p in range(lo - 11, hi + 12) if p % 12 == pc]
    in_range = [p for p in options if lo <= p <= hi] or options
    target = center if prev is None else prev
    # Ties (a tritone away) go towards the centre of the register.
    return min(in_range, key=lambda p: (abs(p - target), abs(p - center)))


_TOKEN_DEGREE = np.arange(VOCAB) // len(DURATIONS)
_TOKEN_DUR = np.array(DURATIONS)[np.arange(VOCAB) % len(DURATIONS)]
_STABLE = np.isin(_TOKEN_DEGREE, list(STABLE_DEGREES))


def sample_melody(model: MarkovMelody, req: MelodyRequest) -> list[Note]:
    """One melody of exactly `req.bars` bars in `req.key`, seeded."""
    rng = np.random.default_rng(req.seed)
    num, den = req.meter
    bar_len = num * 4.0 / den
    total = req.bars * bar_len
    lo, hi = req.register_center - req.register_span, req.register_center + req.register_span
    if req.parts == 4:  # the melody is the soprano of a four-part texture
        lo, hi = max(lo, SOPRANO_RANGE[0]), min(hi, SOPRANO_RANGE[1])
        lo, hi = min(lo, SOPRANO_RANGE[1] - 12), max(hi, SOPRANO_RANGE[0] + 12)
    centre = (lo + hi) // 2
    allowed = sorted(req.key.degrees(include_altered=req.key.mode == "minor"))
    in_key = np.isin(_TOKEN_DEGREE, allowed)
    with_rest = in_key | (_TOKEN_DEGREE == REST)
    shape = _TOKEN_DUR ** (-req.density) if req.density else np.ones(VOCAB)
    inv_temp = 1.0 / max(req.temperature, 1e-3)
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
            pitch = realize_pitch(0, req.key, prev, lo, hi, centre)
            notes.append(Note(pitch, pos, bar_len, req.velocity))
            break
        metric = metric_class(in_bar, req.meter)
        weights = model.dist(history, metric) * shape
        weights = weights * ((with_rest if notes else in_key) & (left + 1e-6 >= _TOKEN_DUR))
        if (bar_idx + 1) % req.phrase_bars == 0 and in_bar >= bar_len / 2 - 1e-6:
            # Let phrases breathe on a stable, longer note.
            weights = weights * np.where(_STABLE & (min(left, 1.0) <= _TOKEN_DUR), 4.0, 1.0)
        if inv_temp != 1.0:
            weights = weights**inv_temp
        cum = np.cumsum(weights)
        token = int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
        token = min(token, VOCAB - 1)
        degree, dur = from_token(token)
        if degree != REST:
            prev = realize_pitch(degree, req.key, prev, lo, hi, centre)
            accent = 12 if metric == 0 else (6 if metric == 1 else 0)
            notes.append(Note(prev, pos, dur, min(127, req.velocity + accent)))
        history.append(token)
        pos += dur
    return notes


FOLK_SLOTS = {(2, 4): 2.0, (3, 4): 3.0, (4, 4): 2.0, (2, 2): 2.0, (6, 8): 1.5, (3, 8): 1.5,
              (9, 8): 1.5, (12, 8): 3.0}  # fmt: skip


def harmonic_slot(style: str, meter: tuple[int, int]) -> float:
    """Beats per chord: every beat in a chorale, about every half bar in folk and Irish tunes."""
    num, den = meter
    compound = den == 8 and num % 3 == 0
    if style == "chorale":
        return 1.5 if compound else 1.0
    return FOLK_SLOTS.get(meter, 1.5 if compound else num * 4.0 / den / 2)


@dataclass
class Composition:
    """A piece plus the chords it was harmonised with (None for a melody alone)."""

    piece: Piece
    chords: list[tuple[float, Chord]] | None = None

    def chord_symbols(self, limit: int = 16) -> list[str]:
        """Chord names in order, repeats merged: ['D', 'G', 'A7', 'Bm', ...]."""
        return self._merged(lambda c: chord_name(c, self.piece.key), limit)

    def numerals(self, limit: int = 16) -> list[str]:
        """Roman numerals in order, repeats merged: ['I', 'IV', 'V7', 'I', ...]."""
        return self._merged(lambda c: c.numeral(self.piece.key.mode), limit)

    def _merged(self, label: Callable[[Chord], str], limit: int) -> list[str]:
        out: list[str] = []
        for _, chord in self.chords or []:
            text = label(chord)
            if not out or out[-1] != text:
                out.append(text)
        return out[:limit]


def chord_name(chord: Chord, key: Key, short: bool = False) -> str:
    """'A7', 'Bm', 'C#dim' (or 'C#°' when short) spelled for the key."""
    root = pc_name((key.tonic_pc + chord.root) % 12, key)
    if key.mode == "major" and chord.quality == "M" and chord.root % 12 in (1, 8):
        root = degree_name((key.tonic_pc + chord.root) % 12, key)  # bII and bVI: Db, Ab in C
    return root + {"M": "", "m": "m", "d": "°" if short else "dim", "7": "7"}[chord.quality]


def harmonize_notes(
    hmm: HarmonyHMM,
    melody: list[Note],
    key: Key,
    meter: tuple[int, int],
    bars: int,
    slot_len: float,
    program: int,
    velocity: int,
) -> tuple[list[Track], list[tuple[float, Chord]]]:
    """Alto, tenor and bass under a melody: Viterbi chords, then voice-leading."""
    bar_len = meter[0] * 4.0 / meter[1]
    n_slots = int(round(bars * bar_len / slot_len))
    slots = melody_slots(
        [(n.pitch, n.start_beats, n.dur_beats) for n in melody], key.tonic_pc, slot_len, n_slots
    )
    chords = hmm.viterbi(slots)
    sopranos = _slot_sopranos(melody, slot_len, n_slots, at=0.0)
    before = _slot_sopranos(melody, slot_len, n_slots, at=slot_len - 1e-3)
    voiced = voice_chords(chords, sopranos, key.tonic_pc, before)
    tracks = []
    for v, name in ((1, "Alto"), (2, "Tenor"), (3, "Bass")):
        notes: list[Note] = []
        for t in range(n_slots):
            pitch = int(voiced[t, v])
            start = t * slot_len
            held = t > 0 and chords[t] == chords[t - 1] and int(voiced[t - 1, v]) == pitch
            if held and notes:
                last = notes[-1]
                notes[-1] = Note(
                    last.pitch, last.start_beats, last.dur_beats + slot_len, last.velocity
                )
            else:
                notes.append(Note(pitch, start, slot_len, velocity))
        tracks.append(Track(name=name, program=program, notes=notes))
    return tracks, [(t * slot_len, c) for t, c in enumerate(chords)]


def _slot_sopranos(melody: list[Note], slot_len: float, n_slots: int, at: float) -> list[int]:
    """The melody pitch sounding `at` beats into each slot (after a rest: the next note)."""
    out = []
    idx = 0
    last = melody[0].pitch if melody else 72
    for t in range(n_slots):
        when = t * slot_len + at
        while idx < len(melody) and melody[idx].start_beats + melody[idx].dur_beats <= when + 1e-6:
            last = melody[idx].pitch
            idx += 1
        if idx < len(melody) and melody[idx].start_beats < t * slot_len + slot_len - 1e-6:
            last = melody[idx].pitch
        out.append(last)
    return out


class Composer:
    """The trained models: a melody model per (style, mode) and a harmony HMM per mode."""

    FORMAT = "cadenza-composition"
    FORMAT_VERSION = 2

    def __init__(
        self,
        melody: dict[str, dict[str, MarkovMelody]],
        harmony: dict[str, HarmonyHMM],
        config: dict,
    ) -> None:
        self.melody = melody
        self.harmony = harmony
        self.config = config

    @property
    def styles(self) -> list[str]:
        return sorted(self.melody)

    @classmethod
    def load(cls, folder: Path | None = None) -> Composer:
        """The checkpoint, from the arrays cache when there is one (see `models.cache`)."""
        from models import cache
        from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint

        folder = folder or CHECKPOINT_ROOT / "composition-v2"
        config = verify_checkpoint(folder, cls.FORMAT, cls.FORMAT_VERSION)
        with gzip.open(folder / "harmony.json.gz", "rt") as fh:
            harmony = {mode: HarmonyHMM.from_json(data) for mode, data in json.load(fh).items()}
        name = f"composition-{cache.checkpoint_key(folder)}.npz"
        arrays = cache.load_arrays(name)
        if arrays is not None and "styles" in arrays.files:
            return cls(LazyStyles(arrays), harmony, config)
        with gzip.open(folder / "markov.json.gz", "rt") as fh:
            payload = json.load(fh)
        melody = {
            style: {mode: MarkovMelody.from_json(data) for mode, data in per_mode.items()}
            for style, per_mode in payload.items()
        }
        cache.save_arrays(name, styles_arrays(melody))
        return cls(melody, harmony, config)

    def compose(self, req: MelodyRequest) -> Composition:
        """A melody, harmonised in four parts unless `req.parts` is 1."""
        if req.style not in self.melody:
            raise InputError(
                f"No '{req.style}' style is trained; choose one of {', '.join(self.styles)}."
            )
        if req.bars < 1:
            raise InputError("A piece needs at least 1 bar.")
        melody = sample_melody(self.melody[req.style][req.key.mode], req)
        return self.arrange(melody, req)

    def arrange(self, melody: list[Note], req: MelodyRequest) -> Composition:
        """Put a melody into a piece: alone, or as the soprano over alto, tenor and bass."""
        lead = Track(name="Soprano" if req.parts == 4 else "Melody", program=req.program,
                     notes=melody)  # fmt: skip
        piece = Piece(key=req.key, tempo_bpm=req.tempo_bpm, meter=req.meter, bars=req.bars,
                      tracks=[lead])  # fmt: skip
        if req.parts == 1:
            return Composition(piece)
        lower, chords = harmonize_notes(
            self.harmony[req.key.mode],
            melody,
            req.key,
            req.meter,
            req.bars,
            harmonic_slot(req.style, req.meter),
            req.harmony_program if req.harmony_program is not None else req.program,
            max(30, req.velocity - 12),
        )
        piece.tracks.extend(lower)
        return Composition(piece, chords)


def styles_arrays(melody: dict[str, dict[str, MarkovMelody]]) -> dict[str, np.ndarray]:
    """Every style's and mode's counts as arrays, with an index of the pairs."""
    from models.composition.markov_arrays import to_arrays

    pairs = [(style, mode) for style in sorted(melody) for mode in sorted(melody[style])]
    out = {"styles": np.array([f"{s}/{m}" for s, m in pairs])}
    for style, mode in pairs:
        out.update(to_arrays(melody[style][mode], f"{style}/{mode}/"))
    return out


class LazyStyles(dict):
    """style -> {mode: MarkovMelody}, each model read from the arrays when first asked."""

    def __init__(self, arrays) -> None:  # noqa: ANN001 (an NpzFile)
        super().__init__()
        self._arrays = arrays
        for pair in arrays["styles"].tolist():
            style, mode = pair.split("/")
            self.setdefault(style, _LazyModes(arrays, style))[mode] = None


class _LazyModes(dict):
    def __init__(self, arrays, style: str) -> None:  # noqa: ANN001
        super().__init__()
        self._arrays, self._style = arrays, style

    def __getitem__(self, mode: str) -> MarkovMelody:
        model = super().__getitem__(mode)
        if model is None:
            from models.composition.markov_arrays import from_arrays

            model = from_arrays(self._arrays, f"{self._style}/{mode}/")
            self[mode] = model
        return model

    def get(self, mode: str, default=None):  # noqa: ANN001, ANN201
        return self[mode] if mode in self else default  # noqa: SIM401 (loads the model)

    def values(self):  # noqa: ANN201
        return [self[mode] for mode in self]

    def items(self):  # noqa: ANN201
        return [(mode, self[mode]) for mode in self]


@lru_cache(maxsize=1)
def get_composer() -> Composer:
    """The process-wide composer (the checkpoint is read once)."""
    return Composer.load()
