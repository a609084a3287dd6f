"""Benchmark of audience insights: `python benchmarks/audience.py [--sizes 10000,100000] [--skip ...]`.

Sections:
- lastfm: warm and cold start on real listeners (HetRec 2011 Last.fm 2K, read from
  ../shared/data, evaluation only), with popularity and random baselines in the same run
  (see `benchmarks/audience_lastfm.py`);
- latency: `find_audience` and `similar_songs` through the tools (as the chat calls them) on the
  demo segments with 10k and 100k songs in the catalogue, embedded (`PersistentClient`) and
  through a `chroma run` server on loopback. The extra songs are the demo songs' content
  vectors plus noise, so neighbours are realistic; queries are songs picked at random;
- import: catalogue import rate for MIDI files and for WAV files (rendered from the demo MIDI).

Prints Markdown; `--json PATH` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

QUERIES = 60


def _context(home: Path, url: str | None = None):  # noqa: ANN202
    from assistant.config import Settings
    from assistant.store.memory import Memory
    from tools.base import ToolContext

    settings = Settings(home=home, workspace=home, chroma_url=url)
    memory = Memory(settings)
    return ToolContext(settings=settings, open_memory=lambda: memory), memory


def _grow_catalog(store, target: int, seed: int = 0) -> None:  # noqa: ANN001
    """Add synthetic songs (demo vectors plus noise) until the catalogue holds `target`."""
    from models.audience.features import SongFeatures
    from models.audience.vectors import normalise

    songs, vecs, _ = store.catalog_entries()
    rng = np.random.default_rng(seed)
    have = store.catalog.count()
    base = [s for s in songs if not s.song_id.startswith("synthetic-")]
    while have < target:
        n = min(4000, target - have)
        pick = rng.integers(0, len(base), n)
        noisy = normalise(vecs[pick] + rng.normal(0, 0.04, (n, vecs.shape[1])).astype(np.float32))
        batch = [
            SongFeatures(song_id=f"synthetic-{have + i}", title=f"Synthetic {have + i}",
                         tempo_bpm=base[j].tempo_bpm, mode=base[j].mode, genres=base[j].genres)
            for i, j in enumerate(pick)
        ]  # fmt: skip
        store.upsert_songs(batch, noisy)
        have += n


def _time_tool(ctx, name: str, ids: list[str]) -> dict[str, float]:  # noqa: ANN001
    from tools import REGISTRY

    REGISTRY[name](ctx, song=ids[0])  # warm: caches, snapshot
    times = []
    for song in ids:
        start = time.perf_counter()
        result = REGISTRY[name](ctx, song=song)
        times.append((time.perf_counter() - start) * 1000)
        assert result.ok, result.error
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 1),
    }


def latency(sizes: list[int], url: str | None, label: str) -> list[dict]:
    from assistant.store.audience_store import AudienceStore
    from models.audience.engine import ensure_audience

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ctx, memory = _context(Path(tmp), url)
        store = AudienceStore(memory)
        ensure_audience(store)
        for size in sizes:
            start = time.perf_counter()
            _grow_catalog(store, size)
            fill = time.perf_counter() - start
            ids = random.Random(size).sample([f"synthetic-{i}" for i in range(60, size)], QUERIES)
            row = {"store": label, "songs": store.catalog.count(), "fill_sec": round(fill, 1)}
            for tool in ("find_audience", "similar_songs"):
                row[tool] = _time_tool(ctx, tool, ids)
            rows.append(row)
            print(f"  {label} {size}: {row}", flush=True)
        memory.close()
    return rows


@contextmanager
def chroma_server():  # noqa: ANN201
    from assistant.store.chroma_server import chroma_run

    tmp = Path(tempfile.mkdtemp())
    try:
        with chroma_run(tmp / "srv", tmp / "chroma.log") as url:
            yield url
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def import_rate(copies: int = 4) -> list[dict]:
    """Files per second importing MIDI (the demo x copies) and WAV (rendered demo songs)."""
    from assistant.store.audience_store import AudienceStore
    from models.audience.catalog import import_folder
    from models.audience.engine import DEMO_DIR
    from models.music.render import available_renderer, render_wav

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        midi_dir, wav_dir = base / "midi", base / "wav"
        midi_dir.mkdir()
        wav_dir.mkdir()
        mids = sorted((DEMO_DIR / "catalog").glob("*.mid"))
        for c in range(copies):
            for path in mids:
                shutil.copy(path, midi_dir / f"{path.stem}-{c}.mid")
        if available_renderer():
            for path in mids[:24]:
                render_wav(path, wav_dir / f"{path.stem}.wav", 22050)
        ctx, memory = _context(base / "home")
        store = AudienceStore(memory)
        for label, folder in (("MIDI", midi_dir), ("WAV", wav_dir)):
            files = len(list(folder.iterdir()))
            if not files:
                continue
            report = import_folder(folder, store)
            seconds = sum(d.stat().st_size for d in folder.iterdir()) / 1e6
            rows.append({"kind": label, "files": files, "seconds": report.seconds,
                         "files_per_sec": round(files / report.seconds, 1), "MB": round(seconds, 1),
                         "failed": len(report.failed)})  # fmt: skip
            print(f"  import {label}: {rows[-1]}", flush=True)
        memory.close()
    return rows


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--skip", default="", help="comma-separated: lastfm,embedded,server,import")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    sizes = [int(s) for s in args.sizes.split(",")]
    figures: dict = {}
    if "lastfm" not in skip:
        import audience_lastfm

        figures["lastfm"] = audience_lastfm.main([])
    if "import" not in skip:
        print("## Catalogue import rate", flush=True)
        figures["import"] = import_rate()
    figures["latency"] = []
    if "embedded" not in skip:
        print("## Query latency, embedded store", flush=True)
        figures["latency"] += latency(sizes, None, "embedded")
    if "server" not in skip:
        print("## Query latency, chroma run on loopback", flush=True)
        with chroma_server() as url:
            figures["latency"] += latency(sizes, url, "server")
    _print(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str))
    return figures


def _print(figures: dict) -> None:
    if figures.get("import"):
        print("\n| import | files | seconds | files/s |\n|---|---|---|---|")
        for r in figures["import"]:
            print(f"| {r['kind']} | {r['files']} | {r['seconds']} | {r['files_per_sec']} |")
    if figures.get("latency"):
        print(
            "\n| store | songs | find_audience p50 / p95 ms | similar_songs p50 / p95 ms | fill s |"
        )
        print("|---|---|---|---|---|")
        for r in figures["latency"]:
            fa, ss = r["find_audience"], r["similar_songs"]
            print(f"| {r['store']} | {r['songs']:,} | {fa['p50_ms']} / {fa['p95_ms']} | "
                  f"{ss['p50_ms']} / {ss['p95_ms']} | {r['fill_sec']} |")  # fmt: skip


if __name__ == "__main__":
    main()
