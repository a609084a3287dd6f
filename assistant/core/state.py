"""Dialogue state: the songs of this conversation and which one "it" means.

A `Song` (the store's record, `assistant/store/songs.py`) is the per-song attribute table.
The state is saved after every turn (atomically), so `cadenza ask "make it faster"` in a new
process acts on the song the previous command made.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.store.files import write_json_atomic
from assistant.store.songs import SONG_ARGS, Song

__all__ = ["SONG_ARGS", "DialogueState", "Song"]

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
        current = Song.from_dict(data["current"]) if data.get("current") else None
        return cls(
            conversation_id=data.get("conversation_id") or uuid.uuid4().hex[:12],
            current=current,
            song_ids=list(data.get("song_ids", [])),
            turns=int(data.get("turns", 0)),
            lyrics=data.get("lyrics") if isinstance(data.get("lyrics"), str) else None,
            segment=data.get("segment") if isinstance(data.get("segment"), str) else None,
            pending=data.get("pending") if isinstance(data.get("pending"), dict) else None,
            unsaved=[Song.from_dict(d) for d in data.get("unsaved", []) if isinstance(d, dict)],
        )

    def save(self, path: Path) -> None:
        write_json_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> DialogueState:
        """The saved state, or a fresh one if there is none or it is unreadable."""
        try:
            return cls.from_json(json.loads(path.read_text()))
        except (OSError, ValueError, TypeError, KeyError):
            return cls()
