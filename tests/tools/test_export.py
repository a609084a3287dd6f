"""`export_stems`: one MIDI per part and the mix in the folder asked, inside the workspace only,
with the DAW's import tip; an unknown DAW or a folder outside is one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ToolError
from models.music.midi_io import read_midi, write_midi
from models.music.piece import Note, Piece, Track
from models.music.theory import Key
from tools import REGISTRY


@pytest.fixture
def song(ctx):  # noqa: ANN001, ANN201
    piece = Piece(Key(0, "major"), 120.0, (4, 4), 2, [
        Track("Drums", 0, [Note(36, 0, 0.125, 100)], is_drum=True),
        Track("Keys (piano)", 0, [Note(60, 0, 2)]),
    ])  # fmt: skip
    return write_midi(piece, ctx.settings.workspace / "loop.mid")


def test_stems_in_the_folder_asked(ctx, song) -> None:  # noqa: ANN001
    out = REGISTRY["export_stems"](ctx, file=str(song), folder="stems", daw="Ableton Live",
                                   loop=True, audio=False)  # fmt: skip
    folder = ctx.settings.workspace / "stems"
    assert sorted(p.name for p in folder.glob("*.mid")) == [
        "loop-drums.mid", "loop-keys.mid", "loop-mix.mid"]  # fmt: skip
    assert read_midi(folder / "loop-keys.mid").bars == 2  # the loop keeps its length
    assert "Ableton" in out.summary and "120 bpm" in out.summary
    assert out.data["stems"] == ["drums", "keys"]


def test_bad_folder_or_daw_is_one_sentence(ctx, song) -> None:  # noqa: ANN001
    with pytest.raises(ToolError, match="outside the workspace"):
        REGISTRY["export_stems"](ctx, file=str(song), folder="/etc", audio=False)
    with pytest.raises(ToolError, match="I don't know the DAW"):
        REGISTRY["export_stems"](ctx, file=str(song), daw="Protools 3000", audio=False)
    assert not Path("/etc/loop-mix.mid").exists()
