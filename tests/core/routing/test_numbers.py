"""Numbers for bars, tempo and seed are read whole or refused with the range (issue 25 item 11):
before, "10^100 bars" became 100 bars, a 31-digit count 8, "-5 bars" 5, "-120 bpm" 120,
"tempo 99999999" and "0 bpm" the default 80, a 26-digit seed another seed, and "redo bars
1-99999999" a new piece; `compose --key ""` composed C major."""

from __future__ import annotations

import pytest

from assistant.core.events import TurnDone, collect_turn
from assistant.core.routing.slots import extract_slots


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("compose 10^100 bars", "'10^100' is not a bar count"),
        ("compose 1234567890123456789012345678901 bars", "out of range for a bar count"),
        ("write -5 bars", "-5 is out of range for a bar count"),
        ("a ballad at -120 bpm", "-120 is out of range for a tempo"),
        ("compose a waltz, tempo 99999999", "99999999 is out of range for a tempo"),
        ("a trap beat at 0 bpm", "0 is out of range for a tempo"),
        ("a jig with seed 12345678901234567890123456", "out of range for a seed"),
        ("redo bars 1-99999999", "99999999 is out of range for a bar number"),
        ("compose 2.5 bars", "'2.5' is not a bar count"),
        ("compose 300 bars", "300 is out of range for a bar count: I can use a length of 1 to 256"),
    ],
)
def test_odd_numbers_are_said_with_the_range(text: str, said: str) -> None:
    assert any(said in p for p in extract_slots(text).problems), extract_slots(text).problems


@pytest.mark.parametrize(
    "text", ["compose 16 bars at 90 bpm", "a jig, 8 bars, seed 42", "120 bpm trap beat",
             "redo bars 3-4 darker", "a 4-bar loop at 140 bpm", "tempo 72"],
)  # fmt: skip
def test_ordinary_numbers_are_no_problem(text: str) -> None:
    assert extract_slots(text).problems == []


def test_the_session_says_it_and_writes_nothing(make_session) -> None:  # noqa: ANN001
    session = make_session()
    done = [e for e in session.send("compose -5 bars at 90 bpm") if isinstance(e, TurnDone)][0]
    assert not done.ok and done.tool is None and "out of range for a bar count" in done.reply
    assert session.state.current is None


def test_an_empty_argument_or_a_huge_seed_is_refused(make_session) -> None:  # noqa: ANN001
    session = make_session()
    _, done = collect_turn(session.call_tool("compose", {"key": "", "audio": False}))
    assert not done.ok and "key is empty" in done.reply
    _, done = collect_turn(session.call_tool("compose", {"seed": 10**25, "audio": False}))
    assert not done.ok and "seeds are 0 to 4,294,967,295" in done.reply
