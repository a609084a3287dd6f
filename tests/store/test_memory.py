from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant.config import Settings
from assistant.errors import StoreError
from assistant.store.memory import EMBEDDING_NAME, Memory
from assistant.store.songs import Song
from tests.conftest import _free_port


def _song(title: str, mood: str, style: str, key: str, mode: str) -> Song:
    return Song(
        id=Song.new_id(),
        title=f"{mood} {style} in {key} {mode}",
        tool="compose",
        key=key,
        mode=mode,
        style=style,
        mood=mood,
        tempo=90,
        bars=8,
        meter="4/4",
    )


def test_remember_and_recall_with_our_embedding(settings: Settings) -> None:
    memory = Memory(settings)
    try:
        songs = [
            _song("a", "hopeful", "chorale", "D", "major"),
            _song("b", "sad", "waltz", "A", "minor"),
            _song("c", "energetic", "irish", "G", "major"),
        ]
        for s in songs:
            memory.remember_song(s)
        best, sim = memory.recall_songs("the melancholic waltz")[0]
        assert best.id == songs[1].id and 0 < sim <= 1
        assert memory.get_song(songs[0].id).title == songs[0].title
        config = memory.songs.configuration_json
        assert config["embedding_function"]["name"] == EMBEDDING_NAME
        assert config["hnsw"]["space"] == "cosine"
    finally:
        memory.close()


def test_a_second_writer_gets_a_clear_message(settings: Settings) -> None:
    memory = Memory(settings)
    try:
        code = (
            "from assistant.config import Settings\n"
            "from assistant.store.memory import Memory\n"
            "from assistant.errors import StoreLockedError\n"
            "try:\n    Memory(Settings())\nexcept StoreLockedError as e:\n    print('LOCKED', e)\n"
        )
        env = {**os.environ, "CADENZA_HOME": str(settings.home)}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert "LOCKED" in out.stdout, out.stderr
        assert f"pid {os.getpid()}" in out.stdout and "CADENZA_CHROMA_URL" in out.stdout
    finally:
        memory.close()
    Memory(settings).close()  # released: the next process may write


def test_shared_server_through_http_client(settings: Settings, chroma_server: str) -> None:
    shared = settings.model_copy(update={"chroma_url": chroma_server})
    first = Memory(shared)
    song = _song("a", "hopeful", "chorale", "D", "major")
    first.remember_song(song)
    second = Memory(shared)  # a second producer's process: no lock with a server
    assert second.recall_songs("hopeful chorale")[0][0].id == song.id
    assert not (settings.store_dir / "writer.lock").exists()


def test_server_down_is_a_clear_error(settings: Settings) -> None:
    down = settings.model_copy(update={"chroma_url": f"http://127.0.0.1:{_free_port()}"})
    with pytest.raises(StoreError, match="not answering"):
        Memory(down)
