"""Benchmark of the neural generation engine: `python benchmarks/generation.py [--sections ...]`.

Sections (all but frames by default; frames trains four models, about 40 minutes on 2 cores):
- frames: frame-level NLL on the JSB Chorales and Nottingham test splits with a model of the
  engine's architecture trained on the train splits only (`models/generation/frames.py`),
  beside the published rows;
- events: log-likelihood of held-out music21 melodies (crc32(source) % 10 == 0) under the neural
  model and under the committed Markov melody model, both per Markov event (note or rest);
- speed: tokens per second at batch 1 and 8 (our numpy decoder, with and without the grammar
  and sampling), seconds for 32 bars, the FLOP bound from the measured matmul rate, and
  transformers' `generate()` on the same weights;
- stats: musical statistics of 100 generated pieces per style against the corpus.

Prints Markdown tables; `--json PATH` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KEYS = ["C", "D", "F", "G", "A", "Bb", "E", "Eb"]  # keys the statistics cycle through


def frames_section() -> dict:
    from benchmarks.frames.polyphonic import DEFAULT_ROOT, PUBLISHED_NLL
    from benchmarks.frames.transformer import evaluate

    if not DEFAULT_ROOT.exists():
        print(f"(frames: skipped, {DEFAULT_ROOT} is absent)")
        return {}
    out = {}
    for dataset in ("jsb", "nottingham"):
        for variant in ("tokens", "frames"):
            print(f"training on {dataset} ({variant})...", file=sys.stderr)
            r = evaluate(dataset, variant)
            r.pop("history", None)
            out[f"{dataset}/{variant}"] = r
    print("\n## Frame-level NLL, test split (nats per time step, lower is better)\n")
    print("| model | JSB | Nottingham |\n|---|---|---|")
    for variant, label in (("tokens", "keys in order, each given the lower ones (NADE-like)"),
                           ("frames", "88 independent keys given the past *")):  # fmt: skip
        j, n = out[f"jsb/{variant}"]["test_nll"], out[f"nottingham/{variant}"]["test_nll"]
        print(f"| Cadenza transformer, {label} | **{j:.2f}** | **{n:.2f}** |")
    for name, (j, n) in PUBLISHED_NLL.items():
        print(f"| {name} * | {j:.2f} | {n:.2f} |")
    return out


def _markov_events() -> dict[str, tuple[str, str, list, list]]:
    """Held-out melodies as the Markov model reads them: source -> (style, mode, tokens, metrics)."""
    from models.train.composition import is_held_out, line_tokens
    from models.train.corpus import STYLE_SOURCES

    out = {}
    for style in ("chorale", "folk", "irish"):
        for line in STYLE_SOURCES[style]():
            if is_held_out(line.source):
                tokens, metrics = line_tokens(line)
                out[f"{style}:{line.source}"] = (style, line.key.mode, tokens, metrics)
    return out


def events_section(corpus_path: Path | None) -> dict:
    from assistant.config import Settings
    from models.composition.engine import get_composer
    from models.generation.engine import get_generator
    from models.generation.vocab import DUR0, HEADER_LEN, ID, LEVELS, PITCH0, PITCH_LO, kind
    from models.train.generation import load_corpus

    gen, composer = get_generator(), get_composer()
    work = corpus_path or Settings().home / "cache" / "generation-train"
    print("reading the corpora (about a minute)...", file=sys.stderr)
    corpus = load_corpus(work, lambda *a: None)
    markov = _markov_events()
    pcs = np.array([(t - PITCH0 + PITCH_LO) % 12 if kind(t) == "Pitch" else -1
                    for t in range(gen.cfg.vocab_size)])  # fmt: skip
    moods = [(v, a) for v in LEVELS for a in LEVELS]
    sums: dict[str, dict[str, float]] = {}
    for i in corpus.split(held_out=True):
        name = f"{corpus.styles[i]}:{corpus.sources[i]}"
        if corpus.textures[i] != "melody" or name not in markov:
            continue
        style, mode, tokens, metrics = markov[name]
        seq = corpus.tokens[i].copy()
        body = seq[HEADER_LEN:]
        full, pcdur = [], []
        is_pitch = np.array([kind(t) == "Pitch" for t in body])
        is_dur = body >= DUR0
        for v, a in moods:  # the mood controls are measured from the piece: marginalise them
            seq[6], seq[7] = ID[f"Val_{v}"], ID[f"Aro_{a}"]
            rows = gen.log_probs(seq)
            picked = rows[np.arange(len(body)), body]
            full.append(picked.sum())
            pc_lp = [np.logaddexp.reduce(rows[j][pcs == pcs[t]]) for j, t in enumerate(body)
                     if is_pitch[j]]  # fmt: skip
            pcdur.append(sum(pc_lp) + picked[is_dur].sum())
        lme = lambda xs: float(np.logaddexp.reduce(xs) - math.log(len(xs)))  # noqa: E731
        s = sums.setdefault(style, {"pieces": 0, "events": 0, "markov": 0.0, "full": 0.0,
                                    "pcdur": 0.0})  # fmt: skip
        s["pieces"] += 1
        s["events"] += len(tokens)
        s["markov"] += composer.melody[style][mode].log_prob(tokens, metrics)
        s["full"] += lme(full)
        s["pcdur"] += lme(pcdur)
    print("\n## Held-out melodies: log-likelihood per Markov event (nats, higher is better)\n")
    print("| style | pieces / events | Markov (order 3 + metre) | neural, everything | "
          "neural, pitch class + duration |\n|---|---|---|---|---|")  # fmt: skip
    out = {}
    for style, s in sums.items():
        per = {k: s[k] / s["events"] for k in ("markov", "full", "pcdur")}
        out[style] = {**s, **{f"{k}_per_event": v for k, v in per.items()}}
        print(f"| {style} | {s['pieces']} / {s['events']:,} | {per['markov']:.3f} | "
              f"{per['full']:.3f} | **{per['pcdur']:.3f}** |")  # fmt: skip
    return out


def _matmul_rates() -> tuple[float, float]:
    """GFLOP/s of a large sgemm and of the decoder's own batch-1 products (2 threads)."""
    rng = np.random.default_rng(0)
    a, b = rng.random((1024, 1024), np.float32), rng.random((1024, 1024), np.float32)
    a @ b
    t = time.perf_counter()
    for _ in range(20):
        a @ b
    big = 20 * 2 * 1024**3 / (time.perf_counter() - t) / 1e9
    x = rng.random((1, 256), np.float32)
    ws = [rng.random(s, np.float32) for s in ((256, 768), (256, 256), (256, 1536), (768, 256))]
    flops = sum(2 * w.shape[0] * w.shape[1] for w in ws)
    t = time.perf_counter()
    for _ in range(2000):
        for w in ws:
            (x if w.shape[0] == 256 else np.ones((1, 768), np.float32)) @ w
    small = 2000 * flops / (time.perf_counter() - t) / 1e9
    return big, small


