"""Edits of one part of a piece, leaving every other part note for note: find a part by its name,
role or instrument, write a new part over the piece's chords and groove, transpose, loop, cut.

Works on any piece Cadenza wrote (or a MIDI file read back): the chords come from its chord
marks, or, when it has none (a chorale, a folk tune), from the pop harmonisation of its top line
(models/harmony/fit.py).
"""

from __future__ import annotations

import re
from dataclasses import replace

from models.arrangement.genres import CHORD_INSTRUMENTS, Genre, PartSpec
from models.errors import InputError
from models.harmony.progression import Segment
from models.music.piece import ChordMark, Note, Piece, TempoMark, Track
from models.music.theory import Key

# General MIDI program families a producer names (0-based, inclusive ranges).
FAMILIES = {
    "piano": range(0, 8), "keys": range(0, 8), "rhodes": range(4, 6), "organ": range(16, 24),
    "guitar": range(24, 32), "bass": range(32, 40), "strings": range(40, 52),
    "choir": range(52, 55), "voices": range(52, 55), "brass": range(56, 64),
    "horns": range(56, 64), "sax": range(64, 68), "flute": range(72, 80), "synth": range(80, 96),
    "pad": range(88, 96), "lead": range(80, 88),
}  # fmt: skip
ROLE_NAMES = {
    "drums": ("drums", "beat", "percussion", "drum"),
    "bass": ("bass", "bassline", "808"),
    "chords": ("keys", "chords", "piano", "guitar", "stabs", "clav", "organ", "comping"),
    "pad": ("pad", "strings", "voices"),
    "lead": ("lead", "melody", "tune", "soprano", "top line", "topline", "hook"),
}  # fmt: skip


def part_role(track: Track) -> str:
    """What a track plays, by its name (Cadenza's names) or, for other files, its program."""
    if track.is_drum:
        return "drums"
    head = track.name.split(" (")[0].lower()
    for role, names in ROLE_NAMES.items():
        if head in names:
            return role
    if head in ("alto", "tenor"):
        return "pad"
    if 32 <= track.program < 40 or head.startswith("bass"):
        return "bass"
    return "chords"


def find_parts(piece: Piece, word: str) -> list[int]:
    """Indices of the tracks a producer's word names: a track's name, a role (the bass, the
    melody), or an instrument family (the choir: every choir track)."""
    w = re.sub(r"^(?:the|a|an|my)\s+", "", word.lower().strip())
    named = [i for i, t in enumerate(piece.tracks) if t.name.split(" (")[0].lower() == w
             or f"({w})" in t.name.lower()]  # fmt: skip
    if named:
        return named
    roles = [r for r, names in ROLE_NAMES.items() if w in names or w == r]
    by_role = [i for i, t in enumerate(piece.tracks) if part_role(t) in roles]
    if by_role:
        return by_role
    family = FAMILIES.get(w) or FAMILIES.get(w.rstrip("s"))
    if family is not None:
        return [i for i, t in enumerate(piece.tracks) if not t.is_drum and t.program in family]
    return []


def describe_parts(piece: Piece) -> str:
    return ", ".join(t.name for t in piece.tracks) or "nothing"


def segments_of(piece: Piece) -> list[Segment]:
    """The piece's chords: its chord marks read as chords, else the pop harmonisation of its
    top line."""
    from models.harmony.parse import _read_symbol

    segs = []
    for mark in piece.chords:
        chord = _read_symbol(mark.text, piece.key)
        if chord is not None:
            segs.append(Segment(mark.start_beats, mark.dur_beats, chord))
    if segs:
        return segs
    from models.harmony.engine import get_engine
    from models.harmony.fit import harmonise

    pitched = [t for t in piece.tracks if not t.is_drum and t.notes]
    if not pitched:
        raise InputError("The song has no chords or tune to write over yet: add chords first "
                         "('add rhodes chords to it').")  # fmt: skip
    top = max(pitched, key=lambda t: sum(n.pitch for n in t.notes) / len(t.notes))
    return harmonise(get_engine().model, top.notes, piece.key, piece.bars, piece.beats_per_bar)


def chord_marks_for(piece: Piece, segments: list[Segment]) -> list[ChordMark]:
    from models.arrangement.notes import chord_marks

    return piece.chords or chord_marks(segments, piece.key)


def kicks_of(piece: Piece) -> dict[int, list[float]] | None:
    """The kick of the piece's drums, bar by bar (None without drums)."""
    drums = next((t for t in piece.tracks if t.is_drum), None)
    if drums is None:
        return None
    bar_beats = piece.beats_per_bar
    kicks: dict[int, list[float]] = {b: [] for b in range(piece.bars)}
    for n in drums.notes:
        if n.pitch in (35, 36):
            bar, at = divmod(round(n.start_beats * 4) / 4, bar_beats)
            kicks.setdefault(int(bar), []).append(round(at, 3))
    return {b: sorted(set(k)) for b, k in kicks.items()}


def meter_text(piece: Piece) -> str:
    return f"{piece.meter[0]}/{piece.meter[1]}"


def counted_tempo(piece: Piece) -> float:
    return piece.tempo_bpm / (1.5 if piece.meter == (6, 8) else 1.0)


