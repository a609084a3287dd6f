"""The router on requests written elsewhere: `python benchmarks/router_fresh.py [--json PATH]`.

Reads tests/router_data/fresh.yaml (written by a session that did not look at the router, before
the issue-22 fixes were measured; never used as exemplars). Its score is the headline figure of
docs/benchmarks.md "Router on fresh requests".

- singles: each routed as a session would route it mid-conversation (a current song in the state,
  its MIDI file on disk):
  a multi-step request is planned and each step routed; the item is right when one of the routed
  steps has the expected intent (an `unclear` item: the router asked instead of acting; an
  `ask_ok` item: a question is also right).
- conversations: each played through a real `Session` in a fresh CADENZA_HOME (tools run, songs
  kept, store real), so "it", "these lyrics" and follow-ups meet the state a producer's would;
  every turn is scored as a single.
- figures: intent accuracy; silent wrong actions (a tool ran for a wrong intent without asking);
  slot micro-F1 of `extract_slots` on the request line against `slots`; the share of labelled
  tool arguments (`args`) the routed call carries, and of `absent` arguments it wrongly carries
  (stale lyrics, a quoted phrase read as lyrics); `present` arguments count as labelled ones
  carried whatever their value (a release date in words).

`--root PATH` routes with another checkout's code (the before figure: a worktree of an older
commit), reading this file's data.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
DATA = HERE / "tests" / "router_data" / "fresh.yaml"


def _norm(value: object) -> object:
    if isinstance(value, str):
        return " ".join(value.replace("♭", "b").replace("♯", "#").split()).strip(" .'\"").lower()
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def args_check(item: dict, routes: list) -> tuple[int, int, int, int]:  # noqa: ANN001
    """(labelled args right, labelled args, absent args carried, absent args labelled)."""
    want, absent = item.get("args") or {}, item.get("absent") or []
    present = item.get("present") or []
    right = carried = 0
    for key, value in want.items():  # `true`: any true value (swing is an amount)
        right += any(bool(r.args.get(key)) if value is True else
                     _norm(r.args.get(key)) == _norm(value) for r in routes if r.tool)  # fmt: skip
    for key in present:  # carried, whatever its value (a date in words depends on the day)
        right += any(r.args.get(key) for r in routes if r.tool)
    for key in absent:
        carried += any(r.args.get(key) for r in routes if r.tool)
    return right, len(want) + len(present), carried, len(absent)


def judge(item: dict, routes: list) -> dict:  # noqa: ANN001
    expected = item["intent"]
    asked = any(r.tool is None and r.question for r in routes)
    acted = [r for r in routes if r.tool]
    if expected == "unclear":
        correct = not acted and (asked or any(r.intent == "unclear" for r in routes))
    else:
        correct = any(r.intent == expected for r in routes) or (bool(item.get("ask_ok")) and asked)
    got = "+".join(r.intent if r.tool or r.intent in ("undo", "smalltalk") else
                   f"ask({r.intent})" for r in routes)  # fmt: skip
    silent_wrong = not correct and bool(acted) and not any(r.intent == expected for r in acted)
    return {"correct": correct, "silent_wrong": silent_wrong, "got": got,
            "args": args_check(item, routes)}  # fmt: skip


def route_single(router, text: str, state) -> list:  # noqa: ANN001
    """The routes a session would decide for this message (each step of a plan)."""
    steps = router.plan(text)
    return [router.route(step, state) for step in steps] if steps else [router.route(text, state)]


def mid_conversation_state(midi: str = ""):  # noqa: ANN201
    """A current song, as after a first request (benchmarks/router.py's, with its MIDI file, so
    that edits, questions and exports about it are decided as in a session)."""
    from assistant.core.state import DialogueState, Song

    state = DialogueState()
    state.add_song(
        Song(id="bench", title="hopeful chorale in D major", tool="compose", key="D",
             mode="major", tempo=80, meter="4/4", bars=16, style="chorale", mood="hopeful",
             instrument="choir", parts=4, seed=5, files={"midi": midi} if midi else {})
    )  # fmt: skip
    return state


def bench_midi(folder: Path) -> str:
    """A 16-bar four-part chorale in D major at 80 bpm: the singles' current song on disk."""
    from models.music.midi_io import write_midi
    from models.music.piece import Note, Piece, Track
    from models.music.theory import Key

    voices = [("Soprano", 74), ("Alto", 69), ("Tenor", 66), ("Bass", 50)]
    tracks = [Track(f"{name} (choir)", 52, [Note(pitch, 4 * bar, 4) for bar in range(16)])
              for name, pitch in voices]  # fmt: skip
    return str(write_midi(Piece(Key(2, "major"), 80.0, (4, 4), 16, tracks, []),
                          folder / "hopeful-chorale-Dmaj.mid"))  # fmt: skip


def run_singles(router, items: list[dict], midi: str) -> list[dict]:  # noqa: ANN001
    out = []
    for item in items:
        state = mid_conversation_state(midi)
        t0 = time.perf_counter()
        routes = route_single(router, item["text"], state)
        out.append({"item": item, "ms": (time.perf_counter() - t0) * 1000, "kind": "single",
                    **judge(item, routes)})  # fmt: skip
    return out


