"""Bytes that are not UTF-8 on the plain chat's stdin, read with a strict decoder, are one
sentence and the chat goes on (issue 25 item 8: a UnicodeDecodeError ended it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_invalid_utf8_on_stdin_is_a_sentence_and_the_chat_goes_on(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).with_name("cadenza"))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "CADENZA_RESIDENT": "0",
           "CADENZA_HOME": str(tmp_path / "home"), "CADENZA_WORKSPACE": str(tmp_path)}  # fmt: skip
    out = subprocess.run([cli, "chat", "--plain"], input=b"\xff\xfe\xc3(not text\nhelp\n",
                         capture_output=True, env=env, timeout=120)  # fmt: skip
    text = out.stdout.decode()
    assert out.returncode == 0, out.stderr.decode()[-500:]
    assert "binary data" in text and "Here is what I can do" in text
    assert b"Traceback" not in out.stderr
