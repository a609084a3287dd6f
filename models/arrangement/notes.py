"""Notes of an arrangement's parts: placing a section's notes, the crash after a fill, track
names, chord marks and one seed per distinct section."""

from __future__ import annotations

import zlib
from dataclasses import replace

from models.arrangement.form import Section
from models.arrangement.genres import PartSpec
from models.music.piece import ChordMark, Note, Track
from models.music.theory import Key

CRASH = 49


def material_seed(seed: int, section: Section) -> int:
    """One seed per distinct section, so a repeated chorus is the same chorus."""
    return (seed * 1_000_003 + zlib.crc32(f"{section.name}:{section.bars}".encode())) % 2**31


def place(notes: list[Note], offset: float, length: float) -> list[Note]:
    """Notes moved to a section starting at `offset`, none sounding before its start (a pushed
    kick's bass note is held from the downbeat) or past its end."""
    out = []
    for n in notes:
        start = max(n.start_beats, 0.0)
        end = min(n.start_beats + n.dur_beats, length)
        if start >= length - 1e-6 or end <= start + 1e-6:
            continue
        out.append(replace(n, start_beats=round(start + offset, 5), dur_beats=round(end - start, 5)))
    return out


def track_name(part: PartSpec) -> str:
    """'Keys (electric piano)', 'Drums': what the DAW's track list shows."""
    if part.role == "drums":
        return part.name.capitalize()
    return f"{part.name.capitalize()} ({part.instrument})"


def chord_marks(segments: list, key: Key) -> list[ChordMark]:
    from models.harmony.chords import symbol, tone_names

    return [ChordMark(s.start, s.length, symbol(s.chord, key),
                      tuple(sorted(tone_names(s.chord, key).items())))
            for s in segments]  # fmt: skip


def crash_after_fills(sections: list[Section], bar_beats: float) -> list[Note]:
    """A crash on the downbeat after each fill, as a drummer lands a section."""
    out = []
    for prev, sec in zip(sections, sections[1:], strict=False):
        if prev.fill and any(p == "drums" for p in sec.parts):
            out.append(Note(CRASH, sec.start_bar * bar_beats, 0.125, 100))
    return out


def empty_tracks(parts: list[PartSpec]) -> dict[str, Track]:
    return {p.name: Track(track_name(p), p.program, [], is_drum=p.role == "drums") for p in parts}
