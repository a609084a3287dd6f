"""MusicXML score metadata (issue 21, item 7): the header, tempo mark, staff names and clefs a
musician sees, read from the written XML itself (what every notation program reads)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from models.music.musicxml import write_musicxml
from models.music.piece import Note, Piece, Track
from models.music.score_marks import abbreviation
from models.music.theory import Key

VOICES = ("Soprano", "Alto", "Tenor", "Bass")


def line(pitches: list[int], beats: float = 1.0) -> list[Note]:
    return [Note(p, i * beats, beats) for i, p in enumerate(pitches)]


def chorale(tenor: list[int], alto: list[int] | None = None, title: str = "") -> Piece:
    """Four voices in C# minor, two bars; the inner voices' ranges chosen by the test."""
    lines = [line([73, 71, 69, 68, 69, 71, 73, 73]), line(alto or [68, 68, 64, 64] * 2),
             line(tenor), line([49, 52, 45, 44, 45, 52, 49, 49])]  # fmt: skip
    tracks = [Track(name, 52, notes) for name, notes in zip(VOICES, lines, strict=True)]
    return Piece(Key(1, "minor"), 90, (4, 4), 2, tracks, title=title)


def written(piece: Piece, tmp_path: Path, name: str = "score") -> ET.Element:
    return ET.parse(write_musicxml(piece, tmp_path / f"{name}.musicxml")).getroot()


def clefs(root: ET.Element) -> dict[str, tuple[str, str, str]]:
    """Part name -> (sign, line, octave change) of every clef its part shows."""
    names = {p.get("id"): p.findtext("part-name") for p in root.iter("score-part")}
    out: dict[str, tuple[str, str, str]] = {}
    for part in root.iter("part"):
        found = {(c.findtext("sign"), c.findtext("line") or "", c.findtext("clef-octave-change")
                  or "0") for c in part.iter("clef")}  # fmt: skip
        assert len(found) == 1, f"{names[part.get('id')]} changes clef: {found}"
        out[names[part.get("id")]] = found.pop()
    return out


def test_the_title_is_the_songs_and_music21_is_not_the_composer(tmp_path: Path) -> None:
    root = written(chorale([61, 59, 57, 56] * 2, title="Chorale in C# minor"), tmp_path)
    assert root.findtext("work/work-title") == "Chorale in C# minor"
    assert root.findtext("movement-title") in (None, "Chorale in C# minor")  # never a second one
    creators = [(c.get("type"), c.text) for c in root.iter("creator")]
    assert not any("music21" in (text or "").lower() for _, text in creators), creators
    assert ("composer", "Music21") not in creators
    assert "Cadenza" in [s.text for s in root.iter("software")]
    visible = ET.tostring(root.find("work"), encoding="unicode") + "".join(
        ET.tostring(c, encoding="unicode") for c in root.iter("creator"))  # fmt: skip
    assert "C# minor, 4/4" not in visible and "Music21" not in visible


@pytest.mark.parametrize(("title", "heading"), [
    ("sad chorale in A minor", "Sad chorale in A minor"),  # as tools name songs, capitalised
    ("", "Untitled"), ("   ", "Untitled"),
])  # fmt: skip
def test_a_heading_for_every_title(tmp_path: Path, title: str, heading: str) -> None:
    piece = Piece(Key(9, "minor"), 100, (4, 4), 1, [Track("Melody", 0, line([69, 72, 71, 69]))],
                  title=title)  # fmt: skip
    root = written(piece, tmp_path)
    assert root.findtext("work/work-title") == heading
    assert root.findtext("movement-title") in (None, heading)


@pytest.mark.parametrize(("meter", "quarter_bpm", "dotted", "per_minute"), [
    ((6, 8), 168, True, "112"), ((12, 8), 150, True, "100"), ((9, 8), 99, True, "66"),
    ((3, 8), 135, True, "90"), ((4, 4), 90, False, "90"), ((3, 4), 72.5, False, "72.5"),
    ((2, 2), 120, False, "120"),
])  # fmt: skip
def test_the_tempo_mark_counts_the_meters_beat(
    tmp_path: Path, meter: tuple[int, int], quarter_bpm: float, dotted: bool, per_minute: str
) -> None:
    piece = Piece(Key(9, "minor"), quarter_bpm, meter, 2, [Track("Lead", 81, line([69, 72]))])
    root = written(piece, tmp_path)
    [metronome] = list(root.iter("metronome"))
    assert metronome.findtext("beat-unit") == "quarter"
    assert (metronome.find("beat-unit-dot") is not None) == dotted
    assert metronome.findtext("per-minute") == per_minute
    [sound] = [s for s in root.iter("sound") if s.get("tempo")]
    assert float(sound.get("tempo")) == pytest.approx(quarter_bpm)  # playback: quarter notes


