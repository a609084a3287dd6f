"""Voicings: chords as notes for the instrument asked, led smoothly from one chord to the next.

Each instrument has a register and a way of stacking the chord (rules from keyboard, string and
guitar practice, documented in docs/harmony.md):

    piano, electric piano, organ, clavinet   three or four notes in close position in the middle
        register (E3-D5), the root below in the left hand when no bass part plays
    jazz (any keyboard)                      rootless voicings: 3-5-7-9 or 7-9-3-5, the bass
        plays the root
    pad, strings                             four or five notes spread over two octaves
    guitar                                   a real fingering on six strings in standard tuning
        (open and barre shapes found by search), strummed low to high and back

Voice leading: every candidate voicing in range is scored by how far its voices move from the
chord before (sorted voices, semitones), how far the top voice leaps, and how far it sits
from the instrument's centre; the cheapest wins. So I-V-vi-IV moves by steps, not in parallel
blocks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from models.harmony.chords import Chord

TUNING = (40, 45, 50, 55, 59, 64)  # E2 A2 D3 G3 B3 E4


@dataclass(frozen=True)
class Instrument:
    name: str
    program: int  # General MIDI, 0-based
    low: int  # lowest note of the upper voices
    high: int  # highest
    voices: int  # upper voices
    kind: str  # keys, spread, guitar


Ins = Instrument
INSTRUMENTS: dict[str, Instrument] = {i.name: i for i in (
    Ins("piano", 0, 52, 74, 3, "keys"),
    Ins("electric piano", 4, 52, 74, 4, "keys"),
    Ins("organ", 16, 52, 76, 4, "keys"),
    Ins("clavinet", 7, 55, 76, 3, "keys"),
    Ins("pad", 89, 48, 79, 5, "spread"),
    Ins("strings", 48, 43, 81, 4, "spread"),
    Ins("guitar", 27, 40, 76, 6, "guitar"),
    Ins("acoustic guitar", 25, 40, 76, 6, "guitar"),
    Ins("nylon guitar", 24, 40, 76, 6, "guitar"),
    Ins("distortion guitar", 30, 40, 76, 6, "guitar"),
    Ins("synth", 81, 52, 76, 4, "keys"),
)}  # fmt: skip
INSTRUMENT_WORDS = {
    "piano": "piano", "keys": "piano", "grand piano": "piano", "rhodes": "electric piano",
    "electric piano": "electric piano", "e-piano": "electric piano", "ep": "electric piano",
    "wurlitzer": "electric piano", "wurli": "electric piano", "organ": "organ",
    "hammond": "organ", "b3": "organ", "clav": "clavinet", "clavinet": "clavinet", "pad": "pad",
    "pads": "pad", "synth pad": "pad", "strings": "strings", "string": "strings",
    "guitar": "guitar", "electric guitar": "guitar", "acoustic guitar": "acoustic guitar",
    "acoustic": "acoustic guitar", "nylon guitar": "nylon guitar",
    "classical guitar": "nylon guitar", "distortion guitar": "distortion guitar",
    "distorted guitar": "distortion guitar", "synth": "synth",
}  # fmt: skip


def _rank(interval: int, intervals: set[int]) -> int:
    """Which chord tones a voicing keeps first: the 3rd (or the sus tone), the 7th (the 6th of
    a 6th or dim7 chord), the extensions, then the 5th, then the root."""
    if interval in (3, 4) or (interval in (2, 5) and not intervals & {3, 4}):
        return 0
    if interval in (10, 11) or (interval == 9 and not intervals & {10, 11}):
        return 1
    return {7: 3, 0: 4}.get(interval, 2)


def upper_tones(chord: Chord, voices: int, rootless: bool) -> list[int]:
    """Intervals above the root for the upper voices: the colour first (3rd, 7th, extensions),
    the 5th and the root dropped first when there are too many, the root and 5th doubled when
    too few. Rootless (jazz): no root, and a 9th added to a plain seventh or sixth chord."""
    ivs = {i % 12 for i in chord.intervals}
    if rootless and len(ivs) >= 4:
        ivs.discard(0)
        if chord.quality in ("maj7", "min7", "7", "6", "min6"):
            ivs.add(2)  # the rootless voicing's four notes: 3 5 7 9 or 7 9 3 5
    keep = sorted(ivs, key=lambda i: (_rank(i, ivs), i))
    tones = keep[:voices]
    for extra in (0, 7, 0):
        if len(tones) < voices and extra in keep and not (rootless and extra == 0):
            tones.append(extra)
    return tones


@lru_cache(maxsize=4096)
def candidates(root: int, tones: tuple[int, ...], low: int, high: int,
               span: int) -> tuple[tuple[int, ...], ...]:  # fmt: skip
    """Every voicing of the pitch classes (root + tones) in [low, high] within `span` semitones,
    each note stacked above the one before in some order (close and open positions)."""
    out = set()
    for order in set(itertools.permutations(tones)):
        first = (root + order[0]) % 12
        for bottom in range(low + (first - low) % 12, high + 1, 12):
            notes, last = [bottom], bottom
            for iv in order[1:]:
                pc = (root + iv) % 12
                nxt = last + ((pc - last) % 12 or 12)
                notes.append(nxt)
                last = nxt
            if notes[-1] <= high and notes[-1] - notes[0] <= span:
                out.add(tuple(notes))
    return tuple(sorted(out))


def lead(previous: tuple[int, ...] | None, options: tuple[tuple[int, ...], ...],
         centre: float) -> tuple[int, ...]:  # fmt: skip
    """The option that moves least from the previous voicing (see the module docstring)."""

    def cost(v: tuple[int, ...]) -> float:
        mid = abs(sum(v) / len(v) - centre) * 0.4
        mid += 3.0 * sum(1 for a, b in zip(v, v[1:], strict=False) if b - a == 1)  # clusters
        if previous is None:
            return mid
        moves = sum(abs(a - b) for a, b in zip(sorted(v), sorted(previous), strict=False))
        return moves + 0.5 * abs(v[-1] - previous[-1]) + mid

    return min(options, key=cost)


@lru_cache(maxsize=2048)
def guitar_shape(pcs: tuple[int, ...], bass_pc: int) -> tuple[tuple[int, int], ...]:
    """A playable fingering: (string, MIDI pitch) for the strings that sound, lowest first.

    Searches positions 0-9: the lowest sounding string plays the bass and nothing sounds below
    it; strings above play chord tones within four frets (open strings only in the first
    positions, where a hand can let them ring); every chord tone is there (a 5th may be left out
    of a four-note chord) and no pitch is doubled in unison. Prefers more strings, lower
    positions and open strings: the shapes guitarists learn first (x32010 for C, x02210 for
    Am, x13331 for Bb)."""
    best, best_score = None, -1e9
    need = set(pcs) - ({pcs[2]} if len(pcs) >= 4 else set())
    for pos in range(10):
        frets = ([0] if pos <= 3 else []) + list(range(max(pos, 1), pos + 4))
        for low_string in range(3):
            for shape in _shapes(pcs, bass_pc, frets, low_string):
                pitches = [p for _, p in shape]
                if not need <= {p % 12 for p in pitches} or len(set(pitches)) < len(pitches):
                    continue
                if not _fingerable(shape):
                    continue
                score = len(shape) * 2 - pos * 1.2 - (6 - len(shape) - low_string) * 3
                score += sum(0.6 for s, p in shape if p == TUNING[s])
                if score > best_score:
                    best, best_score = tuple(shape), score
    if best is None:  # a shape the search cannot finger: close position on the top strings
        return tuple((3 + i, 55 + (pc - 55) % 12 + 12 * (i // 3)) for i, pc in enumerate(pcs[:3]))
    return best


def _fingerable(shape: list[tuple[int, int]]) -> bool:
    """Four fingers: at most four fretted notes within four frets, or a barre across the lowest
    fret (no open string inside it) and at most three notes above it."""
    fretted = [(s, p - TUNING[s]) for s, p in shape if p > TUNING[s]]
    if not fretted:
        return True
    frets = [f for _, f in fretted]
    if max(frets) - min(frets) > 3:
        return False
    if len(fretted) <= 4:
        return True
    barre = [s for s, f in fretted if f == min(frets)]
    opens_inside = any(p == TUNING[s] and barre[0] < s < barre[-1] for s, p in shape)
    return len(barre) >= 2 and len(fretted) - len(barre) <= 3 and not opens_inside


def _shapes(pcs: tuple[int, ...], bass_pc: int, frets: list[int], low_string: int):  # noqa: ANN202
    """Every fingering in these frets with the bass on `low_string` and chord tones above it
    (a string with no chord tone in reach is muted), each note above the bass."""
    bass = [TUNING[low_string] + f for f in frets if (TUNING[low_string] + f) % 12 == bass_pc]
    if not bass:
        return
    options = [[TUNING[s] + f for f in frets if (TUNING[s] + f) % 12 in pcs
                and TUNING[s] + f > bass[0]] or [None] for s in range(low_string + 1, 6)]  # fmt: skip
    for rest in itertools.product(*options):
        yield [(low_string, bass[0])] + [(s, p) for s, p in
                                         zip(range(low_string + 1, 6), rest, strict=True) if p]  # fmt: skip


def voice(chords: list[Chord], instrument: Instrument, rootless: bool,
          with_root: bool) -> list[tuple[int, ...]]:  # fmt: skip
    """A voicing per chord (MIDI pitches, low to high), each led from the one before."""
    out: list[tuple[int, ...]] = []
    previous = None
    centre = (instrument.low + instrument.high) / 2
    for chord in chords:
        if instrument.kind == "guitar":
            shape = guitar_shape(chord.pcs, chord.bass_pc)
            out.append(tuple(p for _, p in shape))
            continue
        span = 14 if instrument.kind == "keys" else 26
        tones = tuple(upper_tones(chord, instrument.voices, rootless))
        options = candidates(chord.root, tones, instrument.low, instrument.high, span)
        while not options and len(tones) > 1:  # no room in range: a wider span, then fewer
            options = candidates(chord.root, tones, instrument.low, instrument.high, 36)
            tones = tones if options else tones[:-1]
        bass = 36 + (chord.bass_pc - 36) % 12  # C2..B2: the left hand or the cellos
        lower = with_root and not rootless  # no bass part: the left hand (or the cellos) has it
        if lower:  # never an upper voice in unison with it
            options = tuple(o for o in options if bass not in o) or options
        previous = lead(previous, options, centre)
        notes = (bass, *previous) if lower else previous
        out.append(notes)
    return out
