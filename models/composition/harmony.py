"""Harmony as a hidden Markov model: chords are the hidden states, melody notes the observations.

Training (from the four voices of Bach's chorales, one slot per beat):
- each beat's chord is labelled from the pitch classes sounding at its onset in all four voices
  (best-matching triad or dominant seventh, the bass breaking ties);
- only chords whose notes all belong to the key are states (in minor, the raised sixth and
  seventh count as in key), so a harmonization never leaves the key;
- transitions P(chord | previous chord), the first chord and the last chord are counted with
  add-alpha smoothing; emissions are two tables, P(degree of the melody note at the slot's onset
  | chord) and P(degree of any later note in the slot | chord), so the onset note, usually on the
  beat, weighs most.

Decoding is Viterbi over the slots of a melody; a piece ends on the tonic chord.
Degrees and chord roots are semitones above the tonic, so one model serves every key of a mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from models.music.theory import SCALE_STEPS, Key

QUALITIES: dict[str, tuple[int, ...]] = {
    "M": (0, 4, 7),
    "m": (0, 3, 7),
    "d": (0, 3, 6),
    "7": (0, 4, 7, 10),
}
MIN_STATE_COUNT = 10  # chords rarer than this in the training data are not states
_NUMERALS = {0: "I", 1: "bII", 2: "II", 3: "III", 4: "III", 5: "IV", 6: "#IV", 7: "V", 8: "VI",
             9: "VI", 10: "VII", 11: "VII"}  # fmt: skip


@dataclass(frozen=True, order=True)
class Chord:
    """A chord relative to the tonic: root in semitones above it, and a quality in QUALITIES."""

    root: int
    quality: str

    @property
    def degrees(self) -> tuple[int, ...]:
        """Its notes as semitones above the tonic, root first."""
        return tuple((self.root + i) % 12 for i in QUALITIES[self.quality])

    def numeral(self, mode: str) -> str:
        """Roman numeral: V7, ii, vii°, III..."""
        base = _NUMERALS[self.root]
        if mode == "major" and self.root in (3, 8, 10):
            base = "b" + base  # borrowed from the minor; in minor these are plain III, VI, VII
        if self.quality in ("m", "d"):
            base = base.lower()
        return base + {"M": "", "m": "", "d": "°", "7": "7"}[self.quality]

    def key(self) -> str:
        return f"{self.root}{self.quality}"

    @classmethod
    def parse(cls, text: str) -> Chord:
        return cls(int(text[:-1]), text[-1])


def in_key_degrees(mode: str) -> set[int]:
    steps = set(SCALE_STEPS[mode])
    return steps | {9, 11} if mode == "minor" else steps


def label_chord(degrees: Iterable[int], bass: int | None) -> Chord | None:
    """The triad or seventh chord that best explains a set of pitch classes (relative to tonic).

    Score: notes explained minus 1.5 per note left over minus 0.5 per chord note missing, plus
    0.3 when the bass is the root; a seventh chord must have its seventh sounding.
    """
    present = set(degrees)
    if len(present) < 2:
        return None
    best: tuple[float, Chord] | None = None
    for root in present:
        for quality, shape in QUALITIES.items():
            tones = {(root + i) % 12 for i in shape}
            if quality == "7" and (root + 10) % 12 not in present:
                continue
            matched = len(present & tones)
            score = matched - 1.5 * len(present - tones) - 0.5 * len(tones - present)
            score += 0.3 if bass == root else 0.0
            score -= 0.1 if quality == "7" else 0.0
            if best is None or score > best[0]:
                best = (score, Chord(root, quality))
    return best[1] if best and best[0] > 0 else None


def sounding_at(voice: Sequence[tuple[int, float, float]], t: float) -> int | None:
    """The pitch a voice (sorted notes) sounds at time t, or None in a rest."""
    for pitch, start, dur in voice:
        if start <= t + 1e-6 < start + dur:
            return pitch
        if start > t + 1e-6:
            return None
    return None


@dataclass
class Slot:
    """The melody notes of one harmonic slot: the onset degree and the later degrees, weighted."""

    onset: int | None  # degree of the note sounding at the slot's start (None: a rest)
    others: tuple[tuple[int, float], ...]  # (degree, fraction of the slot) of later notes


def melody_slots(
    notes: Sequence[tuple[int, float, float]], tonic_pc: int, slot_len: float, n_slots: int
) -> list[Slot]:
    """Cut a monophonic melody (pitch, start, duration in beats) into harmonic slots."""
    slots = []
    idx = 0
    ordered = sorted(notes, key=lambda n: n[1])
    for s in range(n_slots):
        t0, t1 = s * slot_len, (s + 1) * slot_len
        while idx < len(ordered) and ordered[idx][1] + ordered[idx][2] <= t0 + 1e-6:
            idx += 1
        onset = None
        others = []
        j = idx
        while j < len(ordered) and ordered[j][1] < t1 - 1e-6:
            pitch, start, dur = ordered[j]
            degree = (pitch - tonic_pc) % 12
            if start <= t0 + 1e-6:
                onset = degree
            else:
                overlap = (min(start + dur, t1) - start) / slot_len
                others.append((degree, overlap))
            j += 1
        if onset is None and others:  # the slot starts in a rest: its first note leads
            onset, others = others[0][0], others[1:]
        slots.append(Slot(onset, tuple(others)))
    return slots


class HarmonyHMM:
    """Chord transitions and melody emissions for one mode."""

    def __init__(
        self,
        mode: str,
        states: list[Chord],
        trans: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        emit_onset: np.ndarray,
        emit_other: np.ndarray,
        n_pieces: int = 0,
    ) -> None:
        self.mode = mode
        self.states = states
        self.index = {c: i for i, c in enumerate(states)}
        self.log_trans = np.log(trans)
        self.log_start = np.log(start)
        self.log_end = np.log(end)
        self.log_onset = np.log(emit_onset)  # (S, 12)
        self.log_other = np.log(emit_other)  # (S, 12)
        self.trans, self.start, self.end = trans, start, end
        self.emit_onset, self.emit_other = emit_onset, emit_other
        self.n_pieces = n_pieces
        self.tonic = self.index.get(Chord(0, "M" if mode == "major" else "m"))

    # -- training ---------------------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        mode: str,
        pieces: Iterable[tuple[list[Chord | None], list[Slot]]],
        alpha: float = 0.5,
    ) -> HarmonyHMM:
        """Count chords and melody notes; `None` chords (unlabelled beats) break the chain."""
        pieces = list(pieces)
        allowed = in_key_degrees(mode)
        freq: Counter[Chord] = Counter(
            c for chords, _ in pieces for c in chords if c and set(c.degrees) <= allowed
        )
        states = sorted(c for c, n in freq.items() if n >= MIN_STATE_COUNT)
        index = {c: i for i, c in enumerate(states)}
        n = len(states)
        trans = np.full((n, n), alpha)
        start = np.full(n, alpha)
        end = np.full(n, alpha)
        onset = np.full((n, 12), 0.1)
        other = np.full((n, 12), 0.1)
        for chords, slots in pieces:
            ids = [index.get(c) if c else None for c in chords]
            first = next((i for i in ids if i is not None), None)
            last = next((i for i in reversed(ids) if i is not None), None)
            if first is not None:
                start[first] += 1
            if last is not None:
                end[last] += 1
            for a, b in zip(ids, ids[1:], strict=False):
                if a is not None and b is not None:
                    trans[a, b] += 1
            for i, slot in zip(ids, slots, strict=True):
                if i is None:
                    continue
                if slot.onset is not None:
                    onset[i, slot.onset] += 1
                for degree, weight in slot.others:
                    other[i, degree] += weight
        return cls(
            mode,
            states,
            trans / trans.sum(1, keepdims=True),
            start / start.sum(),
            end / end.sum(),
            onset / onset.sum(1, keepdims=True),
            other / other.sum(1, keepdims=True),
            n_pieces=len(pieces),
        )

    # -- decoding ---------------------------------------------------------------------------
    def emission_scores(self, slots: Sequence[Slot]) -> np.ndarray:
        """(T, S) log-likelihood of each slot's melody notes under each chord."""
        scores = np.zeros((len(slots), len(self.states)))
        for t, slot in enumerate(slots):
            if slot.onset is not None:
                scores[t] += self.log_onset[:, slot.onset]
            for degree, weight in slot.others:
                scores[t] += weight * self.log_other[:, degree]
        return scores

    def viterbi(self, slots: Sequence[Slot], end_on_tonic: bool = True) -> list[Chord]:
        """The most likely chord of every slot."""
        if not slots:
            return []
        emit = self.emission_scores(slots)
        n_t, n_s = emit.shape
        back = np.zeros((n_t, n_s), dtype=np.int32)
        score = self.log_start + emit[0]
        for t in range(1, n_t):
            cand = score[:, None] + self.log_trans
            back[t] = cand.argmax(0)
            score = cand[back[t], np.arange(n_s)] + emit[t]
        score = score + self.log_end
        tonic_end = end_on_tonic and self.tonic is not None
        final = self.tonic if tonic_end else int(score.argmax())
        path = [final]
        for t in range(n_t - 1, 0, -1):
            path.append(int(back[t, path[-1]]))
        return [self.states[i] for i in reversed(path)]

    # -- (de)serialisation ------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "mode": self.mode,
            "states": [c.key() for c in self.states],
            "trans": np.round(self.trans, 6).tolist(),
            "start": np.round(self.start, 6).tolist(),
            "end": np.round(self.end, 6).tolist(),
            "emit_onset": np.round(self.emit_onset, 6).tolist(),
            "emit_other": np.round(self.emit_other, 6).tolist(),
            "n_pieces": self.n_pieces,
        }

    @classmethod
    def from_json(cls, data: dict) -> HarmonyHMM:
        def arr(name: str) -> np.ndarray:
            a = np.asarray(data[name], dtype=float)
            return a / a.sum(-1, keepdims=True)

        return cls(
            data["mode"],
            [Chord.parse(c) for c in data["states"]],
            arr("trans"),
            arr("start"),
            arr("end"),
            arr("emit_onset"),
            arr("emit_other"),
            int(data.get("n_pieces", 0)),
        )


def chorale_training_piece(
    voices: Sequence[Sequence[tuple[int, float, float]]], key: Key, beat: float = 1.0
) -> tuple[list[Chord | None], list[Slot]]:
    """Beat-level chord labels and soprano slots of one four-voice chorale."""
    end = max(start + dur for v in voices for _, start, dur in v)
    n_slots = int(round(end / beat))
    chords: list[Chord | None] = []
    for s in range(n_slots):
        t = s * beat
        sounding = [sounding_at(v, t) for v in voices]
        present = [(p - key.tonic_pc) % 12 for p in sounding if p is not None]
        bass = sounding[-1]
        chords.append(label_chord(present, None if bass is None else (bass - key.tonic_pc) % 12))
    slots = melody_slots(voices[0], key.tonic_pc, beat, n_slots)
    return chords, slots
