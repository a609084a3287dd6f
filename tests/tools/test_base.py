"""Input files are read only from the workspace or Cadenza's home."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.base import ToolContext, ToolError


def test_relative_paths_resolve_in_the_workspace(settings, workspace: Path) -> None:
    (workspace / "tune.mid").write_bytes(b"MThd")
    ctx = ToolContext(settings=settings)
    assert ctx.input_path("tune.mid", (".mid",)) == (workspace / "tune.mid").resolve()
    assert ctx.input_path(f"'{workspace / 'tune.mid'}'") == (workspace / "tune.mid").resolve()


@pytest.mark.parametrize("text", ["../outside.mid", "/etc/passwd", "~/../../etc/hosts"])
def test_paths_outside_are_refused(settings, workspace: Path, text: str) -> None:
    (workspace.parent / "outside.mid").write_bytes(b"MThd")
    with pytest.raises(ToolError, match="outside the workspace"):
        ToolContext(settings=settings).input_path(text)


def test_symlink_out_of_the_workspace_is_refused(settings, workspace: Path) -> None:
    (workspace.parent / "secret.mid").write_bytes(b"MThd")
    (workspace / "link.mid").symlink_to(workspace.parent / "secret.mid")
    with pytest.raises(ToolError, match="outside the workspace"):
        ToolContext(settings=settings).input_path("link.mid")


def test_missing_empty_and_wrong_kind(settings, workspace: Path) -> None:
    ctx = ToolContext(settings=settings)
    with pytest.raises(ToolError, match="no file"):
        ctx.input_path("nope.mid")
    with pytest.raises(ToolError, match="path of a file"):
        ctx.input_path("  ")
    (workspace / "notes.txt").write_text("hi")
    with pytest.raises(ToolError, match="not a mid"):
        ctx.input_path("notes.txt", (".mid", ".midi"))