def _decode_rate(dec, batch: int, prompt: int = 64, steps: int = 384) -> float:  # noqa: ANN001
    dec.prefill(np.ones((batch, prompt), np.int64))
    tok = np.full(batch, 100, np.int64)
    t = time.perf_counter()
    for _ in range(steps):
        dec.step(tok)
    return batch * steps / (time.perf_counter() - t)


def _hf_rate(gen, batch: int, new: int = 384) -> float:  # noqa: ANN001
    import torch

    from models.checkpoints import CHECKPOINT_ROOT
    from models.generation.model import build_hf_model, load_into_hf, load_weights

    torch.set_num_threads(2)
    model = build_hf_model(gen.cfg).eval()
    weights, _ = load_weights(CHECKPOINT_ROOT / "generation-v1" / "model.safetensors")
    load_into_hf(model, {k: torch.from_numpy(v) for k, v in weights.items()})
    ids = torch.ones((batch, 64), dtype=torch.long)
    with torch.no_grad():
        model.generate(ids, max_new_tokens=8, do_sample=True, pad_token_id=0)
        t = time.perf_counter()
        model.generate(ids, max_new_tokens=new, min_new_tokens=new, do_sample=True, top_p=0.95,
                       temperature=0.9, pad_token_id=0)  # fmt: skip
    return batch * new / (time.perf_counter() - t)


