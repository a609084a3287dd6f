"""kill -9 during a catalogue import of 500 files, then the import again: the store ends up
exactly as a clean import leaves it (same songs, same features, same vectors, no duplicates)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pretty_midi

from assistant.config import Settings
from assistant.store import studio
from assistant.store.audience_store import CATALOG, AudienceStore
from assistant.store.chroma_server import free_port
from assistant.store.memory import Memory
from models.audience.catalog import import_folder

N_FILES = 500


def _songs(folder: Path) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    scale = [0, 2, 4, 5, 7, 9, 11, 12]
    for i in range(N_FILES):
        pm = pretty_midi.PrettyMIDI(initial_tempo=float(70 + i % 90))
        inst = pretty_midi.Instrument(int(i % 8) * 8, name="lead")
        root = 55 + i % 12
        for j in range(16):
            p = root + scale[int(rng.integers(0, 8))]
            inst.notes.append(pretty_midi.Note(70 + j % 3 * 10, p, j * 0.4, j * 0.4 + 0.35))
        pm.instruments.append(inst)
        pm.write(str(folder / f"song-{i:03d}.mid"))


def _entries(store: AudienceStore) -> dict[str, tuple]:
    songs, vecs, _ = store.catalog_entries()
    out = {}
    for s, v in zip(songs, vecs, strict=True):
        meta = s.to_metadata()
        out[s.song_id] = (meta.get("content_hash"), meta.get("tempo_bpm"), meta.get("key"), v)
    return out


def test_kill_9_mid_import_then_reimport_equals_a_clean_import(settings: Settings) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    _songs(settings.workspace / "songs")
    conf = settings.model_copy(update={"server_port": free_port()})
    rec, _ = studio.start(conf)
    try:
        env = {**os.environ, "CADENZA_HOME": str(conf.home), "CADENZA_CHROMA_URL": rec.url,
               "CADENZA_WORKSPACE": str(settings.workspace)}  # fmt: skip
        cmd = [str(Path(sys.executable).with_name("cadenza")), "catalog", "import", "songs"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        client = chromadb.HttpClient(
            host="127.0.0.1", port=rec.chroma_port,
            settings=ChromaSettings(anonymized_telemetry=False),
        )  # fmt: skip
        seen, deadline = 0, time.time() + 180
        while time.time() < deadline and proc.poll() is None:
            names = [c.name for c in client.list_collections()]
            seen = client.get_collection(CATALOG).count() if CATALOG in names else 0
            if seen >= 64:  # the first batch is in: kill it mid-import
                proc.kill()
                break
            time.sleep(0.05)
        proc.wait(timeout=30)
        assert proc.returncode == -9, proc.stderr.read().decode()[-2000:]
        assert 0 < seen < N_FILES
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr[-2000:]
        assert client.get_collection(CATALOG).count() == N_FILES  # no duplicates, none missing
        resumed = _entries(AudienceStore(Memory(conf.model_copy(update={"chroma_url": rec.url}))))
    finally:
        studio.stop(conf)
    clean_conf = Settings(home=settings.home.parent / "clean-home", workspace=settings.workspace)
    memory = Memory(clean_conf)
    try:
        store = AudienceStore(memory)
        import_folder(settings.workspace / "songs", store)
        clean = _entries(store)
    finally:
        memory.close()
    assert resumed.keys() == clean.keys() and len(clean) == N_FILES
    for key, (digest, tempo, tonic, vec) in clean.items():
        r = resumed[key]
        assert (r[0], r[1], r[2]) == (digest, tempo, tonic), key
        np.testing.assert_allclose(r[3], vec, atol=1e-5)
