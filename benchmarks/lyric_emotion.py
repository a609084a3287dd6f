"""Lyric-emotion benchmark: both shipped models and a lexicon baseline on the standard test splits.

    python benchmarks/lyric_emotion.py [--json] [--threads 2]

- GoEmotions test (5,427 comments): macro-F1 over the 28 labels with the per-label thresholds
  tuned on dev (the published anchor, BERT-base, is 0.46 with one threshold of 0.3; both
  conventions are printed), and Ekman 7-label macro-F1.
- EmoBank test (1,000 sentences): Pearson r for valence and for arousal.
- Poem Sentiment test (3 classes: negative, no impact, positive): accuracy.
- Speed on this machine: lines per second (all GoEmotions test lines in batches) and the time
  to analyse a 60-line song end to end (sections, arc), without and with the word explanations
  (occlusion: every content word of every emotional line removed in turn and re-read).
- Quadrants (issue 23): on GoEmotions test through the Ekman mapping (joy -> happy, sadness ->
  sad, anger, disgust and fear -> angry; neutral, surprise-only and mixed-quadrant lines
  excluded) and on tests/lyrics_data/quadrant_lines.yaml (60 lyric lines, 15 per quadrant,
  written before any tuning): the model's quadrant (`quadrant_of` its circumplex point, a
  "neutral" answer counting as wrong) beside two baselines in the same run: the constant-arousal
  rule (the model's own valence sign: positive -> happy, negative -> angry) and always "happy".
The test splits are never used in training or model selection.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.lyrics import data as D  # noqa: E402
from models.lyrics.metrics import accuracy, macro_f1, pearson  # noqa: E402

ANCHORS = {"go_macro_f1": "BERT-base 0.46 (paper), EmoRoBERTa 0.49"}


def song_of_60_lines() -> str:
    """A 60-line lyric sheet from public-domain verse (Poem Sentiment dev), with a chorus."""
    verses = D.load_poems("dev").texts
    chorus = "\n".join(verses[:4])
    blocks, i = [], 4
    while sum(b.count("\n") + 1 for b in blocks) < 60:
        blocks.append("\n".join(verses[i : i + 4]))
        i += 4
        blocks.append(chorus)
    text = "\n\n".join(blocks)
    return "\n".join(text.split("\n")[:75])  # 60 lyric lines once blank lines are dropped


QUADRANT_OF_EKMAN = {"joy": "happy", "sadness": "sad", "anger": "angry", "disgust": "angry",
                     "fear": "angry"}  # fmt: skip
LINES = Path(__file__).resolve().parents[1] / "tests" / "lyrics_data" / "quadrant_lines.yaml"


def goemotions_quadrants() -> tuple[list[str], list[str]]:
    """GoEmotions test lines whose Ekman labels name exactly one quadrant."""
    import numpy as np

    go = D.load_goemotions("test")
    texts, gold = [], []
    for text, row in zip(go.texts, D.ekman_labels(go.labels), strict=True):
        names = [D.EKMAN_LABELS[j] for j in np.flatnonzero(row)]
        quads = {QUADRANT_OF_EKMAN[n] for n in names if n in QUADRANT_OF_EKMAN}
        if len(quads) == 1 and "neutral" not in names:
            texts.append(text)
            gold.append(quads.pop())
    return texts, gold


def quadrant_scores(model, texts: list[str], gold: list[str]) -> dict:  # noqa: ANN001
    """Accuracy of the model's quadrants and of the two baselines, recall per quadrant, and the
    share of lines the model calls neutral."""
    from models.lyrics.heads import quadrant_of

    em = model.analyse(texts)
    points = em.circumplex
    pred = [quadrant_of(float(v), float(a)) for v, a in points]
    rule = ["happy" if v >= 0 else "angry" for v, _ in points]
    n = len(gold)

    def acc(guess: list[str]) -> float:
        return sum(g == t for g, t in zip(guess, gold, strict=True)) / n

    recall = {q: round(sum(p == q for p, t in zip(pred, gold, strict=True) if t == q) /
                       max(1, gold.count(q)), 3) for q in ("happy", "angry", "sad", "relaxed")
              if q in gold}  # fmt: skip
    return {"items": n, "model": acc(pred), "constant_arousal": acc(rule),
            "always_happy": acc(["happy"] * n), "neutral_share": pred.count("neutral") / n,
            "recall": recall}  # fmt: skip


def bench_quadrants(name: str) -> dict:
    import yaml

    from models.lyrics.engine import get_model

    model = get_model(name)
    out = {"goemotions": quadrant_scores(model, *goemotions_quadrants())}
    if LINES.is_file():
        items = yaml.safe_load(LINES.read_text())
        out["lines60"] = quadrant_scores(model, [i["text"] for i in items],
                                         [i["quadrant"] for i in items])  # fmt: skip
    return out


def bench_speed(name: str) -> dict:
    """Seconds for a 300-line sheet of tweet-length lines (GoEmotions test) and of short lines
    (Poem Sentiment test), words off and on; and how the song's five driving words found from
    the shown and most charged lines (as shipped) compare with occlusion over every line."""
    from unittest import mock

    from models.lyrics import song as S
    from models.lyrics.engine import get_model

    model = get_model(name)
    sheets = {"tweet": D.load_goemotions("test").texts[:300],
              "short": D.load_poems("test").texts[:300]}  # fmt: skip
    S.analyse("a line to warm up\nand another", model)
    out: dict = {}
    for kind, texts in sheets.items():
        raw = "\n".join(" ".join(t.split()) for t in texts)
        times = {}
        for label, words in (("plain", False), ("words", True)):
            t0 = time.perf_counter()
            shipped = S.analyse(raw, model, explain_words=words)
            times[label] = time.perf_counter() - t0
        with mock.patch.object(S, "explained_rows", lambda texts, row_of, read: None):
            full = S.analyse(raw, model)
        overlap = len(set(shipped["song"]["words"]) & set(full["song"]["words"]))
        out[kind] = {"lines": len(texts), "plain_s": times["plain"], "words_s": times["words"],
                     "top5_overlap": overlap, "words": shipped["song"]["words"],
                     "all_lines_words": full["song"]["words"]}  # fmt: skip
    return out


def evaluate(name: str, go_p, ek_p, va, poem_pred, go_t, ek_t) -> dict:
    go = D.load_goemotions("test").labels
    eb = D.load_emobank("test").va
    poems = D.load_poems("test").labels
    return {
        "model": name,
        "go_macro_f1": macro_f1(go_p, go, go_t),
        "go_macro_f1_at_0.3": macro_f1(go_p, go, 0.3),
        "ekman_macro_f1": macro_f1(ek_p, D.ekman_labels(go), ek_t),
        "valence_r": pearson(va[:, 0], eb[:, 0]),
        "arousal_r": pearson(va[:, 1], eb[:, 1]),
        "poem_accuracy": accuracy(poem_pred, poems),
    }


def bench_model(name: str) -> dict:
    from models.lyrics.engine import get_model
    from models.lyrics.song import analyse

    t0 = time.perf_counter()
    model = get_model(name)
    load_s = time.perf_counter() - t0
    go_texts = D.load_goemotions("test").texts
    t0 = time.perf_counter()
    em_go = model.analyse(go_texts)
    plain_lps = len(go_texts) / (time.perf_counter() - t0)
    em_eb = model.analyse(D.load_emobank("test").texts)
    em_poem = model.analyse(D.load_poems("test").texts)
    song = song_of_60_lines()
    analyse(song, model)  # warm
    t0 = time.perf_counter()
    analyse(song, model, explain_words=False)
    song_plain_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = analyse(song, model)
    song_s = time.perf_counter() - t0
    row = evaluate(name, em_go.go, em_go.ekman, em_eb.va, em_poem.sentiment.argmax(1),
                   em_go.go_thresholds, em_go.ekman_thresholds)  # fmt: skip
    n_lines = sum(1 for e in result["lines"] if "valence" in e)
    row.update(load_s=load_s, lines_per_s=plain_lps, song_60_plain_s=song_plain_s,
               song_60_s=song_s, song_lines=n_lines)  # fmt: skip
    return row


def bench_lexicon() -> dict:
    from models.lyrics.lexicon import Lexicon
    from models.lyrics.metrics import tune_thresholds

    go, eb, poem = D.load_goemotions("train"), D.load_emobank("train"), D.load_poems("train")
    lex = Lexicon(go.texts, go.labels, eb.texts, eb.va, poem.texts, poem.labels)
    dev = D.load_goemotions("dev")
    go_t = tune_thresholds(lex.go_scores(dev.texts), dev.labels)
    ek_t = tune_thresholds(lex.ekman_scores(dev.texts), D.ekman_labels(dev.labels))
    texts = D.load_goemotions("test").texts
    t0 = time.perf_counter()
    go_p = lex.go_scores(texts)
    lps = len(texts) / (time.perf_counter() - t0)
    row = evaluate("lexicon", go_p, lex.ekman_scores(texts), lex.va_scores(D.load_emobank("test").texts),
                   lex.poem_classes(D.load_poems("test").texts), go_t, ek_t)  # fmt: skip
    row.update(lines_per_s=lps)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", default="minilm,bilstm")
    args = ap.parse_args()
    from threadpoolctl import threadpool_limits  # the models run in numpy (BLAS)

    with threadpool_limits(limits=args.threads):
        rows = [bench_model(m) for m in args.models.split(",") if m] + [bench_lexicon()]
        quads = {m: bench_quadrants(m) for m in args.models.split(",") if m}
        speed = {m: bench_speed(m) for m in args.models.split(",") if m}
    if args.json:
        print(json.dumps({"models": rows, "quadrants": quads, "speed": speed}, indent=1))
        return
    print_quadrants(quads)
    print("300-line sheets: seconds without / with the driving words; the song's five words vs"
          " occlusion over every line")  # fmt: skip
    for name, kinds in speed.items():
        for kind, r in kinds.items():
            print(f"{name:<8}{kind:<6} {r['plain_s']:6.2f} s / {r['words_s']:6.2f} s   "
                  f"{r['top5_overlap']}/5 of {', '.join(r['all_lines_words'])}")  # fmt: skip
    print()
    cols = [("go_macro_f1", "GoEm F1", ".3f"), ("go_macro_f1_at_0.3", "@0.3", ".3f"),
            ("ekman_macro_f1", "Ekman F1", ".3f"), ("valence_r", "V r", ".3f"),
            ("arousal_r", "A r", ".3f"), ("poem_accuracy", "Poem acc", ".3f"),
            ("lines_per_s", "lines/s", ".0f"), ("song_60_plain_s", "song s", ".2f"),
            ("song_60_s", "+words s", ".2f")]  # fmt: skip
    print(f"Lyric emotion on the test splits, {args.threads} BLAS threads")
    print(f"{'model':<8}" + "".join(f"{h:>10}" for _, h, _ in cols))
    for r in rows:
        cells = [format(r[k], f) if k in r else "-" for k, _, f in cols]
        print(f"{r['model']:<8}" + "".join(f"{c:>10}" for c in cells))
    print(f"anchor   GoEmotions macro-F1: {ANCHORS['go_macro_f1']}")
    print("GoEm F1 uses per-label thresholds tuned on dev; @0.3 one threshold for all labels.")


def print_quadrants(quads: dict) -> None:
    print("Quadrant accuracy (a 'neutral' answer is wrong), with two baselines in the same run")
    print(f"{'model':<8}{'set':<12}{'items':>6}{'model':>8}{'const-A':>9}{'happy':>7}"
          f"{'neutral':>9}  recall per quadrant")  # fmt: skip
    for name, sets in quads.items():
        for key, r in sets.items():
            recall = ", ".join(f"{q} {v:.2f}" for q, v in r["recall"].items())
            print(f"{name:<8}{key:<12}{r['items']:>6}{r['model']:>8.3f}{r['constant_arousal']:>9.3f}"
                  f"{r['always_happy']:>7.3f}{r['neutral_share']:>9.2f}  {recall}")  # fmt: skip
    print()


if __name__ == "__main__":
    main()