def test_staff_names_stay_the_same_on_every_system(tmp_path: Path) -> None:
    piece = chorale([61, 59, 57, 56] * 2)
    piece.tracks += [Track("Piano", 0, line([60, 64])), Track("Synth Bass", 38, line([36, 43])),
                     Track("Synth Lead", 81, line([72, 76]))]  # fmt: skip
    root = written(piece, tmp_path)
    parts = list(root.iter("score-part"))
    assert [p.findtext("part-name") for p in parts] == [t.name for t in piece.tracks]
    shorts = [p.findtext("part-abbreviation") for p in parts]
    assert shorts == ["S.", "A.", "T.", "B.", "Pno.", "Syn. Bass", "Syn. Lead"]
    for p, short in zip(parts, shorts, strict=True):  # the instrument's own says the same
        assert p.findtext("score-instrument/instrument-abbreviation") in (None, short)
    # Nothing renames a staff later on (music21's "Ch" for every choir part, "Samp" for a lead).
    assert not list(root.iter("part-name-display")) and not list(root.iter("instrument-change"))
    assert abbreviation("Tenor 2") == "T. 2" and abbreviation("Violin 2") == "Vio. 2"


def test_choir_clefs_by_voice_whatever_the_range(tmp_path: Path) -> None:
    """A low alto (that music21 puts in bass clef) and a low and a high tenor (a composed and a
    generated one: bass and treble clef before) all read as singers expect."""
    low_alto = [55, 57, 55, 53] * 2
    for name, tenor in (("composed", [55, 53, 52, 50] * 2), ("generated", [64, 66, 64, 67] * 2)):
        got = clefs(written(chorale(tenor, low_alto), tmp_path, name))
        assert got == {"Soprano": ("G", "2", "0"), "Alto": ("G", "2", "0"),
                       "Tenor": ("G", "2", "-1"), "Bass": ("F", "4", "0")}, name  # fmt: skip


def test_a_voice_named_with_its_instrument_is_still_that_voice(tmp_path: Path) -> None:
    """The track tool's chorale and folk parts: "Tenor (choir)", "Alto (strings)"."""
    piece = chorale([64, 66, 64, 67] * 2, [55, 57, 55, 53] * 2)
    for track, sound in zip(piece.tracks, ("choir", "flute", "strings", "strings"), strict=True):
        track.name = f"{track.name} ({sound})"
    root = written(piece, tmp_path)
    assert list(clefs(root).values()) == [("G", "2", "0"), ("G", "2", "0"), ("G", "2", "-1"),
                                          ("F", "4", "0")]  # fmt: skip
    assert [p.findtext("part-abbreviation") for p in root.iter("score-part")] == [
        "S.", "A.", "T.", "B."]  # fmt: skip


def test_compose_and_generate_write_the_same_choir_clefs(tmp_path: Path) -> None:
    """Both engines' four-part pieces, through their own track naming."""
    from models.composition.engine import MelodyRequest, get_composer
    from models.generation.arrange import arrange

    composed = get_composer().compose(MelodyRequest(key=Key(1, "minor"), bars=4, seed=3)).piece
    voices = [line(v, 2.0) for v in ([73, 71, 69, 68] * 2, [68, 66, 64, 64] * 2,
                                     [64, 62, 61, 59] * 2, [49, 50, 45, 52] * 2)]  # fmt: skip
    generated = arrange(voices, Key(1, "minor"), (4, 4), 4, 90.0, "chorale", 52, 4).piece
    got = [clefs(written(p, tmp_path, n)) for p, n in ((composed, "c"), (generated, "g"))]
    assert got[0] == got[1] == {"Soprano": ("G", "2", "0"), "Alto": ("G", "2", "0"),
                                "Tenor": ("G", "2", "-1"), "Bass": ("F", "4", "0")}  # fmt: skip


def test_other_parts_take_the_clef_of_their_written_range(tmp_path: Path) -> None:
    tracks = [
        Track("Melody", 73, line([72, 74, 76, 77])),
        Track("Cello", 42, line([36, 43, 48, 43])),
        # Sounding G3-C4, written a ninth higher: treble clef, as tenor sax players read.
        Track("Tenor Sax", 66, line([55, 57, 59, 60])),
        Track("Drums", 0, line([36, 38, 36, 38]), is_drum=True),
    ]
    piece = Piece(Key(0, "major"), 100, (4, 4), 1, tracks, title="Parts")
    assert clefs(written(piece, tmp_path)) == {
        "Melody": ("G", "2", "0"), "Cello": ("F", "4", "0"), "Tenor Sax": ("G", "2", "0"),
        "Drums": ("percussion", "", "0"),
    }  # fmt: skip
