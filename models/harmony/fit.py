"""Pop harmonisation: chords for a melody from the progression model, by Viterbi.

The melody is cut into half bars. Each half bar's candidate chords are the mode's 40 commonest
learned chords; a chord's fit to the half bar is the share of its melody (by duration, beats
weighted double) that the chord contains, with notes of the scale outside the chord counted as
passing tones at a third, and notes a half step from a chord tone (F over C, C over A7) counted
against it. Moving from one chord to another costs its learned trigram probability
(backing off to the bigram); staying is likelier mid-bar than at a barline, as the data's
harmonic rhythm is (one chord a bar, two at most). A tune that ends on a note of its tonic chord
ends on the tonic chord (a rule). The best path under fit x probability is the progression, in the learned families, coloured later by the style like any learned one.
"""

from __future__ import annotations

import math

from models.harmony.chords import from_token
from models.harmony.model import END, START, ProgressionModel
from models.harmony.progression import Segment
from models.music.piece import Note
from models.music.theory import SCALE_STEPS, Key

CANDIDATES = 40
PLAIN = ("maj", "min", "7", "dim")  # the style adds its own 7ths and extensions
FIT_WEIGHT = 10.0  # nats for a chord that holds the whole half bar's melody vs. none of it
STAY = {"mid": 0.75, "bar": 0.2}  # chance the chord holds at a half bar / at a barline


def candidates(model: ProgressionModel, mode: str) -> list[str]:
    """The mode's commonest plain chords (root position triads and dominant 7ths)."""
    table = model.chords.tables[-1].get(mode)
    if table is None:
        return ["0:maj", "5:maj", "7:maj", "9:min"]
    ranked = sorted((t for t in table.counts if t not in (START, END) and "/" not in t
                     and t.split(":")[1] in PLAIN), key=lambda t: -table.counts[t])  # fmt: skip
    return ranked[:CANDIDATES]


def fit_scores(melody: list[Note], key: Key, slots: int, slot_beats: float,
               tokens: list[str]) -> list[list[float]]:  # fmt: skip
    """Per half bar, per candidate: the weighted share of the melody the chord explains."""
    scale = {(key.tonic_pc + s) % 12 for s in SCALE_STEPS[key.mode]}
    pcs = [set(from_token(t, key.tonic_pc).pcs) for t in tokens]
    out = []
    for slot in range(slots):
        lo, hi = slot * slot_beats, (slot + 1) * slot_beats
        weights: dict[int, float] = {}
        for n in melody:
            overlap = min(hi, n.start_beats + n.dur_beats) - max(lo, n.start_beats)
            if overlap > 1e-6:
                strong = 2.0 if abs(n.start_beats - round(n.start_beats)) < 1e-6 else 1.0
                weights[n.pitch % 12] = weights.get(n.pitch % 12, 0.0) + overlap * strong
        total = sum(weights.values())
        row = []
        for chord in pcs:
            if total == 0:
                row.append(0.5)
                continue
            inside = sum(w for pc, w in weights.items() if pc in chord)
            clash = sum(w for pc, w in weights.items() if pc not in chord and
                        ((pc + 1) % 12 in chord or (pc - 1) % 12 in chord))  # fmt: skip
            passing = sum(w for pc, w in weights.items()
                          if pc not in chord and pc in scale) - clash  # fmt: skip
            row.append((inside + passing / 3 - clash / 2) / total)
        out.append(row)
    return out


def harmonise(model: ProgressionModel, melody: list[Note], key: Key, bars: int,
              bar_beats: float) -> list[Segment]:  # fmt: skip
    """The progression that best fits the melody (see the module docstring)."""
    tokens = candidates(model, key.mode)
    slot_beats = bar_beats / 2
    slots = bars * 2
    fits = fit_scores(melody, key, slots, slot_beats, tokens)
    ctx = {"mode": key.mode, "section": "verse"}
    n = len(tokens)
    first = model.chords.probs({**ctx, "prev2": START, "prev1": START}, tokens)
    score = [math.log(first[j]) + FIT_WEIGHT * fits[0][j] for j in range(n)]
    back: list[list[int]] = []
    move = [model.chords.probs({**ctx, "prev2": "?", "prev1": t}, tokens) for t in tokens]
    for slot in range(1, slots):
        stay = STAY["bar" if slot % 2 == 0 else "mid"]
        row, ptr = [], []
        for j in range(n):
            best_i, best = j, score[j] + math.log(stay)
            for i in range(n):
                if i != j and (s := score[i] + math.log(1 - stay) + math.log(move[i][j])) > best:
                    best_i, best = i, s
            row.append(best + FIT_WEIGHT * fits[slot][j])
            ptr.append(best_i)
        score, back = row, [*back, ptr]
    ends = model.chords.probs  # the last chord: weighed by how likely the section ends after it
    finals = range(n)
    tonic = f"0:{'min' if key.mode == 'minor' else 'maj'}"
    if melody and tonic in tokens and (max(melody, key=lambda m: m.start_beats).pitch
                                       - key.tonic_pc) % 12 in (0, 3 if key.mode == "minor" else 4, 7):
        finals = [tokens.index(tonic)]  # a tune that ends on a note of its tonic chord: home
    last = max(finals, key=lambda j: score[j] + math.log(ends({**ctx, "prev2": "?",
                                                                "prev1": tokens[j]}, [END])[0]))  # fmt: skip
    path = [last]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    path.reverse()
    return _segments(path, tokens, key, slot_beats)


def _segments(path: list[int], tokens: list[str], key: Key, slot_beats: float) -> list[Segment]:
    out: list[Segment] = []
    for slot, j in enumerate(path):
        chord = from_token(tokens[j], key.tonic_pc)
        if out and out[-1].chord == chord:
            out[-1] = Segment(out[-1].start, out[-1].length + slot_beats, chord)
        else:
            out.append(Segment(slot * slot_beats, slot_beats, chord))
    return out
