"""`share_song`: songs are private; sharing one needs the studio server and a song to share."""

from __future__ import annotations

from assistant.core.events import collect_turn
from assistant.core.session import Session
from assistant.store.audience_store import AudienceStore
from assistant.store.memory import Memory
from tests.helpers import turn

FOLK = {"key": "G", "mood": "calm", "style": "folk", "bars": 4, "seed": 3, "audio": False}


def call(session: Session, tool: str, **args):  # noqa: ANN003, ANN201
    _, done = collect_turn(session.call_tool(tool, args))
    return done


def test_sharing_without_a_studio_server_says_it_needs_one(make_session) -> None:  # noqa: ANN001
    session = make_session()
    assert call(session, "compose", **FOLK).ok
    song = session.state.current
    done = call(session, "share_song")
    assert not done.ok and done.tool == "share_song", done.reply
    assert "Sharing needs the studio server" in done.reply and "CADENZA_CHROMA_URL" in done.reply
    assert "failed unexpectedly" not in done.reply
    named = call(session, "share_song", song="calm folk tune in G major")
    assert not named.ok and "Sharing needs the studio server" in named.reply
    assert session.memory.get_song(song.id) is not None  # the song itself is kept as it was
    assert session.state.current.id == song.id


def test_sharing_with_no_current_song_asks_which(make_session) -> None:  # noqa: ANN001
    session = make_session()
    assert session.state.current is None
    done = call(session, "share_song")
    assert not done.ok and "Which song?" in done.reply and "Make one first" in done.reply
    route, done = turn(session, "share it with the studio")
    assert route.tool == "share_song" and not done.ok and "Which song?" in done.reply


def test_a_song_that_is_not_yours_by_name_is_not_shared(make_session) -> None:  # noqa: ANN001
    session = make_session()
    done = call(session, "share_song", song="the hopeful chorale")
    assert not done.ok and "None of your songs matches 'the hopeful chorale'" in done.reply


def test_sharing_on_a_studio_server_lets_others_find_it(make_session, chroma_server: str) -> None:  # noqa: ANN001
    session = make_session(chroma_url=chroma_server)
    assert call(session, "compose", **FOLK).ok
    song = session.state.current
    other = Memory(session.settings, user="someone-else")
    try:
        assert other.recall_songs("calm folk tune") == []  # private until shared
        done = call(session, "share_song", song="calm folk tune")
        assert done.ok, done.reply
        data = done.result["data"]
        assert data == {"song": song.id, "title": song.title, "owner": session.memory.user}
        assert f"Shared '{song.title}' with the studio" in done.reply
        assert chroma_server in done.reply
        assert [s.id for s, _ in other.recall_songs("calm folk tune")] == [song.id]
        store = AudienceStore.of(other)
        assert f"chat-{song.id}" in {s.song_id for s in store.catalog_entries(vectors=False)[0]}
    finally:
        other.close()


def test_the_key_named_is_the_song_shared(make_session, chroma_server: str) -> None:  # noqa: ANN001
    """Issue 25 item 12: 'hopeful chorale in G major' shared the one in A major."""
    session = make_session(chroma_url=chroma_server)
    for key in ("A", "G", "D"):
        assert call(session, "compose", key=key, mood="hopeful", bars=4, seed=5, audio=False).ok
    g = next(s for s in session.songs() if s.key == "G")
    done = call(session, "share_song", song="hopeful chorale in G major")
    assert done.ok and done.result["data"]["song"] == g.id, done.reply
    found = call(session, "find_song", query="the hopeful chorale in A major")
    assert found.ok and found.result["data"]["matches"][0]["title"].endswith("A major")
    missing = call(session, "find_song", query="hopeful chorale in F# minor")
    assert missing.ok and "None of your songs is in F# minor; this is the closest" in missing.reply
    wrong = call(session, "share_song", song="hopeful chorale in F# minor")
    assert not wrong.ok and "None of your songs matches" in wrong.reply  # nothing shared
