"""Drum words: the style a request names, the kit pieces it lists, and the edits a follow-up
makes to the current beat ("more swing", "no fills", "humanise it less")."""

from __future__ import annotations

import pytest

from assistant.core.routing.drum_slots import drum_args, drum_changes, drum_style, kit_pieces
from models.drums.kit import CLASSES
from models.drums.styles import STYLES

# What a beat's song remembers of its controls (tools/drums.py `_controls`): None = the style's.
DEFAULTS = {"swing": None, "humanize": None, "density": 0.5, "hat_density": None,
            "half_time": False, "double_time": False, "fills_every": 4, "without": [],
            "only": [], "add": []}  # fmt: skip


def current(style: str, **kw) -> dict:  # noqa: ANN003
    return {"style": style, "tempo": STYLES[style].tempo[1], "seed": 1, **DEFAULTS, **kw}


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("a swung boom bap loop", "boombap"),
        ("give me a boom-bap beat at 90", "boombap"),
        ("drum and bass beat at 174", "dnb"),
        ("a drum & bass loop", "dnb"),
        ("some jungle drums", "dnb"),
        ("a lo-fi hip hop drum loop", "lofi"),  # lo-fi, not the hip hop it names after
        ("a lofi beat", "lofi"),
        ("a hip hop beat at 90 bpm", "hiphop"),
        ("make me a trap beat", "trap"),
        ("a dark trap beat", "trap"),
        ("i need a house beat at 124", "house"),
        ("techno kick pattern", "techno"),
        ("a reggae one drop", "reggae"),
        ("a reggaeton dembow beat", "reggaeton"),
        ("afrobeats drums at 105", "afrobeats"),
        ("afrobeat drums", "afrobeat"),
        ("bossa nova drums, soft", "bossanova"),
        ("a new orleans second line groove", "neworleans"),
        ("make a funky groove with ghost notes", "funk"),
        ("a zouk beat", "zouk"),  # unknown: passed on, so the engine can say so
        ("a polka groove", "polka"),
    ],
)
def test_drum_style_reads_the_style_a_request_names(text: str, style: str) -> None:
    assert drum_style(text) == style
    assert drum_args(text)["style"] == style


@pytest.mark.parametrize(
    "text",
    ["a sick beat", "lay down a beat", "write some drums", "a beat please", "program some drums",
     "a 16 bar beat", "a slow beat", "a sad beat", "give me a breakbeat", "a punchy kick pattern",
     "make drums for my song", "a 90s beat", "a simple drum beat"],
)  # fmt: skip
def test_words_that_are_not_a_style_name_none(text: str) -> None:
    assert drum_style(text) is None
    assert "style" not in drum_args(text)


@pytest.mark.parametrize(
    "text",
    ["a shuffle beat", "a chorus beat", "lay down drums", "a quantised beat", "a swinging beat"],
)
def test_feel_and_section_words_are_not_unknown_styles(text: str) -> None:
    assert drum_style(text) in (None, *STYLES)


@pytest.mark.parametrize(
    ("phrase", "pieces"),
    [
        ("kick and snare", ["kick", "snare"]),
        ("the kick, snare and hats", ["kick", "snare", "closed_hat", "open_hat"]),
        ("kicks & claps", ["kick", "clap"]),
        ("hi-hats", ["closed_hat", "open_hat"]),
        ("toms", ["tom_high", "tom_low"]),
        ("a shaker", ["shaker"]),
        ("bass drum and rimshot", ["kick", "rim"]),
        ("ride and crash", ["ride", "crash"]),
        ("guitar and bass", []),
        ("swing", []),
    ],
)
def test_kit_pieces(phrase: str, pieces: list[str]) -> None:
    found = kit_pieces(phrase)
    assert found == pieces and set(found) <= set(CLASSES)


# -- a new beat's words -----------------------------------------------------------------------


def test_drum_args_read_feel_fills_and_kit() -> None:
    assert drum_args("a half-time trap beat with no fills") == {
        "style": "trap", "half_time": True, "double_time": False, "fills_every": 0,
    }  # fmt: skip
    assert drum_args("just kick and snare at 90 bpm") == {"only": ["kick", "snare"]}
    assert drum_args("a jazz beat with no ride") == {"style": "jazz", "without": ["ride"]}
    assert drum_args("a rock beat, add a shaker") == {"style": "rock", "add": ["shaker"]}
    assert drum_args("a quantised house beat, no swing") == {
        "style": "house", "humanize": 0.0, "swing": 0.0,
    }  # fmt: skip
    assert drum_args("make a 16 bar rock beat with fills every 4 bars") == {
        "style": "rock", "fills_every": 4,
    }  # fmt: skip
    assert drum_args("trap at 145 with hat rolls") == {"style": "trap"}  # rolls are trap's own
    assert drum_args("a double time punk beat")["double_time"] is True


