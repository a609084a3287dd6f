"""Benchmark of the drum engine: `python benchmarks/drums.py [--sections ...]`.

Sections (all by default; under a minute on 2 cores):
- nats: held-out log-likelihood per step (nats) on the Groove MIDI Dataset's test split
  (performances with split == "test"), the shipped back-off chain against a unigram-per-step and
  a first-order baseline, all three fitted on the train split only (as `cadenza train drums`
  does); overall, and for beats and fills apart;
- style: style control. A classifier that knows nothing of the generator (logistic regression on
  per-bar features: 9 drums x 16 steps of hits, and hits per drum) is trained on real train-split
  4/4 groove bars of every learned style with enough of them; it labels the real test-split bars
  (the ceiling) and 100 generated bars per style (25 beats of 4 bars, no fills, seeds 0-24, the
  style's default tempo). A generated beat starts from a bar a train drummer played, so the same
  classifier is also cross-validated (5 folds by performance): real train bars, and generated
  beats, each labelled by the fold that never saw the performance(s) it came from. Rule styles
  have no real bars: for every style with rules, how often each rule holds in generated groove
  bars (without fills, and with a fill every 4 bars);
- stats: per style, generated against real test-split bars: hits per bar per drum, syncopation
  (share of hits on the off-beat 16ths, steps 1, 3, 5...), velocity spread, micro-timing spread
  per drum, and the share of bars played as fills;
- speed: model load, median time to write 8 bars once loaded (goal: under 10 ms), and the cold
  start of the `drums` tool in a fresh process (imports, model, MIDI file; no audio).

Prints Markdown tables; `--json PATH` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
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

BEATS, BARS = 25, 4  # generated: 25 beats of 4 bars (100 bars) per style
MIN_TRAIN_BARS = 80  # a learned style needs this many real train groove bars to be a class
MIN_HITS = 4  # a bar with fewer hits is a gap in a performance, not a groove bar
DRUMS = ("kick", "snare", "hats", "ride")  # the statistics' drums ("hats": closed and open)


def _group(name: str) -> str:
    return "hats" if name in ("closed_hat", "open_hat") else name


def _performances() -> dict[str, list]:
    from models.drums.data import read_bars

    print("reading the Groove MIDI Dataset (about 10 s)...", file=sys.stderr)
    split: dict[str, list] = defaultdict(list)
    for bars in read_bars():
        split[bars[0].split].append(bars)
    return split


# ---------------------------------------------------------------------------------------------
# nats


def nats_section(split: dict[str, list]) -> dict:
    from models.drums import model as m
    from models.drums.engine import get_engine

    def contexts(ps: list) -> object:
        for bars in ps:
            yield from m.step_contexts(bars)

    test = split["test"]
    parts = {"all": test, "beats": [p for p in test if not p[0].fill],
             "fills": [p for p in test if p[0].fill]}  # fmt: skip
    steps = {k: sum(len(b.symbols) for p in ps for b in p) for k, ps in parts.items()}
    models = {
        "shipped chain (style, fill, meter, position, previous step, same step of the core bar)":
            m.StepModel.fit(contexts(split["train"])),
        "first-order (previous step, meter)": m.StepModel.fit(contexts(split["train"]),
                                                              m.FIRST_ORDER_CHAIN),
        "unigram per step (style, fill, meter, position)": m.StepModel.fit(
            contexts(split["train"]), m.UNIGRAM_CHAIN),
    }  # fmt: skip
    out: dict = {"performances": {k: len(v) for k, v in parts.items()}, "steps": steps,
                 "nats_per_step": {}}  # fmt: skip
    for label, model in models.items():
        out["nats_per_step"][label] = {k: m.nats_per_step(model, ps) for k, ps in parts.items()}
    shipped = get_engine().steps
    out["checkpoint_equals_refit"] = math.isclose(
        m.nats_per_step(shipped, test), next(iter(out["nats_per_step"].values()))["all"]
    )
    config = json.loads((ROOT / "models/checkpoints/drums-v1/config.json").read_text())
    out["validation_nats_per_step"] = config["validation_nats_per_step"]
    vocab = len(shipped.vocab)
    print("\n## Held-out log-likelihood per step (Groove test split, nats, lower is better)\n")
    print(f"{len(test)} test performances ({len(parts['beats'])} beats, {len(parts['fills'])} "
          f"fills), {steps['all']:,} 16th steps; every model fitted on the train split only. "
          f"A step is one of {vocab} symbols (the set of drums hit there); a uniform guess is "
          f"{math.log(vocab + 1):.2f} nats.\n")  # fmt: skip
    print("| model | all | beats | fills | validation (`cadenza train drums`) |")
    print("|---|---|---|---|---|")
    valid = {0: "model", 1: "first_order", 2: "unigram_per_step"}
    for i, (label, r) in enumerate(out["nats_per_step"].items()):
        b = "**" if i == 0 else ""
        v = out["validation_nats_per_step"][valid[i]]
        print(f"| {label} | {b}{r['all']:.3f}{b} | {b}{r['beats']:.3f}{b} | "
              f"{b}{r['fills']:.3f}{b} | {v:.3f} |")  # fmt: skip
    print(
        f"\nThe committed checkpoint scores the same as the refit: "
        f"{'yes' if out['checkpoint_equals_refit'] else 'NO'}."
    )
    return out


# ---------------------------------------------------------------------------------------------
# generated beats


def _generate(styles: list[str], fills_every: int, bars: int = BARS) -> dict[str, list]:
    """Per style, BEATS beats of `bars` bars: [(beat, bar index, fill?, [hits])]."""
    from models.drums.engine import DrumRequest, get_engine
    from models.drums.styles import STYLES

    engine = get_engine()
    out: dict[str, list] = {}
    for style in styles:
        rows = []
        for seed in range(BEATS):
            req = DrumRequest(style, STYLES[style].tempo[1], bars=bars, seed=seed,
                              fills_every=fills_every)  # fmt: skip
            beat = engine.write(req)
            per_bar: dict[int, list] = defaultdict(list)
            for h in beat.hits:
                per_bar[h.bar].append(h)
            rows += [(seed, b, b in beat.fills, per_bar[b]) for b in range(bars)]
        out[style] = rows
    return out


def _features(hits: list[tuple[int, str]]) -> np.ndarray:
    """9 learned drums x 16 steps of hits (0/1), then hits per drum."""
    from models.drums.kit import LEARNED

    grid = np.zeros((len(LEARNED), 16), np.float32)
    for step, name in hits:
        if name in LEARNED and step < 16:
            grid[LEARNED.index(name), step] = 1.0
    return np.concatenate([grid.ravel(), grid.sum(1)])


def _real_groove_bars(performances: list, styles: set[str]) -> list:
    return [b for p in performances for b in p if b.style in styles and b.meter == "4/4"
            and not b.fill and len(b.hits) >= MIN_HITS]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# style control


def _rule_checks(style, rows: list) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    """For each rule of a style: (groove bars where it holds, groove bars). A forbidden snare
    whose part a clap plays is checked on the clap (only the rule can put one there); where a rim
    plays it, on the snare (the drummers' own cross-stick strokes are the rim's too)."""
    from models.drums.engine import _forbidden, _sound
    from models.drums.kit import LEARNED

    checks: dict[str, tuple[int, int]] = {}
    groove = [hits for _, _, fill, hits in rows if not fill]
    for name, steps in style.require.items():
        label = f"{name} on {','.join(map(str, steps))}"
        ok = sum(set(steps) <= {h.step for h in hits if h.name == name} for hits in groove)
        checks[label] = (ok, len(groove))
    for name, steps in style.forbid.items():
        sound = _sound(style, name)
        sound = name if sound in LEARNED else sound
        required = tuple(style.require.get(sound, ()))
        if steps == "others" or (steps == "all" and required):
            label = f"{sound} nowhere else"
        elif steps == "all":
            label = f"no {sound}"
        elif steps == "offbeats":
            label = f"no {sound} off the beats"
        else:
            label = f"no {sound} on {','.join(map(str, steps))}"
        label += f" (no {name})" if sound != name else ""
        ok = sum(not any(h.name == sound and _forbidden(steps, h.step, required)
                         and h.step not in required for h in hits) for hits in groove)  # fmt: skip
        checks[label] = (ok, len(groove))
    return checks


def _all_hold(style, rows: list) -> int:  # noqa: ANN001
    """Groove bars where every rule of the style holds."""
    bars = [[row] for row in rows if not row[2]]
    return sum(all(ok for ok, _ in _rule_checks(style, bar).values()) for bar in bars)


def _core_sources(train: list, styles: list[str], generated: dict[str, list]) -> dict:
    """(style, seed) -> the train performances that played the generated beat's first bar (its
    core: the engine's first draw from `random.Random(seed)`, replayed here)."""
    import random

    from models.drums.engine import DrumRequest, get_engine
    from models.drums.kit import BIT, LEARNED
    from models.drums.model import Cores
    from models.drums.styles import STYLES

    played: dict[tuple, set[int]] = defaultdict(set)
    for i, bars in enumerate(train):
        for bar in bars:
            if not bar.fill and bar.meter == "4/4":
                played[(bar.style, tuple(x & Cores.STRIP for x in bar.symbols))].add(i)
    engine, out = get_engine(), {}
    for style in styles:
        spec = STYLES[style]
        for seed in range(BEATS):
            req = DrumRequest(style, spec.tempo[1], bars=BARS, seed=seed, fills_every=0)
            core = engine._core(req, spec, random.Random(seed))
            beat, bar, _, hits = generated[style][seed * BARS]
            assert (beat, bar) == (seed, 0)
            first = {(h.step, h.name) for h in hits}
            expected = {(pos, n) for pos, x in enumerate(core) for n in LEARNED
                        if x & BIT[n] and n not in spec.forbid}  # fmt: skip
            assert expected <= first, f"{style} seed {seed}: the replayed core is not bar 1"
            out[(style, seed)] = played[(style, tuple(core))]
            assert out[(style, seed)], f"{style} seed {seed}: no train performance played its core"
    return out


