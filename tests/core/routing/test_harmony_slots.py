"""Chord and bass words: what a request asks of a new progression (style, section, instrument,
rhythm, bass idiom, parts, harmonic rhythm, chart, a typed progression) and what a follow-up
changes on the current one ("make it sadder", "more jazzy", "change the second chord to a IV")."""

from __future__ import annotations

import pytest

from assistant.core.routing.harmony_slots import about_current, harmony_args, harmony_changes

# What a chords song remembers (tools/harmony_io.py `result`): Cadenza's chords or typed ones.
LEARNED = {"progression": "Am | F | C | G", "typed": False, "style": "pop", "harmonic_rhythm": 1.0,
           "play": "both", "instrument": "piano", "bass_style": "pop"}  # fmt: skip
TYPED = {**LEARNED, "progression": "C | G | Am | F", "typed": True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("give me a sad lofi chord progression for the chorus",
         {"style": "lofi", "section": "chorus"}),
        ("chords for a jazz verse on rhodes",
         {"style": "jazz", "section": "verse", "instrument": "electric piano"}),
        ("write a neo soul progression with walking bass",
         {"style": "rnb", "bass_style": "walking"}),
        ("play Am F C G on acoustic guitar, strummed",
         {"progression": "Am F C G", "instrument": "acoustic guitar", "rhythm": "strum"}),
        ("ii-V-I in Bb with a walking bass", {"progression": "ii-V-I", "bass_style": "walking"}),
        ("a trap progression with 808s", {"style": "trap", "bass_style": "808"}),
        ("house chords with stabs and octave bass",
         {"style": "house", "rhythm": "stabs", "bass_style": "octave"}),
        ("1 5 6m 4 in G for the hook", {"progression": "1 5 6m 4", "section": "chorus"}),
        ("write me chords for a bridge, two chords per bar",
         {"section": "bridge", "harmonic_rhythm": 2.0}),
        ("reggae chords with skank, no bass",
         {"style": "reggae", "rhythm": "skank", "play": "chords"}),
        ("just the bass under Dm Bb F C", {"progression": "Dm Bb F C", "play": "bass"}),
        ("bossa nova chords on nylon guitar",
         {"style": "bossanova", "instrument": "nylon guitar"}),
        ("gospel chords on organ for the outro",
         {"style": "gospel", "section": "outro", "instrument": "organ"}),
        ("arpeggiated piano chords for an intro",
         {"section": "intro", "instrument": "piano", "rhythm": "arpeggio"}),
        ("a funky bass for Em7 A7, slap",
         {"progression": "Em7 A7", "style": "funk", "bass_style": "funk"}),
        ("give me a chord chart for a pop ballad", {"style": "ballad", "chart": True}),
        ("Cmaj7 | Dm7 G7 | Cmaj7 as a lead sheet",
         {"progression": "Cmaj7 | Dm7 G7 | Cmaj7", "chart": True}),
        ("synthwave pads only for the pre-chorus",
         {"style": "synthwave", "section": "prechorus", "instrument": "pad", "rhythm": "pad"}),
        ("rock chords with driving eighths", {"style": "rock", "bass_style": "eighths"}),
        ("a country progression with root and fifth bass",
         {"style": "country", "bass_style": "rootfifth"}),
        ("techno chords with an off-beat bass", {"style": "techno", "bass_style": "offbeat"}),
        ("write chords with root notes only in the bass", {"bass_style": "root"}),
        ("chords changing half as often please", {"harmonic_rhythm": 0.5}),
        ("a middle 8 with slower chord changes", {"section": "bridge", "harmonic_rhythm": 0.5}),
        ("jazz piano comping for a ii-V-I",
         {"progression": "ii-V-I", "style": "jazz", "instrument": "piano", "rhythm": "comping"}),
        ("Dm7 G7 Cmaj7 on a Rhodes with a walking bass line",
         {"progression": "Dm7 G7 Cmaj7", "instrument": "electric piano",
          "bass_style": "walking"}),
        ("deep house chords with organ stabs",
         {"style": "house", "instrument": "organ", "rhythm": "stabs"}),
        ("give me chords and bass for a disco chorus",
         {"style": "disco", "section": "chorus", "play": "both"}),
        ("no chords, just the bass", {"play": "bass"}),
        ("I need a chord sheet for Am F C G", {"progression": "Am F C G", "chart": True}),
        ("i want an R&B progression", {"style": "rnb"}),
        ("a gospel progression on hammond", {"style": "gospel", "instrument": "organ"}),
    ],
)  # fmt: skip
def test_harmony_args_of_a_request(text: str, expected: dict) -> None:
    assert harmony_args(text) == expected


@pytest.mark.parametrize(
    "text", ["make me a rock beat", "a chord progression", "write some chords", "I am a dj"]
)
def test_a_request_without_chord_words_has_no_progression(text: str) -> None:
    assert "progression" not in harmony_args(text)


# -- follow-ups -------------------------------------------------------------------------------------


@pytest.mark.parametrize("current", [LEARNED, TYPED], ids=["learned", "typed"])
@pytest.mark.parametrize("text", ["make it sadder", "make it darker", "make it happier",
                                  "different chords please", "a new progression"])  # fmt: skip
def test_a_new_mood_or_new_chords_writes_fresh_chords(text: str, current: dict) -> None:
    changes = harmony_changes(text, current)
    assert "progression" in changes and changes["progression"] is None, changes
    assert changes["recolour"] is False


