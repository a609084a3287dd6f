"""F1: every key and slash command on one screen at 80x24 (two columns of keys, no table rules,
so nothing has to scroll), and the command palette's Cadenza actions with their keys."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Enter", "send"), ("Up/Down", "earlier messages"),
    ("PgUp/PgDn", "scroll"), ("Esc", "cancel the running tool"),
    ("F1", "this help"), ("F2", "the songs panel"),
    ("F5", "play the current song"), ("Ctrl+P", "command palette"),
    ("Ctrl+Y", "copy the last file path"), ("Ctrl+T", "light / dark"),
    ("Ctrl+L", "clear the screen"), ("Ctrl+Q", "quit"),
]  # fmt: skip

COMMANDS = [
    ("/help", "what Cadenza can do"),
    ("/songs", "this conversation's songs"),
    ("/play", "play the current song's WAV (F5 again stops it)"),
    ("/export [folder]", "copy the current song's files into the workspace"),
    ("/clear", "clear the screen (the conversation goes on)"),
    ("/resume", "show the last turns of this conversation again"),
    ("/quit", "leave"),
]

NOTES = [
    "Songs panel (F2): Enter makes it current; r render, e export, p play.",
    "While the models load, Esc drops the last queued request.",
    "Paste lyrics straight into the input: every pasted line is kept.",
]


def help_text() -> Text:
    """The keys in two columns of 34, the commands, then the notes: 20 lines of at most 72."""
    text = Text()
    text.append("Keys", style="bold")
    text.append("  (Esc, F1 or q closes this)\n", style="dim")
    for (k1, d1), (k2, d2) in zip(KEYS[::2], KEYS[1::2], strict=True):
        text.append(f" {k1:<10}", style="bold")
        text.append(f"{d1:<25}")
        text.append(f"{k2:<10}", style="bold")
        text.append(f"{d2}\n")
    text.append("\nCommands\n", style="bold")
    for command, what in COMMANDS:
        text.append(f" {command:<17}", style="bold")
        text.append(f"{what}\n")
    text.append("\n" + "\n".join(NOTES), style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "close")]

    def compose(self):  # noqa: ANN201
        with VerticalScroll(id="help-box"):
            yield Static(help_text(), id="help-text")
