"""Editing an arrangement's piece (find a part by name, role or instrument family; transpose,
loop, cut) and the reply's preview (the part-by-bar grid and the chord rows within 80 columns)."""

from __future__ import annotations

import re

import pytest

from models.arrangement.arranger import Arrangement, TrackRequest, arrange
from models.arrangement.edit import cut, find_parts, looped, part_role, segments_of, transposed
from models.arrangement.preview import bar_chords, chord_rows, part_grid, piece_sections
from models.music.piece import Piece
from models.music.theory import Key

WIDTH = 80


@pytest.fixture(scope="module")
def loop() -> Arrangement:
    """An 8-bar house loop: Drums, Bass (synth bass), Keys (piano), Pad (pad), Lead (pluck)."""
    return arrange(TrackRequest(genre="house", bars=8, seed=4))


@pytest.fixture(scope="module")
def song() -> Arrangement:
    return arrange(TrackRequest(genre="house", song=True, seed=4))


def notes(piece: Piece, i: int) -> list[tuple[int, float, float]]:
    return [
        (n.pitch, round(n.start_beats, 4), round(n.dur_beats, 4)) for n in piece.tracks[i].notes
    ]


def fits(text: str) -> None:
    lines = text.split("\n")
    too_wide = [line for line in lines if len(line) > WIDTH]
    assert not too_wide, too_wide


# -- finding a part ----------------------------------------------------------------------------


def test_the_loops_tracks(loop: Arrangement) -> None:
    assert [t.name for t in loop.piece.tracks] == [
        "Drums", "Bass (synth bass)", "Keys (piano)", "Pad (pad)", "Lead (pluck)"]  # fmt: skip
    assert [part_role(t) for t in loop.piece.tracks] == ["drums", "bass", "chords", "pad", "lead"]


@pytest.mark.parametrize(
    ("word", "found"),
    [("keys", [2]), ("Keys", [2]), ("pluck", [4]), ("synth bass", [1]),  # a name, an instrument
     ("bassline", [1]), ("808", [1]), ("melody", [4]), ("hook", [4]), ("beat", [0]),  # a role
     ("drums", [0]), ("chords", [2]), ("pad", [3]), ("lead", [4]),
     ("synth", [3, 4]), ("synths", [3, 4]),  # a General MIDI family: programs 80-95, no drums
     ("banjo", []), ("choir", []), ("", [])],
)  # fmt: skip
def test_find_parts_by_name_role_or_family(loop: Arrangement, word: str, found: list) -> None:
    assert find_parts(loop.piece, word) == found


# -- transpose, loop, cut ----------------------------------------------------------------------


def test_transposed_moves_the_pitched_parts_and_not_the_drums(loop: Arrangement) -> None:
    p = loop.piece
    up = Key((p.key.tonic_pc + 3) % 12, p.key.mode)
    q = transposed(p, 3, up)
    assert q.key == up and p.key == loop.key  # the original is left as it was
    assert notes(q, 0) == notes(p, 0)  # drums
    for i in range(1, len(p.tracks)):
        assert [(a + 3, s, d) for a, s, d in notes(p, i)] == notes(q, i), p.tracks[i].name
    assert [t.name for t in q.tracks] == [t.name for t in p.tracks]
    # the chord marks move with it, bar for bar
    assert [(m.start_beats, m.dur_beats) for m in q.chords] == [
        (m.start_beats, m.dur_beats) for m in p.chords]  # fmt: skip
    roots = [s.chord.root for s in segments_of(p)]
    assert [s.chord.root for s in segments_of(q)] == [(r + 3) % 12 for r in roots]
    assert q.chords != p.chords


def test_transposed_down_and_back_is_the_same(loop: Arrangement) -> None:
    p = loop.piece
    back = transposed(transposed(p, -5, Key((p.key.tonic_pc - 5) % 12, p.key.mode)), 5, p.key)
    assert [notes(back, i) for i in range(len(p.tracks))] == [
        notes(p, i) for i in range(len(p.tracks))]  # fmt: skip
    assert [m.text for m in back.chords] == [m.text for m in p.chords]


def test_looped_doubles_the_bars_and_the_notes(loop: Arrangement) -> None:
    p = loop.piece
    q = looped(p, 2)
    assert q.bars == 2 * p.bars and p.bars == 8
    assert q.total_beats == pytest.approx(2 * p.total_beats)
    length = p.total_beats
    for t_old, t_new in zip(p.tracks, q.tracks, strict=True):
        first = [(n.pitch, n.start_beats, n.dur_beats) for n in t_old.notes]
        again = [(a, s + length, d) for a, s, d in first]
        assert [(n.pitch, n.start_beats, n.dur_beats) for n in t_new.notes] == first + again
    assert len(q.chords) == 2 * len(p.chords)
    assert [m.text for m in q.chords] == [m.text for m in p.chords] * 2
    assert q.chords[len(p.chords)].start_beats == pytest.approx(length)
    assert max(n.start_beats + n.dur_beats for n in q.all_notes()) <= q.total_beats + 1e-6


