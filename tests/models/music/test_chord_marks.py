"""Chord symbols travel with a piece: MIDI markers both ways, MusicXML <harmony> above the top
staff, and notes under a chord spelled as the chord spells them (Bb D F, not A# D F, in C)."""

from __future__ import annotations

import re
from pathlib import Path

import mido
import pretty_midi
import pytest
from music21 import converter, harmony

from models.harmony.chords import QUALITIES, SUFFIX, Chord, symbol, tone_names
from models.music.midi_io import read_midi, write_midi
from models.music.musicxml import HARMONY_KINDS, write_musicxml
from models.music.piece import ChordMark, Note, Piece, Track
from models.music.theory import Key

C_MAJOR = Key(0, "major")
# The <kind> values the MusicXML 4.0 schema allows (kind-value).
XML_KINDS = {
    "major", "minor", "augmented", "diminished", "dominant", "major-seventh", "minor-seventh",
    "diminished-seventh", "augmented-seventh", "half-diminished", "major-minor", "major-sixth",
    "minor-sixth", "dominant-ninth", "major-ninth", "minor-ninth", "dominant-11th", "major-11th",
    "minor-11th", "dominant-13th", "major-13th", "minor-13th", "suspended-second",
    "suspended-fourth", "Neapolitan", "Italian", "French", "German", "pedal", "power", "Tristan",
    "other", "none",
}  # fmt: skip


def mark(chord: Chord, start: float, dur: float = 4.0, key: Key = C_MAJOR) -> ChordMark:
    """A chord mark as the composer makes one: its symbol and its tones' spelling."""
    return ChordMark(start, dur, symbol(chord, key), tuple(tone_names(chord, key).items()))


def xml(piece: Piece, tmp_path: Path, name: str = "score.musicxml") -> tuple[str, object]:
    path = write_musicxml(piece, tmp_path / name)
    return path.read_text(), converter.parse(str(path))


def sounding_names(score) -> list[tuple[float, str, int]]:  # noqa: ANN001 (music21 Score)
    """(offset, name with octave, midi) of every pitch of every real note (not chord symbols)."""
    part = score.parts[0]
    out = []
    for n in part.flatten().notes:
        if isinstance(n, harmony.ChordSymbol):
            continue
        offset = float(n.getOffsetInHierarchy(part))
        out += [(offset, p.nameWithOctave, p.midi) for p in n.pitches]
    return sorted(out, key=lambda hit: (hit[0], hit[2]))


def symbols(score) -> list[harmony.ChordSymbol]:  # noqa: ANN001 (music21 Score)
    return list(score.parts[0].recurse().getElementsByClass(harmony.ChordSymbol))


def test_every_suffix_has_a_musicxml_kind() -> None:
    assert set(SUFFIX.values()) <= set(HARMONY_KINDS)


@pytest.mark.parametrize("root", [10, 6], ids=["Bb", "F#"])
def test_every_quality_reads_back_with_its_root_tones_and_bass(root: int, tmp_path: Path) -> None:
    chords = []
    for quality, intervals in QUALITIES.items():
        chords.append(Chord(root, quality))
        chords.append(Chord(root, quality, intervals[1]))  # over its second tone (3rd, 5th...)
    marks = [mark(c, i, 1.0) for i, c in enumerate(chords)]
    bars = len(marks) // 4
    piece = Piece(C_MAJOR, 120, (4, 4), bars, [Track("Lead", 0, [Note(60, 0, 1)])], marks)
    text, score = xml(piece, tmp_path)
    assert set(re.findall(r"<kind[^>]*>([^<]+)</kind>", text)) <= XML_KINDS
    got = symbols(score)
    assert len(got) == len(chords)
    for chord, m, cs in zip(chords, marks, got, strict=True):
        assert float(cs.getOffsetInHierarchy(score.parts[0])) == m.start_beats
        assert cs.root().name == m.text[:2].replace("b", "-"), m.text
        assert cs.root().pitchClass == root, m.text
        assert {p.pitchClass for p in cs.pitches} == set(chord.pcs) | {chord.bass_pc}, m.text
        assert cs.bass().pitchClass == chord.bass_pc, m.text
        assert cs.chordKindStr == SUFFIX[chord.quality], m.text
    part = score.parts[0]
    assert len(part.getElementsByClass("Measure")) == bars
    assert sounding_names(score) == [(0.0, "C4", 60)]  # no notes from the chord symbols


