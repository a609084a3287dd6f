"""Everyday phrasing (issue 22, classes 2, 3 and 6-10): compound requests with files and folders,
context that does not leak, questions and edits about the current song, typos and shorthand,
vague and contradictory requests, titles without quotes, dates in words, descriptions of sound.

The sentences here are written for these tests; none is in tests/router_data/fresh.yaml (the
fresh set only measures) and none is an exemplar.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.core.routing.audience_slots import release_date, unquoted_title
from assistant.core.routing.slots import extract_slots
from assistant.core.routing.spelling import normalise
from assistant.core.state import DialogueState, Song

ENGLISH = frozenset({"share", "slow", "the", "a", "with", "studio", "words", "beet", "track"})


def song_state(**attrs: object) -> DialogueState:
    state = DialogueState()
    base = {"id": "s1", "title": "warm chorale in D major", "tool": "compose", "key": "D",
            "mode": "major", "tempo": 80, "meter": "4/4", "bars": 16, "style": "chorale",
            "mood": "hopeful", "instrument": "choir", "parts": 4, "seed": 5}  # fmt: skip
    state.add_song(Song(**{**base, **attrs}))
    return state


def steps(router, text: str, state: DialogueState | None = None) -> list:  # noqa: ANN001
    """The routes a session would decide: each step of a plan, or the one route."""
    planned = router.plan(text)
    return [router.route(s, state) for s in planned] if planned else [router.route(text, state)]


# -- class 2: files and folders in compound requests -------------------------------------------
@pytest.mark.parametrize(
    ("text", "folder"),
    [
        ("put everything under bounces/2024 in the catalogue", "bounces/2024"),
        ("catalogue the songs in the folder called old_mixes", "old_mixes"),
        ("import my demos folder into the catalog", "demos"),
        ("add the tracks in directory exports/final to my catalogue", "exports/final"),
    ],
)
def test_a_folder_named_in_words_is_the_folder(router, text: str, folder: str) -> None:  # noqa: ANN001
    route = router.route(text)
    assert (route.tool, route.args.get("folder")) == ("import_catalog", folder)


@pytest.mark.parametrize("text", ["a waltz in 3/4", "play C/E then F", "write it in the key of D"])
def test_a_meter_or_a_slash_chord_is_no_folder(text: str) -> None:
    assert "path" not in extract_slots(text).values


def test_a_file_then_an_edit_is_two_steps(router) -> None:  # noqa: ANN001
    """'continue x.mid and make it darker' lost the edit: it is a plan of two steps now."""
    routes = steps(router, "extend sketches/idea4.mid and then make it darker", song_state())
    assert [r.intent for r in routes] == ["generate", "modify"]
    assert routes[0].args["file"] == "sketches/idea4.mid"
    assert routes[1].args.get("mood") == "sad" and routes[1].args.get("mode") == "minor"
    routes = steps(router, "keep going from loops/a7.mid but a bit slower", song_state())
    assert [r.intent for r in routes] == ["generate", "modify"]
    assert routes[1].args["tempo"] < 80


def test_a_contrast_without_a_file_stays_one_request(router) -> None:  # noqa: ANN001
    assert router.plan("write a sad but hopeful piece for piano") is None


# -- class 3: context carries over only where the producer points at it ------------------------
def test_lyrics_read_earlier_go_only_where_pointed_at(make_session) -> None:  # noqa: ANN001
    from tests.helpers import turn

    session = make_session()
    turn(session, "how do these lines feel:\nthe kettle sings for no one now\nI set one cup out anyhow")
    assert session.state.lyrics
    route, _ = turn(session, "write a folk song with words about the sea")
    assert "lyrics" not in route.args
    route, _ = turn(session, "make a track like this: a female voice singing the lyrics over a house beat")
    assert route.tool == "track" and "lyrics" not in route.args
    assert route.args.get("genre") == "house"
    route, _ = turn(session, "now write music for my lyrics")
    assert route.args.get("lyrics") == session.state.lyrics


# -- class 6: questions and natural edits about the current song -------------------------------
@pytest.mark.parametrize(
    "text", ["whats the bpm", "so how many measures is it", "remind me what key this is"]
)
def test_a_question_about_the_song_is_song_info(router, text: str) -> None:  # noqa: ANN001
    assert router.route(text, song_state()).intent == "song_info"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("transpose it to E flat", "Eb"),
        ("modulate to A", "A"),
        ("bring it up a whole tone", "E"),
        ("drop it down a half step", "Db"),
        ("take it up a fourth", "G"),
        ("move it up two semitones", "E"),
    ],
)
def test_transpositions_change_the_key(router, text: str, key: str) -> None:  # noqa: ANN001
    route = router.route(text, song_state())
    assert route.intent == "modify" and route.args.get("key") == key
    assert route.args.get("mode") == "major"


def test_a_transposition_is_spelled_for_the_mode(router) -> None:  # noqa: ANN001
    route = router.route("take it up a semitone", song_state(key="G", mode="minor"))
    assert route.args.get("key") == "G#"  # G# minor, not Ab minor


# -- class 7: typos and shorthand -------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("compsoe a slwo walz in e minr", "compose a slow waltz in e minor"),
        ("hlep", "help"),
        ("a jazy tune", "a jazzy tune"),  # the same last letter
        ("fastr", "faster"),
        ("share it with the studio", "share it with the studio"),  # a real word stays
        ("open slwo.mid", "open slwo.mid"),  # a file name stays
        ("who would like 'Slwo Lanterns'", "who would like 'Slwo Lanterns'"),  # a title stays
        ("trap beat @92", "trap beat at 92 bpm"),
        ("a ballad in F-moll", "a ballad in F minor"),
        ("something in Es-Dur", "something in Eb major"),
        ("a piece in fis-moll", "a piece in F# minor"),
        ("a chorale in H-Dur", "a chorale in B major"),
    ],
)
def test_typos_and_shorthand_are_read_as_meant(text: str, fixed: str) -> None:
    assert normalise(text, ENGLISH) == fixed


def test_a_typo_ridden_request_keeps_every_slot(router) -> None:  # noqa: ANN001
    route = router.route("compsoe a slwo walz in d minr for viola")
    assert route.tool == "compose"
    want = {"key": "D", "mode": "minor", "tempo": 66, "meter": "3/4", "instrument": "viola"}
    assert want.items() <= route.args.items()


# -- class 8: vague and contradictory --------------------------------------------------------
@pytest.mark.parametrize("text", ["surprise me", "just make something that bangs lol",
                                  "idk, you choose", "cook up something cool"])  # fmt: skip
def test_a_vague_request_gets_a_pick_said_in_one_line(router, text: str) -> None:  # noqa: ANN001
    route = router.route(text)
    assert route.tool == "track" and route.args["genre"]
    from models.arrangement.genres import load_genres

    label = load_genres()[route.args["genre"]].label
    assert label in route.preface and "steer" in route.preface


def test_a_request_that_names_anything_is_not_vague(router) -> None:  # noqa: ANN001
    assert router.route("make something sad for cello").args.get("mood") == "sad"


@pytest.mark.parametrize("text", ["a chill but aggressive piece", "a serene yet frantic tune"])
def test_opposite_energies_get_one_question(router, text: str) -> None:  # noqa: ANN001
    route = router.route(text)
    assert route.tool is None and "opposite" in route.question


# -- class 9: titles and dates ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("who would like Harbour Lights?", "Harbour Lights"),
        ("who'd dig Songs of the Late Bus if we put it out soon", "Songs of the Late Bus"),
        ("find fans of kitchen floor blues", "kitchen floor blues"),
        ("who would like it", None),
        ("who would like a sad song", None),
        ("share this with the studio", None),
    ],
)
def test_a_title_without_quotes(text: str, title: str | None) -> None:
    assert unquoted_title(text) == title


def test_an_unquoted_title_reaches_the_tool(router) -> None:  # noqa: ANN001
    route = router.route("who would like Harbour Lights?", song_state())
    assert route.tool == "find_audience" and route.args["song"] == "Harbour Lights"


THURSDAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("late April", "2027-04-24"),
        ("mid-may", "2027-05-15"),
        ("early February", "2027-02-05"),
        ("the end of march", "2027-03-31"),
        ("next Friday", "2026-12-11"),
        ("this friday", "2026-12-04"),
        ("in two weeks", "2026-12-17"),
        ("in 3 days", "2026-12-06"),
        ("in a month", "2027-01-03"),
        ("late December", "2026-12-24"),
        ("a tune in marimba", None),
    ],
)
def test_dates_in_words(text: str, iso: str | None) -> None:
    assert release_date(text, THURSDAY) == iso


def test_a_release_with_a_date_is_an_audience_question(router) -> None:  # noqa: ANN001
    route = router.route("thinking we drop it in three weeks", song_state())
    assert route.tool == "find_audience" and route.args.get("release_date")


# -- class 10: descriptions of sound -----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "mood", "instrument"),
    [
        ("a mellow groovy tune with a passionate female vocal", "mellow", "voice"),
        ("aggressive uptempo e-guitar riffs", "aggressive", "electric guitar"),
        ("soothing keyboard harmony with a male singer", "soothing", "piano"),
    ],
)
def test_caption_words(text: str, mood: str, instrument: str) -> None:
    values = extract_slots(text).values
    assert (values.get("mood"), values.get("instrument")) == (mood, instrument)


@pytest.mark.parametrize(
    "text", ["how emotional are these lines", "tell me the emotional arc of song.txt", "that was fun"]
)
def test_mood_words_in_another_sense(text: str) -> None:
    assert "mood" not in extract_slots(text).values


def test_a_vague_request_leads_with_what_was_picked(make_session) -> None:  # noqa: ANN001
    from tests.helpers import turn

    route, done = turn(make_session(), "surprise me")
    assert done.ok and route.tool == "track"
    first = done.reply.splitlines()[0]
    assert first.startswith("You didn't name a style, so I picked")


# -- the shape of a request decides over the nearest exemplars (shape.py) ----------------------
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("so what's the chord progression in this", "song_info"),
        ("is there a pad in it?", "song_info"),
        ("and the tempo?", "song_info"),
        ("ditch the bass", "edit_track"),
        ("get rid of the piano", "edit_track"),
        ("trim the last four bars", "edit_track"),
        ("a new bassline pls but keep the rest", "edit_track"),
        ("same melody but on flute", "modify"),
        ("dig up the jazz groove we made yesterday", "find_song"),
        ("let the AI have a go at a lullaby", "generate"),
        ("carry on from ideas/verse.mid", "generate"),
        ("a funk song with horns", "track"),
        ("bpm 132", "modify"),
    ],
)
def test_the_shape_of_a_request(router, text: str, intent: str) -> None:  # noqa: ANN001
    state = song_state(files={"midi": "/nonexistent/song.mid"})
    assert [r.intent for r in steps(router, text, state)] == [intent]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("write a bassline under Am F C G", "bass"),  # a new part, not an edit
        ("what chords would suit a sad song", "chords"),  # not about the current song
        ("a jazz tune for solo sax", "compose"),  # a melody for one instrument
        ("a trap beat", "drums"),
    ],
)
def test_shapes_that_do_not_apply(router, text: str, intent: str) -> None:  # noqa: ANN001
    state = song_state(files={"midi": "/nonexistent/song.mid"})
    assert steps(router, text, state)[0].intent == intent


def test_opposite_edits_ask_and_a_negated_one_is_not_asked_for(router) -> None:  # noqa: ANN001
    state = song_state()
    assert "Faster or slower?" in router.route("faster but also slower", state).question
    route = router.route("make it brighter, not darker", state)
    assert route.args.get("mode") == "major" and route.args.get("mood") == "bright"


def test_cutting_bars_from_the_end_is_a_new_length(router) -> None:  # noqa: ANN001
    state = song_state(files={"midi": "/nonexistent/song.mid"})
    route = router.route("trim off the last three bars", state)
    assert (route.tool, route.args.get("action"), route.args.get("bars")) == ("edit_track", "length", 13)
    route = router.route("cut the first 2 bars", state)
    assert route.tool is None and "from the end only" in route.question


def test_a_style_with_a_part_word_is_no_removal(router) -> None:  # noqa: ANN001
    state = song_state(files={"midi": "/nonexistent/song.mid"})
    assert router.route("reggae one drop drums at 75 bpm", state).tool == "drums"
    assert router.route("drop the drums", state).args.get("action") == "remove"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how does this verse feel? the porch light hums an old goodbye", "analyze_lyrics"),
        ("rate my hook: stay up, stay gold, never fold", "analyze_lyrics"),
        ("an entire funk tune please, not just the drums", "track"),
        ("house thing with drums bass keys and a lead", "track"),
        ("a techno kick and hats pattern", "drums"),
        ("a walking bass line over Am7 D7 Gmaj7", "bass"),
        ("down a fifth", "modify"),
        ("um what key did we land on", "song_info"),
        ("send it to the server so the team hears it", "share_song"),
        ("look up the funk jam from tuesday", "find_song"),
        ("scan the folder old/bounces into the library", "import_catalog"),
        ("end it at bar 12", "edit_track"),
        ("silence the soprano", "edit_track"),
    ],
)
def test_more_shapes(router, text: str, intent: str) -> None:  # noqa: ANN001
    state = song_state(files={"midi": "/nonexistent/song.mid"})
    assert [r.intent for r in steps(router, text, state)] == [intent]


def test_reading_the_lyrics_again(router) -> None:  # noqa: ANN001
    state = song_state()
    state.lyrics = "the tide keeps every name\nwe wrote along the sand"
    route = router.route("could you go through them line by line", state)
    assert route.tool == "analyze_lyrics" and route.args["lyrics"] == state.lyrics


def test_titles_and_release_timing_when_the_classifier_is_unsure(router) -> None:  # noqa: ANN001
    state = song_state()
    assert router.route("who'd rock with Tin Lantern", state).args.get("song") == "Tin Lantern"
    route = router.route("if we held off until end of may, who'd it reach", state)
    assert route.tool == "find_audience" and route.args.get("release_date")
