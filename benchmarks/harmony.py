"""Benchmark of the harmony engine: `python benchmarks/harmony.py [--sections ...] [--quick]`.

Sections (all by default; `--quick`: 20 samples, no training run): nats (held-out nats per
chord on Billboard and POP909 test songs: trigram, bigram, unigram, and the composition engine's
Bach chorale HMM), stats (generated progressions against Billboard's sections), bass (lines,
kicks, POP909's bass bars), speed (load, 8 bars of chords + bass: goal < 10 ms, training).

Prints Markdown tables; `--json PATH` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECTIONS = ("verse", "chorus", "bridge", "intro", "outro")
SCALES = {"major": {0, 2, 4, 5, 7, 9, 11}, "minor": {0, 2, 3, 5, 7, 8, 10, 11}}  # + raised 7th
HMM_QUALITY = {"maj": "M", "maj7": "M", "min": "m", "min7": "m", "dim": "d", "dim7": "d",
               "hdim7": "d", "7": "7"}  # fmt: skip  # sus2, sus4, aug: no chord of the HMM
BASS_STYLES = {"pop": "pop (learned)", "rock": "rock (eighths)", "disco": "disco (octave)",
               "jazz": "jazz (walking)", "funk": "funk", "trap": "trap (808)"}  # fmt: skip
CADENCES = ("authentic", "plagal", "deceptive", "half", "other, to tonic", "other")
pct = lambda v: "-" if v is None else f"{100 * v:.0f}%"  # noqa: E731
nats = lambda v: f"{v:.3f} ({math.exp(-v):.1f})"  # noqa: E731  # nats per chord (perplexity)
table = lambda head: print(f"| {head} |\n|" + "---|" * (head.count("|") + 1))  # noqa: E731


def _corpus() -> dict[str, list]:
    from models.harmony import data

    print("reading Billboard and POP909 (a few seconds)...", file=sys.stderr)
    bb, pop = data.billboard_sections(), data.pop909_sections()
    test = lambda ss: [s for s in ss if data.is_test(s.song)]  # noqa: E731
    return {"train": [s for s in bb + pop if not data.is_test(s.song)], "billboard_all": bb,
            "parts": {"Billboard": test(bb), "POP909": test(pop), "both": test(bb + pop)}}  # fmt: skip


def _state(hmm, token: str) -> int | None:  # noqa: ANN001
    """A token's HMM state: (degree, M/m/d/7 by family), slash bass dropped; None: none."""
    from models.composition.harmony import Chord as HChord

    degree, _, family = token.split("/")[0].partition(":")  # "</s>": no family
    q = HMM_QUALITY.get(family)
    return hmm.index.get(HChord(int(degree), q)) if q else None


def _hmm_events(hmm, sections: list) -> list[tuple[str, int | None, int | None]]:  # noqa: ANN001
    """(token, its state, the state before) per chord change; the chain restarts after None."""
    out: list = []
    for sec in sections:
        states = [_state(hmm, seg.token) for seg in sec.segments]
        out += zip([seg.token for seg in sec.segments], states, [None, *states[:-1]], strict=True)
    return out


def _hmm_mode(hmm, cadenza, train: list, test: list) -> dict:  # noqa: ANN001
    """The HMM as a distribution over tokens (see the printed legend), and on representable
    changes the log-probability of the next chord's state under it and under the trigram."""
    from models.harmony.model import END, chord_contexts

    change = hmm.trans / (1 - hmm.trans.diagonal()[:, None])  # it steps per beat, we per change
    change[range(len(change)), range(len(change))] = 0.0
    tr = _hmm_events(hmm, train)
    counts, state_of = Counter(t for t, _, _ in tr), {t: s for t, s, _ in tr}
    escape = sum(s is None or s == a for _, s, a in tr) / len(tr)
    mass = Counter(s for _, s, _ in tr) + Counter(state_of.values())  # add-one per token
    members = {u: _state(hmm, u) for u in cadenza.chords.vocab if _state(hmm, u) is not None}
    out: dict = {"tokens": [], "hmm_state": [], "cadenza_state": [], "kinds": Counter()}
    ctxs = [c for c, t in chord_contexts(test) if t != END]
    for (t, s, a), ctx in zip(_hmm_events(hmm, test), ctxs, strict=True):
        if s is None or s == a:
            out["kinds"]["oov" if s is None else "same"] += 1
            room = mass[None] + (mass[a] if a is not None else 0) + 1
            out["tokens"].append(math.log(escape * (counts[t] + 1) / room))
            continue
        p_state = hmm.start[s] if a is None else change[a, s]
        out["tokens"].append(math.log((1 - escape) * p_state * (counts[t] + 1) / (mass[s] + 1)))
        by_state: Counter = Counter()
        for u, p in zip(members, cadenza.chords.probs(ctx, list(members)), strict=True):
            by_state[members[u]] += p if members[u] != a else 0.0
        out["hmm_state"].append(math.log(p_state))
        out["cadenza_state"].append(math.log(by_state[s] / sum(by_state.values())))
    return out


