"""Benchmark of the pop lead writer: `python benchmarks/lead.py [--fit] [--json PATH]`.

- speed: loading the checkpoint (verified), and the median time to write 8 bars once loaded;
- nats: held-out nats per note (each note's interval from the note before it, every note of a
  held-out POP909 song but its first), the model against the chord-blind baseline, and the
  rhythm chain's nats per beat against a per-beat-class baseline: read from the checkpoint's
  config.json, or with `--fit` refitted here as `cadenza train lead` does (about 20 s);
- stats: generated against POP909 on the held-out songs (`is_test`). Each held-out song gives one
  window: its first 8 consecutive 4/4 bars in one key with a chord on every beat and melody in at
  least 6 of them. The writer writes 8 bars over each window's own chords and key (seed = the
  window's number, defaults otherwise: MIDI 60-81, density 0.5, 4-bar phrases); the data side is
  the song's own melody in the same window, and all held-out melody notes. Shares of notes that
  are chord tones (of the chord sounding at the onset) on the strong beats (16th steps 0 and 8),
  on every beat (0, 4, 8, 12) and overall; what the strong-beat share would be by chance (a note
  drawn evenly from the key's seven scale tones), and what the writer gives with the chord-blind
  chain in place of the model (its phrase-end rules still see the chord); notes per bar; each
  window's pitch span.

Reads POP909 once (about 5 s on 2 cores). Prints Markdown tables; `--json PATH` writes them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WINDOW = 8
STRONG, BEATS = (0, 8), (0, 4, 8, 12)
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
table = lambda head: print(f"\n| {head} |\n|" + "---|" * (head.count("|") + 1))  # noqa: E731
pct = lambda v: f"{100 * v:.1f}%"  # noqa: E731


def speed_section() -> dict:
    from models.arrangement import lead
    from models.harmony.chords import Chord
    from models.harmony.progression import Segment
    from models.music.theory import Key

    started = time.perf_counter()
    model = lead.get_model()
    load_ms = 1000 * (time.perf_counter() - started)
    prog = [Chord(0, "maj"), Chord(7, "maj"), Chord(9, "min"), Chord(5, "maj")]
    segments = [Segment(4.0 * i, 4.0, prog[i % 4]) for i in range(WINDOW)]
    times = []
    for seed in range(50):
        started = time.perf_counter()
        model.write(segments, Key(0, "major"), 4, WINDOW, seed)
        times.append(1000 * (time.perf_counter() - started))
    out = {"load_ms": round(load_ms, 1), "write_8_bars_ms": round(statistics.median(times), 2)}
    table("speed | ms")
    print(
        f"| load (verified) | {out['load_ms']} |\n| 8 bars, median of 50 | {out['write_8_bars_ms']} |"
    )
    return out


def nats_section(songs: list, fit: bool) -> dict:
    from models.arrangement import lead

    if fit:
        from models.harmony.data import is_test
        from models.harmony.model import is_dev
        from models.train.lead import held_out_scores

        train = [s for s in songs if not is_test(s.song)]
        tuned = lead.fit(
            [s for s in train if not is_dev(s.song)], [s for s in train if is_dev(s.song)]
        )
        model = lead.fit(train)
        for name in ("pitch", "blind", "rhythm"):
            getattr(model, name).smoothing = getattr(tuned, name).smoothing
        scores = held_out_scores(model, train, [s for s in songs if is_test(s.song)])
    else:
        scores = lead.get_model().meta["config"]
    table("held out (" + ("fresh fit" if fit else "checkpoint config") + ") | nats | per")
    for name, value in scores["nats_per_note"].items():
        print(f"| pitch: {name} | {value:.3f} | note ({scores['test_notes']} notes) |")
    for name, value in scores["rhythm_nats_per_beat"].items():
        print(f"| rhythm: {name} | {value:.3f} | beat ({scores['test_beats']} beats) |")
    return {
        k: scores[k] for k in ("nats_per_note", "rhythm_nats_per_beat", "test_notes", "test_beats")
    }


def windows(songs: list) -> list[tuple[str, list]]:
    """Each held-out song's first usable 8-bar window (see the module docstring)."""
    from models.harmony.data import is_test

    out = []
    for song in (s for s in songs if is_test(s.song)):
        bars = song.bars
        for k in range(len(bars) - WINDOW + 1):
            run = bars[k : k + WINDOW]
            if (run[-1].index - run[0].index == WINDOW - 1
                    and len({(b.tonic, b.mode) for b in run}) == 1
                    and all(c is not None for b in run for _, c in b.chords)
                    and sum(bool(b.notes) for b in run) >= 6):  # fmt: skip
                out.append((song.song, run))
                break
    return out


