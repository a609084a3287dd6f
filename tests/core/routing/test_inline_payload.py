"""Words on the same line as the request (issue 22, class 1): "mood of this line: <words>"
reads the words after the colon as it reads lyrics pasted under a request, instead of asking
"Which lyrics?"; a file name or a chord progression after the colon stays the request's."""

from __future__ import annotations

import pytest

from models.intents.message import split_payload


@pytest.mark.parametrize(
    ("text", "tool", "lyrics"),
    [
        ("mood of this line: the streetlights hum my name", "analyze_lyrics",
         "the streetlights hum my name"),
        ("read these words: we run until the summer ends", "analyze_lyrics",
         "we run until the summer ends"),
        ("how does this verse feel: cold coffee and a borrowed coat", "analyze_lyrics",
         "cold coffee and a borrowed coat"),
        ("write music for these lyrics: we run until the summer ends", "compose",
         "we run until the summer ends"),
    ],
)  # fmt: skip
def test_words_after_the_colon_are_the_payload(router, text: str, tool: str, lyrics: str) -> None:  # noqa: ANN001
    route = router.route(text)
    assert route.tool == tool and route.args.get("lyrics") == lyrics, route


@pytest.mark.parametrize(
    "text",
    [
        "chords for the chorus: Am F C G",
        "a bassline for the verse: Dm Bb F C",
        "can the transformer finish this midi for me: verse.mid",
        "analyse the lyrics: song.txt",
        "make a track like this: a male voice rapping the lyrics over a trap beat",
    ],
)
def test_progressions_files_and_descriptions_stay_in_the_request(text: str) -> None:
    assert split_payload(text) == (text, None)
