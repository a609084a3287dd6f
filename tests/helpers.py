"""Helpers shared by the tests."""

from __future__ import annotations


def turn(session, text: str):  # noqa: ANN001, ANN201
    """Send one message; return (route event, final event)."""
    from assistant.core.events import RouteDecided, TurnDone

    route = done = None
    for event in session.send(text):
        if isinstance(event, RouteDecided):
            route = event
        elif isinstance(event, TurnDone):
            done = event
    return route, done
