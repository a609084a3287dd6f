"""`cadenza doctor --repair`: what killed processes leave behind is found and put right."""

from __future__ import annotations

import json
import os
import shutil
import time

from assistant.config import Settings
from assistant.core.state import DialogueState, Song
from assistant.store import studio
from assistant.store.integrity import check
from assistant.store.memory import Memory
from models.audience.engine import DEMO_DIR


def _song(sid: str, midi: str) -> Song:
    return Song(id=sid, title=f"tune {sid}", tool="compose", key="G", mode="major",
                files={"midi": midi})  # fmt: skip


def test_leftovers_of_killed_processes_are_found_and_repaired(settings: Settings) -> None:
    settings.ensure_dirs()
    kept = settings.outputs_dir / "kept.mid"
    shutil.copy(DEMO_DIR / "catalog" / "quiet-hours.mid", kept)
    (settings.home / "state.4242.tmp").write_text("{half")
    (settings.cache_dir / "generation-train").mkdir(parents=True)
    (settings.cache_dir / "generation-train" / "state.tmp").write_bytes(b"\0" * 10)
    studio.record_path(settings).parent.mkdir(parents=True)
    studio.record_path(settings).write_text(json.dumps(
        {"pid": 999999, "host": "127.0.0.1", "port": 1, "path": "x", "started": "t",
         "chroma_port": 1}))  # fmt: skip
    state = DialogueState()
    state.unsaved.append(_song("waiting", str(kept)))
    state.save(settings.state_path)
    memory = Memory(settings)
    try:
        memory.remember_song(_song("gone", str(settings.outputs_dir / "deleted.mid")))
        found = {f.name: f for f in check(settings, memory)}
        assert (
            not found["interrupted writes"].ok
            and "2 temporary" in found["interrupted writes"].detail
        )
        assert not found["studio server record"].ok
        assert not found["songs waiting to be saved"].ok
        assert not found["song files"].ok and "tune gone" in found["song files"].detail
        assert found["store database"].ok
        fixed = {f.name: f for f in check(settings, memory, repair=True)}
        assert all(fixed[n].repaired for n in ("interrupted writes", "studio server record",
                                               "songs waiting to be saved"))  # fmt: skip
        assert memory.get_song("waiting") is not None
        again = {f.name: f for f in check(settings, memory)}
        assert all(f.ok for n, f in again.items() if n != "song files")
        assert not list(settings.home.glob("*.tmp")) and studio.read_record(settings) is None
        assert DialogueState.load(settings.state_path).unsaved == []
    finally:
        memory.close()


def test_an_audience_that_disagrees_with_the_catalogue_is_found_and_repaired(
    settings: Settings,
) -> None:
    """Issue 25 item 4: the state an old refused import left (the demo's songs deleted, its
    listeners and segments kept) is reported by `doctor` and put right by `--repair`."""
    from assistant.store.audience_store import AudienceStore
    from assistant.store.integrity import check
    from assistant.store.memory import Memory
    from models.audience.engine import ensure_audience, segments_of

    memory = Memory(settings)
    try:
        store = AudienceStore(memory)
        ensure_audience(store)
        assert next(f for f in check(settings, memory) if f.name == "audience and catalogue").ok
        store.catalog.delete(where={"origin": "demo"})  # what the old import did
        found = next(f for f in check(settings, memory) if f.name == "audience and catalogue")
        assert not found.ok and "none of the listeners' songs" in found.detail
        fixed = next(f for f in check(settings, memory, repair=True)
                     if f.name == "audience and catalogue")  # fmt: skip
        assert fixed.repaired and "cleared" in fixed.detail
        assert next(f for f in check(settings, memory) if f.name == "audience and catalogue").ok
        assert ensure_audience(store) and segments_of(store)[0]  # the demo answers again
    finally:
        memory.close()


def test_what_a_kill_leaves_after_a_song_is_found_and_repaired(settings: Settings) -> None:
    """Issue 25 item 12: after kill -9, a lone .mid no song refers to, a song stored but not in
    the catalogue, and a queue entry another process already saved."""
    from assistant.store.audience_store import AudienceStore

    settings.ensure_dirs()
    song_midi = settings.outputs_dir / "tune-a.mid"
    shutil.copy(DEMO_DIR / "catalog" / "quiet-hours.mid", song_midi)
    lone = settings.outputs_dir / "killed-run-s9.mid"
    shutil.copy(song_midi, lone)
    fresh = settings.outputs_dir / "running-now.wav"
    fresh.write_bytes(b"RIFF")
    old = time.time() - 3600
    os.utime(lone, (old, old))  # the killed run was an hour ago; the running one is not
    memory = Memory(settings)
    try:
        song = _song("a", str(song_midi))
        memory.remember_song(song)  # stored; the kill came before the catalogue entry
        state = DialogueState()
        state.unsaved.append(song)  # and before the queue entry was dropped
        state.save(settings.state_path)
        found = {f.name: f for f in check(settings, memory)}
        assert not found["queued songs already saved"].ok
        assert not found["songs in the catalogue"].ok
        assert not found["output files"].ok and "killed-run-s9.mid" in found["output files"].detail
        assert "running-now" not in found["output files"].detail
        check(settings, memory, repair=True)
        again = {f.name: f for f in check(settings, memory)}
        assert all(again[n].ok for n in ("songs in the catalogue", "output files"))
        assert "queued songs already saved" not in again
        assert not lone.exists() and fresh.exists() and song_midi.exists()
        assert DialogueState.load(settings.state_path).unsaved == []
        assert "chat-a" in AudienceStore.of(memory).song_hashes()
    finally:
        memory.close()


def test_the_home_is_private_to_its_user(settings: Settings) -> None:
    """Issue 25 item 1 (files): songs, turns, state and the store sit in a 0700 home, so no
    other OS user can read them through the file system, whatever the umask."""
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.home.chmod(0o755)  # a home made before the rule
    settings.ensure_dirs()
    assert settings.home.stat().st_mode & 0o777 == 0o700
    assert settings.outputs_dir.stat().st_mode & 0o077 == 0
