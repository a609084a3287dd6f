"""The store's integrity after crashes (`cadenza doctor [--repair]`).

A killed process (even `kill -9`) never leaves the store inconsistent: Chroma commits each
batch atomically, imports skip what is already in and re-running finishes the job. What a kill
can leave behind is checked here, and `repair` puts it right:

- temporary files of interrupted writes (`*.tmp` in `CADENZA_HOME`): removed;
- a studio-server record whose process is gone: removed;
- songs made while the store was down, still waiting in the conversation state: saved now;
- listening data without segments (an import killed before the segments were built): rebuilt;
- listeners and segments that disagree with the catalogue (built from another import, or
  listeners none of whose songs are in it): rebuilt from the stored listening data, or, when no
  listener plays a catalogue song any more, cleared (the demo loads again on the next question);
- the embedded store's SQLite file: `PRAGMA quick_check` (read-only);
- songs whose files were deleted: reported (they are the producer's to forget);
- queued songs another process already saved: dropped from the queue;
- songs made in chat but missing from the catalogue (a kill between the two writes): added;
- output files no song refers to (a kill between writing the files and keeping the song),
  older than ten minutes so a running tool's files are never touched: removed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.store.memory import Memory


@dataclass
class Finding:
    name: str
    ok: bool
    detail: str
    repaired: bool = False


def _tmp_files(settings: Settings) -> list[Path]:
    home = settings.home
    found = [p for p in home.glob("*.tmp")] + list((home / "studio").glob("*.tmp"))
    found += [p for p in (home / "cache").rglob("*.tmp")] if (home / "cache").is_dir() else []
    return found


def _remove(path: Path) -> None:
    if path.is_dir():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def check(settings: Settings, memory: Memory | None, repair: bool = False) -> list[Finding]:
    from assistant.store import studio

    out = []
    tmp = _tmp_files(settings)
    if repair:
        for p in tmp:
            _remove(p)
    out.append(Finding("interrupted writes", not tmp,
                       f"{len(tmp)} temporary file(s) left by killed processes" if tmp else "none",
                       repaired=bool(tmp) and repair))  # fmt: skip
    rec = studio.read_record(settings)
    stale = rec is not None and not studio.alive(rec.pid)
    if stale and repair:
        studio.record_path(settings).unlink(missing_ok=True)
    out.append(Finding("studio server record", not stale,
                       f"pid {rec.pid} is gone" if stale else "consistent", stale and repair))  # fmt: skip
    db = settings.store_dir / "chroma.sqlite3"
    if not settings.chroma_url and db.is_file():
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
        out.append(Finding("store database", result == "ok", f"SQLite quick_check: {result}"))
    out += _queued_findings(settings, memory, repair)
    if memory is not None:
        out += _store_findings(memory, repair)
        out.append(_orphans(settings, memory, repair))
    return out


def _orphans(settings: Settings, memory: Memory, repair: bool) -> Finding:
    import json

    from assistant.store.songs import Song

    kept = {f for m in memory.songs.get(include=["metadatas"])["metadatas"]
            for f in Song.from_metadata(m).files.values()}  # fmt: skip
    try:
        state = json.loads(settings.state_path.read_text())
        for d in [state.get("current") or {}, *(state.get("unsaved") or [])]:
            kept |= set((d.get("files") or {}).values()) if isinstance(d, dict) else set()
    except (OSError, ValueError, AttributeError):
        pass
    orphans = orphan_outputs(settings, kept)
    if orphans and repair:
        for path in orphans:
            path.unlink(missing_ok=True)
    detail = (f"{len(orphans)} file(s) no song refers to: {', '.join(p.name for p in orphans[:3])}"
              if orphans else "every file belongs to a song")  # fmt: skip
    return Finding("output files", not orphans, detail, repaired=bool(orphans) and repair)


def _queued_findings(settings: Settings, memory: Memory | None, repair: bool) -> list[Finding]:
    """Songs made while the store was down wait in the conversation's state file ("unsaved");
    an entry another process already saved is stale and only leaves the queue."""
    import json

    from assistant.store.files import write_json_atomic
    from assistant.store.songs import Song

    try:
        state = json.loads(settings.state_path.read_text())
        queued = [d for d in state.get("unsaved") or [] if isinstance(d, dict)]
    except (OSError, ValueError, AttributeError):
        return []
    if not queued:
        return []
    stale = [d for d in queued if memory is not None and memory.get_song(str(d.get("id")))]
    waiting = [d for d in queued if d not in stale]
    out = []
    if stale:
        out.append(Finding("queued songs already saved", False,
                           f"{len(stale)} still listed as waiting", repaired=repair))  # fmt: skip
    if waiting:
        out.append(Finding("songs waiting to be saved", False,
                           f"{len(waiting)} made while the store was down",
                           repaired=repair and memory is not None))  # fmt: skip
    if repair and memory is not None:
        for d in waiting:
            memory.remember_song(Song.from_dict(d))
        state["unsaved"] = []
        write_json_atomic(settings.state_path, state)
    return out


def _store_findings(memory: Memory, repair: bool) -> list[Finding]:
    from assistant.store.audience_store import AudienceStore
    from assistant.store.songs import Song

    out = []
    got = memory.songs.get(include=["metadatas"])
    gone = [
        s.title for s in (Song.from_metadata(m) for m in got["metadatas"])
        if s.files and not any(Path(f).is_file() for f in s.files.values())
    ]  # fmt: skip
    out.append(Finding("song files", not gone,
                       f"{len(gone)} song(s) whose files were deleted: {', '.join(gone[:3])}"
                       if gone else f"all {len(got['ids'])} songs have their files"))  # fmt: skip
    store = AudienceStore.of(memory)
    counts = store.counts()
    missing = counts["listeners"] > 0 and counts["segments"] == 0 and counts["songs"] > 0
    rebuilt = False
    if missing and repair:
        from models.audience.engine import rebuild_audience

        rebuild_audience(store)
        rebuilt = True
    out.append(Finding("listener segments", not missing,
                       "listening data without segments (an interrupted import)" if missing
                       else f"{counts['segments']} segments", rebuilt))  # fmt: skip
    if not missing:
        out.append(_audience_agreement(store, repair))
    songs = [Song.from_metadata(m) for m in got["metadatas"]]
    with_midi = [s for s in songs if Path(s.files.get("midi") or "/nonexistent").is_file()]
    out.append(_uncatalogued(store, with_midi, repair))
    return out


def _uncatalogued(store, songs: list, repair: bool) -> Finding:  # noqa: ANN001
    """Songs made in chat are in the catalogue too (an audience before any plays)."""
    from assistant.store.chat_songs import catalogue_chat_song

    if store.private_songs or not songs:
        return Finding("songs in the catalogue", True, "nothing to check")
    listed = set(store.song_hashes())
    lost = [s for s in songs if f"chat-{s.id}" not in listed]
    unreadable = []
    if lost and repair:
        for song in lost:
            try:
                catalogue_chat_song(store, song)
            except Exception as exc:  # a broken MIDI file: reported, the rest still go in
                unreadable.append(f"{song.title} ({exc})")
    detail = f"{len(lost)} song(s) missing from the catalogue" if lost else "all listed"
    if unreadable:
        detail += f"; {len(unreadable)} could not be read: {unreadable[0][:80]}"
    return Finding("songs in the catalogue", not lost, detail,
                   repaired=bool(lost) and repair and not unreadable)  # fmt: skip


def orphan_outputs(settings: Settings, kept: set[str], min_age_sec: float = 600) -> list[Path]:
    """Files in the outputs folder that no song refers to, by name stem (a lone .mid, .wav or
    .musicxml of a killed run); files younger than `min_age_sec` may be a running tool's."""
    import time

    out = settings.outputs_dir
    if not out.is_dir():
        return []
    stems = {Path(p).name.split(".")[0] for p in kept}
    now = time.time()
    return sorted(p for p in out.iterdir() if p.is_file() and not p.name.endswith(".tmp")
                  and p.name.split(".")[0] not in stems and now - p.stat().st_mtime > min_age_sec)  # fmt: skip


