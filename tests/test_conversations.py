"""Every scripted conversation in tests/conversations/ must pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.script import load_script, run_script
from assistant.core.state import DialogueState

SCRIPTS = sorted((Path(__file__).parent / "conversations").glob("*.yaml"))


def test_there_are_enough_scripts() -> None:
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_conversation(path: Path, make_session) -> None:  # noqa: ANN001
    data = load_script(path)
    overrides = {"seed": data["seed"]} if data.get("seed") is not None else {}
    session = make_session(**overrides)
    session.state = DialogueState()
    report = run_script(data, session)
    assert report.ok, "\n".join(report.failures)
