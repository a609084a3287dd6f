"""Lyric sheets: sections, .lrc, languages and bad input, without loading a model."""

from __future__ import annotations

import numpy as np
import pytest

from models.lyrics.heads import Emotions
from models.lyrics.language import language_of
from models.lyrics.music import plan_from_song
from models.lyrics.preview import draw_arc, line_table
from models.lyrics.song import LyricError, analyse, parse

SONG = """\
I wake up in an empty room
the light is grey, the coffee cold

Stay with me, stay with me
don't let the morning take you

I call your name across the street
the traffic swallows every word

Stay with me, stay with me
don't let the morning take you

and if the sun comes up tomorrow
I'll still be standing here

Stay with me, stay with me
don't let the morning take you
"""


class FakeModel:
    """Sad exactly when a line says "cold"; valence rises line by line. No torch."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def analyse(self, texts: list[str]) -> Emotions:
        self.calls.append(list(texts))
        n = len(texts)
        go = np.full((n, 28), 0.05, dtype=np.float32)
        go[:, 27] = 0.5  # neutral
        go[:, 25] = [0.9 if "cold" in t else 0.1 for t in texts]  # sadness
        return Emotions(
            go=go,
            ekman=np.full((n, 7), 0.1, dtype=np.float32),
            sentiment=np.tile(np.array([0.7, 0.2, 0.1], dtype=np.float32), (n, 1)),
            va=np.stack([np.linspace(2.5, 3.5, n), np.full(n, 2.8)], axis=1).astype(np.float32),
            go_thresholds=np.full(28, 0.3, dtype=np.float32),
            ekman_thresholds=np.full(7, 0.3, dtype=np.float32),
            centre=(3.0, 3.0),
        )


def test_sections_from_blank_lines_and_repetition() -> None:
    lines, sections = parse(SONG)
    assert len(lines) == 12
    assert [s.name for s in sections] == [
        "verse 1", "chorus", "verse 2", "chorus", "bridge", "chorus",
    ]  # fmt: skip
    assert sections[1].lines == [2, 3]


def test_headers_name_sections_and_are_not_lyrics() -> None:
    text = "[Verse 1]\nline one here\nline two here\n[Chorus]\nhook line\nhook again\n(Verse 2)\nthird line"
    lines, sections = parse(text)
    assert [line.text for line in lines][:2] == ["line one here", "line two here"]
    assert [s.kind for s in sections] == ["verse", "chorus", "verse"]


def test_no_blank_lines_repeated_run_is_the_chorus() -> None:
    verse = [
        "walking down the road",
        "nothing on my mind",
        "sun is in my eyes",
        "leave it all behind",
    ]
    hook = ["oh carry me home", "carry me home"]
    text = "\n".join(
        verse + hook + ["second verse line", "another one", "and a third", "and a fourth"] + hook
    )
    _, sections = parse(text)
    assert [s.kind for s in sections] == ["verse", "chorus", "verse", "chorus"]


def test_lrc_timestamps_are_kept_and_tags_dropped() -> None:
    text = "[ar:Someone]\n[ti:A song]\n[00:12.50]first line of the song\n[00:15.00]second line\n"
    lines, _ = parse(text)
    assert [(line.text, line.time) for line in lines] == [
        ("first line of the song", 12.5),
        ("second line", 15.0),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\n  ", "empty"),
        ("😢", "no words"),
        ("🎵🎶 ♪ !!!", "no words"),
        ("x" * 1_000_001, "1.0 MB"),
    ],
)
def test_unreadable_lyrics_get_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(LyricError, match=message):
        analyse(text, FakeModel())


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Je t'aime mon amour, tu es toujours dans mon coeur", "French"),
        ("Te quiero, mi corazón es tuyo para siempre", "Spanish"),
        ("Я люблю тебя, моя любовь", "Cyrillic"),
        ("君が好きだ、ずっと", "Japanese"),
        ("我爱你", "Chinese"),
        ("I love you more than words can say", "English"),
        ("oh oh oh yeah", "English"),
    ],
)
def test_language_of_a_line(text: str, language: str) -> None:
    assert language_of(text) == language


def test_non_english_song_is_refused_not_guessed() -> None:
    with pytest.raises(LyricError, match="French. Only English is supported so far"):
        analyse(
            "Je t'aime mon amour\ntu es toujours dans mon coeur\net je suis avec toi", FakeModel()
        )


def test_mixed_scripts_skip_the_other_lines_and_say_so() -> None:
    result = analyse(
        "I miss you every day\nЯ скучаю по тебе\nthe nights are long and cold", FakeModel()
    )
    assert result["skipped"] == [2]
    assert result["lines"][1]["skipped"] == "not English (Cyrillic)"
    assert "valence" in result["lines"][0] and "valence" in result["lines"][2]
    assert result["song"]["lines"] == 3


def test_analysis_shape_arc_and_table() -> None:
    model = FakeModel()
    result = analyse(SONG, model)
    line = result["lines"][1]
    assert set(line) >= {"text", "top_emotions", "valence", "arousal", "quadrant", "words", "section"}
    assert line["text"] == "the light is grey, the coffee cold"
    assert line["top_emotions"][0]["emotion"] == "sadness" and line["quadrant"] == "sad"
    assert line["words"] == ["cold"]  # occlusion: without "cold" the line is not sad
    assert result["lines"][0]["words"] == []  # nothing to explain in a plain line
    assert result["song"]["words"] == ["cold"]
    assert result["song"]["top_emotions"][0]["emotion"] == "sadness"  # neutral is reported apart
    assert [s["name"] for s in result["sections"]][1] == "chorus"
    # The chorus is sung three times but read once; its lines still count three times.
    assert len(model.calls[0]) == 8 and result["song"]["lines"] == 12
    arc = draw_arc(result)
    rows = arc.splitlines()
    assert rows[0].startswith("valence") and len(rows[0]) == len("valence  ") + 12
    assert rows[2].startswith("quadrant") and rows[2][9 + 1] == "s"
    assert rows[3].startswith("section  V") and "C" in rows[3] and "B" in rows[3]
    assert all(len(r) <= 80 for r in line_table(result).splitlines())


def test_long_songs_fold_into_the_arc_width() -> None:
    text = "\n".join(f"line number {i} of the song" for i in range(200))
    assert (
        max(len(r) for r in draw_arc(analyse(text, FakeModel()), width=69).splitlines()) <= 69
    )


def test_music_plan_follows_the_feeling() -> None:
    sad = {"circumplex": [-0.6, -0.4], "quadrant": "sad", "ekman": {"sadness": 0.6, "joy": 0.1},
           "top_emotions": [{"emotion": "sadness"}, {"emotion": "grief"}]}  # fmt: skip
    plan = plan_from_song(sad)
    assert (plan.mode, plan.style) == ("minor", "chorale")
    assert plan.mood in ("sad", "melancholic", "melancholy", "somber", "sombre")
    happy = {"circumplex": [0.7, 0.6], "quadrant": "happy", "ekman": {"joy": 0.7},
             "top_emotions": [{"emotion": "joy"}, {"emotion": "excitement"}]}  # fmt: skip
    plan = plan_from_song(happy)
    assert (plan.mode, plan.style, plan.meter) == ("major", "irish", "6/8")
    tender = {"circumplex": [0.5, -0.1], "quadrant": "relaxed", "ekman": {"joy": 0.6},
              "top_emotions": [{"emotion": "love"}, {"emotion": "caring"}]}  # fmt: skip
    plan = plan_from_song(tender)
    assert (plan.mode, plan.style, plan.meter) == ("major", "folk", "3/4")
    assert "waltz" in plan.reasons["meter"]
    assert "waltz" not in plan.explain(["mode"]) and "major" in plan.explain(["mode"])
    angry = {"circumplex": [-0.5, 0.6], "quadrant": "angry", "ekman": {"anger": 0.6},
             "top_emotions": [{"emotion": "anger"}]}  # fmt: skip
    plan = plan_from_song(angry)
    assert (plan.mode, plan.style, plan.meter) == ("minor", "folk", "4/4")


def test_circumplex_places_sad_lines_low_even_when_emobank_rates_them_intense() -> None:
    from models.lyrics.heads import circumplex, quadrant_of

    go = np.zeros((1, 28), dtype=np.float32)
    go[0, 25] = 0.9  # sadness
    point = circumplex(go, np.array([[2.3, 3.4]], dtype=np.float32), (3.0, 3.05))[0]
    assert quadrant_of(*point) == "sad"


def test_words_are_found_for_the_shown_and_the_most_charged_lines_only() -> None:
    """Issue 23 (speed): a 300-line sheet explains the 40 lines the table shows and the 24 most
    charged ones, not all 300; a short song is explained whole."""
    from models.lyrics.song import DRIVING_LINES, SHOWN_LINES

    lines = [f"line {i} is {'cold' if i % 3 == 0 else 'plain'} tonight" for i in range(300)]
    model = FakeModel()
    result = analyse("\n".join(lines), model)
    occluded = {t for call in model.calls[1:] for t in call}  # the re-read variants
    assert len(occluded) <= (SHOWN_LINES + DRIVING_LINES) * 4  # at most 4 content words a line
    assert result["lines"][0]["words"] == ["cold"]  # a shown line keeps its words
    assert result["lines"][297]["words"] == []  # unshown, and not among the 24 (ties: the first)
    assert result["song"]["words"] == ["cold"]
    small = FakeModel()
    short = analyse("\n".join(lines[:12]), small)
    assert all(e["words"] == ["cold"] for e in short["lines"] if "cold" in e["text"])
