"""Keys kept as named, everywhere: a round trip over all 24 keys (and F#/Gb, C#/Db, D#m/Ebm
spelled as asked) through MIDI and MusicXML. The MIDI key signature, the key read back, the
MusicXML key signature and every pitch agree; the scale is spelled for the key; B# and Cb sit
in the octave of their letter."""

from __future__ import annotations

from pathlib import Path

import mido
import music21
import pytest

from models.music.midi_io import read_midi, write_midi
from models.music.musicxml import write_musicxml
from models.music.piece import Note, Piece, Track
from models.music.theory import key_signature_name, parse_key, pc_name

NAMES = ["C", "G", "D", "A", "E", "B", "F#", "Gb", "C#", "Db", "F", "Bb", "Eb", "Ab"]
MINOR = ["A", "E", "B", "F#", "C#", "G#", "D#", "Eb", "D", "G", "C", "F", "Bb"]
CASES = [(n, "major") for n in NAMES] + [(n, "minor") for n in MINOR]
# Sharps (+) or flats (-) of each key signature name.
SHARPS = {"C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F#": 6, "C#": 7, "F": -1, "Bb": -2,
          "Eb": -3, "Ab": -4, "Db": -5, "Gb": -6, "Cb": -7}  # fmt: skip
RELATIVE = {"Am": "C", "Em": "G", "Bm": "D", "F#m": "A", "C#m": "E", "G#m": "B", "D#m": "F#",
            "A#m": "C#", "Dm": "F", "Gm": "Bb", "Cm": "Eb", "Fm": "Ab", "Bbm": "Db",
            "Ebm": "Gb", "Abm": "Cb"}  # fmt: skip


def scale_piece(tonic: str, mode: str) -> Piece:
    key = parse_key(tonic, mode)
    steps = (0, 2, 4, 5, 7, 9, 11, 12) if mode == "major" else (0, 2, 3, 5, 7, 8, 11, 12)
    notes = [Note(60 + key.tonic_pc + s - (12 if key.tonic_pc > 6 else 0), i, 1.0)
             for i, s in enumerate(steps)]  # fmt: skip
    return Piece(key, 90.0, (4, 4), 2, [Track("Melody", 0, notes)])


@pytest.mark.parametrize(("tonic", "mode"), CASES)
def test_a_key_round_trips_as_named(tonic: str, mode: str, tmp_path: Path) -> None:
    piece = scale_piece(tonic, mode)
    assert piece.key.tonic_name == tonic  # F# stays F#, Gb stays Gb
    midi = write_midi(piece, tmp_path / "k.mid")
    xml = write_musicxml(piece, tmp_path / "k.musicxml")
    signature = key_signature_name(piece.key)
    written = [m.key for t in mido.MidiFile(midi).tracks for m in t if m.type == "key_signature"]
    assert written == [signature]
    assert read_midi(midi).key.name == piece.key.name
    score = music21.converter.parse(str(xml))
    sharps = score.recurse().getElementsByClass("KeySignature")[0].sharps
    assert sharps == SHARPS[RELATIVE.get(signature, signature)]
    assert [p.midi for n in score.recurse().notes for p in n.pitches] == [
        n.pitch for n in piece.tracks[0].notes]  # fmt: skip
    names = [p.name.replace("-", "b") for n in score.recurse().notes for p in n.pitches]
    assert names == [pc_name(n.pitch, piece.key) for n in piece.tracks[0].notes]


def test_b_sharp_and_c_flat_sit_in_their_letters_octave(tmp_path: Path) -> None:
    for tonic, mode, pitch, name in (("C#", "minor", 60, "B#3"), ("Gb", "major", 59, "C-4")):
        piece = Piece(parse_key(tonic, mode), 90.0, (4, 4), 1,
                      [Track("Melody", 0, [Note(pitch, 0, 4.0)])])  # fmt: skip
        score = music21.converter.parse(str(write_musicxml(piece, tmp_path / f"{tonic}.xml")))
        (note,) = score.recurse().notes
        assert (note.pitch.nameWithOctave, note.pitch.midi) == (name, pitch)


def test_chromatic_notes_are_spelled_by_their_function() -> None:
    from models.composition.engine import chord_name
    from models.composition.harmony import Chord

    c, d_minor = parse_key("C", "major"), parse_key("D", "minor")
    # A darker passage in C borrows Eb and Bb, never D# and A#; F# leads to G.
    assert [pc_name(pc, c) for pc in (3, 10, 6)] == ["Eb", "Bb", "F#"]
    # D minor's Picardy third and raised 4th are F# and G#, not Gb and Ab.
    assert [pc_name(pc, d_minor) for pc in (6, 8)] == ["F#", "G#"]
    # The flat-6th major chord in C is Ab (bVI); the diminished chord there is G#dim (vii/vi).
    assert chord_name(Chord(8, "M"), c) == "Ab"
    assert chord_name(Chord(8, "d"), c) == "G#dim"
