"""How wide a reply's previews may be: the terminal's columns, or 80 where there is no terminal
(a pipe, `--json`, a script), so piped output is the same on every machine."""

from __future__ import annotations

import os
import shutil
import sys

DEFAULT, NARROWEST, WIDEST = 80, 40, 160


def reply_width(json_out: bool = False) -> int:
    """Columns for previews: `CADENZA_WIDTH` if set, else the terminal's, else 80."""
    fixed = os.environ.get("CADENZA_WIDTH", "")
    if fixed.isdigit():
        return clamp(int(fixed))
    if json_out or not sys.stdout.isatty():
        return DEFAULT
    return clamp(shutil.get_terminal_size((DEFAULT, 24)).columns)


def clamp(width: object) -> int:
    """A width from anywhere (a socket request, a setting) as a usable column count."""
    if not isinstance(width, int) or isinstance(width, bool):
        return DEFAULT
    return max(NARROWEST, min(WIDEST, width))
