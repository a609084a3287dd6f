"""The tool commands, listed without importing the tools: `cadenza --help` stays instant.

Every tool is a CLI command generated from its pydantic schema (`tool_commands`), and building
them imports every tool module and pydantic (about 0.25 s). The help listing needs only names
and descriptions, so those come from `commands.json` (regenerated with
`CADENZA_UPDATE_GOLDEN=1 pytest tests/cli/test_lazy_commands.py`; a test fails when it is
stale). The real commands are built the moment one of them (or its help) is resolved.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from typer.core import TyperCommand, TyperGroup

MANIFEST = Path(__file__).with_name("commands.json")
_LOADER: list[Callable[[], Any]] = []  # builds the real commands as a click group


def set_loader(build: Callable[[], Any]) -> None:
    """`build()` returns a click group holding the real tool commands and groups."""
    _LOADER[:] = [build]


@cache
def manifest() -> dict[str, dict[str, str]]:
    """name -> {"help": ..., "kind": "tool" | "group"}, in the order the CLI lists them."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def build_manifest(group) -> dict[str, dict[str, str]]:  # noqa: ANN001 (a click group)
    """What `commands.json` should hold, from the real commands."""
    out = {}
    for name, cmd in group.commands.items():
        kind = "group" if isinstance(cmd, TyperGroup) else "tool"
        out[name] = {"help": cmd.help or "", "kind": kind}
    return out


class LazyToolGroup(TyperGroup):
    """A group whose tool commands are placeholders until one is resolved to run."""

    _loaded = False

    def list_commands(self, ctx) -> list[str]:  # noqa: ANN001
        names = super().list_commands(ctx)
        return names + [n for n in manifest() if n not in names]

    def get_command(self, ctx, cmd_name: str):  # noqa: ANN001, ANN201
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None or cmd_name not in manifest():
            return cmd
        return _placeholder(cmd_name, manifest()[cmd_name])

    def resolve_command(self, ctx, args):  # noqa: ANN001, ANN201
        if args and args[0] in manifest():
            self.load()
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx, formatter) -> None:  # noqa: ANN001
        """Each command's whole first paragraph (wrapped, not cut), under Commands and Tools.

        Plain click formatting: rich's help renderer costs 0.1 s of imports on every `--help`.
        """
        sections: dict[str, list[tuple[str, str]]] = {}
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            text = " ".join((cmd.help or "").split("\n\n")[0].split())
            panel = getattr(cmd, "rich_help_panel", None) or "Commands"
            sections.setdefault(panel, []).append((name, text))
        for panel, rows in sections.items():
            with formatter.section(panel):
                formatter.write_dl(rows)

    def load(self) -> None:
        """Build the real tool commands (imports the tools) and add them."""
        if self._loaded or not _LOADER:
            return
        for name, cmd in _LOADER[0]().commands.items():
            self.add_command(cmd, name)
        self._loaded = True


def _placeholder(name: str, entry: dict[str, str]):  # noqa: ANN202
    if entry["kind"] == "group":
        return TyperGroup(name=name, help=entry["help"])
    return TyperCommand(name=name, help=entry["help"], rich_help_panel="Tools")