# -- edits of the current beat ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("no fills", {"fills_every": 0}),
        ("drop the fills", {"fills_every": 0}),
        ("fills every 2 bars", {"fills_every": 2}),
        ("a fill every eight bars", {"fills_every": 8}),
        ("more fills", {"fills_every": 2}),
        ("half-time it", {"half_time": True, "double_time": False}),
        ("double time please", {"double_time": True, "half_time": False}),
        ("straighten it out", {"swing": 0.0}),
        ("quantise it", {"humanize": 0.0}),
        ("no ride", {"without": ["ride"]}),
        ("without the hats", {"without": ["closed_hat", "open_hat"]}),
        ("lose the toms", {"without": ["tom_high", "tom_low"]}),
        ("just kick and snare", {"only": ["kick", "snare"]}),
        ("only the kick and the snare", {"only": ["kick", "snare"]}),
        ("add a shaker", {"add": ["shaker"]}),
        ("with claps", {"add": ["clap"]}),
    ],
)
def test_drum_changes_set_what_a_follow_up_says(text: str, change: dict) -> None:
    assert drum_changes(text, current("rock")) == change


def test_relative_edits_move_from_the_current_beat() -> None:
    beat = current("rock", swing=0.3, humanize=0.9, density=0.5, hat_density=0.6)
    assert drum_changes("more swing", beat)["swing"] == pytest.approx(0.45)
    assert drum_changes("swing it more", {**beat, "swing": 0.95})["swing"] == 1.0  # at most 1
    assert drum_changes("humanise it less", beat)["humanize"] == pytest.approx(0.55)
    assert drum_changes("humanize it more", beat)["humanize"] == 1.0
    assert drum_changes("humanise it less", {**beat, "humanize": 0.2})["humanize"] == 0.0
    assert drum_changes("make the hats busier", beat)["hat_density"] == pytest.approx(0.9)
    assert drum_changes("sparser hats", beat)["hat_density"] == pytest.approx(0.3)
    assert drum_changes("make it busier", beat) == {"density": pytest.approx(0.7)}
    assert drum_changes("make it sparser", {**beat, "density": 0.1}) == {"density": 0.0}


def test_a_trap_beat_edited_in_steps() -> None:
    beat = current("trap")
    for text in ("more swing", "no fills", "make the hats busier"):
        beat = {**beat, **drum_changes(text, beat)}
    assert beat["swing"] > STYLES["trap"].swing and beat["fills_every"] == 0
    assert beat["hat_density"] > 0.5 and beat["style"] == "trap" and beat["tempo"] == 145
    assert drum_changes("make the hats busier", beat)["hat_density"] > beat["hat_density"]


def _heard(beat: dict, name: str) -> float:
    """What the beat plays: its own value, or its style's when it has none."""
    value = beat.get(name)
    return getattr(STYLES[beat["style"]], name) if value is None else value


@pytest.mark.parametrize(
    ("style", "text", "name", "direction"),
    [("lofi", "more swing", "swing", +1), ("boombap", "more swing", "swing", +1),
     ("lofi", "make it swung", "swing", 0), ("trap", "humanise it less", "humanize", -1),
     ("house", "make it tighter", "humanize", -1), ("techno", "humanise it less", "humanize", -1)],
)  # fmt: skip
def test_relative_edits_start_from_what_the_style_plays(
    style: str, text: str, name: str, direction: int
) -> None:
    beat = current(style)
    before = _heard(beat, name)
    after = _heard({**beat, **drum_changes(text, beat)}, name)
    assert (after - before) * direction > 0 if direction else after >= before, (before, after)


@pytest.mark.parametrize(
    ("text", "key", "pieces"),
    [("drop the crash and the toms", "without", ["crash", "tom_high", "tom_low"]),
     ("add a shaker and a clap", "add", ["shaker", "clap"]),
     ("no ride cymbal", "without", ["ride"])],
)  # fmt: skip
def test_every_kit_piece_a_follow_up_lists_counts(text: str, key: str, pieces: list) -> None:
    assert sorted(drum_changes(text, current("rock")).get(key, [])) == sorted(pieces)
