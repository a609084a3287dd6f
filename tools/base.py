"""What a tool is: a typed function whose signature and docstring are its schema.

A tool is declared once with `@tool`; its pydantic argument model is derived from the signature
(`get_type_hints(include_extras=True)` keeps `Annotated[int, Field(ge=1)]` constraints), the
summary line of the docstring is its description and the Google-style `Args:` section its
parameter help. Heavy imports belong inside the tool function, never at module level.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, get_type_hints

from pydantic import BaseModel, ConfigDict, create_model
from pydantic.fields import FieldInfo

from assistant.errors import ToolError

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.store.memory import Memory
    from assistant.store.songs import Song

__all__ = ["Conversation", "Tool", "ToolContext", "ToolError", "ToolResult", "tool"]


class Conversation(Protocol):
    """What a tool may read and set of the conversation; the core's dialogue state is one.

    Tools take the conversation's facts through this, never by importing the core.
    """

    current: Song | None  # the song "it" means
    song_ids: list[str]  # this conversation's songs, oldest first
    lyrics: str | None  # the lyrics last read ("music for these lyrics")
    segment: str | None  # the listener segment last described ("write something for them")


@dataclass
class ToolResult:
    """What a tool returns. `data` is JSON-serialisable; `files` are paths it wrote."""

    ok: bool = True
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    preview: str = ""  # monospace text (a piano roll, a table) shown under the reply
    error: str | None = None
    song: dict[str, Any] | None = None  # attribute table of a song this call made

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": self.summary,
            "data": self.data,
            "files": self.files,
            "preview": self.preview,
            "error": self.error,
            "song": self.song,
        }


@dataclass
class ToolContext:
    """What a tool may use besides its arguments. Built by the runtime for each call."""

    settings: Settings
    state: Conversation | None = None
    width: int = 80  # the columns a preview may use (the front end's width)
    # Opens the store on first use, so tools that never touch memory never pay for Chroma.
    open_memory: Callable[[], Memory | None] = lambda: None
    progress: Callable[[float, str], None] = lambda fraction, message="": None

    @property
    def memory(self) -> Memory | None:
        return self.open_memory()

    def input_path(self, text: str, kinds: tuple[str, ...] = ()) -> Path:
        """An existing file the producer named, resolved inside the workspace or Cadenza's home.

        Relative paths are taken from the workspace. Anything outside both folders (including
        through `..` or a symlink) is refused, as is a missing file or one of the wrong kind.
        """
        raw = text.strip().strip("'\"")
        if not raw or "\x00" in raw:
            raise ToolError("Give me the path of a file.")
        candidate = Path(raw).expanduser()
        if not candidate.is_absolute():
            candidate = self.settings.workspace / candidate
        resolved = candidate.resolve()
        roots = (self.settings.workspace, self.settings.home)
        if not any(resolved.is_relative_to(root) for root in roots):
            raise ToolError(
                f"{raw[:80]} is outside the workspace ({self.settings.workspace}); copy it in "
                "there, or start Cadenza in the folder that holds it."
            )
        if not resolved.is_file():
            raise ToolError(f"There is no file at {raw[:80]}.")
        if kinds and resolved.suffix.lower() not in kinds:
            raise ToolError(
                f"{resolved.name[:80]} is not a {' or '.join(k.lstrip('.') for k in kinds)} file."
            )
        return resolved

    def output_path(self, stem: str, suffix: str) -> Path:
        """A fresh path under the outputs folder; `stem` is sanitised so it cannot escape (a
        sharp is spelled out, so F# minor is 'Fsharp-min', not 'F-min')."""
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem.replace("#", "sharp")).strip("-")[:60]
        safe = safe or "output"
        out = self.settings.outputs_dir
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{safe}{suffix}"
        n = 2
        while path.exists():
            path = out / f"{safe}-{n}{suffix}"
            n += 1
        return path


@dataclass(frozen=True)
class Tool:
    """A registered tool: the function plus everything derived from its signature."""

    name: str
    fn: Callable[..., ToolResult]
    description: str
    args_model: type[BaseModel]
    cli_name: str
    cli_argument: str | None = None  # the parameter given positionally on the command line

    def json_schema(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "parameters": self.args_model.model_json_schema(),
        }

    def validate(self, args: dict[str, Any]) -> BaseModel:
        """Check arguments against the schema (raises pydantic.ValidationError)."""
        return self.args_model.model_validate(args)

    def __call__(self, ctx: ToolContext, **args: Any) -> ToolResult:
        return self.fn(ctx, **self.validate(args).model_dump())


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Summary and `Args:` help from a Google-style docstring."""
    doc = inspect.cleandoc(doc or "")
    summary = doc.split("\n\n", 1)[0].replace("\n", " ").strip()
    params: dict[str, str] = {}
    match = re.search(r"^Args:\n((?:[ \t]+.*\n?)+)", doc, flags=re.M)
    if match:
        current = None
        for line in match.group(1).splitlines():
            item = re.match(r"\s{2,4}(\w+)(?: \([^)]*\))?:\s*(.*)", line)
            if item:
                current = item.group(1)
                params[current] = item.group(2).strip()
            elif current and line.strip():
                params[current] += " " + line.strip()
    return summary, params


def _args_model(name: str, fn: Callable[..., Any], help_: dict[str, str]) -> type[BaseModel]:
    hints = get_type_hints(fn, include_extras=True)
    fields: dict[str, Any] = {}
    for pname, param in list(inspect.signature(fn).parameters.items())[1:]:  # skip ctx
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[pname] = (hints[pname], FieldInfo(default=default, description=help_.get(pname)))
    model_name = "".join(part.title() for part in name.split("_")) + "Args"
    return create_model(  # type: ignore[call-overload]
        model_name, __config__=ConfigDict(extra="forbid"), **fields
    )


def tool(
    name: str | None = None, *, cli_name: str | None = None, cli_argument: str | None = None
) -> Callable[[Callable[..., ToolResult]], Tool]:
    """Declare a tool. The first parameter of the function is always the `ToolContext`."""

    def wrap(fn: Callable[..., ToolResult]) -> Tool:
        tool_name = name or fn.__name__
        summary, help_ = _parse_docstring(fn.__doc__ or "")
        return Tool(
            name=tool_name,
            fn=fn,
            description=summary,
            args_model=_args_model(tool_name, fn, help_),
            cli_name=cli_name or tool_name.replace("_", "-"),
            cli_argument=cli_argument,
        )

    return wrap
