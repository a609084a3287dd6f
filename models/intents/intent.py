"""An intent and everything that routes it, read from `prompts/intents/<name>.yaml`.

Each intent declares its tool, how a clarifying question offers it (`label`), the "Next:" hint
after its tool answers (`next`, one per tool it can call), the questions to ask when a needed
file or value is missing (`questions`), the slots it takes from a message (`slots`), a generic
argument reader for a plain tool (`reader: slots`), example requests that `help` shows (`help`),
and the cue regexes and exemplars the classifier learns from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from models.yaml_text import safe_load

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
INTENTS_DIR = PROMPTS_DIR / "intents"


@dataclass(frozen=True)
class Intent:
    name: str
    tool: str | None
    description: str
    examples: tuple[str, ...]
    cues: tuple[re.Pattern[str], ...] = ()
    label: str = ""  # "compose a new piece": how a clarifying question offers this intent
    next: dict[str, str] = field(default_factory=dict)  # tool -> the "Next:" hint after it
    questions: dict[str, str] = field(default_factory=dict)  # what is missing -> question
    slots: tuple[str, ...] = ()  # the slots its tool takes straight from the message
    help: tuple[str, ...] = ()  # example requests `help` shows
    reader: str | None = None  # a generic argument reader by name ("slots"), for a plain tool

    @property
    def tools(self) -> tuple[str, ...]:
        """Every tool this intent can call (its own, and any its routing hands over to)."""
        return tuple(dict.fromkeys([*([self.tool] if self.tool else []), *self.next]))


def _next_hints(tool: str | None, raw: object) -> dict[str, str]:
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    return {tool: str(raw)} if tool and raw is not None else {}


def read_intent(path: Path) -> Intent:
    data = safe_load(path.read_text())
    tool = data.get("tool")
    return Intent(
        name=data["intent"],
        tool=tool,
        description=data.get("description", ""),
        examples=tuple(str(e) for e in data["examples"]),  # YAML reads "12345" as a number
        cues=tuple(re.compile(c, re.I) for c in data.get("cues") or ()),
        label=data.get("label") or "",
        next=_next_hints(tool, data.get("next")),
        questions={str(k): str(v) for k, v in (data.get("questions") or {}).items()},
        slots=tuple(data.get("slots") or ()),
        help=tuple(str(h) for h in data.get("help") or ()),
        reader=data.get("reader"),
    )


def load_intents(folder: Path = INTENTS_DIR) -> list[Intent]:
    """Every intent, sorted by file name (the classifier's label order depends on it)."""
    return [read_intent(path) for path in sorted(folder.glob("*.yaml"))]


@lru_cache(maxsize=1)
def shipped_intents() -> tuple[Intent, ...]:
    """The intents in `prompts/intents/`, read once per process."""
    return tuple(load_intents())


def owner_of(tool: str) -> Intent | None:
    """The intent whose routing calls `tool` (its own tool first, then hand-overs)."""
    intents = shipped_intents()
    return next((i for i in intents if i.tool == tool), None) or next(
        (i for i in intents if tool in i.tools), None
    )