def test_bb_in_c_major_is_spelled_b_flat_not_a_sharp(tmp_path: Path) -> None:
    notes = [Note(58, 0, 2), Note(62, 0, 2), Note(65, 0, 2), Note(70, 2, 2), Note(70, 4, 4)]
    piece = Piece(C_MAJOR, 100, (4, 4), 2, [Track("Piano", 0, notes)], [mark(Chord(10, "maj"), 0)])
    text, score = xml(piece, tmp_path)
    assert sounding_names(score) == [
        (0.0, "B-3", 58), (0.0, "D4", 62), (0.0, "F4", 65), (2.0, "B-4", 70),
        (4.0, "B-4", 70),  # past the chord: the flat 7th of C major, borrowed from minor
    ]  # fmt: skip
    (cs,) = symbols(score)
    assert (cs.root().name, cs.chordKind, float(cs.offset)) == ("B-", "major", 0.0)
    assert "<root-step>B</root-step>" in text and "<root-alter>-1</root-alter>" in text


def test_half_diminished_in_c_major(tmp_path: Path) -> None:
    notes = [Note(p, 0, 4) for p in (54, 57, 60, 64)]
    piece = Piece(C_MAJOR, 90, (4, 4), 1, [Track("Keys", 0, notes)], [mark(Chord(6, "hdim7"), 0)])
    text, score = xml(piece, tmp_path)
    (cs,) = symbols(score)
    assert (cs.root().name, cs.chordKind, cs.chordKindStr) == (
        "F#",
        "half-diminished-seventh",
        "m7b5",
    )
    assert '<kind text="m7b5">half-diminished</kind>' in text
    assert [n for _, n, _ in sounding_names(score)] == ["F#3", "A3", "C4", "E4"]


def test_slash_chords_carry_their_bass(tmp_path: Path) -> None:
    marks = [mark(Chord(0, "maj", 4), 0), mark(Chord(0, "maj", 10), 4)]  # C/E, C/Bb
    notes = [Note(52, 0, 4), Note(60, 0, 4), Note(58, 4, 4), Note(64, 4, 4)]
    piece = Piece(C_MAJOR, 100, (4, 4), 2, [Track("Piano", 0, notes)], marks)
    assert [m.text for m in marks] == ["C/E", "C/Bb"]
    text, score = xml(piece, tmp_path)
    first, second = symbols(score)
    assert (first.root().name, first.bass().name) == ("C", "E")
    assert (second.root().name, second.bass().name) == ("C", "B-")
    assert {p.pitchClass for p in second.pitches} == {0, 4, 7, 10}
    assert "<bass-step>E</bass-step>" in text
    assert ("B-3", 58) in [(n, m) for _, n, m in sounding_names(score)]


def test_b_sharp_and_c_flat_keep_their_octave(tmp_path: Path) -> None:
    g_sharp = mark(Chord(8, "maj"), 0, key=Key(4, "major"))  # G# B# D#: B#3 is MIDI 60
    a_flat_minor = ChordMark(4, 4, "Abm", ((8, "Ab"), (11, "Cb"), (3, "Eb")))  # Cb4 is MIDI 59
    notes = [Note(56, 0, 4), Note(60, 0, 4), Note(63, 0, 4), Note(56, 4, 4), Note(59, 4, 4)]
    piece = Piece(
        Key(4, "major"), 100, (4, 4), 2, [Track("Piano", 0, notes)], [g_sharp, a_flat_minor]
    )
    _, score = xml(piece, tmp_path)
    assert sounding_names(score) == [
        (0.0, "G#3", 56), (0.0, "B#3", 60), (0.0, "D#4", 63),
        (4.0, "A-3", 56), (4.0, "C-4", 59),
    ]  # fmt: skip


def test_names_that_do_not_match_their_pitch_class_are_ignored(tmp_path: Path) -> None:
    wrong = ChordMark(0, 4, "Bb", ((10, "B"), (2, "D"), (5, "F")))  # 'B' is not pitch class 10
    piece = Piece(C_MAJOR, 100, (4, 4), 1, [Track("Piano", 0, [Note(58, 0, 4)])], [wrong])
    _, score = xml(piece, tmp_path)
    assert sounding_names(score) == [(0.0, "B-3", 58)]  # the key's own name, not the mark's B


