"""The plain line-mode chat: used over pipes, in dumb terminals, and until the TUI lands."""

from __future__ import annotations

import contextlib
import sys
import threading

from assistant.cli.width import reply_width
from assistant.core.events import StoreNote, ToolProgress, ToolStarted, TurnDone
from assistant.core.session import Session

BANNER = (
    'Cadenza, a studio assistant. Try: "write a slow, hopeful chorale in D major". '
    "Type /help for help, /quit to leave.\n"
    "To paste lyrics, end your request with a colon, paste them, then a line with just '.'"
)
END_PASTE = "."


def run_line_chat(session: Session, interactive: bool) -> None:
    """Read messages one per line until EOF or /quit; print each reply."""
    if interactive:
        print(BANNER, flush=True)
        threading.Thread(target=_warm, args=(session,), daemon=True).start()
    with contextlib.suppress(AttributeError, ValueError):  # bytes that are not UTF-8 become
        sys.stdin.reconfigure(errors="replace")  # U+FFFD, which the session reads or refuses
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            print()
            break
        text = line.strip()
        if text.endswith(":") and len(text) > 1:  # lyrics follow, up to a line with just "."
            text = "\n".join([text, *_read_block(interactive)])
        if text in ("/quit", "/exit", "/q"):
            break
        if text == "/help":
            text = "help"
        if not interactive and not text:
            continue
        for event in session.send(text, width=reply_width() if interactive else None):
            if isinstance(event, ToolStarted) and interactive:
                print(f"  [{event.tool}]", flush=True)
            elif isinstance(event, ToolProgress) and interactive and event.message:
                print(f"  ... {event.message}", flush=True)
            elif isinstance(event, TurnDone):
                prefix = "cadenza> " if interactive else ""
                print(prefix + event.reply, flush=True)
                print(flush=True)
            elif isinstance(event, StoreNote):
                print(event.text, flush=True)
    if interactive:
        print("Bye. Your songs are saved.", file=sys.stderr)


def _read_block(interactive: bool) -> list[str]:
    """Lines pasted after a request ending in ':' (blank lines kept), until '.' or EOF."""
    lines: list[str] = []
    while True:
        try:
            line = input("...  " if interactive else "")
        except EOFError:
            break
        if line.strip() == END_PASTE:
            break
        lines.append(line.rstrip())
    return lines


def _warm(session: Session) -> None:
    # Warming is an optimisation: the first message reports any failure itself.
    with contextlib.suppress(Exception):
        session.warm()
