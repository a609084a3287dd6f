"""What a score shows besides the notes: its heading, the tempo mark, staff names and clefs.

One rule for every engine (compose, generate, chords, track, edit), so a tenor reads the same
clef whichever wrote it. models.music.musicxml applies these to the music21 score it writes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from models.music.piece import Piece, Track

if TYPE_CHECKING:
    from music21 import instrument, tempo

UNTITLED = "Untitled"  # the heading of a piece with no title
SOFTWARE = "Cadenza"  # credited in <encoding><software>, never as the composer
# Choir voices take the clef singers read, whatever the notes of one piece average: the tenor
# reads treble clef an octave down (Treble8vb) from every engine, the alto never bass clef.
# A part counts by its role, the name before any "(instrument)": "Tenor", "Tenor 2",
# "Tenor (choir)", "Bass (finger bass)"; "Alto Sax" is an instrument (clef by written range).
VOICE_CLEFS = {"soprano": "TrebleClef", "alto": "TrebleClef", "tenor": "Treble8vbClef",
               "bass": "BassClef"}  # fmt: skip
VOICE_ABBREVIATIONS = {"soprano": "S.", "alto": "A.", "tenor": "T.", "bass": "B."}
PLACEHOLDER_NAMES = {"musicxml part"}
VOICE_NAME = re.compile(r"(soprano|alto|tenor|bass)(\s*(?:\d+|i{1,3}|iv))?")


def heading(piece: Piece) -> str:
    """The score's title: the song's, with a capital ("Sad chorale in A minor"), else
    "Untitled" (never a description of the key and meter)."""
    title = piece.title.strip() or UNTITLED
    return title[:1].upper() + title[1:]


def role(name: str) -> str:
    """A track's name without its instrument: "Bass (finger bass)" -> "Bass"."""
    return name.split(" (")[0].strip() or name.strip()


def voice_of(name: str) -> tuple[str, str] | None:
    """("tenor", " 2") for a choir voice's part name ("Tenor 2", "Tenor (choir)"), else None."""
    match = VOICE_NAME.fullmatch(role(name).lower())
    return (match.group(1), match.group(2) or "") if match else None


def staff_name(name: str, inst: instrument.Instrument | None = None) -> str:
    """The track's name, or its instrument's where the name is empty or a placeholder: Finale
    names every part "MusicXML Part" (a MIDI file converted from it keeps that), and LilyPond's
    importer drops that name and then fails on the part's abbreviation."""
    if name.strip() and name.strip().lower() not in PLACEHOLDER_NAMES:
        return name
    return (inst.instrumentName if inst is not None else None) or "Music"


def abbreviation(name: str, inst: instrument.Instrument | None = None) -> str:
    """The staff name on systems after the first, from the track's own name so it always
    reads as the same part: "S." for "Soprano", "T. 2" for "Tenor 2", "Pno." for a track
    named "Piano" on a piano, else each long word cut to three letters ("Synth Bass" ->
    "Syn. Bass", "Violin 2" -> "Vio. 2", "Keys (electric piano)" -> "Keys")."""
    voice = voice_of(name)
    if voice:
        return VOICE_ABBREVIATIONS[voice[0]] + voice[1]
    short = role(name)
    own = inst.instrumentAbbreviation if inst is not None else None
    if own and (inst.instrumentName or "").lower() == short.lower():
        return own if own.endswith(".") else own + "."
    return " ".join(w if len(w) <= 4 else w[:3] + "." for w in short.split()) or short


def clef_name(track: Track, shift: int = 0) -> str:
    """The music21 clef class for a track: a choir voice's by its role (soprano and alto
    treble, tenor treble-8vb, bass bass), drums percussion, any other part the clef that fits
    its written range (`shift`: semitones from sounding to written, +14 on a tenor sax)."""
    from music21 import clef, note, stream

    voice = voice_of(track.name)
    if voice:
        return VOICE_CLEFS[voice[0]]
    if track.is_drum:
        return "PercussionClef"
    # music21 would choose from the sounding pitches, and count chord symbols as notes.
    written = stream.Stream([note.Note(n.pitch + shift) for n in track.notes
                             if 0 <= n.pitch + shift <= 127])  # fmt: skip
    return type(clef.bestClef(written)).__name__


def written_shift(inst: instrument.Instrument) -> int:
    """Semitones from sounding to written pitch (a B-flat tenor sax is written a ninth up)."""
    interval = getattr(inst, "transposition", None)
    return -interval.semitones if interval is not None else 0


def is_compound(meter: tuple[int, int]) -> bool:
    """6/8, 9/8, 12/8 (and 3/8): the beat a musician counts is the dotted quarter."""
    return meter[1] == 8 and meter[0] % 3 == 0


def metronome_mark(quarter_bpm: float, meter: tuple[int, int]) -> tempo.MetronomeMark:
    """The tempo as a musician reads it: quarter = 120 in 4/4; dotted quarter = 112 in 6/8 for
    a MIDI tempo of 168 quarter notes (Piece.tempo_bpm always counts quarter notes; the
    written <sound tempo> stays in quarter notes, as MusicXML plays it)."""
    from music21 import duration, tempo

    if is_compound(meter):
        beat = round(quarter_bpm / 1.5, 2)
        return tempo.MetronomeMark(number=_plain(beat), referent=duration.Duration(1.5))
    return tempo.MetronomeMark(number=_plain(round(quarter_bpm, 2)))


def _plain(number: float) -> float | int:
    """112.0 -> 112 (so the mark reads "= 112", not "= 112.0")."""
    return int(number) if float(number).is_integer() else number
