"""The step grid a reply shows: one row per drum, one cell per 16th, bars and fills labelled."""

from __future__ import annotations

import pytest

from models.drums.engine import DrumRequest, write_beat
from models.drums.grid import to_step_grid


def grid(style: str, **kw) -> tuple[str, list[str]]:  # noqa: ANN003
    beat = write_beat(DrumRequest(style, 100, **kw))
    text = to_step_grid(beat)
    return text, text.splitlines()


def test_rows_cells_and_bar_headers() -> None:
    _, lines = grid("rock", bars=2, seed=1, fills_every=0, humanize=0.0)
    assert lines[0].split() == ["|bar", "1", "|bar", "2"]
    rows = {line[:8].strip(): line[8:] for line in lines[1:]}
    assert {"Kick", "Snare"} <= set(rows)
    for cells in rows.values():
        bars = cells.strip("|").split("|")
        assert len(bars) == 2 and all(len(b.replace(" ", "")) == 16 for b in bars)
        assert set(cells) <= set("|.xXo ")
    assert all(bar.replace(" ", "")[4] != "." and bar.replace(" ", "")[12] != "."
               for bar in rows["Snare"].strip("|").split("|"))  # fmt: skip
    assert all(len(line) <= 80 for line in lines)


def test_a_later_fill_is_shown_and_marked() -> None:
    _, lines = grid("funk", bars=8, seed=2, fills_every=4)
    assert "|bar 1" in lines[0] and "|bar 4 fill" in lines[0] and "|bar 3" not in lines[0]
    assert all(len(line) <= 80 for line in lines)
    _, none = grid("funk", bars=8, seed=2, fills_every=0)
    assert "fill" not in none[0]


@pytest.mark.parametrize(
    ("meter", "shape"), [("3/4", ".... .... ...."), ("6/8", "... ... ... ...")]
)
def test_three_and_six_beat_bars_group_their_steps_by_beat(meter: str, shape: str) -> None:
    _, lines = grid("rock", bars=2, meter=meter, seed=0, fills_every=0)
    for line in lines[1:]:
        for bar in line[8:].strip("|").split("|"):
            assert "".join("." if c != " " else " " for c in bar) == shape, line


def test_trap_hat_rolls_show_as_r() -> None:
    found = False
    for seed in range(4):
        _, lines = grid("trap", bars=3, seed=seed, fills_every=0)
        hats = next(line for line in lines if line.startswith("Hat "))
        found = found or "r" in hats[8:]
    assert found
