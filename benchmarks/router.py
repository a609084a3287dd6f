"""Benchmark of the router: `python benchmarks/router.py [--json PATH] [--errors N]`.

Sections:
- intents: accuracy of `Router.route` on the labelled set tests/router_data/requests.yaml (dev
  and test splits), per intent, with the top confusions; an `unclear` item is right when the
  router returns no tool with a question, or intent "unclear". Every message is routed with a
  current song in the dialogue state, as mid-conversation (so a follow-up is a real edit and an
  off-topic message read as one is a wrong tool call). Also: top-1 of `Router.classify` without
  the confidence threshold, and accuracy at other thresholds (dev and test);
- slots: micro precision/recall/F1 over (slot, value) pairs of `extract_slots` against the
  labels, on dev and test, and per slot;
- latency: median and p95 ms per routed message once the router is loaded;
- musiccaps: 500 captions of ../shared/data/musiccaps/musiccaps-public.csv (seeded sample),
  routed as "make a track like this: <caption>"; the mood/style/instrument/tempo slots found are
  compared with the caption's `aspect_list`. An aspect is covered when it holds a word of our
  vocabulary (slots.MOODS, STYLE_WORDS, INSTRUMENTS, TEMPO_WORDS), mapped to the value the
  extractor would give; precision and recall are over the covered aspects' (slot, value) pairs.

Prints Markdown; `--json PATH` also writes every figure.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "router_data" / "requests.yaml"
HELDOUT = ROOT / "tests" / "router_data" / "heldout.yaml"
MUSICCAPS = ROOT.parent / "shared" / "data" / "musiccaps" / "musiccaps-public.csv"
SPLITS = ("dev", "test")
THRESHOLDS = (0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
CAPS_SLOTS = ("mood", "style", "instrument", "tempo")


def load_items(path: Path = DATA) -> list[dict]:
    import yaml

    return yaml.safe_load(path.read_text())


def mid_conversation_state():  # noqa: ANN201
    """A dialogue state whose current song is a composed piece, as after a first request."""
    from assistant.core.state import DialogueState, Song

    state = DialogueState()
    state.add_song(
        Song(id="bench", title="hopeful chorale in D major", tool="compose", key="D",
             mode="major", tempo=80, meter="4/4", bars=16, style="chorale", mood="hopeful",
             instrument="choir", parts=4, seed=5)
    )  # fmt: skip
    return state


def is_correct(expected: str, route) -> bool:  # noqa: ANN001
    if expected == "unclear":
        return route.intent == "unclear" or (route.tool is None and bool(route.question))
    return route.intent == expected


def route_all(router, items: list[dict], state) -> list[dict]:  # noqa: ANN001
    """Route every item (timed) and classify it; one record per item."""
    from assistant.core.routing.slots import extract_slots

    read = getattr(router, "read", lambda t: (t,))  # typos and shorthand read as the router does
    for text in ("write a waltz", "render it", "hi"):  # warm-up: first calls pay for allocation
        router.route(text, state)
    out = []
    for item in items:
        t0 = time.perf_counter()
        route = router.route(item["text"], state)
        ms = (time.perf_counter() - t0) * 1000
        ranked = router.classify(item["text"])
        out.append({
            "item": item, "route": route, "ms": ms,
            "top": ranked[0][0].name, "score": min(ranked[0][1], 1.0),
            "correct": is_correct(item["intent"], route),
            "got": "unclear" if route.intent == "unclear" else route.intent,
            "slots": extract_slots(read(item["text"])[0]).values,
        })  # fmt: skip
    return out


def _pct(num: int, den: int) -> float:
    return round(100 * num / den, 1) if den else float("nan")


def intent_section(records: list[dict], n_errors: int) -> dict:
    out: dict = {"accuracy": {}, "classify_top1": {}, "thresholds": {}, "per_intent": {}}
    print("\n## Intent accuracy (route, threshold as configured)\n")
    print(
        "| split | items | route accuracy | classify top-1 (no threshold, unclear items excluded) |"
    )
    print("|---|---|---|---|")
    for split in SPLITS:
        rs = [r for r in records if r["item"]["split"] == split]
        clear = [r for r in rs if r["item"]["intent"] != "unclear"]
        acc = _pct(sum(r["correct"] for r in rs), len(rs))
        top1 = _pct(sum(r["top"] == r["item"]["intent"] for r in clear), len(clear))
        out["accuracy"][split], out["classify_top1"][split] = acc, top1
        print(f"| {split} | {len(rs)} | **{acc:.1f}%** | {top1:.1f}% |")

    print("\n### Questions and wrong actions\n")
    print(
        "| split | asked, the right intent among the choices | asked, without it | acted on a wrong intent (silently) |"
    )
    print("|---|---|---|---|")
    out["outcomes"] = {}
    for split in SPLITS:
        rs = [r for r in records if r["item"]["split"] == split and not r["correct"]]
        offered = sum(
            bool(r["route"].choices) and r["item"]["intent"] in r["route"].choices for r in rs
        )
        asked = sum(r["route"].tool is None for r in rs) - offered
        wrong = sum(r["route"].tool is not None for r in rs)
        n = sum(1 for r in records if r["item"]["split"] == split)
        out["outcomes"][split] = {
            "offered": offered,
            "asked": asked,
            "wrong_action": wrong,
            "items": n,
        }
        print(f"| {split} | {offered} | {asked} | {wrong} ({_pct(wrong, n):.1f}%) |")

    print("\n### Accuracy if the confidence threshold were...\n")
    print("| threshold | " + " | ".join(SPLITS) + " |\n|---|" + "---|" * len(SPLITS))
    for t in THRESHOLDS:
        row = {}
        for split in SPLITS:
            rs = [r for r in records if r["item"]["split"] == split]
            hits = sum(
                (r["score"] < t) if r["item"]["intent"] == "unclear"
                else (r["score"] >= t and r["top"] == r["item"]["intent"])
                for r in rs
            )  # fmt: skip
            row[split] = _pct(hits, len(rs))
        out["thresholds"][str(t)] = row
        print(f"| {t:.2f} | " + " | ".join(f"{row[s]:.1f}%" for s in SPLITS) + " |")
    print("\n(Approximate: top intent if its score reaches the threshold, else unclear; a "
          "question for a missing file or song still counts as its intent.)")  # fmt: skip

    print("\n## Per intent (dev + test)\n")
    print("| intent | items | dev | test | most often routed instead |\n|---|---|---|---|---|")
    for intent in sorted({r["item"]["intent"] for r in records}):
        rs = [r for r in records if r["item"]["intent"] == intent]
        accs = {}
        for split in SPLITS:
            srs = [r for r in rs if r["item"]["split"] == split]
            accs[split] = _pct(sum(r["correct"] for r in srs), len(srs))
        wrong = Counter(r["got"] for r in rs if not r["correct"])
        conf = ", ".join(f"{k} {v}" for k, v in wrong.most_common(3)) or "-"
        out["per_intent"][intent] = {**accs, "n": len(rs), "confusions": dict(wrong)}
        print(f"| {intent} | {len(rs)} | {accs['dev']:.0f}% | {accs['test']:.0f}% | {conf} |")

    pairs = Counter((r["item"]["intent"], r["got"]) for r in records if not r["correct"])
    print("\n### Top confusions (expected -> routed)\n")
    for (exp, got), n in pairs.most_common(10):
        print(f"- {exp} -> {got}: {n}")
    out["top_confusions"] = [[e, g, n] for (e, g), n in pairs.most_common(20)]

    errors = [r for r in records if not r["correct"]]
    errors.sort(key=lambda r: (-pairs[(r["item"]["intent"], r["got"])], r["item"]["intent"]))
    out["errors"] = [
        {"text": r["item"]["text"], "expected": r["item"]["intent"], "got": r["got"],
         "tool": r["route"].tool, "confidence": round(r["score"], 3), "split": r["item"]["split"]}
        for r in errors
    ]  # fmt: skip
    if n_errors:
        print(f"\n### Mistakes ({len(errors)} in all; the first {min(n_errors, len(errors))})\n")
        print("| text | expected | got | confidence |\n|---|---|---|---|")
        for e in out["errors"][:n_errors]:
            print(f"| {e['text']} | {e['expected']} | {e['got']} | {e['confidence']:.2f} |")
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "tp": tp, "predicted": n_pred, "gold": n_gold}  # fmt: skip


def slot_section(records: list[dict]) -> dict:
    out: dict = {"micro": {}, "per_slot": {}}
    print("\n## Slots: micro precision / recall / F1 over (slot, value) pairs\n")
    print("| split | pairs labelled | precision | recall | F1 | items exactly right |")
    print("|---|---|---|---|---|---|")
    for split in SPLITS:
        rs = [r for r in records if r["item"]["split"] == split]
        tp = n_pred = n_gold = 0
        for r in rs:
            gold, pred = set(r["item"]["slots"].items()), set(r["slots"].items())
            tp, n_pred, n_gold = tp + len(gold & pred), n_pred + len(pred), n_gold + len(gold)
        m = prf(tp, n_pred, n_gold)
        exact = _pct(sum(r["slots"] == r["item"]["slots"] for r in rs), len(rs))
        out["micro"][split] = {**m, "exact_items_pct": exact}
        print(f"| {split} | {n_gold} | {m['precision']:.3f} | {m['recall']:.3f} | "
              f"**{m['f1']:.3f}** | {exact:.1f}% |")  # fmt: skip
    names = sorted({k for r in records for k in (*r["item"]["slots"], *r["slots"])})
    print("\n| slot (dev + test) | labelled | precision | recall | F1 |\n|---|---|---|---|---|")
    for name in names:
        tp = n_pred = n_gold = 0
        for r in records:
            g, p = r["item"]["slots"].get(name), r["slots"].get(name)
            tp += g is not None and g == p
            n_pred += p is not None
            n_gold += g is not None
        m = out["per_slot"][name] = prf(tp, n_pred, n_gold)
        print(f"| {name} | {n_gold} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    wrong = [r for r in records if r["slots"] != r["item"]["slots"]]
    out["errors"] = [{"text": r["item"]["text"], "expected": r["item"]["slots"],
                      "got": r["slots"]} for r in wrong]  # fmt: skip
    return out


def latency_section(records: list[dict], load_sec: float, threads: int) -> dict:
    ms = sorted(r["ms"] for r in records)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    out = {"load_sec": round(load_sec, 2), "median_ms": round(statistics.median(ms), 2),
           "p95_ms": round(p95, 2), "max_ms": round(ms[-1], 2), "messages": len(ms),
           "blas_threads": threads, "cpus": os.cpu_count()}  # fmt: skip
    print("\n## Latency (route, per message, router loaded)\n")
    print(f"median **{out['median_ms']:.1f} ms**, p95 **{out['p95_ms']:.1f} ms**, max "
          f"{out['max_ms']:.0f} ms over {len(ms)} messages ({threads} BLAS threads, "
          f"{os.cpu_count()} CPUs); loading the router took {out['load_sec']:.1f} s")  # fmt: skip
    return out


def vocabulary_terms(aspect: str) -> set[tuple[str, object]]:
    """(slot, value) pairs an aspect names with our vocabulary, as the extractor would give them."""
    from models.music.vocabulary import (
        INSTRUMENT_ALIASES,
        INSTRUMENTS,
        MOODS,
        STYLE_WORDS,
        TEMPO_WORDS,
    )

    instruments = {**{w: w for w in INSTRUMENTS}, **INSTRUMENT_ALIASES}
    tables = {"mood": {w: w for w in MOODS}, "style": STYLE_WORDS,
              "instrument": instruments, "tempo": TEMPO_WORDS}  # fmt: skip
    found = set()
    for slot, table in tables.items():
        rest = aspect
        for word in sorted(table, key=len, reverse=True):  # "electric piano" before "piano"
            pattern = rf"(?<![\w-]){re.escape(word)}(?![\w-])"
            if re.search(pattern, rest):
                found.add((slot, table[word]))
                rest = re.sub(pattern, " ", rest)
    return found


def read_captions(path: Path, n: int, seed: int) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r.get("caption")]
    rows.sort(key=lambda r: (r["ytid"], r["start_s"]))
    return random.Random(seed).sample(rows, min(n, len(rows)))


def musiccaps_section(router, path: Path, n: int, seed: int) -> dict:  # noqa: ANN001
    from assistant.core.routing.slots import extract_slots

    if not path.exists():
        print(f"\n## MusicCaps\n\n(skipped: {path} is absent)")
        return {"skipped": f"{path} is absent"}
    rows = read_captions(path, n, seed)
    n_aspects = n_exact = n_covered = n_negated = 0
    tp = n_pred = n_gold = ceiling = 0
    per_slot = {s: [0, 0, 0] for s in CAPS_SLOTS}  # tp, predicted, gold
    intents: Counter = Counter()
    ms = []
    vocab = {w for table in _vocab_tables() for w in table}
    for row in rows:
        text = f"make a track like this: {row['caption']}"
        t0 = time.perf_counter()
        intents[router.route(text).intent] += 1
        ms.append((time.perf_counter() - t0) * 1000)
        pred = {(k, v) for k, v in extract_slots(text).values.items() if k in CAPS_SLOTS}
        gold: set = set()
        for aspect in (a.strip().lower() for a in ast.literal_eval(row["aspect_list"])):
            n_aspects += 1
            if re.match(r"(?:no|without|not)\b", aspect):
                n_negated += 1
                continue
            n_exact += aspect in vocab
            terms = vocabulary_terms(aspect)
            n_covered += bool(terms)
            gold |= terms
        tp, n_pred, n_gold = tp + len(pred & gold), n_pred + len(pred), n_gold + len(gold)
        ceiling += len({slot for slot, _ in gold})  # one value per slot can be extracted
        for s in CAPS_SLOTS:
            g = {p for p in gold if p[0] == s}
            q = {p for p in pred if p[0] == s}
            per_slot[s] = [per_slot[s][0] + len(g & q), per_slot[s][1] + len(q),
                           per_slot[s][2] + len(g)]  # fmt: skip
    m = prf(tp, n_pred, n_gold)
    out = {
        "captions": len(rows), "seed": seed, "aspects": n_aspects,
        "coverage_pct": _pct(n_covered, n_aspects), "exact_coverage_pct": _pct(n_exact, n_aspects),
        "negated_aspects": n_negated, **m,
        "recall_ceiling": round(ceiling / n_gold, 3) if n_gold else 0.0,
        "per_slot": {s: prf(*v) for s, v in per_slot.items()},
        "intents": dict(intents.most_common()),
        "median_ms": round(statistics.median(ms), 2),
    }  # fmt: skip
    print(f"\n## MusicCaps: {len(rows)} captions (seed {seed}), 'make a track like this: ...'\n")
    print(f"- aspects: {n_aspects}; covered by our vocabulary: **{out['coverage_pct']:.1f}%** "
          f"(an aspect that is exactly a vocabulary word: {out['exact_coverage_pct']:.1f}%; "
          f"{n_negated} negated aspects such as 'no voice' left out)")  # fmt: skip
    print(f"- over covered aspects: precision **{m['precision']:.3f}**, recall "
          f"**{m['recall']:.3f}**, F1 {m['f1']:.3f} ({m['tp']} of {m['gold']} pairs; one value "
          f"per slot caps recall at {out['recall_ceiling']:.3f})")  # fmt: skip
    print("- routed as: " + ", ".join(f"{k} {v}" for k, v in out["intents"].items()))
    print(f"- median route time of a caption message: {out['median_ms']:.1f} ms\n")
    print("| slot | aspects' pairs | precision | recall |\n|---|---|---|---|")
    for s, v in out["per_slot"].items():
        print(f"| {s} | {v['gold']} | {v['precision']:.3f} | {v['recall']:.3f} |")
    return out


def _vocab_tables() -> tuple[dict, ...]:
    from models.music.vocabulary import (
        INSTRUMENT_ALIASES,
        INSTRUMENTS,
        MOODS,
        STYLE_WORDS,
        TEMPO_WORDS,
    )

    return MOODS, STYLE_WORDS, {**INSTRUMENTS, **INSTRUMENT_ALIASES}, TEMPO_WORDS


def heldout_section(router, path: Path) -> dict:  # noqa: ANN001
    """Accuracy on requests written after the classifier was final (never used to improve it)."""
    if not path.is_file():
        return {}
    import yaml

    items = yaml.safe_load(path.read_text())
    state = mid_conversation_state()
    wrong = []
    for item in items:
        route = router.route(item["text"], state)
        if not is_correct(item["intent"], route):
            wrong.append(
                (item["text"], item["intent"], route.intent, route.confidence, route.choices)
            )
    acc = _pct(len(items) - len(wrong), len(items))
    offered = sum(1 for *_, choices in wrong if choices)
    print(f"\n## Held-out requests ({path.name}: {len(items)} written after training)\n")
    print(f"intent accuracy **{acc:.1f}%**; of {len(wrong)} mistakes, {offered} were questions "
          "offering the right intent among the choices\n")  # fmt: skip
    print("| text | expected | got | confidence |\n|---|---|---|---|")
    for text, expected, got, conf, _ in wrong:
        print(f"| {text} | {expected} | {got} | {conf:.2f} |")
    return {"items": len(items), "accuracy": acc, "mistakes": len(wrong), "offered": offered}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the labelled requests (YAML)")
    parser.add_argument("--musiccaps", type=Path, default=MUSICCAPS, help="musiccaps-public.csv")
    parser.add_argument("--captions", type=int, default=500, help="MusicCaps captions to route")
    parser.add_argument("--seed", type=int, default=0, help="seed of the MusicCaps sample")
    parser.add_argument("--errors", type=int, default=20, help="intent mistakes to list")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument(
        "--threads", type=int, default=1,
        help="BLAS threads (default 1, as the front ends run; the encoder is numpy)",
    )
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=args.threads)

    from assistant.config import Settings
    from assistant.core.routing.router import make_router

    items = load_items(args.data)
    with tempfile.TemporaryDirectory(prefix="cadenza-bench-") as home:
        t0 = time.perf_counter()
        router = make_router(Settings(home=Path(home), workspace=Path(home)))
        load_sec = time.perf_counter() - t0
        print(f"# Router benchmark: {len(items)} labelled requests ({args.data.name})")
        records = route_all(router, items, mid_conversation_state())
        figures = {
            "items": len(items),
            "intents": intent_section(records, args.errors),
            "slots": slot_section(records),
            "heldout": heldout_section(router, HELDOUT),
            "latency": latency_section(records, load_sec, args.threads),
            "musiccaps": musiccaps_section(router, args.musiccaps, args.captions, args.seed),
        }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, default=str))
        print(f"\nfigures written to {args.json}")
    return figures


if __name__ == "__main__":
    main()
