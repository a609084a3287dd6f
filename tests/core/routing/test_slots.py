from __future__ import annotations

import pytest

from assistant.core.routing.slots import extract_slots


@pytest.mark.parametrize(
    ("text", "key", "mode"),
    [
        ("something in F# minor", "F#", "minor"),
        ("in f sharp minor please", "F#", "minor"),
        ("a ballad in Bb major", "Bb", "major"),
        ("E-flat major, slow", "Eb", "major"),
        ("in E flat major", "Eb", "major"),
        ("write it in G", "G", None),
        ("in Am at 120", "A", "minor"),
        ("key of C", "C", None),
        ("in c minor", "C", "minor"),
    ],
)
def test_key_spellings(text: str, key: str, mode: str | None) -> None:
    values = extract_slots(text).values
    assert values.get("key") == key
    assert values.get("mode") == mode


def test_article_a_is_not_a_key() -> None:
    values = extract_slots("write a minor key tune").values
    assert "key" not in values
    assert values["mode"] == "minor"


def test_invalid_key_is_reported_not_dropped() -> None:
    slots = extract_slots("a ballad in H# major")
    assert "key" not in slots.values
    assert slots.problems and "'H#' is not a key" in slots.problems[0]


def test_waltz_in_a_minor() -> None:
    values = extract_slots("write a sad waltz in A minor, 16 bars").values
    assert values == {
        "key": "A",
        "mode": "minor",
        "bars": 16,
        "meter": "3/4",
        "mood": "sad",
        "style": "folk",
    }


@pytest.mark.parametrize(
    ("text", "tempo"),
    [("at 90 bpm", 90), ("around 128", 128), ("something slow", 66), ("upbeat please", 124)],
)
def test_tempo(text: str, tempo: int) -> None:
    assert extract_slots(text).values["tempo"] == tempo


def test_bars_meter_style_instrument_seed() -> None:
    values = extract_slots("an irish jig, sixteen bars for tin whistle, seed 42").values
    assert values["bars"] == 16
    assert values["meter"] == "6/8"
    assert values["style"] == "irish"
    assert values["instrument"] == "tin whistle"
    assert values["seed"] == 42


def test_explicit_meter_beats_the_style_word() -> None:
    assert extract_slots("a waltz in 6/8").values["meter"] == "6/8"


def test_song_reference_and_time() -> None:
    slots = extract_slots("open the hopeful chorale from yesterday")
    assert slots.song_ref == "hopeful chorale"
    assert slots.when == "yesterday"


def test_file_path() -> None:
    assert (
        extract_slots("analyze the lyrics in ~/songs/rain.txt").values["path"] == "~/songs/rain.txt"
    )


def test_file_names_are_not_other_slots() -> None:
    slots = extract_slots("harmonize lead.mid in G for strings")
    assert slots.values == {"path": "lead.mid", "key": "G", "instrument": "strings"}
    assert "style" not in extract_slots("what do the lyrics in ballad.txt feel like").values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("make a thirty two bar chorale", {"bars": 32}),
        ("a sixteen-bar hymn", {"bars": 16}),
        ("twenty four bars please", {"bars": 24}),
        ("write something IN D", {"key": "D"}),
        ("write a tune with bpm 110 in Dm", {"tempo": 110, "key": "D", "mode": "minor"}),
        ("bump the tempo to 128", {"tempo": 128}),
        ("slow it down to 70", {"tempo": 70}),
        ("an eight-bar tune in three-four time", {"bars": 8, "meter": "3/4"}),
        ("a march in common time", {"meter": "4/4"}),
        ("a lonely theme for two violins", {"instrument": "violin"}),
        ("what bpm and key is stem.aiff", {"path": "stem.aiff"}),
    ],
)
def test_more_slot_spellings(text: str, expected: dict) -> None:
    values = extract_slots(text).values
    assert {k: values.get(k) for k in expected} == expected


def test_a_number_to_go_to_is_not_bars() -> None:
    values = extract_slots("take it to 32 bars").values
    assert values.get("bars") == 32 and "tempo" not in values
