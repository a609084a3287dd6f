"""The router's decision for one message, and what a reader gets to make it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from models.intents.intent import owner_of

if TYPE_CHECKING:
    from assistant.core.routing.slots import Slots
    from assistant.core.state import DialogueState
    from models.intents.intent import Intent


@dataclass(frozen=True)
class Route:
    """The router's decision for one message."""

    intent: str
    tool: str | None
    args: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.0  # the best intent's score, capped at 1
    question: str | None = None  # ask this instead of calling a tool
    choices: list[str] = field(default_factory=list)  # intents a clarifying question offers
    note: str | None = None  # said after the tool's reply: a part of the request not done
    refused: bool = False  # the question says why the request cannot be done as given
    preface: str | None = None  # said before the tool's reply: what the router picked, and why

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "args": self.args,
            "confidence": round(self.confidence, 3),
            "intent": self.intent,
            **({"question": self.question} if self.question else {}),
        }


@dataclass(frozen=True)
class Request:
    """A message whose intent is known, read into the parts an argument reader needs."""

    intent: Intent
    score: float
    text: str  # the request line
    payload: str | None  # the lines pasted under it (lyrics)
    quoted: re.Match[str] | None  # a quoted lyric in the request line
    probe: str  # the text the classifier read
    slots: Slots
    state: DialogueState | None

    def as_intent(self, intent: Intent) -> Request:
        """The same message handed to another intent's reader ("add 8 more bars" -> generate)."""
        return replace(self, intent=intent)

    def said(self, tool: str) -> dict[str, Any]:
        """The slots this intent takes, as `tool`'s parameters."""
        from assistant.core.routing.messages import tool_args

        wanted = self.intent.slots
        return tool_args(tool, {k: v for k, v in self.slots.values.items() if k in wanted})

    def call(self, tool: str, args: dict[str, Any], note: str | None = None) -> Route:
        return Route(self.intent.name, tool, args, self.score, note=note)

    def ask(self, what: str, tool: str | None = None, **facts: Any) -> Route:
        """The intent's question for something missing (its YAML `questions`), as the route."""
        owner = owner_of(tool) if tool else None
        questions = {**(owner.questions if owner else {}), **self.intent.questions}
        return Route(self.intent.name, None, {}, self.score, question=questions[what].format(**facts))