def segments_of(run: list) -> list:
    from models.harmony.progression import Segment, merge_repeats

    segs = []
    for j, bar in enumerate(run):
        starts = [s for s, _ in bar.chords] + [16]
        segs += [Segment(j * 4 + a / 4, (b - a) / 4, c)
                 for (a, c), b in zip(bar.chords, starts[1:], strict=True)]  # fmt: skip
    return merge_repeats(segs)


def shares(notes: list[tuple[int, int, object]]) -> dict:
    """(step in bar, pitch, chord or None) -> chord-tone shares, strong beats, beats, all."""
    out = {}
    for name, steps in (("strong", STRONG), ("beats", BEATS), ("all", tuple(range(16)))):
        hits = [p % 12 in c.pcs for s, p, c in notes if s in steps and c is not None]
        out[name] = sum(hits) / max(len(hits), 1)
    return out


def stats_section(songs: list) -> dict:
    from models.arrangement import lead
    from models.arrangement.lead import _chord_lookup
    from models.harmony.data import is_test
    from models.music.theory import Key

    model, runs = lead.get_model(), windows(songs)
    blind = lead.LeadModel(model.blind, model.blind, model.rhythm)  # the chord left unheard
    gen, deaf, real, chance = [], [], [], []
    spans: dict[str, list] = {"generated": [], "POP909": []}
    notes_per_bar: dict[str, list] = {"generated": [], "POP909": []}
    for seed, (_, run) in enumerate(runs):
        segs = segments_of(run)
        chord_of = _chord_lookup(segs)
        key = Key(run[0].tonic, run[0].mode)
        written = model.write(segs, key, 4, WINDOW, seed)
        gen += [(round(n.start_beats * 4) % 16, n.pitch, chord_of(n.start_beats)) for n in written]
        deaf += [(round(n.start_beats * 4) % 16, n.pitch, chord_of(n.start_beats))
                 for n in blind.write(segs, key, 4, WINDOW, seed)]  # fmt: skip
        mine = [n for b in run for n in b.notes]
        real += [(n.step, n.pitch, n.chord) for n in mine]
        for name, pitches in (
            ("generated", [n.pitch for n in written]),
            ("POP909", [n.pitch for n in mine]),
        ):
            spans[name].append(max(pitches) - min(pitches))
            notes_per_bar[name].append(len(pitches) / WINDOW)
        scale = {(run[0].tonic + d) % 12 for d in SCALES[run[0].mode]}
        chance += [len(scale & set(c.pcs)) / 7 for b in run for s, c in b.chords if s in STRONG]
    every = [
        (n.step, n.pitch, n.chord)
        for s in songs
        if is_test(s.song)
        for b in s.bars
        for n in b.notes
    ]
    rows = {
        "generated": shares(gen),
        "generated, chord-blind chain": shares(deaf),
        "POP909, same windows": shares(real),
        "POP909, all held out": shares(every),
    }
    table(
        f"chord tones ({len(runs)} windows of {WINDOW} bars) | strong beats (1, 3) | every beat | all notes"
    )
    for name, row in rows.items():
        print(f"| {name} | {pct(row['strong'])} | {pct(row['beats'])} | {pct(row['all'])} |")
    print(f"| chance (even over the scale) | {pct(statistics.mean(chance))} | | |")
    table("same windows | notes per bar | pitch span (semitones) | lowest-highest")
    pitches = {"generated": [p for _, p, _ in gen], "POP909": [p for _, p, _ in real]}
    for name in ("generated", "POP909"):
        print(
            f"| {name} | {statistics.mean(notes_per_bar[name]):.2f} | {statistics.mean(spans[name]):.1f} "
            f"| {min(pitches[name])}-{max(pitches[name])} |"
        )
    return {"windows": len(runs), "chord_tones": rows, "chance_strong": statistics.mean(chance),
            "notes_per_bar": {k: statistics.mean(v) for k, v in notes_per_bar.items()},
            "span": {k: statistics.mean(v) for k, v in spans.items()}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit for the nats (about 20 s)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    from models.arrangement.lead_data import pop909_leads

    results = {"speed": speed_section()}
    print("reading POP909 (a few seconds)...", file=sys.stderr)
    songs = pop909_leads()
    results["nats"] = nats_section(songs, args.fit)
    results["stats"] = stats_section(songs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