def write_part(piece: Piece, part: PartSpec, genre: Genre, seed: int,
               density: float | None = None, plain: bool = False) -> list[Note]:  # fmt: skip
    """A new part's notes over the whole piece: drums in the genre's style, chords, a pad or a
    bass on the piece's chords (the bass on its kick), a lead over them."""
    meter = meter_text(piece)
    if meter not in ("4/4", "3/4", "6/8"):
        raise InputError(f"I add parts in 4/4, 3/4 or 6/8; this song is in {meter}.")
    if part.role == "drums":
        from models.drums.engine import DrumRequest, get_engine
        from models.drums.song import to_piece

        req = DrumRequest(style=part.rhythm or genre.drum_style or "pop",
                          tempo_bpm=counted_tempo(piece), bars=piece.bars, meter=meter, seed=seed,
                          density=density if density is not None else part.density or 0.5)  # fmt: skip
        return to_piece(get_engine().write(req)).tracks[0].notes
    segments = segments_of(piece)
    if part.role == "lead":
        from models.arrangement.lead import write_lead

        low, high = (part.low, part.high) if part.low else (60, 79)
        return write_lead(segments, piece.key, piece.beats_per_bar, piece.bars, seed, low=low,
                          high=high, density=density if density is not None else 0.5)  # fmt: skip
    from models.harmony.engine import HarmonyRequest, get_engine

    voicing = CHORD_INSTRUMENTS.get(part.instrument, (None,))[0]
    rhythm = "block" if plain and part.role == "chords" else part.rhythm
    req = HarmonyRequest(key=Key(piece.key.tonic_pc, piece.key.mode), style=genre.harmony_style,
                         bars=piece.bars, meter=meter,
                         instrument=voicing if part.role != "bass" else None,
                         rhythm=rhythm if part.role != "bass" else None,
                         bass_style=part.rhythm if part.role == "bass" else None,
                         parts=("bass",) if part.role == "bass" else ("chords",),
                         tempo_bpm=counted_tempo(piece), seed=seed, kicks=kicks_of(piece))  # fmt: skip
    harmony = get_engine().play(req, req.key, _plain(segments) if plain else segments)
    return harmony.bass_notes if part.role == "bass" else harmony.chord_notes


def _plain(segments: list[Segment]) -> list[Segment]:
    """Simpler chords: each chord as its plain triad (sevenths and extensions dropped)."""
    from models.harmony.chords import FAMILY

    simple = {"min": "min", "maj": "maj", "dim": "dim", "aug": "aug", "sus": "sus4", "hdim7": "dim",
              "7": "maj", "maj7": "maj", "min7": "min"}  # fmt: skip
    return [replace(s, chord=replace(s.chord, quality=simple.get(FAMILY[s.chord.quality], "maj"),
                                     bass=0)) for s in segments]  # fmt: skip


def transposed(piece: Piece, semitones: int, key: Key) -> Piece:
    """Every pitched part moved by `semitones` (drums stay), the key and chord marks with it."""
    from models.arrangement.notes import chord_marks

    segs = [replace(s, chord=replace(s.chord, root=(s.chord.root + semitones) % 12))
            for s in segments_of(piece)] if piece.chords else []  # fmt: skip
    tracks = [t if t.is_drum else replace(t, notes=[replace(n, pitch=min(max(n.pitch + semitones, 0), 127))
                                                      for n in t.notes]) for t in piece.tracks]  # fmt: skip
    return replace(piece, key=key, tracks=tracks, chords=chord_marks(segs, key) if segs else [])


def looped(piece: Piece, times: int) -> Piece:
    """The piece played `times` times in a row (chords and sections with it)."""
    length = piece.total_beats
    tracks = [replace(t, notes=[replace(n, start_beats=n.start_beats + k * length)
                                for k in range(times) for n in t.notes]) for t in piece.tracks]  # fmt: skip
    chords = [replace(m, start_beats=m.start_beats + k * length) for k in range(times)
              for m in piece.chords]  # fmt: skip
    sections = [replace(s, start_beats=s.start_beats + k * length) for k in range(times)
                for s in piece.sections]  # fmt: skip
    # A tempo map plays again with each time round, from the piece's first tempo.
    tempos = []
    for k in range(times if piece.tempos else 0):
        if k:
            tempos.append(TempoMark(k * length, piece.tempo_bpm))
        tempos += [replace(m, start_beats=m.start_beats + k * length) for m in piece.tempos]
    return replace(piece, bars=piece.bars * times, tracks=tracks, chords=chords,
                   sections=sections, tempos=tempos)  # fmt: skip


def cut(piece: Piece, bars: int) -> Piece:
    """The first `bars` bars, nothing sounding past the new end."""
    end = bars * piece.beats_per_bar
    tracks = [replace(t, notes=[replace(n, dur_beats=min(n.dur_beats, end - n.start_beats))
                                for n in t.notes if n.start_beats < end - 1e-6]) for t in piece.tracks]  # fmt: skip
    chords = [replace(m, dur_beats=min(m.dur_beats, end - m.start_beats)) for m in piece.chords
              if m.start_beats < end - 1e-6]  # fmt: skip
    sections = [s for s in piece.sections if s.start_beats < end - 1e-6]
    tempos = [m for m in piece.tempos if m.start_beats < end - 1e-6]
    return replace(piece, bars=bars, tracks=tracks, chords=chords, sections=sections,
                   tempos=tempos)  # fmt: skip


def instrument_word(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().strip())
