"""Load on one studio server: `python benchmarks/studio.py [--workers 8] [--json PATH]`.

Starts a studio server (as `cadenza server start` does) in a temporary home, loads the demo
catalogue and listeners once, then runs one producer alone and then N producer processes at
once, each its own `CADENZA_HOME`, each playing the same 20-turn conversation (compose and
follow-ups, neural generation, lyrics, audiences, similar songs, recall) against the server.
Afterwards every song a producer was told it made is looked up in the store: it must be there
with the same title, key and files. Prints errors, the songs checked, and turn latencies alone
and under load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TURNS = [
    "write a slow hopeful chorale in D major, 8 bars",
    "make it faster",
    "who should I pitch this track to?",
    "what do these lyrics feel like?\nI walk alone in the rain\nbut the morning will come",
    "compose music for these lyrics",
    "let the neural model write a 8 bar jig in G",
    "redo the last two bars, darker",
    "which songs are like it?",
    "compose a sad waltz in A minor, 8 bars",
    "same but in minor",
    "find the hopeful chorale",
    "compose an energetic irish reel in E minor, 16 bars",
    "who would like this one?",
    "what does this feel like: my heart is light as summer air",
    "write a calm folk tune in F, 8 bars, for flute",
    "twice as long",
    "similar songs to it",
    "keep going for 4 more bars",
    "compose a chorale in Bb major, 4 bars",
    "find the sad waltz",
]


def worker(out: Path) -> None:
    """One producer: the conversation above in a fresh session; results as JSON to `out`."""
    from assistant.config import Settings
    from assistant.core.events import collect_turn
    from assistant.core.session import Session

    session = Session(Settings())
    rows = []
    for text in TURNS:
        t = time.perf_counter()
        _, done = collect_turn(session.send(text))
        rows.append({"text": text[:40], "sec": time.perf_counter() - t, "ok": done.ok,
                     "tool": done.tool, "reply": done.reply[:300]})  # fmt: skip
    made = [
        {"id": s.id, "title": s.title, "key": s.key, "files": s.files}
        for s in (session.memory.get_song(i) for i in session.state.song_ids) if s
    ]  # fmt: skip
    made_ids = list(session.state.song_ids)
    session.close()
    out.write_text(json.dumps({"turns": rows, "songs": made, "song_ids": made_ids}))


def _run_workers(n: int, env: dict, tmp: Path, tag: str) -> list[dict]:
    procs = []
    for i in range(n):
        home = tmp / f"{tag}-{i}"
        out = tmp / f"{tag}-{i}.json"
        e = {**env, "CADENZA_HOME": str(home), "CADENZA_WORKSPACE": str(home)}
        procs.append((subprocess.Popen([sys.executable, __file__, "--worker", str(out)], env=e,
                                       stderr=subprocess.PIPE), out))  # fmt: skip
    results = []
    for proc, out in procs:
        _, err = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise SystemExit(f"worker failed: {err.decode()[-2000:]}")
        results.append(json.loads(out.read_text()))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    from assistant.config import Settings
    from assistant.store import studio
    from assistant.store.chroma_server import free_port
    from assistant.store.memory import Memory

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        admin = Settings(home=tmp / "admin", server_port=free_port(), seed=None)
        rec, _ = studio.start(admin)
        try:
            env = {**os.environ, "CADENZA_CHROMA_URL": rec.url}
            env.pop("CADENZA_SEED", None)
            prep = subprocess.run(
                [str(Path(sys.executable).with_name("cadenza")), "audience", "segments"],
                env={**env, "CADENZA_HOME": str(tmp / "prep")}, capture_output=True, text=True,
            )  # fmt: skip
            assert prep.returncode == 0, prep.stderr[-2000:]
            print("one producer alone...", file=sys.stderr)
            alone = _run_workers(1, env, tmp, "alone")
            print(f"{args.workers} producers at once...", file=sys.stderr)
            t = time.perf_counter()
            loaded = _run_workers(args.workers, env, tmp, "load")
            wall = time.perf_counter() - t
            memory = Memory(Settings(home=tmp / "check", chroma_url=rec.url))
            checked = missing = 0
            for r in alone + loaded:
                for song in r["songs"]:
                    got = memory.get_song(song["id"])
                    same = got is not None and (got.title, got.key, got.files) == (
                        song["title"], song["key"], song["files"])  # fmt: skip
                    files_ok = all(Path(f).is_file() for f in song["files"].values())
                    checked += 1
                    missing += not (same and files_ok)
                missing += len(r["song_ids"]) - len(r["songs"])
            total_songs = memory.songs.count()
        finally:
            studio.stop(admin)
    errors = [t for r in alone + loaded for t in r["turns"]
              if not t["ok"] and t["tool"] is not None]  # fmt: skip
    crashes = [t for r in alone + loaded for t in r["turns"] if "unexpectedly" in t["reply"]]
    lat_alone = [t["sec"] for t in alone[0]["turns"]]
    lat_load = [t["sec"] for r in loaded for t in r["turns"]]
    out = {
        "workers": args.workers, "turns": len(TURNS), "wall_sec": round(wall, 1),
        "tool_errors": len(errors), "crashes": len(crashes), "songs_checked": checked,
        "songs_missing_or_changed": missing, "songs_in_store": total_songs,
        "median_turn_alone_sec": statistics.median(lat_alone),
        "median_turn_loaded_sec": statistics.median(lat_load),
        "p90_turn_loaded_sec": sorted(lat_load)[int(0.9 * len(lat_load))],
        "errors": errors[:5],
    }  # fmt: skip
    print("\n## Studio server under load\n")
    print(f"{args.workers} producer processes at once, {len(TURNS)} turns each, one server: "
          f"{out['tool_errors']} tool errors, {out['crashes']} crashes; {checked} songs checked "
          f"afterwards, {missing} missing or changed ({total_songs} in the store).\n")  # fmt: skip
    print("| | median turn | p90 turn |\n|---|---|---|")
    print(f"| one producer alone | {out['median_turn_alone_sec']:.2f} s | "
          f"{sorted(lat_alone)[int(0.9 * len(lat_alone))]:.2f} s |")  # fmt: skip
    print(f"| {args.workers} at once (2 cores) | {out['median_turn_loaded_sec']:.2f} s | "
          f"{out['p90_turn_loaded_sec']:.2f} s |")  # fmt: skip
    if errors:
        print("\nErrors:", json.dumps(errors[:5], indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
