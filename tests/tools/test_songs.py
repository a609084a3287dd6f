"""`find_song`: a song made earlier, found by description or by its place, becomes current."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.core.events import collect_turn
from assistant.store.songs import Song
from tests.helpers import turn
from tools.songs import time_window

CHORALE = {"key": "D", "mood": "hopeful", "style": "chorale", "bars": 4, "seed": 1, "audio": False}
LAMENT = {"key": "A", "mode": "minor", "mood": "sad", "meter": "3/4", "bars": 4, "seed": 2,
          "audio": False}  # fmt: skip


@pytest.fixture
def two_songs(make_session):  # noqa: ANN001, ANN201
    """A session that composed a hopeful chorale in D, then a sad piece in A minor (current)."""
    session = make_session()
    for args in (CHORALE, LAMENT):
        _, done = collect_turn(session.call_tool("compose", args))
        assert done.ok, done.reply
    return session


def find(session, **args):  # noqa: ANN001, ANN003, ANN201
    _, done = collect_turn(session.call_tool("find_song", args))
    return done


def test_find_by_description_makes_the_best_match_current(two_songs) -> None:  # noqa: ANN001
    first_id, second_id = two_songs.state.song_ids
    assert two_songs.state.current.id == second_id
    done = find(two_songs, query="hopeful chorale in D major")
    assert done.ok and done.tool == "find_song", done.reply
    data = done.result["data"]
    assert data["current"] == first_id and data["matches"][0]["id"] == first_id
    assert [m["id"] for m in data["matches"]] == [first_id, second_id]  # both listed, best first
    assert data["matches"][0]["similarity"] > data["matches"][1]["similarity"]
    assert two_songs.state.current.id == first_id
    assert two_songs.state.current.key == "D" and two_songs.state.current.mood == "hopeful"
    assert "'hopeful chorale in D major'" in done.reply and "now the current song" in done.reply
    assert done.result["files"] == list(two_songs.state.current.files.values())


def test_find_by_position(two_songs) -> None:  # noqa: ANN001
    first_id, second_id = two_songs.state.song_ids
    done = find(two_songs, query="the first one", position=1)
    assert done.ok and done.result["data"] == {"current": first_id, "position": 1}
    assert two_songs.state.current.id == first_id and "Song 1 of this conversation" in done.reply
    done = find(two_songs, query="the second one", position=2)
    assert done.ok and two_songs.state.current.id == second_id
    assert "'sad chorale in A minor'" in done.reply
    done = find(two_songs, query="the last one", position=-1)
    assert done.ok and done.result["data"]["position"] == 2


def test_a_position_past_the_conversation_is_a_clear_failure(two_songs) -> None:  # noqa: ANN001
    before = two_songs.state.current.id
    done = find(two_songs, query="the fifth one", position=5)
    assert not done.ok and "has 2 song(s)" in done.reply and "song number 5" in done.reply
    assert "failed unexpectedly" not in done.reply
    assert two_songs.state.current.id == before  # nothing changed


def test_nothing_to_find_in_a_new_home_is_a_clear_failure(make_session) -> None:  # noqa: ANN001
    session = make_session()
    done = find(session, query="the sad waltz")
    assert not done.ok and "haven't made any songs yet" in done.reply, done.reply
    assert "compose" in done.reply and "failed unexpectedly" not in done.reply
    assert session.state.current is None


def test_when_narrows_the_search_to_its_time_window(two_songs) -> None:  # noqa: ANN001
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    made = (midnight - timedelta(hours=12)).astimezone(UTC).isoformat(timespec="seconds")
    jig = Song(id="jig000000001", title="lively jig in G major", tool="compose", key="G",
               mode="major", mood="lively", style="irish", meter="6/8", bars=8, created=made)  # fmt: skip
    two_songs.memory.remember_song(jig)
    done = find(two_songs, query="sad chorale in A minor", when="yesterday")
    assert done.ok and done.result["data"]["current"] == jig.id, done.reply
    assert [m["id"] for m in done.result["data"]["matches"]] == [jig.id]  # only yesterday's
    assert two_songs.state.current.id == jig.id and "Nothing was made" not in done.reply
    done = find(two_songs, query="sad chorale in A minor", when="today")
    assert done.ok and done.result["data"]["current"] == two_songs.state.song_ids[1]
    assert jig.id not in {m["id"] for m in done.result["data"]["matches"]}


def test_an_empty_time_window_falls_back_to_any_time_and_says_so(two_songs) -> None:  # noqa: ANN001
    done = find(two_songs, query="hopeful chorale", when="last night")
    if done.ok and "Nothing was made" not in done.reply:  # run just after midnight: it was
        pytest.skip("the songs were made inside 'last night'")
    assert done.ok and "Nothing was made last night" in done.reply, done.reply
    assert done.result["data"]["current"] == two_songs.state.song_ids[0]


def test_find_song_from_a_chat_message(two_songs) -> None:  # noqa: ANN001
    route, done = turn(two_songs, "find the hopeful chorale")
    assert route.tool == "find_song" and done.ok, done.reply
    assert two_songs.state.current.id == two_songs.state.song_ids[0]


def test_time_window_yesterday_spans_yesterday() -> None:
    now = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)
    since, until = time_window("yesterday", now)
    assert datetime.fromtimestamp(since, UTC) == datetime(2025, 3, 9, tzinfo=UTC)
    assert datetime.fromtimestamp(until, UTC) == datetime(2025, 3, 10, tzinfo=UTC)
    assert until - since == 24 * 3600


def test_time_window_other_phrases() -> None:
    now = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)
    midnight = datetime(2025, 3, 10, tzinfo=UTC).timestamp()
    assert time_window(None, now) is None and time_window("", now) is None
    assert time_window("today", now) == (midnight, now.timestamp())
    assert time_window("this morning", now) == (midnight, midnight + 12 * 3600)
    assert time_window("last night", now) == (midnight - 6 * 3600, midnight + 6 * 3600)
    assert time_window("last week", now) == (now.timestamp() - 7 * 86400, now.timestamp())
    since, until = time_window("yesterday")  # default now: local time
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    assert until == today.timestamp() and since == (today - timedelta(days=1)).timestamp()
