"""POP909's lead melodies (the MELODY track of each song) over its chord and key labels, for the
lead model (`lead.py`). Read from `data/harmony/pop909.tar.xz` (MIT; data/harmony/ATTRIBUTION.md).

Each note's onset and release (note-offs, timed by the file's tempo map) become fractional beat
indices on the song's annotated beat grid (`beat_midi.txt`) and are rounded to 16th steps. Only
4/4 bars are kept (four beats between two downbeats); a note starting anywhere else (before the
first downbeat, in a 3/4 or 2/4 bar, in the last bar that has no downbeat after it) is left out.
The melody is monophonic: two notes on one step keep the higher, and a note is cut where the
next one starts; a short silence between two notes is read as articulation (`_monophonic`). Each note carries the chord sounding at its onset (POP909's chord labels are
whole beats; None where the label is `N` or unreadable) and the key at that moment.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.harmony.chords import Chord
from models.harmony.data import DATA_DIR, _Pop, _pop909, beat_positions
from models.music.raw_midi import TEMPO, track_events

TRACK = "MELODY"
STEPS = 16  # 16th steps in a 4/4 bar
LEGATO = 4  # a silence under a beat (in 16ths) may be articulation (see _monophonic)


@dataclass(frozen=True)
class LeadNote:
    """One melody note of a 4/4 bar."""

    step: int  # 16th step in the bar, 0..15
    dur: int  # length in 16ths (at least 1; may run past the bar line)
    pitch: int  # MIDI number
    chord: Chord | None  # sounding at the onset
    tonic: int  # key at the onset
    mode: str


@dataclass(frozen=True)
class LeadBar:
    """A 4/4 bar of one song: its melody, drawn as 16 cells, and its chords."""

    index: int  # which bar of the song (downbeat count): consecutive bars differ by 1
    tonic: int  # key at the downbeat
    mode: str
    cells: str  # per 16th: 'x' a note starts, '-' one sounds on, '.' silence
    notes: tuple[LeadNote, ...]
    chords: tuple[tuple[int, Chord | None], ...]  # (step, chord) where each starts, the first at 0


@dataclass
class LeadSong:
    song: str  # "pop909/001"
    bars: list[LeadBar]


def _note_spans(body: bytes) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """A MIDI track chunk's (on tick, off tick, pitch) per note and its (tick, tempo) changes.
    A note-on pairs with the next release of its pitch (note-off, or note-on at velocity 0)."""
    spans, tempos, sounding = [], [], {}
    tick = 0
    for tick, status, data in track_events(body):
        if status == TEMPO:
            tempos.append((tick, int.from_bytes(data, "big")))
        elif status & 0xF0 in (0x80, 0x90):
            pitch, on = data[0], status & 0xF0 == 0x90 and data[1] > 0
            if pitch in sounding:  # a release, or a restrike that ends the note before it
                spans.append((sounding.pop(pitch), tick, pitch))
            if on:
                sounding[pitch] = tick
    spans.extend((start, tick, pitch) for pitch, start in sounding.items())  # never released
    return sorted(spans), tempos


def midi_notes(midi: bytes, track: str = TRACK) -> list[tuple[float, float, int]]:
    """(onset s, release s, pitch) of each note of the named track, timed by the tempo map
    (120 bpm if none), in onset order."""
    tpb, i = struct.unpack(">H", midi[12:14])[0], 8 + struct.unpack(">I", midi[4:8])[0]
    spans: list[tuple[int, int, int]] = []
    tempos: list[tuple[int, int]] = []
    name = b"\x00\xff\x03" + bytes([len(track)]) + track.encode()
    while i + 8 <= len(midi):
        length = struct.unpack(">I", midi[i + 4 : i + 8])[0]
        body, i = midi[i + 8 : i + 8 + length], i + 8 + length
        if not tempos or body.startswith(name):  # the tempo map, or the track asked for
            found, changes = _note_spans(body)
            tempos, spans = tempos or changes, found if body.startswith(name) else spans
    if not spans:
        return []
    marks = tempos if tempos and tempos[0][0] == 0 else [(0, 500_000), *tempos]
    ticks = np.array([m[0] for m in marks], dtype=float)
    rates = np.array([m[1] for m in marks], dtype=float) / 1e6 / tpb  # seconds per tick
    bases = np.concatenate([[0.0], np.cumsum(np.diff(ticks) * rates[:-1])])
    at = np.array([(a, b) for a, b, _ in spans], dtype=float)
    k = np.searchsorted(ticks, at, side="right") - 1  # the tempo in force at each tick
    seconds = bases[k] + (at - ticks[k]) * rates[k]
    return [(float(a), float(b), p) for (a, b), (_, _, p) in zip(seconds, spans, strict=True)]


def _monophonic(steps: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """(onset step, release step, pitch): one note per onset (the highest), each cut where the
    next starts, at least a 16th long. The MELODY tracks were played on a keyboard, detached
    (half their notes are a 16th long): a silence shorter than a beat and no longer than the
    time between the two onsets' halves is articulation, not a sung rest, so the note is held
    on to the next onset."""
    top: dict[int, tuple[int, int]] = {}
    for on, off, pitch in steps:
        if on not in top or pitch > top[on][1]:
            top[on] = (off, pitch)
    onsets = sorted(top)
    out = []
    for k, on in enumerate(onsets):
        off, pitch = top[on]
        nxt = onsets[k + 1] if k + 1 < len(onsets) else off
        if nxt - off < LEGATO and 2 * (nxt - off) <= nxt - on:
            off = nxt
        out.append((on, max(on + 1, min(off, nxt)), pitch))
    return out


def _song(pop: _Pop, midi: bytes) -> LeadSong:
    """One song's 4/4 bars (see the module docstring)."""
    notes = midi_notes(midi) if midi else []
    beats = beat_positions(pop.times, [t for a, b, _ in notes for t in (a, b)]) if notes else []
    steps = _monophonic([(round(a * 4), round(b * 4), p)
                         for a, b, (_, _, p) in zip(beats[::2], beats[1::2], notes, strict=True)])  # fmt: skip
    chord_at: dict[int, Chord | None] = {}
    for a, b, chord, _ in pop.chords:
        chord_at.update(dict.fromkeys(range(a, b), chord))
    sounding = np.zeros(len(pop.times) * 4 + STEPS, dtype=np.int8)  # 0 rest, 1 on, 2 sounds
    for on, off, _ in steps:
        if 0 <= on < len(sounding):  # a note before the beat grid starts is in no bar
            sounding[on:off] = 2
            sounding[on] = 1
    starts = [on for on, _, _ in steps]
    key_starts = [k[0] + 1e-3 for k in pop.keys]  # as _Pop.key_index, without its list per call

    def key_of(beat: int) -> tuple[float, int, str]:
        seconds = pop.times[min(beat, len(pop.times) - 1)]
        return pop.keys[max(bisect_right(key_starts, seconds) - 1, 0)]

    bars = []
    for index, (down, nxt) in enumerate(zip(pop.downbeats, pop.downbeats[1:], strict=False)):
        if nxt - down != 4:
            continue
        first = down * 4
        found = []
        for on, off, pitch in steps[bisect_right(starts, first - 1) : bisect_right(starts, first + STEPS - 1)]:  # fmt: skip
            _, tonic, mode = key_of(on // 4)
            found.append(LeadNote(on - first, off - on, pitch, chord_at.get(on // 4), tonic, mode))
        heard = [(b, chord_at.get(down + b)) for b in range(4)]
        changes = tuple(
            (b * 4, c) for k, (b, c) in enumerate(heard) if not k or c != heard[k - 1][1]
        )
        cells = "".join(".x-"[v] for v in sounding[first : first + STEPS])
        _, tonic, mode = key_of(down)
        bars.append(LeadBar(index, tonic, mode, cells, tuple(found), changes))
    return LeadSong(pop.song, bars)


def pop909_leads(data_dir: Path = DATA_DIR) -> list[LeadSong]:
    """Every POP909 song's 4/4 bars with their melody, chords and key, in song order."""
    return [_song(pop, midi) for pop, midi in _pop909(data_dir)]
