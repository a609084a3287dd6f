"""The turn transcript that `--resume` reads: appended per turn, robust to a cut last line."""

from __future__ import annotations

from pathlib import Path

from assistant.core import transcript


def test_turns_are_appended_and_a_cut_line_is_skipped(tmp_path: Path) -> None:
    for n in range(3):
        transcript.append(tmp_path, "conv", {"user": f"message {n}", "reply": "ok"})
    path = transcript.path_for(tmp_path, "conv")
    with path.open("a") as fh:
        fh.write('{"user": "cut by a cra')  # a crash mid-write
    turns = transcript.read(tmp_path, "conv")
    assert [t["user"] for t in turns] == ["message 0", "message 1", "message 2"]
    assert transcript.read(tmp_path, "conv", n=2)[0]["user"] == "message 2"
    assert transcript.read(tmp_path, "other") == []
