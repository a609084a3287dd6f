"""Benchmark of the track arranger: `python benchmarks/tracks.py [--quick] [--json PATH]`.

Sections (about 3 minutes on 2 cores; `--quick` about 2):
- control: control accuracy in the manner of MuseCoco's objective attribute accuracy. Requests
  are drawn (seeded, so the same every run) from a grid of genre x key x mode x tempo x meter x
  bars x named instruments, 10 per genre (`--quick`: 4), every genre of prompts/genres/. Each
  is arranged (`arrange(TrackRequest(...))`), written with `midi_io.write_midi`, and read back
  from the file alone (`read_midi`, and pretty_midi for the tempo and meter events); then each
  attribute the request asked for is scored:
  - tempo: the file's tempo as counted (6/8: dotted quarters, the MIDI tempo / 1.5) within 0.5
    bpm of the request;
  - meter: the file's time signature;
  - bars: the bar count `read_midi` gives (the end of track at the last bar line);
  - key and mode "by the notes": `theory.estimate_key` (Krumhansl-Schmuckler correlation minus
    the share outside the key, near-ties to the final note's tonic) on every note of every
    pitched track, weighted by duration, sorted by onset (the last onset's lowest note last);
    the key signature written in the file is reported beside it, not counted;
  - each named instrument: a pitched track with notes on its General MIDI program;
  - drums: a drum track with notes, for genres with drums;
  - drum style: for 4/4 requests in genres whose drum style the drum benchmark's style
    classifier knows (benchmarks/drums.py: logistic regression on the Groove train split's
    real 4/4 groove bars, 9 drums x 16 steps of hits and hits per drum, the 15 learned styles
    with at least 80 bars), the track's label: the classifier's probabilities averaged over its
    bars with at least 4 hits (read from the file on a 16th grid), the likeliest style.
  A request that fails to write a file scores every one of its attributes wrong.
- speed: an 8-bar lo-fi track (four parts: drums, bass, keys, lead) once the models are loaded
  (goal: under 100 ms without audio), every genre's 8-bar loop, and a whole `cadenza ask` for a
  track (files and WAV) in a fresh process with a fresh CADENZA_HOME (cold), and the `track`
  tool called twice in one process (warm: the second call).
- lead: the lead model's held-out figures, read from models/checkpoints/lead-v1/config.json
  (benchmarks/lead.py refits and measures them).

Prints Markdown tables; `--json PATH` also writes every figure.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL = 0.97
PER_GENRE, PER_GENRE_QUICK = 10, 4
GRID_SEED = 2024
BARS = (4, 8, 8, 12, 16)
METERS = ("4/4", "4/4", "3/4", "6/8")
INSTRUMENTS = {  # what a producer names for each part (the arranger's own words)
    "lead": ("flute", "sax", "trumpet", "violin", "synth lead", "whistle", "vibraphone",
             "guitar"),
    "bass": ("808", "upright bass", "synth bass", "fretless bass", "slap bass"),
    "chords": ("rhodes", "organ", "piano", "acoustic guitar", "clavinet"),
    "pad": ("strings", "pad", "choir", "brass"),
}  # fmt: skip
ATTRIBUTES = ("tempo", "meter", "bars", "key", "mode", "instrument", "drums", "drum style")
LABELS = {"key": "key (tonic, by the notes)", "mode": "mode (by the notes)",
          "instrument": "each named instrument", "drums": "drums present",
          "drum style": "drum style (classifier)"}  # fmt: skip
MIN_HITS = 4
pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"  # noqa: E731


def _drum_benchmark():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("drum_benchmark", ROOT / "benchmarks/drums.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------
# the request grid


def request_grid(per_genre: int) -> list[dict]:
    """`per_genre` requests for every genre, drawn from the grid with one seeded generator."""
    from models.arrangement.genres import load_genres

    rng = random.Random(GRID_SEED)
    out = []
    for name, genre in sorted(load_genres().items()):
        low, default, high = genre.tempo
        for _ in range(per_genre):
            tempo = rng.choice((low, default, high, rng.randint(low, high)))
            roles = rng.sample(sorted(INSTRUMENTS), rng.choice((0, 1, 1, 2)))
            out.append({
                "genre": name, "tonic": rng.randrange(12), "mode": rng.choice(("major", "minor")),
                "tempo": tempo, "meter": rng.choice(METERS), "bars": rng.choice(BARS),
                "instruments": tuple((r, rng.choice(INSTRUMENTS[r])) for r in sorted(roles)),
                "seed": rng.randrange(10_000),
            })  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------------
# the drum style classifier (benchmarks/drums.py's)


def train_classifier():  # noqa: ANN201
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from models.drums.styles import STYLES

    db = _drum_benchmark()
    split = db._performances()
    learned = {s for s, spec in STYLES.items() if spec.learned}
    bars = db._real_groove_bars(split["train"], learned)
    counts = Counter(b.style for b in bars)
    classes = sorted(s for s in learned if counts[s] >= db.MIN_TRAIN_BARS)
    bars = [b for b in bars if b.style in classes]
    x = np.stack([db._features([(h[0], h[1]) for h in b.hits]) for b in bars])
    y = np.array([b.style for b in bars])
    print(f"training the drum style classifier on {len(y):,} bars...", file=sys.stderr)
    clf = make_pipeline(StandardScaler(), LogisticRegression(
        C=0.1, max_iter=3000, class_weight="balanced")).fit(x, y)  # fmt: skip
    return clf, classes, db._features, len(y)


def drum_bars(piece) -> list[list[tuple[int, str]]]:  # noqa: ANN001
    """A 4/4 piece's drum hits bar by bar as (16th step, kit class), bars with MIN_HITS or more."""
    from models.drums.kit import GROOVE_NOTES

    bars: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for track in piece.tracks:
        if not track.is_drum:
            continue
        for n in track.notes:
            step = int(round(n.start_beats * 4))
            if n.pitch in GROOVE_NOTES:
                bars[step // 16].append((step % 16, GROOVE_NOTES[n.pitch]))
    return [hits for _, hits in sorted(bars.items()) if len(hits) >= MIN_HITS]


# ---------------------------------------------------------------------------------------------
# control accuracy


def _expected_program(role: str, word: str) -> int:
    from models.arrangement.arranger import part_for

    return part_for(role, word).program


def _key_relation(found, asked) -> str:  # noqa: ANN001
    if found == asked:
        return "the key asked"
    if found.mode != asked.mode and set(found.scale_pcs(False)) == set(asked.scale_pcs(False)):
        return "its relative major or minor"
    if found.tonic_pc == asked.tonic_pc:
        return "its parallel major or minor"
    if found.mode == asked.mode and (found.tonic_pc - asked.tonic_pc) % 12 == 5:
        return "its subdominant key"
    if found.mode == asked.mode and (found.tonic_pc - asked.tonic_pc) % 12 == 7:
        return "its dominant key"
    return "another key"


def score_request(spec: dict, genre, folder: Path, index: int) -> dict:  # noqa: ANN001
    """The request's attributes as read back from its MIDI file: {attribute: [ok, ...]}."""
    from models.arrangement.arranger import TrackRequest, arrange
    from models.music.midi_io import open_midi, read_midi, write_midi
    from models.music.theory import Key, estimate_key

    asked = Key(spec["tonic"], spec["mode"])
    drums = genre.role("drums")
    style = (drums.rhythm or genre.drum_style) if drums else None
    out: dict = {"spec": spec, "scores": defaultdict(list), "error": None, "style": style}
    t = time.perf_counter()
    try:
        arrangement = arrange(TrackRequest(
            genre=spec["genre"], key=asked, mode=spec["mode"], tempo_bpm=spec["tempo"],
            meter=spec["meter"], bars=spec["bars"], instruments=spec["instruments"],
            seed=spec["seed"]))  # fmt: skip
        path = write_midi(arrangement.piece, folder / f"request-{index}.mid")
    except Exception as exc:  # noqa: BLE001  a request that writes nothing fails every attribute
        out["error"] = f"{type(exc).__name__}: {exc}"[:120]
        for attr in ("tempo", "meter", "bars", "key", "mode"):
            out["scores"][attr].append(False)
        out["scores"]["instrument"] += [False] * len(spec["instruments"])
        if drums:
            out["scores"]["drums"].append(False)
        out["drum_bars"] = None
        return out
    out["seconds"] = time.perf_counter() - t
    pm, piece = open_midi(path), read_midi(path)
    sc = out["scores"]
    ts = pm.time_signature_changes[0] if pm.time_signature_changes else None
    meter = f"{ts.numerator}/{ts.denominator}" if ts else "4/4"
    quarter = float(pm.get_tempo_changes()[1][0])
    sc["tempo"].append(abs(quarter / (1.5 if meter == "6/8" else 1.0) - spec["tempo"]) <= 0.5)
    sc["meter"].append(meter == spec["meter"])
    sc["bars"].append(piece.bars == spec["bars"])
    notes = sorted((n for tr in piece.tracks if not tr.is_drum for n in tr.notes),
                   key=lambda n: (n.start_beats, -n.pitch))  # fmt: skip
    found, _ = estimate_key([n.pitch for n in notes], [n.dur_beats for n in notes])
    sc["key"].append(found.tonic_pc == asked.tonic_pc)
    sc["mode"].append(found.mode == asked.mode)
    out["key_found"] = _key_relation(found, asked)
    out["key_signature_ok"] = piece.key == asked
    for role, word in spec["instruments"]:
        program = _expected_program(role, word)
        sc["instrument"].append(any(not tr.is_drum and tr.notes and tr.program == program
                                    for tr in piece.tracks))  # fmt: skip
        if not sc["instrument"][-1]:
            out.setdefault("missing", []).append(f"{role}={word}")
    if drums:
        sc["drums"].append(any(tr.is_drum and tr.notes for tr in piece.tracks))
    out["drum_bars"] = drum_bars(piece) if drums and meter == "4/4" else None
    return out


def control_section(per_genre: int) -> dict:
    from models.arrangement.genres import load_genres

    genres = load_genres()
    requests = request_grid(per_genre)
    clf, classes, features, n_bars = train_classifier()
    print(f"arranging, writing and reading back {len(requests)} requests...", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, spec in enumerate(requests):
            results.append(score_request(spec, genres[spec["genre"]], Path(tmp), i))
    styled, per_bar = [], []
    for r in results:
        if r["style"] in classes and r["spec"]["meter"] == "4/4" and r["drum_bars"] is not None:
            bars = r["drum_bars"]
            if not bars:
                r["scores"]["drum style"].append(False)
                r["style_found"] = "(no drum bars)"
                continue
            proba = clf.predict_proba(np.stack([features(hits) for hits in bars]))
            label = clf.classes_[int(np.argmax(proba.mean(0)))]
            r["scores"]["drum style"].append(label == r["style"])
            r["style_found"] = str(label)
            styled.append(r)
            per_bar += [clf.classes_[int(k)] == r["style"] for k in proba.argmax(1)]
        elif r["style"] in classes and r["spec"]["meter"] == "4/4" and r["error"]:
            r["scores"]["drum style"].append(False)
    # the tables: every request, and the requests that wrote a file
    totals = {a: [0, 0, 0, 0] for a in ATTRIBUTES}
    by_genre: dict[str, dict] = {g: {"requests": 0, "t": [0, 0, 0, 0], "misses": Counter(),
                                     "errors": 0} for g in genres}  # fmt: skip
    for r in results:
        row = by_genre[r["spec"]["genre"]]
        row["requests"] += 1
        row["errors"] += r["error"] is not None
        for attr, oks in r["scores"].items():
            add = (sum(oks), len(oks)) * (1 if r["error"] else 2)
            for t in (totals[attr], row["t"]):
                for k, v in enumerate(add):
                    t[k] += v
            if r["error"] is None:
                row["misses"][attr] += len(oks) - sum(oks)
    ok_all, n_all = sum(v[0] for v in totals.values()), sum(v[1] for v in totals.values())
    written = [r for r in results if r["error"] is None]
    ok_w, n_w = sum(v[2] for v in totals.values()), sum(v[3] for v in totals.values())
    styles_scored = sorted({r["spec"]["genre"] for r in results if r["scores"].get("drum style")})
    out = {
        "requests": len(requests), "per_genre": per_genre, "grid_seed": GRID_SEED,
        "attributes": {a: {"correct": ok, "scored": n, "share": ok / n if n else None,
                           "written_correct": okw, "written_scored": nw,
                           "written_share": okw / nw if nw else None}
                       for a, (ok, n, okw, nw) in totals.items()},
        "overall": {"correct": ok_all, "scored": n_all, "share": ok_all / n_all, "goal": GOAL},
        "written_requests": len(written),
        "overall_written_only": {"correct": ok_w, "scored": n_w, "share": ok_w / n_w if n_w else None},
        "errors": Counter(r["error"] for r in results if r["error"]),
        "genres": {g: {"requests": v["requests"], "attributes": v["t"][1],
                       "share": v["t"][0] / v["t"][1] if v["t"][1] else None,
                       "written_share": v["t"][2] / v["t"][3] if v["t"][3] else None,
                       "failed_requests": v["errors"],
                       "misses_in_files": {k: c for k, c in v["misses"].items() if c}}
                   for g, v in by_genre.items()},
        "key_by_notes": Counter(r["key_found"] for r in written),
        "key_signature_ok": sum(r["key_signature_ok"] for r in written),
        "drum_style": {"classes": classes, "train_bars": n_bars, "genres": styles_scored,
                       "requests": sum(len(r["scores"].get("drum style", [])) for r in results),
                       "per_bar_share": float(np.mean(per_bar)) if per_bar else None,
                       "labelled_as": Counter(f"{r['style']} -> {r['style_found']}"
                                              for r in styled if r["style_found"] != r["style"])},
        "missing_instruments": Counter(f"{r['spec']['genre']}: {m}" for r in written
                                       for m in r.get("missing", [])),
        "arrange_and_write_sec_median": statistics.median(r["seconds"] for r in written)
        if written else None,
    }  # fmt: skip
    _print_control(out, genres)
    return out


def _print_control(out: dict, genres: dict) -> None:
    ov, ds = out["overall"], out["drum_style"]
    print("\n## Control accuracy: requested attributes read back from the written MIDI\n")
    print(f"{out['requests']} requests, {out['per_genre']} per genre for each of the "
          f"{len(genres)} genres, drawn with seed {out['grid_seed']} from genre x key (12 tonics) "
          f"x mode x tempo (the genre's low, default, high or any between) x meter (4/4 twice as "
          f"often as 3/4 and 6/8) x bars (4, 8, 12, 16) x named instruments (none, one or two "
          f"parts on another instrument); each arranged, written to a MIDI file and read back "
          f"from the file alone. Key and mode \"by the notes\": `theory.estimate_key` on every "
          f"pitched note, weighted by duration, not the file's key signature. The drum style is "
          f"scored only on 4/4 requests in the {len(ds['genres'])} genres whose drum style the "
          f"drum benchmark's classifier knows ({', '.join(ds['genres'])}). A request that "
          f"writes no file counts every attribute it asked for as wrong.\n")  # fmt: skip
    print("| attribute | scored | correct | share | in the files written: scored | share |")
    print("|---|---|---|---|---|---|")
    for attr, r in out["attributes"].items():
        print(f"| {LABELS.get(attr, attr)} | {r['scored']} | {r['correct']} | {pct(r['share'])} "
              f"| {r['written_scored']} | {pct(r['written_share'])} |")  # fmt: skip
    mark = "met" if ov["share"] >= GOAL else "NOT met"
    w = out["overall_written_only"]
    print(f"| **all attributes** | {ov['scored']} | {ov['correct']} | **{pct(ov['share'])}** "
          f"(goal: at least {100 * GOAL:.0f}%, {mark}) | {w['scored']} | {pct(w['share'])} |")  # fmt: skip
    failed = out["requests"] - out["written_requests"]
    if failed:
        print(f"\n{failed} of {out['requests']} requests wrote no file: "
              + "; ".join(f"{n} x {e}" for e, n in out["errors"].most_common()) + ".")  # fmt: skip
    kb, n = out["key_by_notes"], out["written_requests"]
    print(f"\nThe key finder on the notes of the {n} written tracks found: "
          + ", ".join(f"{k} {v} ({pct(v / n)})" for k, v in kb.most_common())
          + f". The key signature written in the file is the key asked in "
          f"{out['key_signature_ok']} of {n}.")  # fmt: skip
    if out["missing_instruments"]:
        print("\nNamed instruments with no track on their program: "
              + "; ".join(f"{k} ({v})" for k, v in out["missing_instruments"].most_common())
              + ".")  # fmt: skip
    print(f"\nDrum style: the classifier ({len(ds['classes'])} learned styles, "
          f"{ds['train_bars']:,} real train bars) labelled {ds['requests']} tracks; per bar it "
          f"agrees with the genre's style in {pct(ds['per_bar_share'])} of the bars. "
          + ("Mislabelled: " + ", ".join(f"{k} ({v})" for k, v in ds["labelled_as"].most_common())
             + "." if ds["labelled_as"] else "No track mislabelled."))  # fmt: skip
    print("\n### Per genre\n")
    print("| genre | engine | drum style | requests (no file) | attributes | share | share in "
          "the files written | misses in the files written |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    bold = lambda v: pct(v) if v is None or v >= GOAL else f"**{pct(v)}**"  # noqa: E731
    for name, r in out["genres"].items():
        g = genres[name]
        misses = ", ".join(f"{LABELS.get(k, k)} {v}" for k, v in r["misses_in_files"].items())
        print(f"| {g.label} | {g.engine} | {g.drum_style or '-'} | {r['requests']} "
              f"({r['failed_requests']}) | {r['attributes']} | {bold(r['share'])} | "
              f"{bold(r['written_share'])} | {misses or '-'} |")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# speed

WARM = """
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from assistant.config import Settings
from tools import REGISTRY
from tools.base import ToolContext
ctx = ToolContext(settings=Settings())
imported = time.perf_counter() - t0
times = []
for seed in (1, 2):
    t = time.perf_counter()
    r = REGISTRY["track"](ctx, genre="lofi", bars=8, seed=seed)
    times.append(time.perf_counter() - t)
    assert r.ok and any(f.endswith(".wav") for f in r.files), r
print(json.dumps({{"imports": imported, "first": times[0], "second": times[1]}}))
"""


def _env(tmp: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADENZA_")}
    return {**env, "CADENZA_HOME": str(Path(tmp) / "home"), "CADENZA_WORKSPACE": tmp,
            "CADENZA_SEED": "1"}  # fmt: skip


def speed_section(cold_runs: int) -> dict:
    from models.arrangement.arranger import TrackRequest, arrange
    from models.arrangement.genres import get_genre, load_genres
    from models.music.midi_io import write_midi
    from models.music.musicxml import write_musicxml

    arrange(TrackRequest("lofi", bars=8, seed=0))  # models loaded
    times, midi, xml = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, 11):
            t = time.perf_counter()
            a = arrange(TrackRequest("lofi", bars=8, seed=seed))
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            write_midi(a.piece, Path(tmp) / f"lofi-{seed}.mid")
            midi.append(time.perf_counter() - t)
            t = time.perf_counter()
            write_musicxml(a.piece, Path(tmp) / f"lofi-{seed}.musicxml")
            xml.append(time.perf_counter() - t)
    parts = len(a.piece.tracks)
    lookups = []
    for _ in range(5):
        t = time.perf_counter()
        get_genre("lofi")
        lookups.append(time.perf_counter() - t)
    loops: dict[str, float] = {}
    for name in load_genres():
        ts = []
        for seed in (1, 2):
            t = time.perf_counter()
            arrange(TrackRequest(name, bars=8, seed=seed))
            ts.append(time.perf_counter() - t)
        loops[name] = statistics.median(ts)
    cold, routed, cold_note = [], None, ""
    for _ in range(cold_runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(ROOT / ".venv/bin/cadenza"), "ask", "make me an 8-bar lo-fi track"]
            t = time.perf_counter()
            done = subprocess.run(cmd, env=_env(tmp), cwd=tmp, capture_output=True, text=True,
                                  timeout=300)  # fmt: skip
            took = time.perf_counter() - t
            outputs = list((Path(tmp) / "home" / "outputs").glob("lofi-track-*"))
            routed = done.returncode == 0 and any(p.suffix == ".wav" for p in outputs)
            if not routed:  # the router did not make the track: time the CLI equivalent
                cmd = [str(ROOT / ".venv/bin/cadenza"), "track", "lofi", "--bars", "8"]
                cold_note = (
                    "`cadenza ask` did not write the track; timed `cadenza track lofi --bars 8`"
                )
                t = time.perf_counter()
                subprocess.run(cmd, env=_env(tmp), cwd=tmp, capture_output=True, check=True,
                               timeout=300)  # fmt: skip
                took = time.perf_counter() - t
            cold.append(took)
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, "-c", WARM.format(root=str(ROOT))], env=_env(tmp),
                              cwd=tmp, capture_output=True, text=True, check=True, timeout=300)  # fmt: skip
        warm = json.loads(done.stdout.strip().splitlines()[-1])
    out = {
        "lofi_8_bars_parts": parts,
        "arrange_ms": {"median": 1000 * statistics.median(times), "max": 1000 * max(times)},
        "write_midi_ms": {"median": 1000 * statistics.median(midi)},
        "write_musicxml_ms": {"median": 1000 * statistics.median(xml)},
        "get_genre_ms": 1000 * statistics.median(lookups),
        "loops_ms": {k: 1000 * v for k, v in loops.items()},
        "cold_ask_sec": {"runs": cold, "median": statistics.median(cold), "routed": routed,
                         "note": cold_note},
        "warm_tool_sec": warm,
    }  # fmt: skip
    a_ms, slow = out["arrange_ms"], max(out["loops_ms"].items(), key=lambda kv: kv[1])
    fast = min(out["loops_ms"].items(), key=lambda kv: kv[1])
    print("\n## Speed (this machine, 2 shared cores)\n")
    print("| what | figure |\n|---|---|")
    print(f"| 8-bar lo-fi track ({parts} parts), models loaded: `arrange` | **{a_ms['median']:.0f} "
          f"ms** median of 10 seeds (max {a_ms['max']:.0f} ms; goal: under 100 ms without "
          f"audio) |")  # fmt: skip
    print(f"| of which finding the genre (`get_genre`) | {out['get_genre_ms']:.0f} ms median |")
    print(f"| then its files: MIDI (`write_midi`) / MusicXML (`write_musicxml`) | "
          f"{out['write_midi_ms']['median']:.0f} ms / {out['write_musicxml_ms']['median']:.0f} "
          f"ms median |")  # fmt: skip
    print(f"| every genre's default 8-bar loop, models loaded | {fast[1]:.0f} ms ({fast[0]}) to "
          f"{slow[1]:.0f} ms ({slow[0]}), median {statistics.median(out['loops_ms'].values()):.0f}"
          f" ms |")  # fmt: skip
    what = ('`cadenza ask "make me an 8-bar lo-fi track"`' if routed else
            "`cadenza track lofi --bars 8`")  # fmt: skip
    runs = f" ({', '.join(f'{c:.1f} s' for c in cold)})" if len(cold) > 1 else ""
    print(f"| cold: {what} in a fresh process, fresh CADENZA_HOME (routing, models, MIDI, "
          f"MusicXML, WAV) | **{out['cold_ask_sec']['median']:.1f} s**{runs} |")  # fmt: skip
    print(f"| warm: the `track` tool called twice in one process (MIDI, MusicXML, WAV) | "
          f"**{warm['second']:.2f} s** the second call; the first {warm['first']:.2f} s, after "
          f"{warm['imports']:.2f} s of imports |")  # fmt: skip
    if cold_note:
        print(f"\n{cold_note}.")
    return out


# ---------------------------------------------------------------------------------------------
# lead


def lead_section() -> dict:
    config = json.loads((ROOT / "models/checkpoints/lead-v1/config.json").read_text())
    nats, rhythm = config["nats_per_note"], config["rhythm_nats_per_beat"]
    print("\n## Lead model (from models/checkpoints/lead-v1/config.json)\n")
    print(f"POP909 MELODY tracks: {config['train_songs']} train songs, {config['test_songs']} "
          f"held-out songs ({config['test_notes']:,} notes, {config['test_beats']:,} beats). "
          f"Not recomputed here: `python benchmarks/lead.py` refits and measures them, with the "
          f"chord-tone statistics.\n")  # fmt: skip
    print("| figure (held out, nats, lower is better) | model | baseline |\n|---|---|---|")
    print(f"| per note (each note's interval from the one before) | **{nats['model']:.3f}** | "
          f"{nats['chord_blind']:.3f} (chord-blind chain) |")  # fmt: skip
    print(f"| rhythm, per beat | **{rhythm['model']:.3f}** | {rhythm['per_beat_class']:.3f} "
          f"(one pattern distribution per beat class) |")  # fmt: skip
    return {"nats_per_note": nats, "rhythm_nats_per_beat": rhythm,
            "test_songs": config["test_songs"], "train_songs": config["train_songs"]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 requests per genre")
    parser.add_argument("--sections", default="control,speed,lead")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    wanted = args.sections.split(",")
    start = time.perf_counter()
    results: dict = {}
    if "control" in wanted:
        results["control"] = control_section(PER_GENRE_QUICK if args.quick else PER_GENRE)
    if "speed" in wanted:
        results["speed"] = speed_section(1)
    if "lead" in wanted:
        results["lead"] = lead_section()
    results["run_sec"] = time.perf_counter() - start
    print(f"\n(benchmark run: {results['run_sec']:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
