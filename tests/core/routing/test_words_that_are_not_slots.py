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