@pytest.mark.parametrize("text", ["more jazzy", "make it jazzier", "jazz it up"])
def test_more_jazzy_recolours_only_cadenzas_own_chords(text: str) -> None:
    learned, typed = harmony_changes(text, LEARNED), harmony_changes(text, TYPED)
    assert learned["style"] == typed["style"] == "jazz"
    assert learned["recolour"] is True and typed["recolour"] is False
    assert "progression" not in learned and "progression" not in typed  # the chords stay
    assert learned.get("bass_style") is None  # jazz's own walking bass, not pop's


def test_another_version_redraws_cadenzas_chords_but_keeps_typed_ones() -> None:
    assert harmony_changes("another version", LEARNED)["progression"] is None
    assert "progression" not in harmony_changes("another version", TYPED)


@pytest.mark.parametrize(
    ("text", "current", "replace"),
    [("change the second chord to a IV", LEARNED, ["2=IV"]),
     ("change the second chord to a IV", TYPED, ["2=IV"]),
     ("make the last chord a G7", TYPED, ["4=G7"]),
     ("make the last chord a G7", {**TYPED, "progression": "C | C | G | G"}, ["2=G7"]),
     ("make the first chord a Cmaj7", TYPED, ["1=Cmaj7"]),
     ("change chord 2 to Bbmaj7", TYPED, ["2=Bbmaj7"]),
     ("change the second chord to a bVII", TYPED, ["2=bVII"]),
     ("make the last chord a Gsus4", TYPED, ["4=Gsus4"]),
     ("replace the fourth chord with a D/F#", TYPED, ["4=D/F#"])],
)  # fmt: skip
def test_change_a_chord(text: str, current: dict, replace: list[str]) -> None:
    changes = harmony_changes(text, current)
    assert changes["replace"] == replace
    assert "progression" not in changes and changes["recolour"] is (not current["typed"])
    assert about_current(text)


@pytest.mark.parametrize(
    ("text", "changes"),
    [("bass only", {"play": "bass"}), ("just the bass", {"play": "bass"}),
     ("no bass", {"play": "chords"}), ("drop the bass", {"play": "chords"}),
     ("add the bass back", {"play": "both"}), ("bring back the chords", {"play": "both"}),
     ("give me the chords as text", {"chart": True}),
     ("write the chords down", {"chart": True}),
     ("walking bass please", {"bass_style": "walking"}),
     ("put it on rhodes", {"instrument": "electric piano"}),
     ("strum it", {"rhythm": "strum"})],
)  # fmt: skip
def test_part_chart_and_idiom_follow_ups(text: str, changes: dict) -> None:
    for current in (LEARNED, TYPED):
        got = harmony_changes(text, current)
        assert {k: got[k] for k in changes} == changes, (text, got)
        assert "progression" not in got and got["recolour"] is (not current["typed"])


@pytest.mark.parametrize(
    ("text", "now", "after"),
    [("double the harmonic rhythm", 1.0, 2.0), ("double the harmonic rhythm", 2.0, 2.0),
     ("double the harmonic rhythm", 0.5, 1.0), ("chords change twice as often", 1.0, 2.0),
     ("halve the harmonic rhythm", 1.0, 0.5), ("slower chord changes", 2.0, 1.0),
     ("halve the harmonic rhythm", 0.5, 0.5)],
)  # fmt: skip
def test_harmonic_rhythm_follow_ups_stay_between_half_and_double(
    text: str, now: float, after: float
) -> None:
    assert harmony_changes(text, {**LEARNED, "harmonic_rhythm": now})["harmonic_rhythm"] == after


@pytest.mark.parametrize("current", [LEARNED, TYPED], ids=["learned", "typed"])
def test_a_typed_progression_in_a_follow_up_replaces_the_chords(current: dict) -> None:
    changes = harmony_changes("try Em C G D instead", current)
    assert changes["progression"] == "Em C G D"
    assert changes["typed"] is True and changes["recolour"] is False


@pytest.mark.parametrize(
    "text", ["make it sadder", "more jazzy", "bass only", "no bass", "double the harmonic rhythm",
             "give me the chords as text", "change the second chord to a IV"],
)  # fmt: skip
def test_follow_ups_are_about_the_current_progression(text: str) -> None:
    assert about_current(text)


# -- bugs found while writing these tests ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "replace"),
    [("make the last chord an Am", ["4=Am"]), ("change the third chord to F#m", ["3=F#m"]),
     ("swap chord 3 for Dm", ["3=Dm"]), ("change the second chord to Em7b5", ["2=Em7b5"])],
)  # fmt: skip
def test_a_minor_chord_keeps_its_m(text: str, replace: list[str]) -> None:
    assert harmony_changes(text, TYPED).get("replace") == replace


@pytest.mark.parametrize(
    ("text", "replace"),
    [("change the 2nd chord to a vi", ["2=vi"]), ("make the 4th chord a bVII", ["4=bVII"]),
     ("turn the 3rd chord into a IV", ["3=IV"])],
)  # fmt: skip
def test_numbered_ordinals_name_a_chord(text: str, replace: list[str]) -> None:
    assert harmony_changes(text, TYPED).get("replace") == replace


def test_pre_chorus_with_a_space_is_the_prechorus() -> None:
    assert harmony_args("chords for the pre chorus")["section"] == "prechorus"


def test_a_synth_bass_is_not_the_chord_instrument() -> None:
    assert "instrument" not in harmony_args("house chords with a synth bass")


@pytest.mark.parametrize(
    ("text", "change"),
    [("make the second chord minor", "2=~min"), ("make chord 3 a sus4", "3=~sus4"),
     ("make the last chord a seventh", "4=~7"), ("swap the first chord for Dm", "1=Dm")],
)  # fmt: skip
def test_a_chord_can_change_its_quality_alone(text: str, change: str) -> None:
    current = {"progression": "C | G | Am | F", "typed": True}
    assert harmony_changes(text, current)["replace"] == [change]
