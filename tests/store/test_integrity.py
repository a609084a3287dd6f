"""`cadenza doctor --repair`: what killed processes leave behind is found and put right."""

from __future__ import annotations

import json

from assistant.config import Settings
from assistant.core.state import DialogueState, Song
from assistant.store import studio
from assistant.store.integrity import check
from assistant.store.memory import Memory


def _song(sid: str, midi: str) -> Song:
    return Song(id=sid, title=f"tune {sid}", tool="compose", key="G", mode="major",
                files={"midi": midi})  # fmt: skip


def test_leftovers_of_killed_processes_are_found_and_repaired(settings: Settings) -> None:
    settings.ensure_dirs()
    kept = settings.outputs_dir / "kept.mid"
    kept.write_bytes(b"MThd")
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
