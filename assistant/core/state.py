"""Dialogue state: the songs of this conversation and which one "it" means.

A `Song` is the per-song attribute table (key, tempo, meter, style, mood, instrument, files...).
The state is saved after every turn (atomically), so `cadenza ask "make it faster"` in a new
process acts on the song the previous command made.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Attributes of a song that a tool call can reproduce it from.
SONG_ARGS = (
    "key", "mode", "tempo", "meter", "bars", "style", "mood", "instrument", "parts", "seed",
)  # fmt: skip


@dataclass
class Song:
    """One piece Cadenza made (or imported): its attribute table."""

    id: str
    title: str
    tool: str
    key: str | None = None
    mode: str | None = None
    tempo: int | None = None
    meter: str | None = None
    bars: int | None = None
    style: str | None = None
    mood: str | None = None
    instrument: str | None = None
    parts: int | None = None  # 4: soprano, alto, tenor, bass; 1: a melody alone
    seed: int | None = None
    source: str | None = None  # the producer's file it was made from (a harmonised melody)
    lyrics: str | None = None  # the lyrics it was written for: their file, or their first line
    files: dict[str, str] = field(default_factory=dict)  # kind ("midi", "wav") -> path
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    parent: str | None = None  # the song this one is a variation of

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]

    def args(self) -> dict[str, Any]:
        """The tool arguments that make this song again (the router keeps those its tool takes)."""
        args = {k: getattr(self, k) for k in SONG_ARGS if getattr(self, k) is not None}
        if self.source:
            args["file"] = self.source
        return args

    def describe(self) -> str:
        """Plain words about the song: what memory embeds and recall matches against."""
        parts = [self.mood, self.style or "piece"]
        text = " ".join(p for p in parts if p)
        if self.key:
            text += f" in {self.key} {self.mode or ''}".rstrip()
        bits = [
            f"{self.meter} time" if self.meter else "",
            f"{self.tempo} bpm" if self.tempo else "",
        ]
        bits += [
            f"{self.bars} bars" if self.bars else "",
            f"for {self.instrument}" if self.instrument else "",
        ]
        extra = ", ".join(b for b in bits if b)
        return f"{self.title}: {text}" + (f", {extra}" if extra else "")

    def to_metadata(self) -> dict[str, str | int | float | bool]:
        """Flat metadata for the vector store (no None values, files as JSON)."""
        data = {k: v for k, v in asdict(self).items() if v is not None and k != "files"}
        data["files"] = json.dumps(self.files)
        data["created_ts"] = datetime.fromisoformat(self.created).timestamp()
        return data

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> Song:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in meta.items() if k in known}
        data["files"] = json.loads(meta.get("files") or "{}")
        return cls(**data)


@dataclass
class DialogueState:
    """What the conversation refers to. Saved to `path` after each turn."""

    conversation_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    current: Song | None = None
    song_ids: list[str] = field(
        default_factory=list
    )  # this conversation's songs, as first made or recalled
    turns: int = 0
    # The lyrics last read (their text, or the path of their file): "music for these lyrics".
    lyrics: str | None = None
    # The listener segment last described: "write something for them".
    segment: str | None = None
    # A clarifying question awaiting its answer: {"text": the message, "intents": the choices}.
    pending: dict[str, Any] | None = None
    # Songs made while the store was down: saved to memory as soon as it answers again.
    unsaved: list[Song] = field(default_factory=list)

    def add_song(self, song: Song) -> None:
        self.current = song
        if song.id not in self.song_ids:  # a recalled song keeps its place: "the second one"
            self.song_ids.append(song.id)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DialogueState:
        current = Song(**data["current"]) if data.get("current") else None
        return cls(
            conversation_id=data.get("conversation_id") or uuid.uuid4().hex[:12],
            current=current,
            song_ids=list(data.get("song_ids", [])),
            turns=int(data.get("turns", 0)),
            lyrics=data.get("lyrics") if isinstance(data.get("lyrics"), str) else None,
            segment=data.get("segment") if isinstance(data.get("segment"), str) else None,
            pending=data.get("pending") if isinstance(data.get("pending"), dict) else None,
            unsaved=[Song(**d) for d in data.get("unsaved", []) if isinstance(d, dict)],
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> DialogueState:
        """The saved state, or a fresh one if there is none or it is unreadable."""
        try:
            return cls.from_json(json.loads(path.read_text()))
        except (OSError, ValueError, TypeError, KeyError):
            return cls()
