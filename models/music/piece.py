"""A piece of music in beats, independent of any file format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.music.theory import Key


@dataclass(frozen=True)
class Note:
    pitch: int  # MIDI number
    start_beats: float  # quarter-note beats from the start
    dur_beats: float
    velocity: int = 80


@dataclass
class Track:
    name: str
    program: int = 0  # General MIDI program, 0-based
    notes: list[Note] = field(default_factory=list)
    is_drum: bool = False


# A chord mark's text: root, suffix, slash bass ("F#m7b5" -> F#, m7b5; "C6/9/E" -> C, 6/9, E;
# "F##dim", the leading-tone chord of G# minor).
# Section names ("Chorus", "Bridge") do not match.
CHORD_SYMBOL = re.compile(
    r"^([A-G](?:##|bb|[#b])?)((?:maj|min|m|dim|aug|sus|add|alt|[0-9#b+()°ø/-])*?)"
    r"(?:/([A-G](?:##|bb|[#b])?))?$"
)


@dataclass(frozen=True)
class ChordMark:
    """A chord symbol over a span of the piece, and how it spells its tones."""

    start_beats: float
    dur_beats: float
    text: str  # the symbol as the reply shows it: "Bb", "F#m7b5", "C/E", "Cm(maj7)"
    # (pitch class, spelled name) of each chord tone and of the slash bass, e.g.
    # ((10, "Bb"), (2, "D"), (5, "F")): notes sounding under the mark are spelled so.
    names: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class SectionMark:
    """Where a section of the arrangement starts: "Intro", "Verse 1", "Chorus", "Drop".

    Written as a MIDI marker, which DAWs show on their marker/arranger lane; it lasts until the
    next section or the end of the piece."""

    start_beats: float
    name: str


@dataclass(frozen=True)
class TempoMark:
    """A tempo change: from `start_beats` on, `bpm` quarter notes a minute (a file's tempo map:
    a ritardando, a new section's tempo). A piece's first tempo is its `tempo_bpm`."""

    start_beats: float
    bpm: float


@dataclass
class Piece:
    """Tracks plus the facts a producer asks about: key, tempo, meter, length; chord symbols and
    section names."""

    key: Key
    tempo_bpm: float
    meter: tuple[int, int]  # (numerator, denominator)
    bars: int
    tracks: list[Track] = field(default_factory=list)
    chords: list[ChordMark] = field(default_factory=list)  # in time order, none by default
    sections: list[SectionMark] = field(default_factory=list)  # in time order, none by default
    # Tempo changes after the first (a real file's tempo map), in time order; none by default.
    tempos: list[TempoMark] = field(default_factory=list)
    title: str = ""  # the song's title where it has one (the score's heading)
    # The key-signature event of a file read in (None: the file had none). `key` is that
    # signature too, or C major; `keyfinder.piece_key` finds the key from the notes.
    signature: Key | None = None

    @property
    def beats_per_bar(self) -> float:
        """Quarter-note beats in one bar (6/8 -> 3.0)."""
        num, den = self.meter
        return num * 4.0 / den

    @property
    def total_beats(self) -> float:
        return self.bars * self.beats_per_bar

    @property
    def duration_sec(self) -> float:
        """Seconds from the first beat to the last bar line, through the tempo map."""
        return self.seconds_at(self.total_beats)

    def seconds_at(self, beats: float) -> float:
        """Seconds from the start to `beats`, through the tempo map."""
        seconds, at, bpm = 0.0, 0.0, self.tempo_bpm
        for mark in self.tempos:
            if mark.start_beats >= beats:
                break
            seconds += (mark.start_beats - at) * 60.0 / bpm
            at, bpm = mark.start_beats, mark.bpm
        return seconds + (beats - at) * 60.0 / bpm

    def all_notes(self) -> list[Note]:
        return [n for t in self.tracks for n in t.notes]
