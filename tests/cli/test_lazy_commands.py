"""`cadenza --help` lists every tool from `commands.json` without importing the tools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.cli.lazy_commands import MANIFEST, build_manifest

CADENZA = str(Path(sys.executable).with_name("cadenza"))


def test_the_manifest_lists_the_real_commands() -> None:
    from assistant.cli.app import tool_commands

    real = build_manifest(tool_commands())
    if os.environ.get("CADENZA_UPDATE_GOLDEN"):
        MANIFEST.write_text(json.dumps(real, indent=1, ensure_ascii=False) + "\n")
    assert json.loads(MANIFEST.read_text()) == real, (
        "assistant/cli/commands.json is stale: regenerate it with "
        "`CADENZA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/cli/test_lazy_commands.py`"
    )


def test_help_lists_tools_without_importing_them() -> None:
    out = subprocess.run([sys.executable, "-X", "importtime", CADENZA, "--help"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0
    for name in json.loads(MANIFEST.read_text()):
        assert f"\n  {name} " in out.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()}
    for heavy in ("tools", "pydantic", "numpy", "typer.rich_utils", "assistant.core.session"):
        assert heavy not in imported, heavy
    assert "Compose a new piece" in out.stdout  # descriptions are whole, not cut with "..."


def test_a_tool_command_still_runs_and_has_its_options() -> None:
    out = subprocess.run([CADENZA, "compose", "--help"], capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    assert out.returncode == 0 and "--key" in out.stdout and "--bars" in out.stdout
    out = subprocess.run([CADENZA, "audience", "--help"], capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    assert out.returncode == 0 and "segments" in out.stdout
