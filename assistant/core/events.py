"""Events yielded by `Session.send`. Front ends render them; tests assert on them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """Base class; `to_dict` gives the JSON-lines form used by `cadenza ask --json`."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["event"] = type(self).__name__
        return data


@dataclass(frozen=True)
class RouteDecided(Event):
    tool: str | None
    args: dict[str, Any]
    confidence: float
    intent: str
    question: str | None = None  # a clarifying question instead of a tool call


@dataclass(frozen=True)
class ToolStarted(Event):
    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolProgress(Event):
    tool: str
    fraction: float
    message: str = ""


@dataclass(frozen=True)
class ToolFinished(Event):
    tool: str
    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReplyDelta(Event):
    text: str


@dataclass(frozen=True)
class TurnDone(Event):
    reply: str
    tool: str | None
    ok: bool
    result: dict[str, Any] | None = None  # the tool's full result, when a tool ran


@dataclass(frozen=True)
class StoreNote(Event):
    """After the reply: the song could not be stored yet (it waits in the queue)."""

    text: str


def collect_turn(events: Iterable[Event]) -> tuple[RouteDecided | None, TurnDone]:
    """Drain one turn's events; return its route decision (if any) and its final event."""
    route: RouteDecided | None = None
    done: TurnDone | None = None
    for event in events:
        if isinstance(event, RouteDecided):
            route = event
        elif isinstance(event, TurnDone):
            done = event
    if done is None:
        raise RuntimeError("a turn ended without a TurnDone event")
    return route, done
