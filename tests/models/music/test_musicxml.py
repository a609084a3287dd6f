"""MusicXML export: what we write must read back as the same music, properly notated."""

from __future__ import annotations

from pathlib import Path

import pytest
from music21 import converter

from models.music.musicxml import quantise, write_musicxml
from models.music.piece import Note, Piece, Track
from models.music.theory import Key


def sounding(part) -> list[tuple[float, int]]:  # noqa: ANN001 (a music21 Part)
    """(offset, midi) of each struck note: tie continuations are not new notes."""
    out = []
    for n in part.flatten().notes:
        if n.tie is not None and n.tie.type in ("stop", "continue"):
            continue
        out += [(float(n.getOffsetInHierarchy(part)), p.midi) for p in n.pitches]
    return sorted(out)


def read(piece: Piece, tmp_path: Path):  # noqa: ANN201
    folder = tmp_path / "scores"  # write_musicxml makes the folder
    path = write_musicxml(piece, folder / "score.musicxml")
    assert path.is_file() and [p.name for p in folder.iterdir()] == ["score.musicxml"]
    return converter.parse(str(path))


def test_parts_measures_key_meter_and_pitches(tmp_path: Path) -> None:
    melody = [Note(62, 0, 1), Note(64, 1, 0.5), Note(65, 1.5, 0.5), Note(67, 2, 1), Note(69, 3, 3)]
    bass = [Note(50, 0, 3), Note(45, 3, 3)]
    piece = Piece(
        Key(2, "minor"), 72, (3, 4), 2, [Track("Flute", 73, melody), Track("Cello", 42, bass)]
    )
    score = read(piece, tmp_path)
    assert [p.partName for p in score.parts] == ["Flute", "Cello"]
    for part in score.parts:
        assert len(part.getElementsByClass("Measure")) == piece.bars
        ks = part.recurse().getElementsByClass("KeySignature")[0]
        assert (ks.sharps, getattr(ks, "mode", "minor")) == (-1, "minor")
        assert part.recurse().getElementsByClass("TimeSignature")[0].ratioString == "3/4"
    assert sounding(score.parts[0]) == [(n.start_beats, n.pitch) for n in melody]
    assert sounding(score.parts[1]) == [(n.start_beats, n.pitch) for n in bass]
    mark = score.parts[0].recurse().getElementsByClass("MetronomeMark")[0]
    assert mark.number == 72


def test_notes_across_barlines_are_tied(tmp_path: Path) -> None:
    piece = Piece(
        Key(0, "major"), 100, (4, 4), 2, [Track("Piano", 0, [Note(60, 3, 2), Note(64, 5, 1)])]
    )
    part = read(piece, tmp_path).parts[0]
    notes = list(part.flatten().notes)
    assert [
        (float(n.getOffsetInHierarchy(part)), n.tie.type if n.tie else None) for n in notes
    ] == [
        (3.0, "start"),
        (4.0, "stop"),
        (5.0, None),
    ]
    assert len(part.getElementsByClass("Measure")) == 2  # rests fill the rest of bar 2


def test_chords_overlaps_and_flat_keys(tmp_path: Path) -> None:
    notes = [Note(65, 0, 2), Note(69, 0, 2), Note(72, 0, 4), Note(70, 2, 2), Note(70, 2, 1)]
    piece = Piece(Key(5, "major"), 90, (4, 4), 1, [Track("Keys", 0, notes)])
    part = read(piece, tmp_path).parts[0]
    assert len(part.getElementsByClass("Measure")) == 1
    assert any(len(c.pitches) == 2 for c in part.recurse().getElementsByClass("Chord"))
    names = {p.nameWithOctave for n in part.flatten().notes for p in n.pitches}
    assert names == {"F4", "A4", "C5", "B-4"}  # spelled Bb in F major, the duplicate dropped


def test_user_timing_is_quantised_to_sixteenths_or_triplets() -> None:
    notes = [
        Note(60, 0.02, 0.97),  # a sloppy quarter
        Note(62, 1.0, 0.34), Note(64, 1.33, 0.33), Note(65, 1.67, 0.35),  # triplets
        Note(67, 2.26, 0.2),  # a sixteenth, late
        Note(67, 2.4, 3.0),  # the same key again before it ended, and past the end
    ]  # fmt: skip
    got = [t for n in quantise(notes, end_beats=4.0) for t in (n.start_beats, n.dur_beats)]
    third = 1 / 3
    assert got == pytest.approx(
        [0.0, 1.0, 1.0, third, 1 + third, third, 1 + 2 * third, third, 2.25, 0.25, 2.5, 1.5]
    )


def test_empty_track_and_odd_meter(tmp_path: Path) -> None:
    piece = Piece(
        Key(9, "minor"), 140, (6, 8), 3, [Track("Lead", 81, [Note(69, 0.1, 1.4)]), Track("Pad", 89)]
    )
    score = read(piece, tmp_path)
    assert [len(p.getElementsByClass("Measure")) for p in score.parts] == [3, 3]
    assert score.parts[0].recurse().getElementsByClass("TimeSignature")[0].ratioString == "6/8"


def test_overwrite_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    piece = Piece(Key(0, "major"), 100, (4, 4), 1, [Track("Piano", 0, [Note(60, 0, 4)])])
    folder = tmp_path / "scores"
    folder.mkdir()
    target = folder / "score.musicxml"
    target.write_text("old")

    def boom(self, data):  # noqa: ANN001, ANN202
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_bytes", boom)
    with pytest.raises(OSError):
        write_musicxml(piece, target)
    assert target.read_text() == "old" and [p.name for p in folder.iterdir()] == ["score.musicxml"]
