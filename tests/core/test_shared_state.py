"""Several processes share one conversation state (a chat and a cold `cadenza ask`, two scripts
at once): saves merge, so no song, queued song or turn is lost and turn numbers never collide
(issue 25, item 3)."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

from assistant.core.events import TurnDone
from assistant.core.state import DialogueState, merge
from assistant.store.songs import Song

CADENZA = str(Path(sys.executable).with_name("cadenza"))


def _song(name: str) -> Song:
    return Song(id=name, title=f"song {name}", tool="compose")


def test_a_queued_song_from_another_process_survives_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    DialogueState().save(path)
    chat, ask = DialogueState.load(path), DialogueState.load(path)
    ask.add_song(_song("a"))
    ask.unsaved.append(_song("a"))  # the store was held by the chat: the song waits
    ask.turns += 1
    ask.save(path)
    chat.add_song(_song("b"))
    chat.turns += 1
    chat.save(path)  # before: this overwrote the ask's queue and its song
    disk = json.loads(path.read_text())
    assert disk["song_ids"] == ["a", "b"] and disk["turns"] == 2
    assert [s["id"] for s in disk["unsaved"]] == ["a"]
    assert disk["current"]["id"] == "b"  # the chat changed "it" last
    assert [s.id for s in chat.unsaved] == ["a"]  # the chat now stores it with its next turn
    chat.unsaved.clear()  # ...as it does
    chat.save(path)
    assert json.loads(path.read_text())["unsaved"] == []


def test_merge_keeps_their_values_where_we_changed_nothing() -> None:
    base = {"current": {"id": "x"}, "lyrics": None, "turns": 3, "song_ids": ["x"], "unsaved": []}
    ours = {**base, "turns": 4}
    theirs = {**base, "lyrics": "rain.txt", "current": {"id": "y"}, "song_ids": ["x", "y"],
              "turns": 5}  # fmt: skip
    out = merge(base, ours, theirs)
    assert out["lyrics"] == "rain.txt" and out["current"] == {"id": "y"}
    assert out["turns"] == 6 and out["song_ids"] == ["x", "y"]
    undone = merge(base | {"song_ids": ["x", "z"]}, base | {"song_ids": ["x"]},
                   base | {"song_ids": ["x", "z", "w"]})  # fmt: skip
    assert undone["song_ids"] == ["x", "w"]  # this process removed z; w is theirs


def _one_turn(path: str, name: str) -> None:
    state = DialogueState.load(Path(path))
    state.add_song(_song(name))
    state.turns += 1
    state.save(Path(path))


def test_seven_processes_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    DialogueState().save(path)
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_one_turn, args=(str(path), f"s{i}")) for i in range(7)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    disk = json.loads(path.read_text())
    assert disk["turns"] == 7 and sorted(disk["song_ids"]) == [f"s{i}" for i in range(7)]


def test_a_cold_ask_while_a_chat_holds_the_store_is_stored_by_the_chat(make_session) -> None:  # noqa: ANN001
    """The chat holds the embedded store; a cold `cadenza ask` cannot open it, so its song waits
    in the state; the chat's next turn takes the song over and stores it."""
    chat = make_session()
    assert chat.memory is not None  # the chat holds the store's writer lock
    env = {**os.environ, "CADENZA_HOME": str(chat.settings.home), "CADENZA_RESIDENT": "0",
           "CADENZA_WORKSPACE": str(chat.settings.workspace), "CADENZA_SEED": "11"}  # fmt: skip
    out = subprocess.run([CADENZA, "ask", "compose a short jig in D"], env=env, text=True,
                         capture_output=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    asked = json.loads(chat.settings.state_path.read_text())["current"]
    assert "Not saved to memory yet" in out.stdout + out.stderr
    done = [e for e in chat.send("compose a hopeful chorale in G") if isinstance(e, TurnDone)]
    assert done and done[0].ok
    assert chat.memory.get_song(asked["id"]) is not None  # stored, not lost
    assert asked["id"] in chat.state.song_ids and not chat.state.unsaved