def _audience_agreement(store, repair: bool) -> Finding:  # noqa: ANN001 (an AudienceStore)
    """The listeners, the segments and the catalogue come from one build and refer to each
    other: one stamp on listeners and segments, and listeners who play catalogue songs."""
    import json

    ids, _, metas = store.listener_entries()
    if not ids:
        return Finding("audience and catalogue", True, "no listening data yet")
    _, _, seg_metas = store.segment_entries()
    catalogue = set(store.song_hashes())
    stamps = {m.get("stamp") for m in metas} | {m.get("stamp") for m in seg_metas}
    played = {s for m in metas for s in json.loads(m.get("plays_json") or "{}")}
    problem = ("listeners and segments come from different imports" if len(stamps) > 1 else
               "none of the listeners' songs are in the catalogue" if not played & catalogue
               else "")  # fmt: skip
    if not problem:
        return Finding("audience and catalogue", True, f"{len(ids)} listeners agree")
    if not repair:
        return Finding("audience and catalogue", False, problem)
    import numpy as np

    from models.audience.engine import rebuild_audience

    try:
        rebuild_audience(store)
        done = "rebuilt from the stored listening data"
    except Exception:  # no listener plays a catalogue song: the audience cannot be rebuilt
        store.replace_listeners([], np.zeros((0, 1), np.float32), [])
        store.replace_segments([], np.zeros((0, 1), np.float32), [])
        done = "cleared (import the plays again; the demo loads until then)"
    return Finding("audience and catalogue", False, f"{problem}: {done}", repaired=True)
