"""Dialogue state: the songs of this conversation and which one "it" means.

A `Song` (the store's record, `assistant/store/songs.py`) is the per-song attribute table.
The state is saved after every turn (atomically), so `cadenza ask "make it faster"` in a new
process acts on the song the previous command made. Several processes may share it (a chat and
a cold `cadenza ask`, two scripts at once): a save merges, under a file lock, what this process
changed since it last read the file into what the others wrote meanwhile; it never overwrites
their songs, queued songs or turns (`merge`).
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

    def __post_init__(self) -> None:
        self._base: dict[str, Any] | None = None  # the file as this process last read or wrote it

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
        """Write the state, merged with what other processes saved since this one read it."""
        from filelock import FileLock

        with FileLock(f"{path}.lock", timeout=30):
            if self._base is not None:
                disk = _read(path)
                if disk is not None and disk != self._base:
                    self._adopt(merge(self._base, self.to_json(), disk))
            data = self.to_json()
            write_json_atomic(path, data)
            self._base = data

    def _adopt(self, data: dict[str, Any]) -> None:
        merged = DialogueState.from_json(data)
        for name in ("conversation_id", "current", "song_ids", "turns", "lyrics", "segment",
                     "pending", "unsaved"):  # fmt: skip
            setattr(self, name, getattr(merged, name))

    @classmethod
    def load(cls, path: Path) -> DialogueState:
        """The saved state, or a fresh one if there is none or it is unreadable."""
        data = _read(path)
        try:
            state = cls.from_json(data) if data is not None else cls()
        except (ValueError, TypeError, KeyError):
            return cls()
        state._base = state.to_json() if data is not None else {}
        return state


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def merge(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """A three-way merge of saved states: `base` as this process read it, `ours` now, `theirs`
    on disk now. Turns add up; songs and queued songs are the union, less those this process
    removed (an undo, a queued song it stored); a single value (the current song, the lyrics,
    a pending question) is ours where this process changed it, else theirs."""
    out = dict(theirs)
    for name in ("conversation_id", "current", "lyrics", "segment", "pending"):
        if ours.get(name) != base.get(name):
            out[name] = ours.get(name)
    out["turns"] = int(theirs.get("turns", 0)) + int(ours.get("turns", 0)) - int(base.get("turns", 0))
    gone = set(base.get("song_ids", [])) - set(ours.get("song_ids", []))
    ids = [*theirs.get("song_ids", []), *ours.get("song_ids", [])]
    out["song_ids"] = [i for i in dict.fromkeys(ids) if i not in gone]

    def queued(state: dict[str, Any]) -> dict[str, dict]:
        return {s["id"]: s for s in state.get("unsaved", []) if isinstance(s, dict) and "id" in s}

    stored = set(queued(base)) - set(queued(ours))
    waiting = queued(theirs) | queued(ours)
    out["unsaved"] = [s for i, s in waiting.items() if i not in stored]
    return out
