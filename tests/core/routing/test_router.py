from __future__ import annotations

import pytest

from assistant.core.state import DialogueState, Song

LABELLED = {
    "compose": [
        "write a waltz", "compose a chorale", "write a hymn in F", "make a jig", "create a sad folk song",
        "write me something for strings", "compose an 8 bar tune", "I need a melody for a film scene",
        "compose a short melody in G major", "write a sad waltz in A minor, 16 bars",
    ],
    "harmonize": [
        "harmonize melody.mid", "can you put chords under my tune in hook.mid",
        "add a bass line and inner voices to lead.mid", "harmonise my melody",
        "make this melody file into a four-part chorale: theme.mid",
    ],
    "render_audio": [
        "render it", "bounce it to wav", "let me hear it", "export the audio", "make a wav of it",
    ],
    "find_song": [
        "find the chorale", "open my waltz in A minor", "show me the folk tune from today",
        "where's the jig", "find the sad one", "load yesterday's song", "list my songs",
    ],
    "modify": [
        "make it faster", "that's great, make it faster", "same but in minor", "darker",
        "more upbeat please", "make it sadder", "another version", "slower", "put it in G major",
    ],
    "smalltalk": ["hi", "thanks"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "intent"), [(t, intent) for intent, texts in LABELLED.items() for t in texts]
)
def test_labelled_intents(router, text: str, intent: str) -> None:  # noqa: ANN001
    assert router.classify(text)[0][0].name == intent


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("write a slow, hopeful chorale in D major", "compose"),
        ("gimme something moody around 90 bpm", "compose"),
        ("what do the lyrics in demo.txt feel like?", "analyze_lyrics"),
        ("who should I pitch this track to?", "find_audience"),
        ("import my songs from ~/masters", "import_catalog"),
        ("render it to a wav", "render_audio"),
        ("find the hopeful chorale from yesterday", "find_song"),
        ("what can you do?", "help"),
    ],
)
def test_intents(router, text: str, tool: str) -> None:  # noqa: ANN001
    assert router.route(text).tool == tool


def test_sad_waltz_route(router) -> None:  # noqa: ANN001
    route = router.route("write a sad waltz in A minor, 16 bars")
    assert route.tool == "compose"
    assert route.args == {
        "key": "A",
        "mode": "minor",
        "meter": "3/4",
        "bars": 16,
        "mood": "sad",
        "style": "folk",
    }
    assert 0.0 < route.confidence <= 1.0


def test_off_topic_asks_instead_of_acting(router) -> None:  # noqa: ANN001
    route = router.route("what is the capital of france")
    assert route.tool is None
    assert route.question


def test_follow_up_without_a_song_asks(router) -> None:  # noqa: ANN001
    route = router.route("make it faster", DialogueState())
    assert route.tool is None
    assert "no current song" in (route.question or "")


def test_follow_up_changes_one_thing(router) -> None:  # noqa: ANN001
    state = DialogueState()
    state.add_song(
        Song(
            id="s1",
            title="t",
            tool="compose",
            key="D",
            mode="major",
            tempo=80,
            meter="4/4",
            bars=16,
            style="chorale",
            mood="hopeful",
            instrument="choir",
            seed=5,
        )
    )
    faster = router.route("that's great, make it faster", state)
    assert faster.tool == "compose"
    assert faster.args == {**state.current.args(), "tempo": 96}
    minor = router.route("same but in minor", state)
    assert minor.args == {**state.current.args(), "mode": "minor"}
    # A relative edit stays relative; a number the producer names wins.
    assert router.route("slow it down", state).args["tempo"] == 67
    assert router.route("slow it down to 70", state).args["tempo"] == 70


def test_invalid_key_is_a_question(router) -> None:  # noqa: ANN001
    route = router.route("compose something in H# major")
    assert route.tool is None
    assert "H#" in route.question


def test_file_tools_take_the_path_and_ask_without_one(router) -> None:  # noqa: ANN001
    route = router.route("harmonize hook.mid in G major as a chorale")
    assert route.tool == "harmonize"
    assert route.args == {"file": "hook.mid", "key": "G", "mode": "major", "style": "chorale"}
    asked = router.route("harmonise my melody")
    assert asked.tool is None and "Which MIDI file" in asked.question
    assert router.route("render song.mid").args == {"file": "song.mid"}


def test_parts_slot(router) -> None:  # noqa: ANN001
    assert router.route("write a folk song, just the melody").args["parts"] == 1
    assert router.route("compose a four-part chorale").args["parts"] == 4


LYRICS = "I keep your letters in a drawer\nI cannot read them anymore\nand every night I cry alone"


@pytest.mark.parametrize(
    "text",
    [
        f"what do these lyrics feel like?\n{LYRICS}",
        f"analyse these lines:\n{LYRICS}",
        f"how does this verse feel\n\n{LYRICS}",
    ],
)
def test_pasted_lyrics_are_the_payload_not_the_request(router, text: str) -> None:  # noqa: ANN001
    route = router.route(text, DialogueState())
    assert route.tool == "analyze_lyrics", route
    assert route.args == {"lyrics": LYRICS}


def test_lyric_files_and_missing_lyrics(router) -> None:  # noqa: ANN001
    assert router.route("analyse the lyrics in ballad.txt").args == {"lyrics": "ballad.txt"}
    assert router.route("what does song.lrc feel like?").args == {"lyrics": "song.lrc"}
    asked = router.route("what do my lyrics feel like?", DialogueState())
    assert asked.tool is None and "Paste them" in asked.question


def test_music_for_the_lyrics_read_before(router) -> None:  # noqa: ANN001
    state = DialogueState(lyrics=LYRICS)
    route = router.route("now write music for these lyrics", state)
    assert route.tool == "compose" and route.args["lyrics"] == LYRICS
    pasted = router.route(f"write a song for these words in D minor:\n{LYRICS}", DialogueState())
    assert pasted.tool == "compose"
    assert pasted.args["lyrics"] == LYRICS and pasted.args["key"] == "D"
    # A plain compose request does not pick up old lyrics, and a sad lyric is not a sad request.
    plain = router.route("compose a waltz in the same key", state)
    assert "lyrics" not in plain.args
    assert "mood" not in pasted.args


def test_quoted_lyrics_are_a_payload_but_quoted_titles_are_not(router) -> None:  # noqa: ANN001
    route = router.route('what does "I cry myself to sleep every night" feel like?')
    assert route.tool == "analyze_lyrics" and route.args == {"lyrics": "I cry myself to sleep every night"}
    music = router.route('write music for these words: "my heart is sad and slow tonight"')
    assert music.tool == "compose" and music.args["lyrics"].startswith("my heart")
    assert "mood" not in music.args and "tempo" not in music.args
    found = router.route('find the song called "hopeful chorale in D"')
    assert found.tool == "find_song" and "hopeful chorale" in found.args["query"]