def test_looped_song_repeats_its_sections(song: Arrangement) -> None:
    p = song.piece
    q = looped(p, 2)
    assert [s.name for s in q.sections] == [s.name for s in p.sections] * 2
    assert q.sections[len(p.sections)].start_beats == pytest.approx(p.total_beats)


def test_cut_keeps_the_first_bars_and_nothing_past_them(
    loop: Arrangement, song: Arrangement
) -> None:
    p = loop.piece
    q = cut(p, 3)
    end = 3 * p.beats_per_bar
    assert q.bars == 3 and q.total_beats == pytest.approx(end)
    for t_old, t_new in zip(p.tracks, q.tracks, strict=True):
        kept = [n for n in t_old.notes if n.start_beats < end - 1e-6]
        assert len(t_new.notes) == len(kept) > 0
        assert all(n.start_beats + n.dur_beats <= end + 1e-6 for n in t_new.notes)
        assert [n.start_beats for n in t_new.notes] == [n.start_beats for n in kept]
    assert q.chords[-1].start_beats + q.chords[-1].dur_beats <= end + 1e-6
    s = cut(song.piece, 20)  # into Drop 1: the later sections are gone
    assert [m.name for m in s.sections] == ["Intro", "Build 1", "Drop 1"]
    assert [b for b, _, _ in piece_sections(s)] == [0, 8, 16] and piece_sections(s)[-1][1] == 4


# -- the preview -------------------------------------------------------------------------------


def test_an_8_bar_loops_grid_and_chords_fit_80_columns(loop: Arrangement) -> None:
    p = loop.piece
    grid = part_grid(p, [])
    fits(grid)
    lines = grid.split("\n")
    assert lines[0].startswith("bar") and lines[0].split() == ["bar", "1", "5"]
    rows = {line.split()[0]: line[9:] for line in lines[1:]}
    assert list(rows) == ["Drums", "Bass", "Keys", "Pad", "Lead"]
    assert all(len(cells) == 8 and set(cells) <= {"█", "·"} for cells in rows.values())
    chords = chord_rows(p, [])
    fits(chords)
    assert len(chords.split("\n")) == 2  # 8 bars, four to a line
    assert len(bar_chords(p)) == 8 and all(bar_chords(p))


def test_a_songs_grid_fits_and_shows_who_plays_where(song: Arrangement) -> None:
    p = song.piece
    sections = piece_sections(p)
    assert sections == [(s.start_bar, s.bars, s.label) for s in song.sections]
    grid = part_grid(p, sections)
    fits(grid)
    lines = grid.split("\n")
    assert "Intro" in lines[0] and "Drop 1" in lines[0]
    bass = "".join(line[9:] for line in lines if line.startswith("Bass"))
    drums = "".join(line[9:] for line in lines if line.startswith("Drums"))
    assert len(bass) == len(drums) == p.bars == 72
    drop = next(s for s in song.sections if s.name == "drop")
    assert bass.index("█") == drop.start_bar  # the bass enters on the drop
    breakdown = next(s for s in song.sections if s.name == "breakdown")
    assert set(drums[breakdown.start_bar : breakdown.start_bar + breakdown.bars]) == {"·"}
    chords = chord_rows(p, sections, max_lines=100)
    fits(chords)
    assert "Drop 2: as Drop 1" in chords  # a repeated section is named, not written again
    short = chord_rows(p, sections)
    fits(short)
    assert len(short.split("\n")) == 14 and "more lines" in short.split("\n")[-1]


@pytest.mark.parametrize("width", [80, 60, 40])
def test_a_long_songs_grid_wraps_within_the_width(song: Arrangement, width: int) -> None:
    p = looped(song.piece, 3)  # 216 bars
    grid = part_grid(p, piece_sections(p), width=width)
    assert all(len(line) <= max(width, 9 + 8) for line in grid.split("\n"))
    cells = "".join(line[9:] for line in grid.split("\n") if line.startswith("Drums"))
    assert len(cells) == 216


def test_chord_rows_show_only_whole_chord_symbols(song: Arrangement) -> None:
    p = song.piece
    symbols = {m.text for m in p.chords}
    text = chord_rows(p, piece_sections(p), max_lines=100)
    cells = [c.strip() for line in text.split("\n") if line.startswith("|")
             for c in line.strip("|").split("|")]  # fmt: skip
    shown = {tok for c in cells for tok in re.split(r"\s+", c)
             if tok and tok not in ("%", "-") and not re.fullmatch(r"\+\d+", tok)}  # fmt: skip
    assert shown <= symbols, shown - symbols
