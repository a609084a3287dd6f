"""`cadenza chat` in a real terminal: tmux runs it, send-keys types, capture-pane reads the screen.

tmux is an optional Debian package (`cadenza doctor` reports it; `.ci/run` installs it where it
can); without it this test is skipped with a clear reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from assistant.config import Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"
    ),
]


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30).stdout


def _wait_for(session: str, text: str, timeout: float) -> str:
    deadline = time.time() + timeout
    screen = ""
    while time.time() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def _start(settings: Settings, term: str, size: tuple[int, int] = (80, 24)) -> str:
    """`cadenza chat` in a detached tmux pane; the session's name."""
    cli = Path(sys.executable).with_name("cadenza")
    name = f"cadenza-{uuid.uuid4().hex[:8]}"
    env = " ".join(
        f"{k}={v}"
        for k, v in {
            "TERM": term, "CADENZA_HOME": settings.home, "CADENZA_WORKSPACE": settings.workspace,
            "CADENZA_SEED": 7, "HF_HUB_OFFLINE": 1,
        }.items()
    )  # fmt: skip
    # TERM is set inside the pane: tmux overrides -e TERM.
    width, height = size
    _tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
          f"env {env} {cli} chat")  # fmt: skip
    return name


@pytest.mark.parametrize("term", ["xterm-256color", "screen"])
def test_compose_in_a_real_terminal_80x24(settings: Settings, term: str) -> None:
    name = _start(settings, term)
    try:
        _wait_for(name, "Ask Cadenza", 30)
        _tmux("send-keys", "-t", name, "compose a short melody in G major", "Enter")
        # The end of the reply (its next-step hint) shows once the piece is written.
        screen = _wait_for(name, "in G major later", 120)
        assert "✓ compose" in screen or "chorale in G major" in screen
        _tmux("send-keys", "-t", name, "C-q")
        for _ in range(60):  # quit cleanly: the pane's command ends, and with it the session
            time.sleep(0.25)
            if name not in _tmux("list-sessions"):
                break
        assert name not in _tmux("list-sessions")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=30)
    midi = list((settings.home / "outputs").glob("*.mid"))
    assert midi and os.path.getsize(midi[0]) > 0


def test_a_beat_and_a_track_fit_a_real_terminal_80x24(settings: Settings) -> None:
    """The drum grid and the track's part grid and chord rows, as a producer sees them over SSH:
    rows whole (each ends at its bar line), the grid's label column kept, the reply's end shown."""
    name = _start(settings, "xterm-256color")
    try:
        _wait_for(name, "Ask Cadenza", 30)
        _tmux("send-keys", "-t", name, "trap beat at 145 with hat rolls", "Enter")
        screen = _wait_for(name, '"render it".', 120)
        rows = [line[:78].rstrip() for line in screen.splitlines() if line.startswith(" Kick ")]
        assert rows and rows[-1].startswith(" Kick    |") and rows[-1].endswith("|")
        assert rows[-1].count("|") == 4  # three whole bars at 80 columns
        _tmux("send-keys", "-t", name, "a lo-fi track with warm Rhodes chords", "Enter")
        screen = _wait_for(name, '"export stems to ./stems".', 120)
        chords = [line[:78].rstrip() for line in screen.splitlines() if line.startswith(" | ")]
        assert chords and all(line.endswith("|") for line in chords)
        assert len({line.index("|", 3) for line in chords}) == 1  # the cells line up
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=30)
