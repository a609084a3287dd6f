"""Words that look like slots but are not (issue 22, class 4), and the ones that are."""

from __future__ import annotations

import pytest

from assistant.core.routing.slots import extract_slots


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("a rock beat with a fill every 4 bars", "bars"),
        ("a chorale where the bass enters after two bars", "bars"),
        ("repeat the last 2 bars", "bars"),
        ("slowly fade out at the end", "tempo"),
        ("a medium size hall reverb", "tempo"),
        ("from medium to high pitch", "tempo"),
        ("a quick question: what key is it in?", "bars"),
        ("a quick question: what key is it in?", "tempo"),
        ("3 bass drum beats", "instrument"),
        ("make a track for a short film, dark and slow", "bars"),
        ("how long does it last", "bars"),
        ("make it twice as long", "bars"),
    ],
)
def test_not_a_slot(text: str, absent: str) -> None:
    assert absent not in extract_slots(text).values


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("a short jig in D", "bars", 8),
        ("Compose a short, tender lullaby in F major.", "bars", 8),
        ("write a little tune for flute", "bars", 8),
        ("a long chorale", "bars", 32),
        ("compose 16 bars at medium tempo", "tempo", 96),
        ("a quick jig", "tempo", 140),
        ("electric lead guitar riff", "instrument", "electric guitar"),
        ("a lead synth line", "instrument", "lead"),
        ("a 4-bar loop", "bars", 4),
    ],
)
def test_still_a_slot(text: str, slot: str, value: object) -> None:
    assert extract_slots(text).values.get(slot) == value


def test_relative_edits_mean_what_they_say(make_session) -> None:  # noqa: ANN001
    """Issue 22, class 5: 'twice as long' doubles (it was 32 bars outright), 'half as long'
    halves, and 'same but in minor' on a minor piece says so instead of writing a copy."""
    from tests.helpers import turn

    session = make_session()
    _, done = turn(session, "compose a sad waltz in A minor, 8 bars")
    assert done.ok and session.state.current.bars == 8
    route, done = turn(session, "same but in minor")
    assert route.tool is None and "already in A minor" in done.reply
    assert session.state.current.bars == 8  # nothing was written
    _, done = turn(session, "make it twice as long")
    assert done.ok and session.state.current.bars == 16, done.reply
    _, done = turn(session, "half as long")
    assert done.ok and session.state.current.bars == 8, done.reply
