"""`song_info` reads a song back: key, tempo, bars, parts with ranges, chords bar by bar."""

from __future__ import annotations

from pathlib import Path

from models.music.midi_io import write_midi
from models.music.piece import ChordMark, Note, Piece, Track
from models.music.theory import Key
from tools import REGISTRY


def test_song_info_answers_about_the_song(ctx) -> None:  # noqa: ANN001
    piece = Piece(Key(7, "major"), 90.0, (3, 4), 2, [
        Track("Lead (flute)", 73, [Note(67, 0, 3), Note(74, 3, 3)]),
    ], [ChordMark(0, 3, "G"), ChordMark(3, 3, "D")])  # fmt: skip
    path = write_midi(piece, ctx.settings.workspace / "tune.mid")
    out = REGISTRY["song_info"](ctx, file=str(path), chords_text=True)
    assert "G major, 3/4 at 90 bpm, 2 bars" in out.summary
    assert "Lead (flute): 2 notes, G4 to D5" in out.summary
    assert out.data["chords"] == ["G", "D"]
    assert Path(out.files[0]).read_text().splitlines()[1:] == ["bar 1: G", "bar 2: D"]



def test_the_answer_to_the_question_leads(ctx) -> None:  # noqa: ANN001
    """'how long is it?' is answered first, then the whole summary (issue 22, class 6)."""
    piece = Piece(Key(7, "major"), 90.0, (3, 4), 2, [
        Track("Lead (flute)", 73, [Note(67, 0, 3), Note(74, 3, 3)]),
    ], [ChordMark(0, 3, "G"), ChordMark(3, 3, "D")])  # fmt: skip
    path = str(write_midi(piece, ctx.settings.workspace / "tune.mid"))
    for about, first in (("key", "It's in G major."), ("tempo", "It's at 90 bpm, in 3/4."),
                         ("length", "It's 2 bars long: 4 s at 90 bpm."), ("meter", "It's in 3/4."),
                         ("parts", "1 part: Lead (flute)."), ("chords", "The chords: G | D")):  # fmt: skip
        out = REGISTRY["song_info"](ctx, file=path, about=about)
        assert out.summary.splitlines()[0] == first
        assert "G major, 3/4 at 90 bpm, 2 bars" in out.summary  # the whole summary follows


def test_a_beat_has_no_key(ctx) -> None:  # noqa: ANN001
    piece = Piece(Key(0, "major"), 100.0, (4, 4), 1, [
        Track("Drums", 0, [Note(36, 0, 1), Note(38, 1, 1)], is_drum=True),
    ], [])  # fmt: skip
    path = str(write_midi(piece, ctx.settings.workspace / "beat.mid"))
    out = REGISTRY["song_info"](ctx, file=path, about="key")
    assert out.summary.startswith("It's drums only, so it has no key.")
    assert "drums only (no key)" in out.summary and out.data["key"] is None
