"""SVG snapshots of the chat at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic: no models, no store, no clock; update with `pytest tests/tui --snapshot-update`
after an intended change and review the SVGs in the diff.
"""

from __future__ import annotations

from assistant.config import Settings
from assistant.core.session import Session
from assistant.tui.app import CadenzaApp


def _app(settings: Settings) -> CadenzaApp:
    return CadenzaApp(Session(settings, use_memory=False), warm=False)


def test_start_screen_80x24(snap_compare, settings: Settings) -> None:  # noqa: ANN001
    assert snap_compare(_app(settings), terminal_size=(80, 24))


def test_help_screen_120x40(snap_compare, settings: Settings) -> None:  # noqa: ANN001
    assert snap_compare(_app(settings), press=["f1"], terminal_size=(120, 40))


def test_songs_panel_80x24(snap_compare, settings: Settings) -> None:  # noqa: ANN001
    assert snap_compare(_app(settings), press=["f2"], terminal_size=(80, 24))


def test_help_screen_80x24(snap_compare, settings: Settings) -> None:  # noqa: ANN001
    assert snap_compare(_app(settings), press=["f1"], terminal_size=(80, 24))


def test_palette_80x24(snap_compare, settings: Settings) -> None:  # noqa: ANN001
    assert snap_compare(_app(settings), press=["ctrl+p"], terminal_size=(80, 24))
