"""The chat's widgets: the input, messages, tool cards and the songs panel. No conversation logic:
they show what the Session's events say and hand the producer's words back to the app."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import HorizontalScroll, Vertical
from textual.message import Message
from textual.widgets import Input, ListItem, ListView, Markdown, ProgressBar, Static

if TYPE_CHECKING:
    from assistant.store.songs import Song

# A block of a reply that must keep its columns: tables, grids, piano rolls, sparklines. Prose
# never starts with two spaces, aligns words with runs of spaces or draws cells between bars.
PREFORMATTED = re.compile(
    r"^(?: {2,}\S|.*\S {2,}\S|.*[│█▬·░▁▂▃▄▅▆▇]{3,}|.*\|.*\|)", re.M
)


class ChatInput(Input):
    """One line of input with history (up/down) that also takes a multi-line paste (lyrics)."""

    class Sent(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(placeholder="Ask Cadenza… (/help, F1 keys, paste lyrics)", **kwargs)
        self.history: list[str] = []
        self._back = 0
        self.pasted: str | None = None

    def _on_paste(self, event: events.Paste) -> None:
        lines = event.text.splitlines()
        if len(lines) > 1:  # keep the whole paste; show that it is there
            self.pasted = "\n".join(lines)
            self.value = (self.value.strip() + f" [{len(lines)} lines pasted]").strip()
            self.cursor_position = len(self.value)
            event.prevent_default()  # Input's own handler would insert the first line again
            event.stop()

    async def _on_key(self, event: events.Key) -> None:
        if event.key in ("up", "down") and self.history:
            step = 1 if event.key == "up" else -1
            self._back = max(0, min(len(self.history), self._back + step))
            self.value = self.history[-self._back] if self._back else ""
            self.cursor_position = len(self.value)
            event.prevent_default()
            event.stop()
        elif event.key in ("enter", "ctrl+j"):  # ctrl+j: an Enter typed before the chat started
            event.prevent_default()
            event.stop()
            self._send()

    def _send(self) -> None:
        typed = re.sub(r"\s*\[\d+ lines pasted\]$", "", self.value).strip()
        text = f"{typed}\n{self.pasted}" if self.pasted else typed
        if not text.strip():
            return
        self.history.append(self.value)
        self.value, self.pasted, self._back = "", None, 0
        self.post_message(self.Sent(text))


class UserMessage(Static):
    def __init__(self, text: str) -> None:
        first, _, rest = text.partition("\n")
        shown = first + (f"  (+{len(rest.splitlines())} lines)" if rest else "")
        super().__init__(Text.assemble(("you ", "bold"), shown), classes="user")


class ReplyMessage(Vertical):
    """A reply: prose as Markdown, tables and piano rolls kept in their columns.

    It streams: `append` adds the blocks of each ReplyDelta as it arrives.
    """

    def __init__(self, reply: str = "", ok: bool = True) -> None:
        super().__init__(classes="reply" if ok else "reply error")
        self.reply = reply
        self._composed = False

    def compose(self):  # noqa: ANN201
        self._composed = True  # from here on, `append` mounts its own blocks
        yield from _blocks(self.reply)

    def append(self, text: str) -> None:
        """Add text; before the widget is composed, compose shows it (not twice)."""
        self.reply += text
        if self._composed:
            self.mount_all(list(_blocks(text)))


def _blocks(text: str):  # noqa: ANN202
    for block in re.split(r"\n{2,}", text.strip("\n")):  # a grid's leading spaces are kept
        if not block.strip():
            continue
        if PREFORMATTED.search(block):
            yield HorizontalScroll(
                Static(Text(block, no_wrap=True), classes="pre"), classes="pre-box"
            )
        else:
            yield Markdown(_escape(block))


def _escape(block: str) -> str:
    """Prose for Markdown: file paths and underscores stay as typed, lines stay lines."""
    block = re.sub(r"([*_`#<>])", r"\\\1", block)
    return block.replace("\n", "  \n")


class ToolCard(Vertical):
    """A running tool: its name, a progress bar and what it is doing; Esc cancels it."""

    def __init__(self, tool: str) -> None:
        super().__init__(classes="tool-card")
        self.tool = tool

    def compose(self):  # noqa: ANN201
        yield Static(f"⚙ {self.tool}  (Esc cancels)", classes="tool-title")
        yield ProgressBar(total=1.0, show_eta=False, id="bar")
        yield Static("starting", classes="tool-status")

    def progress(self, fraction: float, message: str) -> None:
        self.query_one(ProgressBar).update(progress=max(0.0, min(1.0, fraction)))
        if message:
            self.query_one(".tool-status", Static).update(message[:70])

    def finish(self, ok: bool, error: str | None, files: list[str]) -> None:
        self.query_one(ProgressBar).update(progress=1.0)
        mark = "✓" if ok else "✗"
        self.query_one(".tool-title", Static).update(f"{mark} {self.tool}")
        names = [p.rsplit("/", 1)[-1] for p in files]
        detail = ", ".join(names) if ok else (error or "failed")  # wraps at a space, never cut
        self.query_one(".tool-status", Static).update(detail[:400])
        self.add_class("done" if ok else "failed")


class SongItem(ListItem):
    """One song in the panel: its card (`song_card`), or a plain line ('(no songs yet)')."""

    def __init__(self, song_id: str, card: str | Text, current: bool = False) -> None:
        super().__init__(Static(card, classes="song-card"), classes="current" if current else "")
        self.song_id = song_id


CARD_WIDTH = 30  # the songs panel's room for a line, inside its border and scrollbar


def song_card(song: Song, ordinal: int, current: bool, now: datetime | None = None) -> Text:
    """Three short lines: the title (a second song of the same name is '#2'), then key, tempo,
    bars and length, then its parts and when it was made; '▶' marks the current song."""
    title = song.title + (f" #{ordinal}" if ordinal > 1 else "")
    key = f"{song.key} {(song.mode or '')[:3]}".strip() if song.key else ""
    length = _seconds(song)
    facts = [key, f"{song.tempo} bpm" if song.tempo else "", f"{song.bars} bars" if song.bars
             else "", f"{length // 60}:{length % 60:02d}" if length else ""]  # fmt: skip
    card = Text("▶ " if current else "  ", style="bold")
    wrapped = textwrap.wrap(title, CARD_WIDTH - 2) or [""]  # the panel's room, whole words
    card.append("\n  ".join(wrapped), style="bold" if current else "")
    card.append("\n  " + "  ".join(f for f in facts if f), style="dim")  # 29 columns at most
    card.append("\n  " + "  ".join(x for x in (_made(song.created, now), _parts(song)) if x),
                style="dim")  # fmt: skip
    return card


def _seconds(song: Song) -> int:
    """The song's length from its bars, meter and tempo (6/8's tempo counts dotted quarters)."""
    if not (song.bars and song.tempo):
        return 0
    top, _, bottom = (song.meter or "4/4").partition("/")
    if not (top.isdigit() and bottom.isdigit()):
        return 0
    compound = int(bottom) == 8 and int(top) % 3 == 0
    beats = int(top) / 3 if compound else int(top) * 4 / int(bottom)
    return round(song.bars * beats * 60 / song.tempo)


def _parts(song: Song) -> str:
    names = song.extra.get("part_names")
    if isinstance(names, list) and names:
        return " ".join(str(n).lower() for n in names)
    if song.tool == "drums":
        return "drums"
    if song.parts:
        return "melody" if song.parts == 1 else f"{song.parts} voices"
    return song.instrument or ""


def _made(created: str, now: datetime | None) -> str:
    """When the song was made, in local time: '14:02' today, else 'Dec 2 14:02'."""
    try:
        made = datetime.fromisoformat(created).astimezone()
    except (TypeError, ValueError):
        return ""
    now = now or datetime.now().astimezone()
    clock = made.strftime("%H:%M")
    return clock if made.date() == now.date() else f"{made:%b} {made.day} {clock}"


class SongList(ListView):
    """The songs panel's list: Enter makes a song current, r renders it, e exports its files."""

    BINDINGS = [
        Binding("r", "act('render it')", "render", show=False),  # the panel's title lists them
        Binding("e", "act('/export')", "export", show=False),
        Binding("p", "act('/play')", "play", show=False),
    ]

    class Act(Message):
        def __init__(self, song_id: str, command: str) -> None:
            super().__init__()
            self.song_id, self.command = song_id, command

    def action_act(self, command: str) -> None:
        item = self.highlighted_child
        if isinstance(item, SongItem) and item.song_id:
            self.post_message(self.Act(item.song_id, command))
