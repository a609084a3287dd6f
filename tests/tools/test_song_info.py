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
