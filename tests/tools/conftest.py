"""Fixtures of the tool tests: a tool context on this test's own home and workspace."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from tools.base import ToolContext


@pytest.fixture
def ctx(settings: Settings) -> ToolContext:
    return ToolContext(settings=settings)
