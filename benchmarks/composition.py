"""Benchmark of the composition engine: `python benchmarks/composition.py [--sections ...]`.

Sections (all by default):
- frames: frame-level NLL on the JSB Chorales and Nottingham test splits (nats per time step,
  sum over 88 keys), the classical frame model trained on the train splits only, beside the
  published rows of ../shared/data/README.md;
- notes: per-note log-likelihood of held-out music21 pieces (crc32(source) % 10 == 0) under the
  committed melody models, against a unigram and a first-order baseline trained on the same
  training split; plus the harmony HMM's beat-level chord accuracy on the held-out chorales;
- stats: musical statistics of 100 generated pieces per style against the corpus;
- speed: load time, median time to compose 64 bars in four parts, and file-writing times.

Prints Markdown tables; `--json PATH` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KEYS = ["C", "D", "F", "G", "A", "Bb", "E", "Eb"]  # keys the statistics cycle through


def frames_section() -> dict:
    from dataclasses import replace

    from benchmarks.frames.polyphonic import CONFIGS, DEFAULT_ROOT, PUBLISHED_NLL, evaluate

    if not DEFAULT_ROOT.exists():
        print(f"(frames: skipped, {DEFAULT_ROOT} is absent)")
        return {}
    out: dict = {}
    for dataset in ("jsb", "nottingham"):
        print(f"training the frame models on {dataset} (train split)...", file=sys.stderr)
        full = evaluate(dataset, baselines=True)
        flat = evaluate(dataset, config=replace(CONFIGS[dataset], within_frame=False))
        out[dataset] = {"full": full, "independent_keys": flat}
    jsb, nott = out["jsb"], out["nottingham"]
    print("\n## Frame-level NLL, test split (nats per time step, lower is better)\n")
    print("Rows marked * decide each key from the past only (keys independent within a frame),")
    print(
        "like the published RNN/TCN rows; the full model also reads the lower keys of the frame.\n"
    )
    print("| model | JSB | Nottingham |\n|---|---|---|")
    print(
        f"| Cadenza frame model, full (within-frame autoregressive) | "
        f"**{jsb['full']['test_nll']:.2f}** | **{nott['full']['test_nll']:.2f}** |"
    )
    print(
        f"| Cadenza frame model, keys independent given the past * | "
        f"{jsb['independent_keys']['test_nll']:.2f} | "
        f"{nott['independent_keys']['test_nll']:.2f} |"
    )
    for name, (j, n) in PUBLISHED_NLL.items():
        print(f"| {name} * | {j:.2f} | {n:.2f} |")
    for label, key in (
        ("previous-frame logistic *", "previous_frame_logistic"),
        ("independent Bernoulli per key *", "independent"),
    ):
        print(
            f"| baseline: {label} | {jsb['full']['baselines'][key]:.2f} | "
            f"{nott['full']['baselines'][key]:.2f} |"
        )
    for d, r in out.items():
        f = r["full"]
        print(
            f"\n{d}: valid {f['valid_nll']:.3f}, test {f['test_nll']:.3f} (first frames not "
            f"scored, as in locuslab/TCN: {f['test_nll_skip_first']:.3f}); "
            f"{f['params']:,} parameters, trained in {f['train_sec']} s on "
            f"{f['train_frames']:,} frames"
        )
    return out


def _tokens(line):  # noqa: ANN001, ANN202
    from models.train.composition import line_tokens

    return line_tokens(line)


def notes_section() -> dict:
    from models.composition.engine import get_composer
    from models.composition.harmony import chorale_training_piece
    from models.composition.markov import MarkovMelody
    from models.train.composition import is_held_out
    from models.train.corpus import STYLE_SOURCES, chorale_sopranos, chorale_voices

    composer = get_composer()
    print("reading the corpora (chorales take about 40 s)...", file=sys.stderr)
    chorales = list(chorale_voices())
    sources = {**STYLE_SOURCES, "chorale": lambda: chorale_sopranos(iter(chorales))}
    out: dict = {}
    print("\n## Per-note log-likelihood of held-out pieces (nats per note, higher is better)\n")
    print("| style | held-out pieces / notes | unigram | first-order | Cadenza (order 3 + metre, "
          "Witten-Bell) |\n|---|---|---|---|---|")  # fmt: skip
    for style in ("chorale", "folk", "irish"):
        uni = {m: MarkovMelody(order=0) for m in ("major", "minor")}
        first = {m: MarkovMelody(order=1) for m in ("major", "minor")}
        held = []
        for line in sources[style]():
            tokens, metrics = _tokens(line)
            if is_held_out(line.source):
                held.append((line.key.mode, tokens, metrics))
                continue
            flat = [0] * len(tokens)  # the baselines ignore metre
            uni[line.key.mode].fit_sequence(tokens, flat)
            first[line.key.mode].fit_sequence(tokens, flat)
        n_notes = sum(len(t) for _, t, _ in held)
        ll = {"unigram": 0.0, "first_order": 0.0, "cadenza": 0.0}
        for mode, tokens, metrics in held:
            flat = [0] * len(tokens)
            ll["unigram"] += uni[mode].log_prob(tokens, flat)
            ll["first_order"] += first[mode].log_prob(tokens, flat)
            ll["cadenza"] += composer.melody[style][mode].log_prob(tokens, metrics)
        per = {k: v / n_notes for k, v in ll.items()}
        out[style] = {"pieces": len(held), "notes": n_notes, **per}
        print(f"| {style} | {len(held)} / {n_notes:,} | {per['unigram']:.3f} | "
              f"{per['first_order']:.3f} | **{per['cadenza']:.3f}** |")  # fmt: skip
    # Harmony: Viterbi chords from the soprano alone against the chords Bach wrote.
    hits = total = 0
    for c in chorales:
        if not is_held_out(c.source):
            continue
        hmm = composer.harmony[c.key.mode]
        truth, slots = chorale_training_piece(c.voices, c.key)
        for want, got in zip(truth, hmm.viterbi(slots), strict=True):
            if want in hmm.index:
                total += 1
                hits += want == got
    out["harmony_chord_accuracy"] = hits / max(total, 1)
    out["harmony_beats"] = total
    print(f"\nHarmony HMM: Viterbi chords from the soprano alone match Bach's chord on "
          f"{100 * hits / max(total, 1):.1f}% of {total:,} held-out beats (chords in the model's "
          "vocabulary).")  # fmt: skip
    out["_chorales"] = chorales
    return out


def stats_section(chorales=None) -> dict:  # noqa: ANN001
    from models.composition.analysis import four_part_stats, pitch_class_entropy, pool
    from models.composition.engine import MelodyRequest, get_composer
    from models.music.theory import parse_key
    from models.train.composition import is_held_out
    from models.train.corpus import STYLE_SOURCES, chorale_voices

    composer = get_composer()
    if chorales is None:
        print("reading the chorales...", file=sys.stderr)
        chorales = list(chorale_voices())
    rows = {}
    bach = pool([four_part_stats(c.voices, c.key, c.meter) for c in chorales])
    rows["Bach chorales (corpus, 4 parts)"] = bach
    for style in ("chorale", "folk", "irish"):
        stats = []
        for seed in range(100):
            key = parse_key(KEYS[seed % 8], "minor" if seed % 3 == 0 else "major")
            meter = {"chorale": (4, 4), "folk": (3, 4) if seed % 2 else (4, 4),
                     "irish": (6, 8) if seed % 2 else (4, 4)}[style]  # fmt: skip
            comp = composer.compose(MelodyRequest(key=key, meter=meter, bars=16, seed=seed,
                                                  style=style))  # fmt: skip
            voices = [[(n.pitch, n.start_beats, n.dur_beats) for n in t.notes]
                      for t in comp.piece.tracks]  # fmt: skip
            stats.append(four_part_stats(voices, key, meter))
        rows[f"Cadenza {style}, 100 generated (4 parts)"] = pool(stats)
    # Melody-only corpora (no written harmony): the two melodic statistics, on held-out tunes.
    for style in ("folk", "irish"):
        in_scale = notes = 0
        entropies = []
        for line in STYLE_SOURCES[style]():
            if not is_held_out(line.source):
                continue
            scale = line.key.scale_pcs(include_altered=line.key.mode == "minor")
            in_scale += sum(p % 12 in scale for p in line.pitches)
            notes += len(line.pitches)
            entropies.append(pitch_class_entropy(line.pitches))
        rows[f"{style} corpus melodies (held-out)"] = {
            "pieces": len(entropies),
            "pitch_in_scale": in_scale / notes,
            "pc_entropy_bits": statistics.mean(entropies),
        }
    print("\n## Musical statistics\n")
    print("| pieces | in scale | pitch-class entropy (bits) | chord tones on strong beats | "
          "parallel 5ths/8ves per 100 voice pairs |\n|---|---|---|---|---|")  # fmt: skip
    for name, r in rows.items():
        ct = r.get("strong_beat_chord_tones")
        par = r.get("parallels_per_100_pairs")
        print(f"| {name} | {100 * r['pitch_in_scale']:.1f}% | {r['pc_entropy_bits']:.2f} | "
              f"{'-' if ct is None else f'{100 * ct:.1f}%'} | "
              f"{'-' if par is None else f'{par:.2f}'} |")  # fmt: skip
    return rows


def speed_section() -> dict:
    from models.composition.engine import Composer, MelodyRequest
    from models.music.export import export_piece
    from models.music.theory import parse_key

    start = time.perf_counter()
    composer = Composer.load()
    load = time.perf_counter() - start
    out: dict = {"load_sec": load}
    print("\n## Speed (this machine, one process)\n")
    print(f"Loading the checkpoint: {load:.2f} s\n")
    print("| style | median ms to compose 64 bars in 4 parts | p90 ms |\n|---|---|---|")
    for style in ("chorale", "folk", "irish"):
        times = []
        for seed in range(60):
            req = MelodyRequest(key=parse_key(KEYS[seed % 8]), bars=64, seed=seed, style=style)
            t = time.perf_counter()
            composer.compose(req)
            times.append(1000 * (time.perf_counter() - t))
        times = times[10:]  # the first calls fill the model's context caches
        med, p90 = statistics.median(times), sorted(times)[int(0.9 * len(times))]
        out[style] = {"median_ms": med, "p90_ms": p90}
        print(f"| {style} | {med:.1f} | {p90:.1f} |")
    piece = composer.compose(MelodyRequest(key=parse_key("D"), bars=64, seed=1)).piece
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        files, note = export_piece(piece, Path(tmp) / "bench.mid", audio=True)
        total = time.perf_counter() - t
    out["export_sec"] = total
    print(f"\nWriting MIDI + MusicXML + WAV for that 64-bar chorale ({piece.duration_sec:.0f} s of "
          f"music): {total:.2f} s (first call, includes importing music21)"
          + (f"; {note}" if note else ""))  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="frames,notes,stats,speed")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    wanted = args.sections.split(",")
    results: dict = {}
    if "speed" in wanted:
        results["speed"] = speed_section()
    chorales = None
    if "notes" in wanted:
        results["notes"] = notes_section()
        chorales = results["notes"].pop("_chorales")
    if "stats" in wanted:
        results["stats"] = stats_section(chorales)
    if "frames" in wanted:
        results["frames"] = frames_section()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=_jsonable))


def _jsonable(value):  # noqa: ANN001, ANN202
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


if __name__ == "__main__":
    main()