def run_conversation(router, conv: dict) -> list[dict]:  # noqa: ANN001
    """One conversation through a real Session in its own CADENZA_HOME."""
    from assistant.config import Settings
    from assistant.core.events import RouteDecided
    from assistant.core.routing.route import Route
    from assistant.core.session import Session

    out = []
    with tempfile.TemporaryDirectory(prefix="cadenza-fresh-") as home:
        session = Session(Settings(home=Path(home), workspace=Path(home)), router=router)
        try:
            for n, item in enumerate(conv["turns"]):
                routes = []
                with contextlib.redirect_stderr(io.StringIO()):
                    for event in session.send(item["text"]):
                        if isinstance(event, RouteDecided):
                            routes.append(Route(event.intent, event.tool, event.args,
                                                event.confidence, question=event.question))  # fmt: skip
                out.append({"item": item, "kind": "turn", "conversation": conv["name"],
                            "turn": n + 1, **judge(item, routes)})  # fmt: skip
        finally:
            session.close()
    return out


def slot_figures(records: list[dict], router) -> dict:  # noqa: ANN001
    from assistant.core.routing.slots import extract_slots
    from models.intents.message import read_message

    read = getattr(router, "read", read_message)  # the request line as the router reads it
    tp = n_pred = n_gold = 0
    for r in records:
        gold = set((r["item"].get("slots") or {}).items())
        pred = set(extract_slots(read(r["item"]["text"])[0]).values.items())
        tp, n_pred, n_gold = tp + len(gold & pred), n_pred + len(pred), n_gold + len(gold)
    p = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(rec, 3),
            "f1": round(2 * p * rec / (p + rec), 3) if p + rec else 0.0, "gold": n_gold}  # fmt: skip


def summary(records: list[dict], router) -> dict:  # noqa: ANN001
    n = len(records)
    right = sum(r["correct"] for r in records)
    wrong = sum(r["silent_wrong"] for r in records)
    a_right, a_n, ab_bad, ab_n = (sum(r["args"][i] for r in records) for i in range(4))
    return {"items": n, "intent_pct": round(100 * right / n, 1) if n else 0.0,
            "silent_wrong_pct": round(100 * wrong / n, 1) if n else 0.0,
            "args_right": a_right, "args_labelled": a_n, "absent_carried": ab_bad,
            "absent_labelled": ab_n, "slots": slot_figures(records, router)}  # fmt: skip


def report(records: list[dict], n_errors: int, router) -> dict:  # noqa: ANN001
    groups = {"singles": [r for r in records if r["kind"] == "single"],
              "conversation turns": [r for r in records if r["kind"] == "turn"],
              "all": records}  # fmt: skip
    figures = {name: summary(rs, router) for name, rs in groups.items()}
    print("| part | items | intent accuracy | silent wrong actions | slot P / R / F1 | "
          "labelled args carried | stale/wrong args carried |\n|---|---|---|---|---|---|---|")
    for name, f in figures.items():
        s = f["slots"]
        print(f"| {name} | {f['items']} | **{f['intent_pct']:.1f}%** | {f['silent_wrong_pct']:.1f}% "
              f"| {s['precision']:.3f} / {s['recall']:.3f} / **{s['f1']:.3f}** | "
              f"{f['args_right']} of {f['args_labelled']} | {f['absent_carried']} of "
              f"{f['absent_labelled']} |")  # fmt: skip
    print("\n| intent | items | right | most often instead |\n|---|---|---|---|")
    per = {}
    for intent in sorted({r["item"]["intent"] for r in records}):
        rs = [r for r in records if r["item"]["intent"] == intent]
        instead = Counter(r["got"] for r in rs if not r["correct"]).most_common(2)
        per[intent] = round(100 * sum(r["correct"] for r in rs) / len(rs), 1)
        print(f"| {intent} | {len(rs)} | {per[intent]:.0f}% | "
              f"{', '.join(f'{g} {k}' for g, k in instead) or '-'} |")  # fmt: skip
    figures["per_intent"] = per
    errors = [r for r in records if not r["correct"] or r["args"][0] < r["args"][1] or r["args"][2]]
    figures["errors"] = [{"text": r["item"]["text"].splitlines()[0][:100], "expected":
                          r["item"]["intent"], "got": r["got"], "args": r["args"]}
                         for r in errors]  # fmt: skip
    if n_errors:
        print(f"\n### Mistakes ({len(errors)}; the first {min(n_errors, len(errors))})\n")
        print("| text | expected | got | args right/labelled, stale |\n|---|---|---|---|")
        for e in figures["errors"][:n_errors]:
            a = e["args"]
            print(f"| {e['text']} | {e['expected']} | {e['got']} | {a[0]}/{a[1]}, {a[2]} |")
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout whose code routes")
    parser.add_argument("--errors", type=int, default=40, help="mistakes to list")
    parser.add_argument("--no-conversations", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    import yaml
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    from assistant.config import Settings
    from assistant.core.routing.router import make_router

    data = yaml.safe_load(args.data.read_text())
    with tempfile.TemporaryDirectory(prefix="cadenza-bench-") as home:
        router = make_router(Settings(home=Path(home), workspace=Path(home)))
        t0 = time.perf_counter()
        records = run_singles(router, data["singles"], bench_midi(Path(home)))
        if not args.no_conversations:
            for conv in data["conversations"]:
                records += run_conversation(router, conv)
        took = time.perf_counter() - t0
    n_conv = 0 if args.no_conversations else len(data["conversations"])
    print(f"# Router on fresh requests ({args.data.name}: {len(data['singles'])} singles, "
          f"{n_conv} conversations; code of {args.root}; {took:.0f} s)\n")  # fmt: skip
    figures = report(records, args.errors, router)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return figures


if __name__ == "__main__":
    main()
