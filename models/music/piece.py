"""A piece of music in beats, independent of any file format."""

from __future__ import annotations

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


@dataclass
class Piece:
    """Tracks plus the facts a producer asks about: key, tempo, meter, length."""

    key: Key
    tempo_bpm: float
    meter: tuple[int, int]  # (numerator, denominator)
    bars: int
    tracks: list[Track] = field(default_factory=list)

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
        return self.total_beats * 60.0 / self.tempo_bpm

    def all_notes(self) -> list[Note]:
        return [n for t in self.tracks for n in t.notes]
