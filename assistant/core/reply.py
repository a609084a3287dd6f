"""Replies in plain language from `prompts/templates/replies.yaml`: what was done, the key
facts, where the files are, and a useful next step. File paths are always shown in full."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from assistant.core.routing.route import Route
from models.intents.intent import PROMPTS_DIR, shipped_intents
from models.yaml_text import safe_load
from tools.base import ToolResult

FILE_LABELS = {".mid": "MIDI", ".wav": "WAV", ".musicxml": "MusicXML", ".xml": "MusicXML"}


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    return safe_load((PROMPTS_DIR / "templates" / "replies.yaml").read_text())


@lru_cache(maxsize=1)
def next_hints() -> dict[str, str]:
    """The "Next:" hint after each tool, from the intents' YAML (`next`)."""
    return {tool: hint for i in shipped_intents() for tool, hint in i.next.items()}


def render_files(files: list[str]) -> str:
    """'MIDI: /path' per file; more than three files of one folder (stems) are the folder once,
    then each file's name on its own line, so no path wraps in the middle of a name."""
    folders = {path.rsplit("/", 1)[0] for path in files if "/" in path}
    if len(files) > 3 and len(folders) == 1 and all("/" in path for path in files):
        folder = folders.pop()
        return f"Folder: {folder}/\n" + "\n".join(f"  {p.rsplit('/', 1)[1]}" for p in files)
    lines = []
    for path in files:
        suffix = path[path.rfind(".") :].lower() if "." in path else ""
        lines.append(f"{FILE_LABELS.get(suffix, 'File')}: {path}")
    return "\n".join(lines)


def render_tool_reply(route: Route, result: ToolResult) -> str:
    t = templates()
    if not result.ok:
        return t["error"].format(error=result.error)
    parts = [result.summary]
    if result.files:
        parts.append(render_files(result.files))
    if result.preview:
        parts.append(result.preview)
    title = (result.song or {}).get("title", "song")
    hint = next_hints().get(route.tool or "", "")
    if hint:
        parts.append(hint.format(title=title))
    return "\n\n".join(p for p in parts if p)


def render_smalltalk(text: str) -> str:
    lines = templates()["smalltalk"]
    lower = text.lower()
    if re.search(r"\b(thanks|thank you|thx|cheers)\b", lower):
        return lines["thanks"]
    if re.search(r"\b(bye|goodbye|see you|later)\b", lower):
        return lines["bye"]
    if re.search(r"\b(hi|hello|hey|good (?:morning|evening|afternoon)|who are you)\b", lower):
        return lines["greeting"]
    return lines["other"]
