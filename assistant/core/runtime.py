"""Calls tools safely: unknown tools, invalid arguments and exceptions become error results."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import CadenzaError, ModelError, ToolError
from tools import REGISTRY
from tools.base import Tool, ToolContext, ToolResult

log = logging.getLogger(__name__)


def explain_validation(tool: str, error: ValidationError) -> str:
    """One readable sentence per invalid argument."""
    parts = []
    for item in error.errors():
        name = ".".join(str(p) for p in item["loc"]) or "arguments"
        given = item.get("input")
        kind = item["type"]
        ctx = item.get("ctx") or {}
        if kind == "extra_forbidden":
            parts.append(f"{tool} has no option '{name}'")
        elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            limit = next(iter(ctx.values()), "?")
            word = "at most" if kind.startswith("less") else "at least"
            parts.append(f"{name} must be {word} {limit} (you asked for {given})")
        elif kind == "literal_error":
            parts.append(f"{name} must be one of {ctx.get('expected', '?')} (not {given!r})")
        elif kind == "missing":
            parts.append(f"{name} is required")
        else:
            parts.append(f"{name}: {item['msg'].lower()} (got {str(given)[:40]!r})")
    return "; ".join(parts) + "."


# Arguments that name one thing (a key, a style): empty, they would silently mean the default.
# Free text (a progression, lyrics, a query) keeps its tool's own sentence for "nothing typed".
WORD_ARGS = {"key", "mode", "style", "mood", "instrument", "genre", "meter", "when", "voice"}


def _unreachable(exc: BaseException) -> bool:
    """Whether an exception (or one it came from) is a connection that failed or dropped."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        kind = type(seen).__name__
        if isinstance(seen, ConnectionError | TimeoutError) or kind.startswith("Connect") or (
            kind in ("ReadTimeout", "RemoteProtocolError", "ReadError")
            or "Connection refused" in str(seen)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Runtime:
    """Validates arguments against each tool's schema and calls it; never raises."""

    def __init__(self, registry: Mapping[str, Tool] = REGISTRY, error_log: Path | None = None):
        self.registry = registry
        self.error_log = error_log

    def call(self, name: str | None, args: dict[str, Any], ctx: ToolContext) -> ToolResult:
        tool = self.registry.get(name or "")
        if tool is None:
            return ToolResult(
                ok=False, error=f"There is no tool called '{name}'. Say 'help' for the list."
            )
        empty = [k for k, v in args.items() if k in WORD_ARGS and isinstance(v, str)
                 and not v.strip()]  # fmt: skip
        if empty:  # `--key ""` would otherwise mean "the default key", silently
            return ToolResult(ok=False, error=f"{empty[0]} is empty: give a value, or leave "
                              "it out for the default.")  # fmt: skip
        seed = args.get("seed")
        if isinstance(seed, int) and not 0 <= seed < 2**32:  # not cut down to another seed
            return ToolResult(ok=False, error=f"seed {str(seed)[:24]} is out of range: seeds "
                              "are 0 to 4,294,967,295.")  # fmt: skip
        try:
            valid = tool.validate(args)
        except ValidationError as exc:
            return ToolResult(ok=False, error=explain_validation(tool.name, exc))
        try:
            return tool.fn(_with_deadline(ctx, name or ""), **dict(valid))
        except (CadenzaError, ModelError) as exc:  # the tool's or an engine's: shown as is
            return ToolResult(ok=False, error=str(exc))
        except Exception as exc:  # a bug: report it, log it, keep the session alive
            where = self._log(name, args, exc)
            if ctx.settings.chroma_url and _unreachable(exc):  # the studio server went away
                return ToolResult(ok=False, error=(
                    f"The studio server at {ctx.settings.chroma_url} stopped answering. Start "
                    "it again with `cadenza server start` (or ask whoever runs it), then ask "
                    "again; nothing was lost."))  # fmt: skip
            return ToolResult(
                ok=False,
                error=f"{name} failed unexpectedly ({type(exc).__name__}: {exc}). "
                f"Nothing was lost; details are in {where}.",
            )

    def log(self, line: str) -> None:
        """A note for the log (the LLM planner falling back, for example)."""
        if self.error_log is None:
            log.warning(line)
            return
        self.error_log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.error_log, "a", encoding="utf-8") as fh:
            fh.write(f"{datetime.now(UTC).isoformat()} {line}\n")

    def _log(self, name: str | None, args: dict[str, Any], exc: Exception) -> str:
        text = f"{datetime.now(UTC).isoformat()} {name} {args!r}\n{traceback.format_exc()}\n"
        if self.error_log is None:
            log.error(text)
            return "the log"
        self.error_log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.error_log, "a", encoding="utf-8") as fh:
            fh.write(text)
        return str(self.error_log)


class ToolTimeout(ToolError):
    """A tool ran past `Settings.tool_time_limit_sec`."""


def _with_deadline(ctx: ToolContext, name: str) -> ToolContext:
    """The context with a progress callback that stops the tool once its time is up."""
    limit = ctx.settings.tool_time_limit_sec
    started = time.monotonic()
    report = ctx.progress

    def progress(fraction: float, message: str = "") -> None:
        if time.monotonic() - started > limit:
            raise ToolTimeout(
                f"{name} was still working after {limit:.0f} s, its time limit, so I stopped it; "
                "what it had finished is kept. Ask for less (fewer bars, a smaller folder), run "
                "it again to go on, or raise CADENZA_TOOL_TIME_LIMIT_SEC."
            )
        report(fraction, message)

    return replace(ctx, progress=progress)
