"""The conversation's transcript: one JSON line per turn under `CADENZA_HOME/conversations/`.

`cadenza chat --resume` (and `/resume`) read it back after a dropped connection. Appending is
one line per turn, so a crash can cut at most the last line, which reading skips.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def path_for(home: Path, conversation_id: str) -> Path:
    return home / "conversations" / f"{conversation_id}.jsonl"


def append(home: Path, conversation_id: str, entry: dict[str, Any]) -> None:
    """Add a turn; a transcript that can't be written never fails the turn itself."""
    path = path_for(home, conversation_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError:
        pass


def read(home: Path, conversation_id: str, n: int = 40) -> list[dict[str, Any]]:
    """The last `n` turns (readable lines only)."""
    path = path_for(home, conversation_id)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:]:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a crash
    return out
