"""Comping: the rhythm a style plays its chords in, as notes (style rules, docs/harmony.md).

A pattern is a bar of hits: (beat, length in beats or None to hold to the chord's end,
velocity, kind). Kinds: "all" strikes the whole voicing, "down"/"up" strum a guitar (low to high
or high to low, about 12 ms a string, upstrokes lighter and on the top strings), "arp" plays
the voicing's notes one at a time up and down. A hit past a chord's end is cut there; a chord
that changes where its pattern has no hit is struck as it arrives (except stabs, which stay on
the off-beats).
"""

from __future__ import annotations

import random

from models.music.piece import Note

PATTERNS: dict[str, tuple[tuple[float, float | None, int, str], ...]] = {
    "block": ((0, None, 78, "all"),),
    "pad": ((0, None, 70, "all"),),
    "pulse": ((0, 1, 84, "all"), (1, 1, 68, "all"), (2, 1, 76, "all"), (3, 1, 68, "all")),
    "half": ((0, 2, 80, "all"), (2, 2, 70, "all")),
    "arpeggio": tuple((b / 2, 1.0, 72 if b % 4 else 80, "arp") for b in range(8)),
    "stabs": ((0.5, 0.25, 92, "all"), (1.5, 0.25, 84, "all"), (2.5, 0.25, 90, "all"),
              (3.5, 0.25, 84, "all")),
    "strum": ((0, 1, 92, "down"), (1, 0.5, 80, "down"), (1.5, 0.5, 62, "up"),
              (2.5, 0.5, 64, "up"), (3, 0.5, 84, "down"), (3.5, 0.5, 62, "up")),
    "comping": ((0, 0.75, 76, "all"), (1.5, 0.5, 70, "all"), (3.5, 0.5, 66, "all")),
    "bossa": ((0, 1, 70, "all"), (1.5, 1, 66, "all"), (3, 0.5, 64, "all"),
              (3.5, 0.5, 60, "all")),
    "lofi": ((0, 2.5, 70, "all"), (2.5, 1.5, 58, "all")),
    "skank": ((1, 0.25, 80, "all"), (3, 0.25, 80, "all")),
    "funk": ((0, 0.25, 90, "all"), (0.75, 0.25, 70, "all"), (1.5, 0.25, 84, "all"),
             (2.25, 0.25, 72, "all"), (2.75, 0.25, 86, "all"), (3.5, 0.25, 74, "all")),
}  # fmt: skip
# Variations a jazz pianist moves between, bar by bar (the Charleston and its cousins).
COMPING_BARS = (
    PATTERNS["comping"],
    ((0, 1.5, 74, "all"), (1.5, 0.5, 68, "all")),
    ((0.5, 0.5, 70, "all"), (2, 1, 72, "all"), (3.5, 0.5, 64, "all")),
    ((1, 0.5, 70, "all"), (2.5, 1, 72, "all")),
)
NO_RESTRIKE = {"stabs", "skank"}
STRUM_GAP = 0.02  # beats between strings (about 12 ms at 100 bpm)


def swung(beat: float, swing: float) -> float:
    """Push an off-beat 8th toward the triplet position (swing 1: 2/3 of the beat)."""
    whole, frac = divmod(beat, 1.0)
    if abs(frac - 0.5) < 1e-6:
        return whole + 0.5 + swing * (1 / 6)
    return beat


def comp(segments: list[tuple[float, float, tuple[int, ...]]], pattern: str, bar_beats: float,
         swing: float, rng: random.Random) -> list[Note]:  # fmt: skip
    """Notes for chord segments (start beat, length, voicing) in a pattern."""
    notes: list[Note] = []
    for start, length, voicing in segments:
        end = start + length
        hits = _hits(start, end, pattern, bar_beats, rng)
        if pattern not in NO_RESTRIKE and not any(abs(t - start) < 1e-6 for t, *_ in hits):
            first = PATTERNS[pattern][0]
            hits.insert(0, (start, first[1], first[2], first[3]))
        for t, dur, vel, kind in hits:
            t_sw = swung(t, swing)
            stop = end if dur is None else min(t_sw + dur, end)
            notes += _strike(voicing, t_sw, stop, vel, kind, t, rng)
    return untangle(notes)


def untangle(notes: list[Note]) -> list[Note]:
    """A note struck again while it still sounds ends just before the new strike (a MIDI
    track can't sound one pitch twice), and a note struck twice at once is kept once."""
    by_pitch: dict[int, list[Note]] = {}
    for n in sorted(notes, key=lambda n: (n.start_beats, -n.dur_beats)):
        same = by_pitch.setdefault(n.pitch, [])
        if same and abs(same[-1].start_beats - n.start_beats) < 1e-6:
            continue
        if same and same[-1].start_beats + same[-1].dur_beats > n.start_beats - 0.01:
            last = same[-1]
            same[-1] = Note(last.pitch, last.start_beats,
                            round(max(n.start_beats - last.start_beats - 0.01, 0.02), 4),
                            last.velocity)  # fmt: skip
        same.append(n)
    return sorted((n for group in by_pitch.values() for n in group),
                  key=lambda n: (n.start_beats, n.pitch))  # fmt: skip


def _hits(start: float, end: float, pattern: str, bar_beats: float,
          rng: random.Random) -> list[tuple[float, float | None, int, str]]:  # fmt: skip
    out = []
    bar = int(start // bar_beats)
    while bar * bar_beats < end - 1e-6:
        bar_hits = rng.choice(COMPING_BARS) if pattern == "comping" else PATTERNS[pattern]
        for beat, dur, vel, kind in bar_hits:
            t = bar * bar_beats + beat
            if beat < bar_beats - 1e-6 and start - 1e-6 <= t < end - 1e-6:
                out.append((t, dur, vel, kind))
        bar += 1
    return out


def _strike(voicing: tuple[int, ...], t: float, stop: float, vel: int, kind: str,
            grid_t: float, rng: random.Random) -> list[Note]:  # fmt: skip
    jitter = rng.randint(-5, 5)
    if kind == "arp":
        step = round(grid_t * 2) % (2 * len(voicing) - 2 or 1)
        order = list(voicing) + list(voicing[-2:0:-1])
        pitch = order[step % len(order)]
        return [Note(pitch, round(t, 4), round(max(stop - t, 0.05), 4), _v(vel + jitter))]
    strings = voicing
    if kind == "up":
        strings = tuple(reversed(voicing[-4:]))
    gap = STRUM_GAP if kind in ("down", "up") else 0.0
    return [Note(p, round(t + i * gap, 4), round(max(stop - t - i * gap, 0.05), 4),
                 _v(vel + jitter - (2 * i if kind == "up" else 0)))
            for i, p in enumerate(strings)]  # fmt: skip


def _v(v: int) -> int:
    return max(1, min(127, v))
