"""Terminal control sequences never reach the terminal (issue 25 item 9): a file name, a song
title made from it, a CLI argument or a script name holding an escape sequence is shown in
caret notation ('^[') in every reply, note and printed line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from assistant.core.events import TurnDone, collect_turn
from assistant.core.message import printable
from models.audience.engine import DEMO_DIR

EVIL = "evil\x1b]0;PWNED\x07\x9b2J"


def test_printable_shows_control_characters_in_caret_notation() -> None:
    assert printable(f"{EVIL}\nnext\tline\x7f") == "evil^[]0;PWNED^G\\x9b2J\nnext\tline^?"


def test_a_file_named_with_an_escape_sequence_is_shown_escaped(make_session, workspace) -> None:  # noqa: ANN001
    workspace.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO_DIR / "catalog" / "quiet-hours.mid", workspace / f"{EVIL}.mid")
    session = make_session()
    _, done = collect_turn(session.call_tool("harmonize", {"file": f"{EVIL}.mid", "audio": False}))
    assert done.ok, done.reply
    assert "\x1b" not in done.reply and "\x07" not in done.reply and "^[]0;PWNED^G" in done.reply
    assert "\x1b" not in session.state.current.title  # stored printable: later replies too
    later = [e for e in session.send("what's in it?") if isinstance(e, TurnDone)][0]
    assert "\x1b" not in later.reply


def test_cli_arguments_and_script_names_are_printed_escaped(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).with_name("cadenza"))
    env = {"CADENZA_HOME": str(tmp_path / "home"), "CADENZA_WORKSPACE": str(tmp_path),
           "CADENZA_RESIDENT": "0", "PATH": "/usr/bin:/bin"}  # fmt: skip
    out = subprocess.run([cli, "compose", "--key", EVIL, "--no-audio"], capture_output=True,
                         text=True, env=env, timeout=120)  # fmt: skip
    assert "^[]0;PWNED^G" in out.stdout and "\x1b" not in out.stdout + out.stderr
    out = subprocess.run([cli, "run", str(tmp_path / f"{EVIL}.yaml")], capture_output=True,
                         text=True, env=env, timeout=120)  # fmt: skip
    assert "ERROR" in out.stdout and "\x1b" not in out.stdout + out.stderr
