"""Replies laid out for the chat's width at 80x24 and 120x40: no table, grid or piano roll needs
a horizontal scroll, a wider terminal shows more bars, and grids keep their leading spaces."""

from __future__ import annotations

import pytest
from textual.containers import HorizontalScroll

from assistant.config import Settings
from assistant.core.session import Session
from assistant.tui.app import CadenzaApp
from assistant.tui.widgets import ChatInput, ReplyMessage

pytestmark = pytest.mark.slow

REQUESTS = [
    "compose a short melody in G major",
    "trap beat at 145 with hat rolls",
    "a lo-fi track with warm Rhodes chords",
    "what do these lyrics feel like:\nThe streetlights hum my name tonight while every window "
    "on the avenue burns\nI walk alone but the city's bright\n\nWe run until the summer ends\n"
    "We burn the bridges, lose our friends\nWe run until the summer ends",
    "help",
]


async def _conversation(settings: Settings, size: tuple[int, int]) -> tuple[list[str], int]:
    """The preformatted blocks of each reply and the width the replies were laid out for."""
    session = Session(settings.model_copy(update={"seed": 3}), use_memory=False)
    app = CadenzaApp(session, warm=False)
    async with app.run_test(size=size) as pilot:
        for text in REQUESTS:
            app.query_one(ChatInput).value = text
            await pilot.press("enter")
            for _ in range(600):
                await pilot.pause(0.1)
                if not app.busy:
                    break
        await pilot.pause(0.3)
        width = app.reply_width()
        assert len(app.query(ReplyMessage)) == len(REQUESTS)
        boxes = list(app.query(".pre-box").results(HorizontalScroll))
        cut = [str(box.children[0].render()).splitlines()[0] for box in boxes if box.max_scroll_x]
        assert not cut, f"at {size}, these blocks need a horizontal scroll: {cut}"
        blocks = [str(box.children[0].render()) for box in boxes]
    session.close()
    return blocks, width


@pytest.mark.asyncio
async def test_previews_fit_80x24_and_show_more_at_120x40(settings: Settings) -> None:
    narrow, narrow_width = await _conversation(settings, (80, 24))
    wide, wide_width = await _conversation(settings, (120, 40))
    assert narrow_width == 76 and wide_width == 116  # inside the padding and the scrollbar
    assert max(len(line) for b in narrow for line in b.splitlines()) <= 76
    drum_narrow = next(b for b in narrow if b.lstrip().startswith("|bar 1"))
    drum_wide = next(b for b in wide if b.lstrip().startswith("|bar 1"))
    assert drum_narrow.startswith("        |bar 1")  # the grid's header keeps its indent
    assert drum_narrow.count("|bar") == 3 and drum_wide.count("|bar") == 4
    assert any("bars 1-3 of 8" in b for b in narrow) and any("bars 1-5 of 8" in b for b in wide)
    table = next(b for b in narrow if "\n S " in b).splitlines()  # chords over the voices
    assert table[0].startswith("   ") and table[0][3] != " " and table[1][3] != " "
    lyric = next(b for b in narrow if b.startswith("  # line")).splitlines()
    assert lyric[0].index("emotion") == lyric[1].index(lyric[1].split()[-4])  # under its head
    chords = next(b for b in narrow if b.startswith("Chords:")).splitlines()[1:]
    assert len({line.index("|", 2) for line in chords}) == 1  # the bars' cells line up
