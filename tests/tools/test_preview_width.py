"""Every preview is laid out for the columns the front end gives (`ToolContext.width`): never
wider, fewer bars at 60 or 76 columns, more at 116, and never a cell cut in two."""

from __future__ import annotations

import re

import pytest

from assistant.config import Settings
from assistant.core.runtime import Runtime
from tools.base import ToolContext

LYRICS = """[Verse]
The streetlights hum my name tonight while every window on the avenue burns
I walk alone but the city's bright

[Chorus]
We run until the summer ends
We burn the bridges, lose our friends
We run until the summer ends"""

CALLS = {
    "compose": {"key": "G", "mode": "major", "bars": 8, "seed": 3, "audio": False},
    "drums": {"style": "trap", "bars": 4, "seed": 3, "audio": False},
    "chords": {"key": "F", "mood": "sad", "seed": 3, "audio": False},
    "track": {"genre": "lo-fi hip hop", "seed": 3, "audio": False},
    "analyze_lyrics": {"lyrics": LYRICS},
    "help": {},
}


def preview(settings: Settings, tool: str, width: int) -> str:
    ctx = ToolContext(settings=settings, width=width)
    result = Runtime().call(tool, CALLS[tool], ctx)
    assert result.ok, result.error
    return result.preview


@pytest.mark.parametrize("tool", list(CALLS))
@pytest.mark.parametrize("width", [60, 76, 116])
def test_no_preview_line_is_wider_than_its_room(settings: Settings, tool: str, width: int) -> None:
    text = preview(settings, tool, width)
    assert text
    wide = [line for line in text.splitlines() if len(line) > width]
    assert not wide, f"{tool} at {width}: {wide[0]!r}"


def bars_shown(caption: str) -> int:
    first, last = re.search(r"bars (\d+)-(\d+) of", caption).groups()
    return int(last) - int(first) + 1


def test_more_bars_where_there_is_room(settings: Settings) -> None:
    narrow, wide = preview(settings, "compose", 76), preview(settings, "compose", 116)
    assert bars_shown(narrow) == 3 and bars_shown(wide) == 5  # the four-part table
    drums_narrow, drums_wide = preview(settings, "drums", 76), preview(settings, "drums", 116)
    assert drums_narrow.splitlines()[0].count("|bar") == 3
    assert drums_wide.splitlines()[0].count("|bar") == 4
    # every drum row keeps whole bars of 16 steps: nothing is cut mid-bar
    for line in drums_narrow.splitlines()[1:]:
        assert all(len(cell.replace(" ", "")) == 16 for cell in line[8:].strip("|").split("|"))


def test_the_lyric_table_keeps_its_columns_under_the_heading(settings: Settings) -> None:
    text = preview(settings, "analyze_lyrics", 76)
    table = text.split("\n\n")[-1].splitlines()
    head = table[0]
    for row in table[1:]:
        for column in ("emotion", "val", "aro", "quadrant"):
            at = head.index(column)
            assert row[at - 1] == " " or column in ("val", "aro"), (column, row)
        assert row[head.index("quadrant")] != " "
    assert any(row.rstrip().endswith(("neutral", "sad", "happy", "angry", "relaxed"))
               for row in table[1:])  # fmt: skip
    assert "…" in text  # the long first line is cut in its own column, with an ellipsis


def test_a_sharp_key_keeps_its_sharp_in_the_file_name(settings: Settings) -> None:
    ctx = ToolContext(settings=settings)
    assert ctx.output_path("lofi-track-F#min-s3", ".mid").name == "lofi-track-Fsharpmin-s3.mid"