def _groups(n_performances: int, linked: list[set[int]]) -> list[int]:
    """A cross-validation group per train performance: performances that played the same
    generated beat's core share one (so a fold's classifier never saw any of them)."""
    parent = list(range(n_performances))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for group in linked:
        first, *rest = sorted(group)
        for j in rest:
            parent[root(j)] = root(first)
    return [root(i) for i in range(n_performances)]


def style_section(split: dict[str, list]) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from models.drums.styles import STYLES

    learned = {s for s, spec in STYLES.items() if spec.learned}
    performance = {id(b): i for i, p in enumerate(split["train"]) for b in p}
    train_bars = _real_groove_bars(split["train"], learned)
    counts = Counter(b.style for b in train_bars)
    classes = sorted(s for s in learned if counts[s] >= MIN_TRAIN_BARS)
    train_bars = [b for b in train_bars if b.style in classes]
    test_bars = _real_groove_bars(split["test"], set(classes))
    test_perfs = Counter(p[0].style for p in split["test"]
                         if p[0].meter == "4/4" and not p[0].fill)  # fmt: skip
    x = np.stack([_features([(h[0], h[1]) for h in b.hits]) for b in train_bars])
    y = np.array([b.style for b in train_bars])

    def make():  # noqa: ANN202
        return make_pipeline(StandardScaler(), LogisticRegression(
            C=0.1, max_iter=3000, class_weight="balanced"))  # fmt: skip

    print(f"training the style classifier on {len(y):,} bars (and 5 folds)...", file=sys.stderr)
    clf = make().fit(x, y)
    generated = _generate(classes, fills_every=0)
    sources = _core_sources(split["train"], classes, generated)
    group_of = _groups(len(split["train"]), list(sources.values()))
    groups = [group_of[performance[id(b)]] for b in train_bars]
    cv_pred = np.empty(len(y), dtype=object)
    fold_models, fold_of = [], {}
    for k, (fit, held) in enumerate(GroupKFold(5).split(x, y, groups)):
        fold_models.append(make().fit(x[fit], y[fit]))
        cv_pred[held] = fold_models[-1].predict(x[held])
        fold_of.update({groups[i]: k for i in held})
    real_pred = clf.predict(np.stack([_features([(h[0], h[1]) for h in b.hits])
                                      for b in test_bars]))  # fmt: skip
    out: dict = {"classes": classes, "train_bars": dict(sorted(counts.items())),
                 "skipped": sorted(learned - set(classes)), "per_style": {}}  # fmt: skip
    for style in classes:
        rows = generated[style]
        feats = np.stack([_features([(h.step, h.name) for h in hits]) for _, _, _, hits in rows])
        pred = clf.predict(feats)
        blind = np.array([fold_models[fold_of[group_of[min(sources[(style, seed)])]]].predict(
            feats[i:i + 1])[0] for i, (seed, _, _, _) in enumerate(rows)])  # fmt: skip
        drawn = [p for p, (_, bar, _, _) in zip(pred, rows, strict=True) if bar > 0]
        real = [p for p, b in zip(real_pred, test_bars, strict=True) if b.style == style]
        cv = cv_pred[y == style]
        out["per_style"][style] = {
            "train_bars": counts[style],
            "train_cv_accuracy": float(np.mean(cv == style)),
            "real_test_performances": test_perfs[style],
            "real_test_bars": len(real),
            "real_accuracy": (sum(p == style for p in real) / len(real)) if real else None,
            "generated_bars": len(pred),
            "generated_accuracy": float(np.mean(pred == style)),
            "generated_accuracy_bars_2_4": sum(p == style for p in drawn) / len(drawn),
            "generated_blind_accuracy": float(np.mean(blind == style)),
            "generated_labelled_as": dict(Counter(pred.tolist())),
            "generated_blind_labelled_as": dict(Counter(blind.tolist())),
            "real_labelled_as": dict(Counter(real)),
            "train_cv_labelled_as": dict(Counter(cv.tolist())),
            "most_confused_with": Counter(p for p in pred if p != style).most_common(2),
            "real_most_confused_with": Counter(p for p in real if p != style).most_common(2),
        }
    per = out["per_style"]
    with_test = [s for s in classes if per[s]["real_test_bars"]]
    mean = lambda key, ss=classes: statistics.mean(per[s][key] for s in ss)  # noqa: E731
    out["summary"] = {
        "real_test_accuracy_all_bars": float(np.mean(real_pred == [b.style for b in test_bars])),
        "train_cv_accuracy_all_bars": float(np.mean(cv_pred == y)),
        "styles_with_test_bars": with_test,
        **{f"{k}_mean": mean(k) for k in ("train_cv_accuracy", "generated_accuracy",
                                          "generated_accuracy_bars_2_4",
                                          "generated_blind_accuracy")},
        **{f"{k}_mean_styles_with_test": mean(k, with_test)
           for k in ("real_accuracy", "train_cv_accuracy", "generated_accuracy",
                     "generated_blind_accuracy")},
    }  # fmt: skip
    sm = out["summary"]
    print("\n## Style control: a separate classifier labels real and generated bars\n")
    print(f"Logistic regression (standardised, C 0.1, classes balanced) on {len(y):,} real "
          f"train-split 4/4 groove bars of the {len(classes)} learned styles with at least "
          f"{MIN_TRAIN_BARS} of them ({', '.join(out['skipped'])}: fewer); features: 9 drums x 16 "
          f"steps of hits, and hits per drum. Chance is {100 / len(classes):.1f}%. Generated: "
          f"{BEATS} beats x {BARS} bars per style (seeds 0-{BEATS - 1}, no fills, the style's "
          "default tempo). \"5-fold\" columns: the same classifier trained 5 times, each time "
          "without a fifth of the train performances; a real train bar is labelled by the one "
          "that never saw its performance, a generated beat by the one that never saw the "
          "performance its first bar (its core, a bar a train drummer played) came from. "
          "\"Bars 2-4\": the bars the step model draws against the core.\n")  # fmt: skip
    print("| style | real bars: train / test (test performances) | real test | real train, "
          "5-fold | generated | generated, 5-fold | generated, bars 2-4 | generated mistaken "
          "for | real test mistaken for |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    pct = lambda v: "-" if v is None else f"{100 * v:.0f}%"  # noqa: E731
    for style, r in per.items():
        wrong = ", ".join(f"{s} {n}" for s, n in r["most_confused_with"]) or "-"
        real_wrong = ", ".join(f"{s} {n}" for s, n in r["real_most_confused_with"]) or "-"
        print(f"| {STYLES[style].label} | {r['train_bars']:,} / {r['real_test_bars']} "
              f"({r['real_test_performances']}) | {pct(r['real_accuracy'])} | "
              f"{pct(r['train_cv_accuracy'])} | **{pct(r['generated_accuracy'])}** | "
              f"{pct(r['generated_blind_accuracy'])} | {pct(r['generated_accuracy_bars_2_4'])} | "
              f"{wrong} | {real_wrong} |")  # fmt: skip
    print(f"| mean over the {len(classes)} styles | | - | {pct(sm['train_cv_accuracy_mean'])} | "
          f"**{pct(sm['generated_accuracy_mean'])}** | {pct(sm['generated_blind_accuracy_mean'])} "
          f"| {pct(sm['generated_accuracy_bars_2_4_mean'])} | | |")  # fmt: skip
    print(f"| mean over the {len(with_test)} with test bars | | "
          f"{pct(sm['real_accuracy_mean_styles_with_test'])} | "
          f"{pct(sm['train_cv_accuracy_mean_styles_with_test'])} | "
          f"**{pct(sm['generated_accuracy_mean_styles_with_test'])}** | "
          f"{pct(sm['generated_blind_accuracy_mean_styles_with_test'])} | | | |")  # fmt: skip
    out["rules"] = rules_section()
    return out


def rules_section() -> dict:
    from models.drums.styles import STYLES

    ruled = [s for s, spec in STYLES.items() if spec.require or spec.forbid]
    sets = {"no fills": _generate(ruled, 0), "fill every 4 bars": _generate(ruled, 4, 2 * BARS)}
    out: dict = {}
    for label, generated in sets.items():
        for style in ruled:
            for rule, (ok, n) in _rule_checks(STYLES[style], generated[style]).items():
                out.setdefault(style, {}).setdefault(rule, {})[label] = [ok, n]
    print("\n### Style rules in generated groove bars\n")
    print(f"Every style with rules, {BEATS} beats at its default tempo (seeds 0-{BEATS - 1}): "
          f"{BARS} bars without fills, and {2 * BARS} bars with the default fill every 4 bars "
          "(so a groove bar follows a fill). A rule is counted on every groove bar; fill bars "
          "are exempt by design. Steps are 16ths of a 4/4 bar, beat 1 = 0.\n")  # fmt: skip
    print("| style | rules | groove bars where every rule holds: no fills | fill every 4 bars |")
    print("|---|---|---|---|")
    for style, rules in out.items():
        cells = []
        for generated in sets.values():
            groove = [hits for _, _, fill, hits in generated[style] if not fill]
            every = _all_hold(STYLES[style], generated[style])
            cell = f"{100 * every / len(groove):.0f}% of {len(groove)}"
            cells.append(cell if every == len(groove) else f"**{cell}**")
        print(f"| {STYLES[style].label} | {'; '.join(rules)} | {cells[0]} | {cells[1]} |")
    broken = [(s, rule) for s, rules in out.items() for rule, r in rules.items()
              if any(ok < n for ok, n in r.values())]  # fmt: skip
    print(
        "\nEvery rule holds in every groove bar."
        if not broken
        else "\nRules broken: "
        + "; ".join(
            f"{s} {r} ({', '.join(f'{ok} of {n} {k}' for k, (ok, n) in out[s][r].items())})"
            for s, r in broken
        )
        + "."
    )
    return out


# ---------------------------------------------------------------------------------------------
# statistics


def _bar_stats(bars: list[list[tuple[int, str, int, float]]]) -> dict:
    """Statistics of bars given as (step, name, velocity, offset) hits."""
    n = len(bars)
    per_drum = Counter(_group(h[1]) for hits in bars for h in hits)
    every = [h for hits in bars for h in hits]
    offsets = defaultdict(list)
    for h in every:
        offsets[_group(h[1])].append(h[3])
    sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else None  # noqa: E731
    return {
        "bars": n,
        "hits_per_bar": {d: per_drum[d] / n for d in DRUMS} | {"all": len(every) / n},
        "offbeat_16th_share": sum(h[0] % 2 == 1 for h in every) / max(len(every), 1),
        "velocity_sd": sd([h[2] for h in every]),
        "offset_sd": {d: sd(offsets[d]) for d in DRUMS},
    }


def _real_stats(performances: list, styles: set[str]) -> dict[str, dict]:
    """Per style: the statistics of its 4/4 groove bars, and the share of its bars in fills."""
    grooves = _real_groove_bars(performances, styles)
    by: dict[str, list] = defaultdict(list)
    for b in grooves:
        by[b.style].append(b.hits)
    fills: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in performances:
        for b in p:
            if b.meter == "4/4" and len(b.hits) >= MIN_HITS:
                fills[b.style][0] += b.fill
                fills[b.style][1] += 1
    return {s: _bar_stats(by[s]) | {"fill_share": fills[s][0] / fills[s][1]} for s in by}


def stats_section(split: dict[str, list]) -> dict:
    from models.drums.styles import STYLES

    styles = list(STYLES)
    grooves = _generate(styles, 0)
    with_fills = _generate(styles, 4)
    real = {"real_test": _real_stats(split["test"], set(styles)),
            "real_train": _real_stats(split["train"], set(styles))}  # fmt: skip
    out: dict = {}
    for style in styles:
        gen = [[(h.step, h.name, h.velocity, h.offset) for h in hits
                if not (h.name == "closed_hat" and h.offset >= 0.5)]  # a trap roll's strokes
               for _, _, _, hits in grooves[style]]  # fmt: skip
        fills = sum(f for _, _, f, _ in with_fills[style])
        row = {"generated": _bar_stats(gen) | {"fill_share": fills / len(with_fills[style])}}
        row |= {k: v[style] for k, v in real.items() if style in v}
        out[style] = row
    f = lambda v, d=1: "-" if v is None else f"{v:.{d}f}"  # noqa: E731
    print("\n## Statistics: generated against real test-split bars (4/4)\n")
    print(f"Generated: {BEATS} beats x {BARS} bars per style at its default tempo, no fills "
          f"(the fill share: the same beats with a fill every 4 bars, the default). Real: the "
          f"test split's 4/4 groove bars, or the train split's for styles the test split lacks "
          f"(fill share: bars of fill performances among all its bars). Hits per bar; \"off "
          f"16ths\": share of hits on the 16ths between eighths (steps 1, 3, 5...); spreads are "
          f"standard deviations of velocity (1-127, all hits) and of the offset from the grid "
          f"(in 16th steps, swing included).\n")  # fmt: skip
    head = (
        "| style | bars | kick | snare | hats | ride | all | off 16ths | velocity sd | "
        "offset sd kick | snare | hats | ride | fills |"
    )
    print(head + "\n|" + "---|" * (head.count("|") - 1))
    for style, row in out.items():
        shown = ["generated", "real_test" if "real_test" in row else "real_train"]
        for which, r in ((w, row[w]) for w in shown if w in row):
            name = {"generated": STYLES[style].label, "real_test": "  real test",
                    "real_train": "  real train (no test bars)"}[which]  # fmt: skip
            name += "" if STYLES[style].learned or which != "generated" else " (rule)"
            h, o = r["hits_per_bar"], r["offset_sd"]
            print(f"| {name} | {r['bars']} | {f(h['kick'])} | {f(h['snare'])} | "
                  f"{f(h['hats'])} | {f(h['ride'])} | {f(h['all'])} | "
                  f"{100 * r['offbeat_16th_share']:.0f}% | "
                  f"{f(r['velocity_sd'])} | {f(o['kick'], 3)} | {f(o['snare'], 3)} | "
                  f"{f(o['hats'], 3)} | {f(o['ride'], 3)} | "
                  f"{100 * r['fill_share']:.0f}% |")  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------------
# speed

COLD = """
import sys, time
t = time.perf_counter()
sys.path.insert(0, {root!r})
from assistant.config import Settings
from tools import REGISTRY
from tools.base import ToolContext
settings = Settings()
ctx = ToolContext(settings=settings)
r = REGISTRY["drums"](ctx, style="hiphop", bars=8, seed=1, audio=False)
assert r.ok and any(f.endswith(".mid") for f in r.files), r
print(time.perf_counter() - t)
"""


def speed_section(runs: int = 5) -> dict:
    from models.drums.engine import FOLDER, DrumEngine, DrumRequest, get_engine
    from models.drums.styles import STYLES

    loads = []
    for _ in range(3):
        get_engine.cache_clear()
        t = time.perf_counter()
        engine: DrumEngine = get_engine(FOLDER)
        loads.append(time.perf_counter() - t)
    times: dict[str, list[float]] = defaultdict(list)
    for style in STYLES:
        for seed in range(20):
            req = DrumRequest(style, STYLES[style].tempo[1], bars=8, seed=seed)
            t = time.perf_counter()
            engine.write(req)
            times[style].append(time.perf_counter() - t)
    every = [x for xs in times.values() for x in xs]
    cold, inside = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CADENZA_HOME": str(Path(tmp) / "home"), "CADENZA_WORKSPACE": tmp}
        code = COLD.format(root=str(ROOT))
        for _ in range(runs):
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp,
                                  capture_output=True, text=True, check=True)  # fmt: skip
            cold.append(time.perf_counter() - t)
            inside.append(float(done.stdout.split()[-1]))
    out = {
        "load_sec": statistics.median(loads),
        "write_8_bars_ms": {"median": 1000 * statistics.median(every),
                            "p95": 1000 * float(np.percentile(every, 95)),
                            "per_style_median": {s: 1000 * statistics.median(v)
                                                 for s, v in times.items()}},
        "cold_tool_call_sec": {"median": statistics.median(cold), "min": min(cold),
                               "max": max(cold), "runs": runs,
                               "after_interpreter_start_median": statistics.median(inside)},
    }  # fmt: skip
    slow = max(out["write_8_bars_ms"]["per_style_median"].items(), key=lambda kv: kv[1])
    w, c = out["write_8_bars_ms"], out["cold_tool_call_sec"]
    print("\n## Speed (this machine, one process)\n")
    print("| what | figure |\n|---|---|")
    print(f"| drum model load (manifest check, gzipped JSON) | {1000 * out['load_sec']:.0f} ms |")
    print(f"| write 8 bars, model loaded ({len(STYLES)} styles x 20 seeds, default tempo, fills) "
          f"| **{w['median']:.2f} ms** median, p95 {w['p95']:.2f} ms, slowest style {slow[0]} "
          f"{slow[1]:.2f} ms (goal: under 10 ms) |")  # fmt: skip
    print(f"| cold `drums` tool call in a fresh `python -c` (imports, model, 8-bar MIDI file, "
          f"no audio), end to end | **{c['median']:.2f} s** median of {runs} ({c['min']:.2f}-"
          f"{c['max']:.2f} s); {c['after_interpreter_start_median']:.2f} s after the "
          f"interpreter's start |")  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="nats,style,stats,speed")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    wanted = args.sections.split(",")
    results: dict = {}
    split = _performances() if {"nats", "style", "stats"} & set(wanted) else {}
    if "nats" in wanted:
        results["nats"] = nats_section(split)
    if "style" in wanted:
        results["style"] = style_section(split)
    if "stats" in wanted:
        results["stats"] = stats_section(split)
    if "speed" in wanted:
        results["speed"] = speed_section()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
