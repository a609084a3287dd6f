"""Basslines: a bass that follows the chords, in the style's idiom, locked to the kick.

"pop" is learned from POP909: the rhythms of the piano's lowest notes bar by bar (onsets on a
16th grid) and, at each kind of position (the bar's downbeat, a chord change, a beat, an
off-beat), which chord degree they play. The other styles are rules (docs/harmony.md):

    root       the root (or the slash chord's bass) on each chord, held
    rootfifth  root on the chord, fifth on the bar's middle: country, folk, bossa nova
    eighths    driving root 8ths: rock, punk, synthwave
    octave     root and its octave alternating in 8ths: disco, house
    offbeat    the root on every off-beat 8th, between the kicks: techno, EDM
    walking    quarter notes: root on the chord, chord tones between, a chromatic approach
               to the next root on the last beat: jazz
    funk       syncopated 16ths around root, octave, fifth and flat 7th, with muted ghosts
    808        long notes from kick to kick, gliding (legato overlap) when the pitch changes:
               trap

Locking: given the kick's onsets, "pop", "root", "rootfifth" and "808" play on the kicks (and
on each chord change), "eighths" keep driving with the kicks accented, "offbeat" plays between
them; walking, octave and funk keep their own time. Every line ends on the last chord's bass note, held to the final barline.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from models.harmony.chords import Chord
from models.music.piece import Note

LOW, HIGH = 28, 52  # E1..E3: the bass guitar's working range
LOW_808, HIGH_808 = 24, 43  # C1..G2
LOCKS = {"pop", "root", "rootfifth", "808"}  # eighths keep driving; the kick accents them
BASS_STYLES = ("pop", "root", "rootfifth", "eighths", "octave", "offbeat", "walking", "funk", "808")
FUNK_BARS = ((0, 0.75, 1.5, 2.5, 2.75, 3.5), (0, 0.5, 1.25, 2, 2.75, 3.25),
             (0, 1, 1.75, 2.5, 3, 3.75))  # fmt: skip
FUNK_DEGREES = (0, 12, 0, 7, 10, 0)


@dataclass
class BassStats:
    """Learned from POP909: bar rhythms (16th steps) and degree choice by position."""

    patterns: dict[str, int]  # "0,6,8" -> count
    degrees: dict[str, dict[str, int]]  # position kind -> {interval above root: count}

    @classmethod
    def fit(cls, bass_bars) -> BassStats:  # noqa: ANN001
        patterns: Counter = Counter()
        degrees: dict[str, Counter] = defaultdict(Counter)
        for bar in bass_bars:
            steps = sorted({s for s, _, _ in bar.onsets})
            if steps:
                patterns[",".join(map(str, steps))] += 1
            changes = {round(beat * 4) for beat, _ in bar.chords}
            for step, interval, _ in bar.onsets:
                degrees[_position(step, changes)][str(interval)] += 1
        top = dict(patterns.most_common(400))
        return cls(top, {k: dict(v) for k, v in degrees.items()})

    def pattern(self, rng: random.Random) -> list[float]:
        names, weights = zip(*self.patterns.items(), strict=True)
        return [int(s) / 4 for s in rng.choices(names, weights)[0].split(",")]

    def degree(self, kind: str, chord: Chord, rng: random.Random) -> int:
        counts = {int(k): v for k, v in self.degrees.get(kind, {"0": 1}).items()}
        allowed = {i % 12 for i in chord.intervals} | {chord.bass}
        pairs = [(i, n) for i, n in counts.items() if i in allowed] or [(0, 1)]
        return rng.choices([i for i, _ in pairs], [n for _, n in pairs])[0]


def _position(step: int, changes: set[int]) -> str:
    if step == 0:
        return "downbeat"
    if step in changes:
        return "change"
    return "beat" if step % 4 == 0 else "offbeat"


def place(pc: int, previous: int | None, low: int, high: int) -> int:
    """The pitch of a pitch class in range nearest the previous note (the range's lower
    middle to start)."""
    target = previous if previous is not None else low + (high - low) // 3
    options = [p for p in range(low, high + 1) if p % 12 == pc % 12]
    return min(options, key=lambda p: abs(p - target))


def bassline(segments: list[tuple[float, float, Chord]], style: str, bar_beats: float,
             rng: random.Random, kicks: dict[int, list[float]] | None = None,
             stats: BassStats | None = None) -> list[Note]:  # fmt: skip
    """A bass part under chord segments (start beat, length, chord); `kicks`: bar -> the
    kick's beats in that bar, when a drum part exists."""
    low, high = (LOW_808, HIGH_808) if style == "808" else (LOW, HIGH)
    onsets = _onsets(segments, style, bar_beats, rng, kicks, stats)
    end = segments[-1][0] + segments[-1][1]
    notes: list[Note] = []
    previous = None
    for i, (t, degree, vel) in enumerate(onsets):
        chord, seg_end, next_root = _chord_at(segments, t)
        if i == len(onsets) - 1:
            degree = 0  # the line ends on the last chord's bass note
        nxt = onsets[i + 1][0] if i + 1 < len(onsets) else end
        pitch = None
        if degree == "approach" and next_root is not None:  # a half step off where it lands
            target = place(next_root, previous, low + 1, high - 1)
            pitch = pc = target + (1 if rng.random() < 0.5 else -1)
        elif degree == "tone":
            pc = _walk_tone(chord, previous, next_root, low, high, rng)
        else:
            pc = (chord.root + (chord.bass if degree == 0 else own(chord, degree))) % 12
        pitch = place(pc, previous, low, high) if pitch is None else pitch
        if degree == 12:  # the octave above a root low enough to leave room for it
            pitch = place(chord.root, previous, low, high - 12) + 12
        previous = pitch if degree != 12 else previous
        dur = _length(style, t, nxt, seg_end, end, i == len(onsets) - 1)
        notes.append(Note(pitch, round(t, 4), round(dur, 4), vel))
    return _no_unison_glides(notes)


