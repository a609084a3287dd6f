"""The `cadenza` executable: a resident process answers `cadenza ask` before anything loads.

`cadenza ask "message"` (with or without `--json`) first tries a running chat or `cadenza serve`
(`assistant.cli.resident`), importing only the standard library; everything else, and `ask`
when no resident answers, goes to the Typer app.
"""

from __future__ import annotations

import os
import sys


def _plain_ask(argv: list[str]) -> tuple[str, bool] | None:
    """(message, json) for `ask MESSAGE [--json]`; None for any other form (Typer reads it)."""
    if not argv or argv[0] != "ask":
        return None
    rest = [a for a in argv[1:] if a != "--json"]
    if len(rest) != 1 or rest[0].startswith("-"):
        return None
    return rest[0], "--json" in argv[1:]


def main() -> None:
    asked = _plain_ask(sys.argv[1:])
    if asked is not None:
        from assistant.cli.resident import ask_resident

        try:
            code = ask_resident(*asked)
        except BrokenPipeError:  # `cadenza ask ... | head -1`: the reader left; no traceback
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        if code is not None:
            sys.exit(code)
    from assistant.cli.app import main as app_main

    app_main()
