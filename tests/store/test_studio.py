"""The studio server: start/stop/status, the token proxy, and each producer's privacy."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import StoreError
from assistant.store import studio
from assistant.store.chroma_server import free_port
from assistant.store.memory import Memory
from assistant.store.songs import Song


def _song(sid: str, title: str, mood: str, style: str) -> Song:
    return Song(id=sid, title=title, tool="compose", key="D", mode="major", mood=mood,
                style=style, bars=8, files={"midi": f"/tmp/{sid}.mid"})  # fmt: skip


@pytest.fixture
def server(settings: Settings):  # noqa: ANN201
    """A studio server started the way `cadenza server start` starts it."""
    conf = settings.model_copy(update={"server_port": free_port()})
    rec, new = studio.start(conf)
    assert new
    yield conf, rec
    studio.stop(conf)


def test_start_status_stop(server) -> None:  # noqa: ANN001
    conf, rec = server
    assert studio.start(conf) == (rec, False)  # a second start finds it running
    info = studio.status(conf)
    assert info["running"] and info["url"] == f"http://127.0.0.1:{conf.server_port}"
    assert (conf.home / "logs" / "chroma-server.log").exists()
    stopped = studio.stop(conf)
    assert stopped.pid == rec.pid and not studio.alive(rec.pid)
    assert studio.status(conf) == {"running": False}
    assert studio.stop(conf) is None


def test_a_configured_server_that_is_down_says_how_to_start_it(settings: Settings) -> None:
    down = settings.model_copy(update={"chroma_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(StoreError, match="cadenza server start"):
        Memory(down)


def test_private_songs_and_turns_stay_with_their_owner(server) -> None:  # noqa: ANN001
    conf, rec = server
    shared = conf.model_copy(update={"chroma_url": rec.url})
    alice, bob = Memory(shared, user="alice"), Memory(shared, user="bob")
    song = _song("a1", "hopeful chorale in D major", "hopeful", "chorale")
    alice.remember_song(song)
    alice.remember_turn("conv-a", 1, "write a hopeful chorale", "Composed ...", "compose")
    assert alice.recall_songs("hopeful chorale")[0][0].id == "a1"
    assert bob.recall_songs("hopeful chorale") == []
    assert bob.get_song("a1") is None
    assert bob.turns.count() == 0 and alice.turns.count() == 1
    bob.forget_song("a1")  # not bob's: nothing happens to alice's song
    assert alice.get_song("a1") is not None
    with pytest.raises(StoreError, match="not one of your songs"):
        bob.share_song(song)
    alice.share_song(song)  # sharing is explicit
    found = bob.recall_songs("hopeful chorale")
    assert [s.id for s, _ in found] == ["a1"] and bob.get_song("a1").title == song.title
    alice.forget_song("a1")  # the owner takes it back
    assert bob.recall_songs("hopeful chorale") == []


def test_an_exposed_server_needs_the_token(settings: Settings) -> None:
    conf = settings.model_copy(update={"server_port": free_port(), "server_host": "0.0.0.0"})
    rec, _ = studio.start(conf)
    try:
        assert rec.proxy_pid and rec.chroma_port != rec.port
        token = (conf.home / "studio" / "token").read_text().strip()
        assert oct((conf.home / "studio" / "token").stat().st_mode & 0o777) == "0o600"
        url = f"http://127.0.0.1:{rec.port}/api/v2/collections"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        assert refused.value.code == 401
        wrong = urllib.request.Request(url, headers={"X-Chroma-Token": "x" * 43})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(wrong, timeout=10)
        client = conf.model_copy(update={"chroma_url": rec.url})
        with pytest.raises(StoreError, match="CADENZA_CHROMA_TOKEN"):
            Memory(client)
        memory = Memory(client.model_copy(update={"chroma_token": token}), user="carol")
        memory.remember_song(_song("c1", "calm folk tune", "calm", "folk"))
        assert memory.recall_songs("calm folk")[0][0].id == "c1"
    finally:
        studio.stop(conf)
    assert not studio.alive(rec.proxy_pid)


def test_studio_chat_songs_stay_out_of_the_shared_catalogue(server, make_session) -> None:  # noqa: ANN001
    from assistant.store.audience_store import AudienceStore
    from tests.helpers import turn

    conf, rec = server
    session = make_session(chroma_url=rec.url)
    _, done = turn(session, "compose a calm folk tune in G, 4 bars")
    assert done.ok, done.reply
    store = AudienceStore.of(session.memory)
    ids = [s.song_id for s in store.catalog_entries(vectors=False)[0]]
    assert not any(i.startswith("chat-") for i in ids)
    _, done = turn(session, "share it with the studio")
    assert done.ok and "Shared" in done.reply, done.reply
    ids = [s.song_id for s in store.catalog_entries(vectors=False)[0]]
    assert f"chat-{session.state.current.id}" in ids


def test_the_server_record_survives_a_bad_file(settings: Settings) -> None:
    path = studio.record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert studio.read_record(settings) is None and studio.running(settings) is None
    path.write_text(json.dumps({"pid": 999999, "host": "127.0.0.1", "port": 1, "path": "x",
                                "started": "now", "chroma_port": 1}))  # fmt: skip
    assert studio.running(settings) is None  # a dead pid is no server
    assert Path(studio.stop(settings).path) == Path("x")


def test_the_server_killed_and_restarted_mid_conversation(settings: Settings, make_session) -> None:  # noqa: ANN001
    import os
    import signal
    import time

    from tests.helpers import turn

    conf = settings.model_copy(update={"server_port": free_port()})
    rec, _ = studio.start(conf)
    try:
        session = make_session(chroma_url=rec.url)
        _, done = turn(session, "compose a calm folk tune in G, 4 bars")
        assert done.ok and "Not saved" not in done.reply
        os.kill(rec.pid, signal.SIGKILL)
        while studio.alive(rec.pid):
            time.sleep(0.05)
        _, done = turn(session, "compose a sad waltz in A minor, 4 bars")
        assert done.ok and "Not saved to memory yet" in done.reply, done.reply  # said, not lost
        waltz = session.state.current
        assert waltz.files["midi"] and session.state.unsaved == [waltz]
        for question in ("find the calm folk tune", "who would like it?"):  # issue 25 item 8
            _, done = turn(session, question)
            assert not done.ok and "cadenza server start" in done.reply, done.reply
            assert "ConnectError" not in done.reply and "Connection refused" not in done.reply
        studio.start(conf)  # same port, same store
        _, done = turn(session, "compose a hopeful chorale in D, 4 bars")
        assert done.ok and "Not saved" not in done.reply, done.reply
        assert session.state.unsaved == []
        assert session.memory.get_song(waltz.id).title == waltz.title  # saved on recovery
        _, done = turn(session, "find the sad waltz")
        assert done.ok and "waltz" in done.reply
    finally:
        studio.stop(conf)


def test_a_tool_past_its_time_limit_is_stopped_with_a_clear_message(settings: Settings) -> None:
    from assistant.core.runtime import Runtime
    from tools.base import ToolContext

    slow = settings.model_copy(update={"tool_time_limit_sec": 0.5})
    result = Runtime().call("generate", {"bars": 256, "style": "chorale", "seed": 1, "audio": False},
                            ToolContext(settings=slow))  # fmt: skip
    assert (
        not result.ok and "time limit" in result.error and "failed unexpectedly" not in result.error
    )
    assert not list(slow.outputs_dir.glob("*.mid")) if slow.outputs_dir.exists() else True


def test_tools_write_only_to_the_output_folder(settings: Settings, tmp_path: Path) -> None:
    from assistant.core.runtime import Runtime
    from tools.base import ToolContext

    out = tmp_path / "my-renders"
    conf = settings.model_copy(update={"output_dir": out})
    ctx = ToolContext(settings=conf)
    assert ctx.output_path("../../etc/passwd", ".mid").parent == out.resolve()
    result = Runtime().call("compose", {"bars": 2, "seed": 1, "audio": False}, ctx)
    assert result.ok and all(Path(f).parent == out.resolve() for f in result.files)


def test_three_producers_at_once_lose_nothing(server, tmp_path: Path) -> None:  # noqa: ANN001
    """A small version of benchmarks/studio.py: concurrent `cadenza ask` processes, one server."""
    import os
    import subprocess
    import sys

    conf, rec = server
    cadenza = str(Path(sys.executable).with_name("cadenza"))
    asks = ["compose a calm folk tune in G, 4 bars", "make it faster", "compose a jig in D, 4 bars"]
    procs = []
    for i in range(3):
        home = tmp_path / f"producer-{i}"
        env = {**os.environ, "CADENZA_HOME": str(home), "CADENZA_CHROMA_URL": rec.url,
               "CADENZA_WORKSPACE": str(tmp_path)}  # fmt: skip
        script = " && ".join(f"{cadenza} ask '{a}' --json" for a in asks)
        procs.append((home, subprocess.Popen(["bash", "-c", script], env=env,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)))  # fmt: skip
    made = []
    for home, proc in procs:
        out, err = proc.communicate(timeout=400)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert b"failed unexpectedly" not in out and b"Not saved" not in out
        state = json.loads((home / "state.json").read_text())
        made += state["song_ids"]
    memory = Memory(conf.model_copy(update={"chroma_url": rec.url}))
    assert len(made) == 9 and memory.songs.count() == 9
    assert all(Path(memory.get_song(i).files["midi"]).is_file() for i in made)