def _hmm_rows(parts: dict, train: list, cadenza) -> dict:  # noqa: ANN001
    from models.composition.engine import Composer

    hmms = Composer.load().harmony
    out: dict = {"states": {m: [s.numeral(m) for s in h.states] for m, h in hmms.items()}}
    runs = {(p, m): _hmm_mode(h, cadenza, [s for s in train if s.mode == m],
                              [s for s in parts[p] if s.mode == m])
            for p in ("Billboard", "POP909") for m, h in hmms.items()}  # fmt: skip
    for part in parts:
        got = [r for (p, _), r in runs.items() if part in (p, "both")]
        cat = {k: [x for r in got for x in r[k]] for k in ("tokens", "hmm_state", "cadenza_state")}
        kinds = sum((r["kinds"] for r in got), Counter())
        out[part] = {"chords": len(cat["tokens"]), "ok_chords": len(cat["hmm_state"]),
                     **{k: statistics.mean(v) for k, v in cat.items()},  # mean nats
                     **{f"{k}_share": kinds[k] / len(cat["tokens"]) for k in ("oov", "same")}}  # fmt: skip
    return out


def nats_section(corpus: dict) -> dict:
    from models.harmony import model as m
    from models.harmony.engine import FOLDER, get_engine

    print("fitting the trigram and the baselines (dev-tuned)...", file=sys.stderr)
    parts, train = corpus["parts"], corpus["train"]
    models = {"Cadenza trigram (mode, section, two chords back)": m.fit(train, [], m.CHORD_CHAIN),
              "bigram baseline (mode, previous chord)": m.fit(train, [], m.BIGRAM_CHAIN),
              "unigram baseline (mode)": m.fit(train, [], m.UNIGRAM_CHAIN)}  # fmt: skip
    out: dict = {"test_chords": {}, "nats_per_chord": {}, "smoothing": {}}
    for label, model in models.items():
        out["smoothing"][label] = model.meta["smoothing"]
        for part, secs in parts.items():
            total, n = model.log_prob(secs)
            out["nats_per_chord"].setdefault(label, {})[part] = total / n
            out["test_chords"][part] = n
    trigram, first = next(iter(models.values())), next(iter(models))
    out["hmm"] = _hmm_rows(parts, train, trigram)
    total, n = get_engine().model.log_prob(parts["both"])
    out["checkpoint_equals_refit"] = math.isclose(total / n, out["nats_per_chord"][first]["both"])
    out["validation"] = json.loads((FOLDER / "config.json").read_text())["held_out_nats_per_chord"]
    songs = {k: len({s.song for s in v}) for k, v in parts.items()}
    print("\n## Held-out log-likelihood per chord (nats, higher is better; perplexity)\n")
    print(f"Test songs (crc32 % 10 == 0): {songs['Billboard']} Billboard, {songs['POP909']} "
          f"POP909 ({', '.join(f'{k} {v:,}' for k, v in out['test_chords'].items())} chord "
          f"changes); every model fitted on the train songs of both, its smoothing tuned on the "
          f"dev songs. {len(trigram.chords.vocab)} tokens.\n")  # fmt: skip
    table("model | Billboard | POP909 | both | smoothing (dev-tuned)")
    for i, (label, r) in enumerate(out["nats_per_chord"].items()):
        b = "**" if i == 0 else ""
        print(f"| {label} | " + " | ".join(f"{b}{nats(r[p])}{b}" for p in parts)
              + f" | {out['smoothing'][label]:g} |")  # fmt: skip
    h = out["hmm"]
    print("| Bach chorale HMM's transitions (composition engine), spelled as pop tokens | "
          + " | ".join(nats(h[p]["tokens"]) for p in parts) + " | its own (add-0.5) |")  # fmt: skip
    print(f"\nValidation in config.json (`cadenza train harmony`, both): "
          f"{', '.join(f'{k} {v:.4f}' for k, v in out['validation'].items())}. The committed "
          f"checkpoint scores as the refit: {'yes' if out['checkpoint_equals_refit'] else 'NO'}.")  # fmt: skip
    print("\nThe Bach HMM (composition-v2, beat-level) has the states " + "; ".join(
          f"{m}: {' '.join(s)}" for m, s in h["states"].items()) + ". A token maps to one by "
          "degree and family (maj, maj7 -> M; min, min7 -> m; dim, hdim7, dim7 -> dim; 7 -> 7), "
          "slash bass dropped. A change a -> b gets trans[a,b] / (1 - trans[a,a]) (it steps per "
          "beat; a first chord: its start table), shared among b's tokens by train frequency "
          "(add-one); chords with no state (sus, aug, others) or on the previous chord's state "
          "form an escape class with the train songs' share of such changes; the chain restarts "
          "after a chord with no state. Last two columns: the other changes' next state (among "
          "all but the previous), the HMM against the trigram summed over each state's tokens.\n")  # fmt: skip
    table("test chords | no HMM state | same state as the previous | representable changes | "
          "next state: Bach HMM | next state: Cadenza")  # fmt: skip
    for part in parts:
        r = h[part]
        print(f"| {part} | {100 * r['oov_share']:.1f}% | {100 * r['same_share']:.1f}% | "
              f"{r['ok_chords']:,} | {nats(r['hmm_state'])} | {nats(r['cadenza_state'])} |")  # fmt: skip
    return out


