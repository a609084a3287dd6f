"""`edit_track` on a hand-made song: a removed part goes, a swapped one changes program only,
and every other part stays note for note; a part it doesn't have is one sentence."""

from __future__ import annotations

import pytest

from assistant.errors import ToolError
from models.music.midi_io import read_midi, write_midi
from models.music.piece import ChordMark, Note, Piece, Track
from models.music.theory import Key
from tools import REGISTRY


@pytest.fixture
def song(ctx):  # noqa: ANN001, ANN201
    piece = Piece(Key(0, "major"), 100.0, (4, 4), 2, [
        Track("Drums", 0, [Note(36, b, 0.125, 100) for b in range(8)], is_drum=True),
        Track("Bass (finger bass)", 33, [Note(36, 0, 4), Note(41, 4, 4)]),
        Track("Choir (choir)", 52, [Note(64, 0, 4), Note(65, 4, 4)]),
    ], [ChordMark(0, 4, "C"), ChordMark(4, 4, "F")])  # fmt: skip
    return write_midi(piece, ctx.settings.workspace / "song.mid")


def notes(path, name: str) -> list[tuple]:  # noqa: ANN001
    track = next(t for t in read_midi(path).tracks if t.name == name)
    return [(n.pitch, round(n.start_beats, 3), round(n.dur_beats, 3)) for n in track.notes]


def test_remove_and_swap_keep_the_other_parts(ctx, song) -> None:  # noqa: ANN001
    out = REGISTRY["edit_track"](ctx, action="remove", file=str(song), part="bass", audio=False)
    path = out.files[0]
    assert [t.name for t in read_midi(path).tracks] == ["Drums", "Choir (choir)"]
    assert notes(path, "Choir (choir)") == notes(song, "Choir (choir)")
    out = REGISTRY["edit_track"](ctx, action="swap", file=str(song), part="choir",
                                 instrument="strings", audio=False)  # fmt: skip
    swapped = read_midi(out.files[0])
    strings = next(t for t in swapped.tracks if t.name == "Choir (strings)")
    assert strings.program == 48
    assert notes(out.files[0], "Choir (strings)") == notes(song, "Choir (choir)")
    assert notes(out.files[0], "Bass (finger bass)") == notes(song, "Bass (finger bass)")


def test_a_part_it_lacks_is_one_sentence(ctx, song) -> None:  # noqa: ANN001
    with pytest.raises(ToolError, match=r"^There is no banjo in it; it has Drums, Bass"):
        REGISTRY["edit_track"](ctx, action="remove", file=str(song), part="banjo", audio=False)