def speed_section(with_hf: bool = True) -> dict:
    from models.generation.engine import Generator, Sampling
    from models.generation.pieces import Controls, generate
    from models.music.theory import parse_key

    t = time.perf_counter()
    gen = Generator.load()
    load = time.perf_counter() - t
    big, small = _matmul_rates()
    per_token = gen.cfg.flops_per_token(256)
    out: dict = {"load_sec": load, "sgemm_gflops": big, "gemv_gflops": small,
                 "flops_per_token": per_token}  # fmt: skip
    rates = {b: _decode_rate(gen.decoder, b) for b in (1, 8)}
    out["decoder_tok_s"] = rates
    runs = {}
    for label, controls, bars in (
        ("chorale, 4 parts", Controls(parse_key("D"), (4, 4), "chorale", True), 32),
        ("folk melody", Controls(parse_key("G"), (4, 4), "folk", False), 32),
    ):
        times, tokens = [], []
        for seed in range(5):
            t = time.perf_counter()
            w = generate(gen, controls, bars, Sampling(0.9, 0.95, seed))
            times.append(time.perf_counter() - t)
            tokens.append(w.tokens)
        runs[label] = {"sec_32_bars": statistics.median(times),
                       "tok_s": sum(tokens) / sum(times), "tokens": statistics.mean(tokens)}  # fmt: skip
    h = Controls(parse_key("D"), (4, 4), "chorale", True).header(32)
    t = time.perf_counter()
    drafts = gen.sample(h, [], Controls(parse_key("D"), (4, 4), "chorale", True).rules(32), 8,
                        Sampling(0.9, 0.95, 1))  # fmt: skip
    took, total = time.perf_counter() - t, sum(d.tokens for d in drafts)
    runs["chorale, 8 at once"] = {"sec_32_bars": took, "tok_s": total / took, "tokens": total}
    out["end_to_end"] = runs
    if with_hf:
        out["hf_generate_tok_s"] = {b: _hf_rate(gen, b) for b in (1, 8)}
    print("\n## Speed (this machine, 2 cores, one process)\n")
    print(f"Loading the checkpoint (numpy, no torch): {load:.2f} s. Matmul rate: {big:.0f} GFLOP/s "
          f"for a 1024x1024 sgemm, {small:.1f} GFLOP/s for the decoder's batch-1 products; one "
          f"token at 256 positions of context is {per_token / 1e6:.1f} MFLOP, so the bound is "
          f"{big * 1e9 / per_token:,.0f} tok/s at the sgemm rate and {small * 1e9 / per_token:,.0f} "
          "tok/s at the batch-1 rate.\n")  # fmt: skip
    print("| decoder | batch 1 tok/s | batch 8 tok/s |\n|---|---|---|")
    print(f"| Cadenza numpy decoder, KV cache | **{rates[1]:,.0f}** | **{rates[8]:,.0f}** |")
    if with_hf:
        hf = out["hf_generate_tok_s"]
        print(f"| transformers `generate()`, same weights | {hf[1]:,.0f} | {hf[8]:,.0f} |")
    print("\n| generation (grammar + sampling included) | tokens | seconds for 32 bars | tok/s |")
    print("|---|---|---|---|")
    for label, r in runs.items():
        print(
            f"| {label} | {r.get('tokens', 0):,.0f} | {r['sec_32_bars']:.2f} | {r['tok_s']:,.0f} |"
        )
    return out


def stats_section() -> dict:
    from models.composition.analysis import four_part_stats, pitch_class_entropy, pool
    from models.generation.engine import Sampling, get_generator
    from models.generation.pieces import Controls, generate
    from models.music.theory import parse_key

    gen = get_generator()
    rows = {}
    for style in ("chorale", "folk", "irish"):
        stats, in_scale, notes, entropies = [], 0, 0, []
        for seed in range(100):
            key = parse_key(KEYS[seed % 8], "minor" if seed % 3 == 0 else "major")
            meter = {"chorale": (4, 4), "folk": (3, 4) if seed % 2 else (4, 4),
                     "irish": (6, 8) if seed % 2 else (4, 4)}[style]  # fmt: skip
            c = Controls(key, meter, style, style == "chorale")
            w = generate(gen, c, 16, Sampling(0.9, 0.95, seed))
            if style == "chorale":
                voices = [[(n.pitch, n.start_beats, n.dur_beats) for n in v] for v in w.voices]
                stats.append(four_part_stats(voices, key, meter))
            else:
                pitches = [n.pitch for n in w.voices[0]]
                scale = key.scale_pcs(include_altered=key.mode == "minor")
                in_scale += sum(p % 12 in scale for p in pitches)
                notes += len(pitches)
                entropies.append(pitch_class_entropy(pitches))
        if stats:
            rows["neural chorale, 100 generated (4 parts by the model)"] = pool(stats)
        else:
            rows[f"neural {style}, 100 generated melodies"] = {
                "pieces": 100, "pitch_in_scale": in_scale / notes,
                "pc_entropy_bits": statistics.mean(entropies),
            }  # fmt: skip
    print("\n## Musical statistics (16-bar pieces, keys and modes varied)\n")
    print("| pieces | in scale | pitch-class entropy (bits) | chord tones on strong beats | "
          "parallel 5ths/8ves per 100 voice pairs |\n|---|---|---|---|---|")  # fmt: skip
    for name, r in rows.items():
        ct, par = r.get("strong_beat_chord_tones"), r.get("parallels_per_100_pairs")
        print(f"| {name} | {100 * r['pitch_in_scale']:.1f}% | {r['pc_entropy_bits']:.2f} | "
              f"{'-' if ct is None else f'{100 * ct:.1f}%'} | "
              f"{'-' if par is None else f'{par:.2f}'} |")  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="events,stats,speed")
    parser.add_argument("--corpus", type=Path, default=None, help="folder of corpus.npz")
    parser.add_argument("--no-hf", action="store_true", help="skip the transformers baseline")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    wanted = args.sections.split(",")
    results: dict = {}
    if "speed" in wanted:
        results["speed"] = speed_section(not args.no_hf)
    if "stats" in wanted:
        results["stats"] = stats_section()
    if "events" in wanted:
        results["events"] = events_section(args.corpus)
    if "frames" in wanted:
        results["frames"] = frames_section()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