def _no_unison_glides(notes: list[Note]) -> list[Note]:
    """An 808 glides only into a new pitch: a repeated note ends where the next begins."""
    out = list(notes)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.pitch == b.pitch and a.start_beats + a.dur_beats > b.start_beats:
            out[i] = Note(a.pitch, a.start_beats, round(b.start_beats - a.start_beats, 4),
                          a.velocity)  # fmt: skip
    return out


def _length(style: str, t: float, nxt: float, seg_end: float, end: float, last: bool) -> float:
    if last:
        return max(end - t, 0.1)
    if style == "808":
        return nxt - t + 0.125  # overlap a 32nd: a mono 808 glides into the next note
    if style in ("funk", "offbeat", "octave"):
        return min(nxt - t, 0.45) * 0.9
    return max(min(nxt, seg_end) - t, 0.1) * 0.95


def own(chord: Chord, degree: int) -> int:
    """A rule's degree as the chord has it: the fifth is its own (a diminished fifth over a dim
    chord), the 7th its own (a major 7th over maj7); a triad's 7th is the flat 7th over minor
    and dominant-type chords and the octave over a major triad (no b7 against the key's 7th)."""
    intervals = {i % 12 for i in chord.intervals}
    if degree == 7:
        return next((i for i in (7, 6, 8) if i in intervals), 7)
    if degree == 10:
        own_seventh = next((i for i in (10, 11, 9) if i in intervals), None)
        if own_seventh is not None:
            return own_seventh
        return 10 if chord.family in ("min", "sus4", "sus2") else 12
    return degree


def _walk_tone(chord: Chord, previous: int | None, target: int | None, low: int, high: int,
               rng: random.Random) -> int:  # fmt: skip
    """A walking line's passing note: a chord or scale tone other than the note before, a step
    or a skip away, heading toward the next chord's root."""
    tones = {(chord.root + i) % 12 for i in (*chord.intervals, 2, 5, 9)}  # chord tones, 2 4 6
    if previous is None:
        return (chord.root + 7) % 12
    goal = place(target if target is not None else chord.root, previous, low, high)
    options = [p for p in range(previous - 5, previous + 6)
               if p != previous and low <= p <= high and p % 12 in tones]  # fmt: skip
    if not options:
        return (chord.root + 7) % 12
    toward = [p for p in options if (goal - previous) * (p - previous) > 0] or options
    best = sorted(toward, key=lambda p: abs(p - previous) + 0.3 * abs(goal - p))[:2]
    return rng.choice(best) % 12


