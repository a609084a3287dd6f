"""Play the current song's WAV through the machine's audio player, when it has one.

The players tried, in order: `aplay` (ALSA), `paplay` (PulseAudio/PipeWire), `afplay` (macOS),
`ffplay` (FFmpeg). Over SSH the machine's speakers are not the producer's, so nothing is played
there: the reply gives the WAV's path instead (Ctrl+Y copies it to the local clipboard).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

PLAYERS = (
    ("aplay", ["-q"]),
    ("paplay", []),
    ("afplay", []),
    ("ffplay", ["-nodisp", "-autoexit", "-loglevel", "quiet"]),
)


def find_player(which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The command line of the first audio player on PATH, without the file."""
    for name, args in PLAYERS:
        path = which(name)
        if path:
            return [path, *args]
    return None


def over_ssh(env: Mapping[str, str] = os.environ) -> bool:
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


class Player:
    """One sound at a time: playing again stops the last one first; `stop()` on quit."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None

    @property
    def playing(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> bool:
        """Stop what plays; True if something was playing."""
        was = self.playing
        if self._process is not None and was:
            self._process.terminate()
        self._process = None
        return was

    def play(self, title: str, wav: str | None) -> str:
        """Start playing `wav`, or say in one sentence why not and what to do instead."""
        if not wav or not Path(wav).is_file():
            return (f"'{title}' has no WAV yet: say 'render it' (or press r in the songs "
                    "panel), then play it.")  # fmt: skip
        if over_ssh():
            return (f"You're connected over SSH, so this machine's speakers are not yours. "
                    f"The WAV is {wav} (Ctrl+Y copies its path).")  # fmt: skip
        command = find_player()
        if command is None:
            return (f"This machine has no audio player (aplay, paplay, afplay or ffplay). "
                    f"The WAV is {wav} (Ctrl+Y copies its path).")  # fmt: skip
        self.stop()
        try:
            self._process = subprocess.Popen(  # noqa: S603 (a player found on PATH, our file)
                [*command, wav], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            return f"{Path(command[0]).name} could not play it ({exc}). The WAV is {wav}."
        return f"Playing '{title}' with {Path(command[0]).name} (F5 or /play again stops it)."
