"""The width a reply's previews get outside the TUI."""

from __future__ import annotations

import pytest

from assistant.cli.width import clamp, reply_width


def test_piped_output_and_json_get_80_and_cadenza_width_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CADENZA_WIDTH", raising=False)
    assert reply_width() == 80  # pytest captures stdout: not a terminal
    assert reply_width(json_out=True) == 80
    monkeypatch.setenv("CADENZA_WIDTH", "132")
    assert reply_width() == 132
    monkeypatch.setenv("CADENZA_WIDTH", "9999")
    assert reply_width() == 160
    monkeypatch.setenv("CADENZA_WIDTH", "wide")
    assert reply_width() == 80


def test_a_width_from_a_request_is_checked() -> None:
    assert clamp(100) == 100 and clamp(3) == 40 and clamp("120") == 80 and clamp(True) == 80
    assert clamp(None) == 80