def _chord_at(segments: list[tuple[float, float, Chord]],
              t: float) -> tuple[Chord, float, int | None]:  # fmt: skip
    for i, (start, length, chord) in enumerate(segments):
        if start - 1e-6 <= t < start + length - 1e-6:
            nxt = segments[i + 1][2].bass_pc if i + 1 < len(segments) else None
            return chord, start + length, nxt
    return segments[-1][2], segments[-1][0] + segments[-1][1], None


def _onsets(segments, style, bar_beats, rng, kicks, stats):  # noqa: ANN001, ANN202
    """(beat, degree, velocity): degree 0 the chord's bass, 7 its fifth, 12 the octave,
    "approach" a half step off the next root, "tone" a chord tone."""
    end = segments[-1][0] + segments[-1][1]
    changes = [start for start, _, _ in segments]
    bars = int(round(end / bar_beats))
    out: dict[float, tuple] = {}
    for bar in range(bars):
        base = bar * bar_beats
        for beat, degree, vel in _bar_rhythm(style, bar, bar_beats, rng, kicks, stats, segments):
            if beat < bar_beats - 1e-6:
                out.setdefault(round(base + beat, 4), (degree, vel))
    if style not in ("offbeat",):
        for t in changes:  # every chord change is played, on its bass note
            out[round(t, 4)] = (0, 96)
    return [(t, d, v) for t, (d, v) in sorted(out.items()) if t < end - 1e-6]


def _bar_rhythm(style, bar, bar_beats, rng, kicks, stats, segments):  # noqa: ANN001, ANN202
    kick = (kicks or {}).get(bar)
    if kick is not None and style in LOCKS:
        return [(b, 0 if b == 0 or style != "rootfifth" else 7, 90) for b in kick]
    if style == "pop" and stats is not None and bar_beats == 4:
        return [(b, stats.degree("downbeat" if b == 0 else "beat" if b % 1 == 0 else "offbeat",
                                 _chord_at(segments, bar * bar_beats + b)[0], rng),
                 88 if b % 1 == 0 else 74) for b in stats.pattern(rng)]  # fmt: skip
    if style == "eighths":
        accents = set(kick) if kick is not None else {b for b in range(int(bar_beats))}
        return [(b / 2, 0, 100 if b / 2 in accents else 78) for b in range(int(bar_beats * 2))]
    if style == "octave":
        return [(b / 2, 0 if b % 2 == 0 else 12, 94 if b % 2 == 0 else 80)
                for b in range(int(bar_beats * 2))]  # fmt: skip
    if style == "offbeat":
        avoid = set(kick or [b for b in range(int(bar_beats))])
        return [(b + 0.5, 0, 90) for b in range(int(bar_beats)) if b + 0.5 not in avoid]
    if style == "rootfifth":
        return [(0, 0, 92)] + ([(bar_beats / 2, 7, 80)] if bar_beats >= 4 else [])
    if style == "walking":
        return _walk(bar, bar_beats, segments)
    if style == "funk":
        pattern = rng.choice(FUNK_BARS)
        return [(b, FUNK_DEGREES[i % 6], 100 if b % 1 == 0 else 70) for i, b in enumerate(pattern)]
    if style == "808":
        return [(0, 0, 100), (2.5, 0, 92)] if bar_beats == 4 else [(0, 0, 100)]
    return [(0, 0, 92)]


def _walk(bar: int, bar_beats: float, segments) -> list[tuple]:  # noqa: ANN001
    """Quarter notes: the bass note on a chord's first beat, a chromatic approach on the beat
    before the next chord, chord tones between."""
    out = []
    for b in range(int(bar_beats)):
        t = bar * bar_beats + b
        chord, seg_end, next_root = _chord_at(segments, t)
        if b == 0 or any(abs(start - t) < 1e-6 for start, _, _ in segments):
            out.append((b, 0, 92))  # the bass note on each chord and on every bar's first beat
        elif abs(seg_end - (t + 1)) < 1e-6 and next_root is not None:
            out.append((b, "approach", 80))
        else:
            out.append((b, "tone", 84))
    return out
