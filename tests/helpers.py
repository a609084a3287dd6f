"""Helpers shared by the tests."""

from __future__ import annotations


def turn(session, text: str):  # noqa: ANN001, ANN201
    """Send one message; return (route event, final event)."""
    from assistant.core.events import collect_turn

    return collect_turn(session.send(text))
