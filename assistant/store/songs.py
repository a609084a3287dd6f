"""The song record: one piece Cadenza made (or imported), as its attribute table.

Tools return a song as a plain dict; `Song.from_dict` keeps every attribute it knows and
keeps the ones it does not (a newer tool's extra facts) in `extra` instead of failing, so a tool
can never break the conversation by returning a new attribute.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
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
    extra: dict[str, Any] = field(default_factory=dict)  # attributes this record doesn't name

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]

    def args(self) -> dict[str, Any]:
        """The tool arguments that make this song again (the router keeps those its tool takes)."""
        args = {k: getattr(self, k) for k in SONG_ARGS if getattr(self, k) is not None}
        args.update({k: v for k, v in self.extra.items() if v is not None})  # a tool's own controls
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
        skip = ("files", "extra")
        data = {k: v for k, v in asdict(self).items() if v is not None and k not in skip}
        data["files"] = json.dumps(self.files)
        if self.extra:
            data["extra"] = json.dumps(self.extra, default=str)
        data["created_ts"] = datetime.fromisoformat(self.created).timestamp()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Song:
        """A song from its attribute table; unknown attributes are kept in `extra`, not fatal."""
        known = {f.name for f in fields(cls)} - {"extra"}
        extra = dict(data.get("extra") or {})
        extra.update({k: v for k, v in data.items() if k not in known and k != "extra"})
        kept = {k: v for k, v in data.items() if k in known}
        if not isinstance(kept.get("files", {}), dict):
            kept["files"] = {}
        return cls(**kept, extra=extra)

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> Song:
        data = {k: v for k, v in meta.items() if k != "created_ts"}
        data["files"] = json.loads(meta.get("files") or "{}")
        data["extra"] = json.loads(meta.get("extra") or "{}")
        return cls.from_dict(data)