def _cadence(tokens: list[str], mode: str) -> str:
    """The final cadence, by the roots of the last two chords (tonic 0; see the legend)."""
    pair = tuple(int(t.split(":")[0]) for t in tokens[-2:])
    named = {(7, 0): "authentic", (5, 0): "plagal", (7, 9 if mode == "major" else 8): "deceptive"}
    return named.get(pair) or {7: "half", 0: "other, to tonic"}.get(pair[-1], "other")


def _progression_stats(rows: list[tuple[list[str], list[int], list[str]]], mode: str) -> dict:
    """rows: (first 8 bars' tokens, changes in each bar, the whole section's tokens)."""
    from models.harmony.chords import from_token, roman
    from models.music.theory import Key

    draws = [rows] if len(rows) <= 100 else [random.Random(i).sample(rows, 100) for i in range(20)]
    chords = [from_token(t, 0) for r in rows for t in r[2]]
    per_bar = [c for r in rows for c in r[1]]
    cadences = Counter(_cadence(r[2], mode) for r in rows)
    endings = Counter(" ".join(roman(from_token(t, 0), Key(0, mode)) for t in r[2][-2:])
                      for r in rows if _cadence(r[2], mode).startswith("other"))  # fmt: skip
    return {"n": len(rows),
            "vocab_per_100": statistics.mean(len({t for r in d for t in r[0]}) for d in draws),
            "distinct_per_section": statistics.mean(len(set(r[0])) for r in rows),
            "diatonic": sum({*c.pcs, c.bass_pc} <= SCALES[mode] for c in chords) / len(chords),
            "cadence": {k: cadences[k] / len(rows) for k in CADENCES},
            "endings": endings.most_common(3), "changes_per_bar": statistics.mean(per_bar),
            "bars": [sum(min(c, 3) == k for c in per_bar) / len(per_bar) for k in range(4)]}  # fmt: skip