def test_chords_add_no_notes_and_no_measures(tmp_path: Path) -> None:
    notes = [Note(60, 0, 3), Note(67, 3.5, 0.5)]
    plain = Piece(C_MAJOR, 100, (3, 4), 3, [Track("Lead", 0, notes), Track("Bass", 33, notes)])
    marks = [mark(Chord(0, "maj"), 0, 3), mark(Chord(7, "7"), 3, 3), mark(Chord(5, "maj"), 8.5, 1)]
    charted = Piece(plain.key, 100, (3, 4), 3, plain.tracks, marks)
    text_plain, score_plain = xml(plain, tmp_path, "plain.musicxml")
    text_chords, score_chords = xml(charted, tmp_path, "chords.musicxml")
    assert "<harmony" not in text_plain
    assert text_chords.count("<harmony") == 3
    # No struck notes added (a rest may be cut where a chord changes, to carry its symbol).
    struck = [t.count("<note") - t.count("<rest") - t.count('<tie type="stop"') for t in (text_chords, text_plain)]  # fmt: skip
    assert struck[0] == struck[1]
    assert sounding_names(score_chords) == sounding_names(score_plain)
    for score in (score_plain, score_chords):
        assert [len(p.getElementsByClass("Measure")) for p in score.parts] == [3, 3]
    assert not list(score_chords.parts[1].recurse().getElementsByClass(harmony.ChordSymbol))


def test_midi_markers_round_trip(tmp_path: Path) -> None:
    notes = [Note(60, 0, 4), Note(58, 4, 4), Note(62, 8, 2)]
    marks = [
        mark(Chord(0, "maj"), 0),
        mark(Chord(10, "maj"), 4),
        ChordMark(8, 2, "Chorus"),  # a section marker: written, but not read back as a chord
        mark(Chord(6, "hdim7"), 8, 2),
        mark(Chord(0, "maj", 4), 10, 2),
        mark(Chord(0, "minmaj7"), 12, 4),  # after the last note: the piece keeps its bar
    ]
    piece = Piece(C_MAJOR, 96, (4, 4), 4, [Track("Piano", 0, notes)], marks)
    path = write_midi(piece, tmp_path / "song.mid")

    midi = mido.MidiFile(str(path))
    texts = [m.text for m in midi.tracks[0] if m.type == "marker"]
    assert texts == ["C", "Bb", "Chorus", "F#m7b5", "C/E", "Cm(maj7)"]
    assert all(m.type != "marker" for t in midi.tracks[1:] for m in t)
    assert midi.tracks[0][-1].type == "end_of_track"

    pm = pretty_midi.PrettyMIDI(str(path))
    assert [(n.pitch, round(n.start, 6)) for n in pm.instruments[0].notes] == [
        (60, 0.0), (58, 2.5), (62, 5.0),
    ]  # fmt: skip

    back = read_midi(path)
    assert [(c.start_beats, c.dur_beats, c.text, c.names) for c in back.chords] == [
        (0.0, 4.0, "C", ()), (4.0, 4.0, "Bb", ()), (8.0, 2.0, "F#m7b5", ()),
        (10.0, 2.0, "C/E", ()), (12.0, 4.0, "Cm(maj7)", ()),
    ]  # fmt: skip
    assert back.bars == 4 and back.tempo_bpm == pytest.approx(96)
    assert [(n.pitch, n.start_beats) for n in back.tracks[0].notes] == [(60, 0), (58, 4), (62, 8)]


def test_a_piece_without_chords_writes_no_markers(tmp_path: Path) -> None:
    piece = Piece(C_MAJOR, 120, (4, 4), 1, [Track("Piano", 0, [Note(60, 0, 4)])])
    path = write_midi(piece, tmp_path / "plain.mid")
    midi = mido.MidiFile(str(path))
    assert not any(m.type == "marker" for t in midi.tracks for m in t)
    assert read_midi(path).chords == []
    charted = Piece(piece.key, 120, (4, 4), 1, piece.tracks, [ChordMark(0, 4, "C")])
    marked = mido.MidiFile(str(write_midi(charted, tmp_path / "marked.mid")))
    assert marked.tracks[1:] == midi.tracks[1:]  # only the conductor track differs
    assert [m for m in marked.tracks[0] if m.type != "marker"] == list(midi.tracks[0])
