"""A producer's melody from a MIDI file, made ready to harmonise.

- the melody is the part a musician would call the tune (`melody_track.choose_melody`: the track
  named so, else the line that sounds through the piece, else a skyline), or the track the
  producer names, reduced to its top line;
- onsets and lengths snap to a sixteenth-note grid; overlapping notes are cut at the next onset;
- the key is the one the producer names, else the one key finder's reading of all the file's
  notes (`keyfinder.piece_key`), as every other tool reads that file;
- the file's tempo map comes along, to be written back under the harmony;
- the line moves by whole octaves, if it must, to sit in the soprano range;
- meters the engine does not model (5/4, 7/8...) and files with no usable notes are refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from models.composition.voicing import RANGES
from models.errors import InputError
from models.music.keyfinder import KeyFinding, piece_key
from models.music.melody_track import choose_melody, melody_notes
from models.music.piece import Note, TempoMark
from models.music.theory import Key, parse_key

SUPPORTED_METERS = {(2, 4), (3, 4), (4, 4), (2, 2), (6, 8), (3, 8), (9, 8), (12, 8)}
MAX_BARS = 256
GRID = 0.25  # beats


@dataclass(frozen=True)
class Tune:
    notes: list[Note]
    key: Key
    meter: tuple[int, int]
    bars: int
    tempo_bpm: float
    shift: int  # semitones the line was moved to fit the soprano range
    melody_from: str = ""  # which part the melody was taken from ("the MELODY track")
    tempos: tuple[TempoMark, ...] = ()  # the file's tempo changes after its first tempo
    found: KeyFinding | None = None  # the key finder's reading, when no key was named


def melody_from_midi(path: Path, key: Key | None = None, mode: str | None = None,
                     track: str | None = None) -> Tune:  # fmt: skip
    """The melody of a MIDI file (`track`: the part the producer named), ready to harmonise."""
    from models.music.midi_io import read_midi

    piece = read_midi(path)
    if piece.meter not in SUPPORTED_METERS:
        meters = ", ".join(f"{n}/{d}" for n, d in sorted(SUPPORTED_METERS, key=lambda m: m[::-1]))
        raise InputError(
            f"{path.name} is in {piece.meter[0]}/{piece.meter[1]}; I can harmonise melodies in "
            f"{meters}."
        )
    if not any(t.notes and not t.is_drum for t in piece.tracks):
        raise InputError(f"{path.name} has no notes to harmonise (drums alone don't count).")
    choice = choose_melody(piece, track)
    line = top_line(melody_notes(piece, choice))
    if len(line) < 2:
        raise InputError(f"{path.name} has {len(line)} note; a melody needs at least two.")
    bar_len = piece.meter[0] * 4.0 / piece.meter[1]
    end = max(n.start_beats + n.dur_beats for n in line)
    bars = max(1, math.ceil(end / bar_len - 1e-6))
    if bars > MAX_BARS:
        raise InputError(f"{path.name} is {bars} bars long; I harmonise up to {MAX_BARS} bars.")
    found = None
    if key is None:
        found = piece_key(piece)
        key = parse_key(found.key.tonic_name, mode) if mode else found.key
    shift = fit_octave([n.pitch for n in line])
    notes = [Note(n.pitch + shift, n.start_beats, n.dur_beats, n.velocity) for n in line]
    return Tune(notes, key, piece.meter, bars, piece.tempo_bpm, shift, choice.how,
                tuple(piece.tempos), found)  # fmt: skip


def top_line(notes: list[Note]) -> list[Note]:
    """The highest note at each onset, on a sixteenth grid, cut where the next note starts."""
    by_onset: dict[float, Note] = {}
    for n in notes:
        start = round(n.start_beats / GRID) * GRID
        end = max(start + GRID, round((n.start_beats + n.dur_beats) / GRID) * GRID)
        q = Note(n.pitch, start, end - start, n.velocity)
        if start not in by_onset or q.pitch > by_onset[start].pitch:
            by_onset[start] = q
    ordered = [by_onset[s] for s in sorted(by_onset)]
    line = []
    for i, n in enumerate(ordered):
        nxt = ordered[i + 1].start_beats if i + 1 < len(ordered) else math.inf
        line.append(Note(n.pitch, n.start_beats, min(n.dur_beats, nxt - n.start_beats), n.velocity))
    return line


def fit_octave(pitches: list[int]) -> int:
    """Whole octaves to move a line by so that as much of it as possible is in soprano range."""
    lo, hi = RANGES["soprano"]
    mid = (lo + hi) / 2

    def outside(shift: int) -> tuple[int, float]:
        out = sum(p + shift < lo or p + shift > hi for p in pitches)
        centre = (min(pitches) + max(pitches)) / 2 + shift
        return out, abs(centre - mid)

    return min(range(-48, 49, 12), key=outside)


def fold_into_soprano(notes: list[Note]) -> tuple[list[Note], int]:
    """The line with each note still outside the soprano range after the whole line's octave
    shift moved by octaves into it (a soprano can't sing a tune that spans three octaves; the
    four parts are voiced under it), and how many notes moved."""
    lo, hi = RANGES["soprano"]
    out, moved = [], 0
    for n in notes:
        pitch = n.pitch
        while pitch < lo:
            pitch += 12
        while pitch > hi:
            pitch -= 12
        moved += pitch != n.pitch
        out.append(Note(pitch, n.start_beats, n.dur_beats, n.velocity))
    return out, moved