def _corpus_rows(sections: list, label: str, mode: str) -> list:
    from models.harmony.model import bar_patterns

    rows = []
    for sec in (s for s in sections if (s.label, s.mode, s.beats_per_bar) == (label, mode, 4)):
        starts = accumulate((seg.beats for seg in sec.segments), initial=sec.segments[0].bar_pos)
        first8 = [seg.token for seg, t in zip(sec.segments, starts, strict=False) if t < 32]
        changes = [len([b for b in p.split(",") if b]) for p in bar_patterns(sec)]
        rows.append((first8, changes, [s.token for s in sec.segments]))
    return rows


def _generated_rows(label: str, mode: str, n: int) -> tuple[list, bool]:
    from models.harmony.engine import HarmonyRequest, get_engine
    from models.music.theory import Key

    rows, plain = [], True
    for seed in range(n):
        h = get_engine().write(HarmonyRequest(key=Key(0, mode), section=label, bars=8, seed=seed,
                                              style="pop", parts=("chords",)))  # fmt: skip
        plain &= h.segments == h.plain and all(s.chord.quality == s.chord.family for s in h.plain)
        tokens = [s.chord.token(0) for s in h.plain]
        rows.append((tokens, [sum(int(s.start // 4) == b for s in h.plain) for b in range(8)],
                     tokens))  # fmt: skip
    return rows, plain


def stats_section(corpus: dict, n: int) -> dict:
    out, plain = {}, True
    for mode in ("major", "minor"):
        for label in SECTIONS:
            gen, ok = _generated_rows(label, mode, n)
            plain &= ok
            real = _corpus_rows(corpus["billboard_all"], label, mode)
            out[f"{label} {mode}"] = {"generated": _progression_stats(gen, mode),
                                      "corpus": _progression_stats(real, mode)}  # fmt: skip
    print("\n## Musical statistics: generated progressions against the corpus\n")
    print(f"Generated: {n} x 8 bars per section and mode (style pop, C, seeds 0-{n - 1}), the "
          f"model's own tokens (no colour added: {'yes' if plain else 'NO'}); corpus: Billboard's "
          "4/4 sections of that label and mode. Vocab: distinct tokens in 100 sections' first 8 "
          "bars (corpus: mean of 20 draws), and per section. Diatonic: all tones and bass in the "
          "scale (minor: natural + raised 7th). Cadence: roots of the last two chords (any chord "
          "on degree 5 is V; minor deceptive: V-VI; corpus: the section's real end).\n")  # fmt: skip
    table("section | n | vocab /100 | per section | diatonic | authentic | plagal | deceptive | "
          "half | other to I | other | changes/bar | bars 0/1/2/3+ (%)")  # fmt: skip
    for name, pair in out.items():
        for which, r in pair.items():
            print(f"| {f'**{name}**, generated' if which == 'generated' else '  corpus'} | "
                  f"{r['n']} | {r['vocab_per_100']:.0f} | {r['distinct_per_section']:.1f} | "
                  f"{pct(r['diatonic'])} | " + " | ".join(pct(v) for v in r["cadence"].values())
                  + f" | {r['changes_per_bar']:.2f} | "
                  + "/".join(f"{100 * v:.0f}" for v in r["bars"]) + " |")  # fmt: skip
    ends = lambda r: ", ".join(f"{e} ({k})" for e, k in r["endings"]) or "-"  # noqa: E731
    print("\nCommonest \"other\" endings: " + "; ".join(
        f"{name}: generated {ends(p['generated'])}, corpus {ends(p['corpus'])}"
        for name, p in out.items()) + ".")  # fmt: skip
    return out


def _kick_sets(n: int) -> dict[str, list]:
    from models.drums.engine import DrumRequest
    from models.drums.engine import get_engine as drums

    hits = [[h for h in drums().write(DrumRequest("hiphop", 90, bars=8, seed=seed)).hits
             if h.name == "kick"] for seed in range(n)]  # fmt: skip
    beats = [{h.bar: sorted({k.step / 4 for k in b if k.bar == h.bar}) for h in b} for b in hits]
    return {"none": [None] * n, "1, 2&, 3 every bar": [dict.fromkeys(range(8), [0, 1.5, 2.5])] * n,
            "hip-hop beat (drum engine)": beats}  # fmt: skip


def _bass_stats(harmonies: list, kicks: list) -> dict:
    root = on_kick = 0
    pitches, down0, steps = [], [], []
    for h, kick in zip(harmonies, kicks, strict=True):
        starts = {round(n.start_beats, 3): n.pitch for n in h.bass_notes}
        pitches += [n.pitch for n in h.bass_notes]
        for t in starts:
            bar, beat = divmod(t, 4)
            steps.append(round(beat * 4))
            on_kick += bool(kick) and any(abs(beat - k) < 1e-3 for k in kick.get(int(bar), ()))
        for b in range(8):
            chord = next(s.chord for s in h.segments if s.start <= 4 * b < s.start + s.length)
            if (p := starts.get(4.0 * b)) is not None:
                root += p % 12 == chord.bass_pc
                down0.append(p % 12 == chord.root)
    bars = 8 * len(harmonies)
    return {"onsets_per_bar": len(steps) / bars, "downbeat_onset": len(down0) / bars,
            "root_on_downbeat": root / bars, "downbeat_interval_0": sum(down0) / max(len(down0), 1),
            "on_beat_share": sum(s % 4 == 0 for s in steps) / len(steps),
            "onsets_on_kick": on_kick / len(steps) if kicks[0] else None,
            "range": [min(pitches), max(pitches)]}  # fmt: skip


def _pop909_bass() -> dict:
    from models.harmony import data

    bars = [b for b in data.pop909_bass_bars() if data.is_test(b.song)]
    down = [[i for s, i, _ in b.onsets if s == 0] for b in bars if any(s == 0 for s, *_ in b.onsets)]  # fmt: skip
    every = [(s, p) for b in bars for s, _, p in b.onsets]
    return {"bars": len(bars), "onsets_per_bar": len(every) / len(bars),
            "downbeat_onset": len(down) / len(bars),
            "downbeat_interval_0": sum(d[0] == 0 for d in down) / len(down),
            "on_beat_share": sum(s % 4 == 0 for s, _ in every) / len(every),
            "range": [min(p for _, p in every), max(p for _, p in every)]}  # fmt: skip


def bass_section(n: int) -> dict:
    from models.harmony.engine import HarmonyRequest, get_engine
    from models.music.theory import Key

    keys = [Key(seed * 7 % 12, "minor" if seed % 3 == 0 else "major") for seed in range(n)]
    out: dict = {style: {} for style in BASS_STYLES}
    for kick_label, kicks in _kick_sets(n).items():
        for style, r in out.items():
            r[kick_label] = _bass_stats([get_engine().write(HarmonyRequest(
                key=keys[s], style=style, bars=8, seed=s, kicks=kicks[s])) for s in range(n)], kicks)  # fmt: skip
    out["pop909_test"] = p = _pop909_bass()
    print("\n## Bass: generated lines against the chords and the kick\n")
    print(f"{n} x 8 bars per style (verse, seeds 0-{n - 1}, keys by fifths, a third minor): no "
          "kick, a kick on 1, 2& and 3 of every bar, and a generated hip-hop beat (90 bpm, same "
          "seed). Root on downbeat: a note starts on beat 1 on the chord's bass (root or slash "
          "bass). Onsets on a kick: onsets with a kick of their bar. Range: MIDI pitches.\n")  # fmt: skip
    table("style | kick | onsets/bar | downbeat onset | root on downbeat | onsets on a kick | range")  # fmt: skip
    for style, label in BASS_STYLES.items():
        for kick_label, r in out[style].items():
            print(f"| {label} | {kick_label} | {r['onsets_per_bar']:.2f} | "
                  f"{pct(r['downbeat_onset'])} | {pct(r['root_on_downbeat'])} | "
                  f"{pct(r['onsets_on_kick'])} | {r['range'][0]}-{r['range'][1]} |")  # fmt: skip
    print(f"\nLearned pop bass (no kick) against POP909's held-out 4/4 bars ({p['bars']:,} bars; "
          "their onsets: 16th steps where the piano's lowest new note is below MIDI 60). "
          "Interval 0: downbeat onsets on the chord's root.\n")  # fmt: skip
    table("bass | onsets/bar | bars with a downbeat onset | downbeat onsets at interval 0 | "
          "onsets on a beat | range")  # fmt: skip
    for name, r in (("generated pop", out["pop"]["none"]), ("POP909 test", p)):
        print(f"| {name} | {r['onsets_per_bar']:.2f} | {pct(r['downbeat_onset'])} | "
              f"{pct(r['downbeat_interval_0'])} | {pct(r['on_beat_share'])} | "
              f"{r['range'][0]}-{r['range'][1]} |")  # fmt: skip
    return out


def speed_section(runs: int, train: bool) -> dict:
    from models.harmony.engine import FOLDER, HarmonyRequest, get_engine
    from models.harmony.song import to_piece
    from models.harmony.styles import STYLES
    from models.train.harmony import train as fit

    def ms(req: HarmonyRequest | None = None) -> float:  # 8 bars, or (None) a fresh load
        t = time.perf_counter()
        if req is None:
            get_engine.cache_clear()
            get_engine(FOLDER)
        else:
            to_piece(engine.write(req))
        return 1000 * (time.perf_counter() - t)

    loads, engine = [ms() for _ in range(3)], get_engine(FOLDER)
    times = sorted(ms(HarmonyRequest(bars=8, seed=seed)) for seed in range(runs))
    per_style = {s: statistics.median(ms(HarmonyRequest(style=s, bars=8, seed=seed))
                                      for seed in range(20)) for s in STYLES}  # fmt: skip
    out = {"load_ms": statistics.median(loads), "runs": runs, "per_style_median_ms": per_style,
           "write_8_bars_ms": {"median": statistics.median(times), "p95": times[int(0.95 * runs)]}}  # fmt: skip
    if train:  # into a temporary folder, never over the committed checkpoint
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            folder = fit(out=Path(tmp) / "h", report=lambda s: print(s, file=sys.stderr))
            out["train_sec"] = time.perf_counter() - t
            out["same_as_committed"] = all((folder / f).read_bytes() == (FOLDER / f).read_bytes()
                                           for f in ("progressions.json.gz", "bass.json.gz", "config.json"))  # fmt: skip
    slow, w = max(per_style.items(), key=lambda kv: kv[1]), out["write_8_bars_ms"]
    print("\n## Speed (this machine, one process)\n")
    table("what | figure")
    print(f"| harmony model load (manifest check, gzipped JSON) | {out['load_ms']:.0f} ms |")  # fmt: skip
    print(f"| 8 bars of chords + bass, model loaded (`write` + `to_piece`, pop verse, {runs} "
          f"seeds) | **{w['median']:.2f} ms** median, p95 {w['p95']:.2f} ms (goal: under 10 ms) "
          f"|\n| the same per style ({len(STYLES)} styles x 20 seeds) | slowest {slow[0]} "
          f"{slow[1]:.2f} ms median |")  # fmt: skip
    print(f"| `cadenza train harmony` into a temporary folder (reading the data, dev tuning, "
          f"fitting) | {out['train_sec']:.1f} s; files identical to the committed checkpoint: "
          f"{'yes' if out['same_as_committed'] else 'NO'} |" if train else
          "| `cadenza train harmony` | not timed (--quick) |")  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="nats,stats,bass,speed")
    parser.add_argument("--quick", action="store_true", help="20 samples, no training run")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    wanted, n = args.sections.split(","), 20 if args.quick else 100
    results: dict = {"quick": args.quick}
    corpus = _corpus() if {"nats", "stats"} & set(wanted) else {}
    run = {"nats": lambda: nats_section(corpus), "stats": lambda: stats_section(corpus, n),
           "bass": lambda: bass_section(n),
           "speed": lambda: speed_section(50 if args.quick else 200, train=not args.quick)}  # fmt: skip
    results |= {name: section() for name, section in run.items() if name in wanted}
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
