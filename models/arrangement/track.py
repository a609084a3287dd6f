"""What a track request asks and what an arrangement holds (shared by the arranger and the band
that plays it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.arrangement.form import Section
from models.arrangement.genres import Genre, PartSpec
from models.music.piece import Piece
from models.music.theory import Key


@dataclass(frozen=True)
class TrackRequest:
    genre: str
    key: Key | None = None
    mode: str | None = None
    tempo_bpm: float | None = None  # the beat a producer counts (6/8: dotted quarters)
    meter: str | None = None
    bars: int | None = None  # None: the genre's loop (or song)
    seconds: float | None = None  # "about 30 seconds": the nearest even number of bars
    song: bool = False  # the genre's whole song form
    instruments: tuple[tuple[str, str], ...] = ()  # (part name or role, instrument word)
    only: tuple[str, ...] = ()  # just these parts (names or roles)
    without: tuple[str, ...] = ()  # parts left out
    progression: tuple | None = None  # bars of harmony Chords, played exactly
    mood: str | None = None
    seed: int = 0


@dataclass
class Arrangement:
    request: TrackRequest
    genre: Genre
    key: Key
    tempo_bpm: float  # as counted (6/8: dotted quarters)
    meter: str
    sections: list[Section]
    parts: list[PartSpec]
    piece: Piece
    segments: list = field(default_factory=list)  # harmony Segments over the whole piece
