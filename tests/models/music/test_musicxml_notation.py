"""MusicXML notation that MuseScore and LilyPond read as meant (what test_notation_programs.py
found in real programs, pinned here without them): visible rests, triplets inside their beat,
chord symbols over a note or rest of their own and never over the drums, at most four voices."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

import pytest
from music21 import converter

from models.music.musicxml import quantise, write_musicxml
from models.music.piece import ChordMark, Note, Piece, Track
from models.music.theory import Key

THIRD = 1 / 3


def written(piece: Piece, tmp_path: Path) -> tuple[ET.Element, Path]:
    path = write_musicxml(piece, tmp_path / "score.musicxml")
    return ET.parse(path).getroot(), path


def one_part(notes: list[Note], bars: int = 1, chords: list[ChordMark] | None = None) -> Piece:
    return Piece(Key(0, "major"), 100, (4, 4), bars, [Track("Melody", 73, notes)], chords or [])


def test_every_silence_is_a_rest_a_musician_sees(tmp_path: Path) -> None:
    """music21 fills gaps with hidden rests: the bar would show nothing where the tune rests."""
    root, _ = written(one_part([Note(64, 1, 1), Note(67, 3, 0.5)]), tmp_path)
    assert not [n for n in root.iter("note") if n.get("print-object") == "no"]
    rests = [int(n.findtext("duration")) for n in root.iter("note") if n.find("rest") is not None]
    quarter = int(root.findtext(".//divisions"))
    assert sorted(rests) == sorted([quarter, quarter, quarter // 2])  # beat 1, beat 3, the end


def test_a_triplet_across_a_beat_is_tied_at_the_beat(tmp_path: Path) -> None:
    """A triplet quarter from the last third of beat 1: MuseScore broke the bracket ("tuplet
    stop but no tuplet started"). Cut at the beat, each bracket stays inside one beat."""
    notes = [Note(60, 0, 2 * THIRD), Note(62, 2 * THIRD, 1), Note(64, 5 * THIRD, THIRD),
             Note(65, 2, 2)]  # fmt: skip
    _, path = written(one_part(notes), tmp_path)
    part = converter.parse(str(path)).parts[0]
    for n in part.recurse().notesAndRests:
        start = Fraction(n.getOffsetInHierarchy(part)).limit_denominator(48)
        stop = start + Fraction(n.quarterLength).limit_denominator(48)
        if n.duration.tuplets:
            assert floor(start) == ceil(stop) - 1, f"{n} from {start} to {stop} crosses a beat"
    struck = [(float(n.getOffsetInHierarchy(part)), n.pitch.midi) for n in part.recurse().notes
              if not (n.tie and n.tie.type in ("stop", "continue"))]  # fmt: skip
    assert [p for _, p in struck] == [n.pitch for n in notes]
    assert [t for t, _ in struck] == pytest.approx([n.start_beats for n in notes])


def test_chord_symbols_stand_over_their_own_note_and_not_over_the_drums(tmp_path: Path) -> None:
    """A chord change under a held note: music21 wrote the symbol after the note with a
    negative <offset>, which LilyPond ignores; on a song the symbols sat over the drum staff."""
    chords = [ChordMark(0, 2, "C"), ChordMark(2, 2, "Am")]
    drums = Track("Drums", 0, [Note(36, 0, 0.25), Note(38, 1, 0.25)], is_drum=True)
    piece = Piece(Key(0, "major"), 100, (4, 4), 1, [drums, Track("Lead", 81, [Note(72, 0, 4)])],
                  chords)  # fmt: skip
    root, _ = written(piece, tmp_path)
    drum_part, lead = root.findall("part")
    assert not drum_part.findall(".//harmony") and len(lead.findall(".//harmony")) == 2
    assert not list(root.iter("offset"))
    measure = list(lead.find("measure"))
    order = [(e.tag, e.findtext("root/root-step") or e.findtext("pitch/step")) for e in measure
             if e.tag in ("harmony", "note")]  # fmt: skip
    assert order == [("harmony", "C"), ("note", "C"), ("harmony", "A"), ("note", "C")]
    ties = [t.get("type") for t in lead.iter("tie")]
    assert ties == ["start", "stop"]  # the held C, tied where the chord changes


def test_at_most_four_voices_and_silent_voices_show_no_rests(tmp_path: Path) -> None:
    """Six lines at once (a dense piano part from a MIDI file): MuseScore drops a fifth voice
    ("too many voices"); LilyPond's rests of four voices collided."""
    notes = [Note(48 + 2 * i, i * 0.5, 4 - i * 0.5) for i in range(6)]
    notes += [Note(72, 0, THIRD), Note(74, THIRD, THIRD), Note(76, 2 * THIRD, THIRD)]
    root, path = written(Piece(Key(0, "major"), 100, (4, 4), 2, [Track("Piano", 0, notes)]),
                         tmp_path)  # fmt: skip
    voices = {n.findtext("voice") for n in root.iter("note")}
    assert len(voices) <= 4
    assert not [n for n in root.iter("note") if n.get("print-object") == "no"]
    brackets: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in root.iter("note"):
        for t in n.iter("tuplet"):
            brackets[(n.findtext("voice"), t.get("number"))].append(t.get("type"))
    for kinds in brackets.values():  # every bracket that starts ends, in its voice
        assert kinds == ["start", "stop"] * (len(kinds) // 2), kinds
    part = converter.parse(str(path)).parts[0]
    onsets = sorted({round(float(n.getOffsetInHierarchy(part)), 4) for n in part.recurse().notes
                     if not (n.tie and n.tie.type in ("stop", "continue"))})  # fmt: skip
    # Every note is still struck where it was (its end may come sooner, in a full staff).
    assert onsets == sorted({round(n.start_beats, 4) for n in quantise(notes, 8.0)})


def test_a_placeholder_part_name_takes_the_instruments(tmp_path: Path) -> None:
    """Finale names parts "MusicXML Part"; LilyPond's importer drops that name, then fails."""
    piece = Piece(Key(0, "major"), 100, (4, 4), 1, [Track("MusicXML Part", 0, [Note(60, 0, 4)])])
    root, _ = written(piece, tmp_path)
    assert root.findtext(".//part-name") == "Piano"
    assert root.findtext(".//part-abbreviation") == "Pno."
