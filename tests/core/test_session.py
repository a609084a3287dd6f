from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pretty_midi

from assistant.core.events import RouteDecided, ToolFinished, ToolStarted, TurnDone
from assistant.core.runtime import Runtime
from assistant.store.songs import Song
from tests.helpers import turn
from tools.base import ToolContext, ToolResult, tool

G_MAJOR = {7, 9, 11, 0, 2, 4, 6}


def test_events_of_a_compose_turn(make_session) -> None:  # noqa: ANN001
    events = list(make_session().send("compose a short melody in G major"))
    kinds = [type(e) for e in events]
    assert kinds[0] is RouteDecided and ToolStarted in kinds and ToolFinished in kinds
    assert kinds[-1] is TurnDone
    done = events[-1]
    assert done.ok and done.tool == "compose"
    midi = done.result["files"][0]
    assert midi in done.reply  # the reply shows where the file is
    pm = pretty_midi.PrettyMIDI(midi)
    pitches = [n.pitch for inst in pm.instruments for n in inst.notes]
    assert pitches and {p % 12 for p in pitches} <= G_MAJOR
    assert Path(midi).parent == make_session().settings.outputs_dir


def test_make_it_faster_in_a_new_session(make_session) -> None:  # noqa: ANN001
    first = make_session()
    _, done = turn(first, "compose a short melody in G major")
    first.close()  # like a second `cadenza ask`: a new process, the same CADENZA_HOME
    _, again = turn(make_session(), "that's great, make it faster")
    assert again.ok and again.tool == "compose"
    before, after = done.result["data"], again.result["data"]
    assert after["tempo"] > before["tempo"]
    assert {k: after[k] for k in ("key", "bars", "seed")} == {
        k: before[k] for k in ("key", "bars", "seed")
    }
    notes = [
        pretty_midi.PrettyMIDI(f).instruments[0].notes
        for f in (done.result["files"][0], again.result["files"][0])
    ]
    assert [n.pitch for n in notes[0]] == [n.pitch for n in notes[1]]  # same melody, only faster
    assert notes[1][-1].end < notes[0][-1].end


def test_only_follow_ups_record_a_parent(make_session) -> None:  # noqa: ANN001
    session = make_session()
    turn(session, "compose a short melody in G major")
    first = session.state.current
    turn(session, "make it faster")
    assert session.state.current.parent == first.id
    turn(session, "write a sad waltz in A minor")
    assert session.state.current.parent is None


def test_garbage_gets_clear_messages_and_the_session_goes_on(make_session) -> None:  # noqa: ANN001
    session = make_session()
    cases = {
        "": "empty message",
        "   \n\t ": "empty message",
        "la " * 40_000: "I read up to",
        "\x00\x01\x02\xff\xfe\udcff" * 40: "binary data",
        "write it in H# major": "'H#' is not a key",
    }
    for text, fragment in cases.items():
        _, done = turn(session, text)
        assert fragment in done.reply
    _, done = turn(session, "compose 10000 bars in C")
    assert not done.ok and "1 to 256 bars" in done.reply  # said before any tool runs
    _, done = turn(session, "🎹🎶 ✨ 日本語のメロディー")
    assert done.reply  # odd Unicode gets an answer, not a crash
    _, done = turn(session, "compose a short melody in D major")
    assert done.ok, done.reply


def test_the_neural_engine_answers_in_the_chat(make_session) -> None:  # noqa: ANN001
    route, done = turn(make_session(), "generate a piece with the neural model, 4 bars")
    assert route.tool == "generate"
    assert done.ok and "neural model" in done.reply and ".mid" in done.reply


def test_song_found_by_description_in_a_later_session(make_session) -> None:  # noqa: ANN001
    session = make_session()
    for text in ("write a slow, hopeful chorale in D major", "compose a sad waltz in A minor"):
        turn(session, text)
    # Date the chorale yesterday, as if made then.
    chorale = next(s for s, _ in session.memory.recall_songs("hopeful chorale", n=1))
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    session.memory.remember_song(Song(**{**chorale.__dict__, "created": yesterday}))
    session.close()
    later = make_session()
    _, done = turn(later, "find the hopeful chorale from yesterday")
    assert done.ok, done.reply
    assert later.state.current.id == chorale.id
    assert "hopeful chorale in D major" in done.reply
    _, done = turn(later, "make it slower")
    assert done.result["data"]["key"] == "D major"


def test_a_song_attribute_the_record_lacks_is_kept_not_fatal(make_session) -> None:  # noqa: ANN001
    """A tool that returns a new song attribute (a newer tool's extra fact) can't break a turn."""
    @tool()
    def fake(ctx: ToolContext) -> ToolResult:
        """Make a song with an attribute the song record doesn't name."""
        return ToolResult(summary="Made.", song={"title": "Odd one", "tool": "fake",
                                                 "groove": "half-time", "files": {}})  # fmt: skip

    session = make_session()
    session.runtime = Runtime({"fake": fake})
    events = list(session.call_tool("fake", {}))
    done = events[-1]
    assert isinstance(done, TurnDone) and done.ok, done.reply
    assert session.state.current.title == "Odd one"
    assert session.state.current.extra == {"groove": "half-time"}
    again = Song.from_metadata(session.state.current.to_metadata())
    assert again.extra == {"groove": "half-time"}  # it survives the store's round trip


def test_bookkeeping_that_fails_never_raises_out_of_send(make_session, monkeypatch) -> None:  # noqa: ANN001
    from assistant.core import keeping

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(keeping, "keep_song", broken)
    events = list(make_session().send("compose a short melody in G major"))
    done = events[-1]
    assert isinstance(done, TurnDone)
    assert "disk on fire" in done.reply and done.result["files"]
