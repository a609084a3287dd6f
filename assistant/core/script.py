"""Scripted conversations: YAML files of user turns and what each turn must produce.

Format (documented in the README):

    name: compose, then speed it up
    seed: 7                      # optional: fixed seed for every tool call
    turns:
      - user: compose a short melody in G major
        expect:
          tool: compose          # the tool called (null: no tool, e.g. a question)
          args: {key: G, mode: major, bars: 8}   # these argument values (a subset)
          ok: true               # the tool succeeded
          reply_contains: ["G major", "MIDI:"]
          reply_not_contains: ["Traceback"]
          files: [".mid"]        # files written, by suffix; each must exist and be non-empty
          midi: {key: G major, bars: 8, meter: 4/4}   # the MIDI written reads back with these
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.core.events import RouteDecided, TurnDone, collect_turn
from assistant.core.session import Session
from assistant.errors import ScriptError

EXPECT_KEYS = {"tool", "args", "ok", "reply_contains", "reply_not_contains", "files", "midi"}
MAX_SCRIPT_BYTES = 1_000_000  # a conversation script is text a person wrote: far below this
MAX_TURNS = 500
# What each expectation must be: a mapping, a list of texts, or a single value.
MAPPINGS, LISTS = {"args", "midi"}, {"reply_contains", "reply_not_contains", "files"}


class _NoAliases(yaml.SafeLoader):
    """YAML without anchors and aliases: a 375-byte 'billion laughs' script expands to
    gigabytes once its turns are made text; a conversation script never needs them."""

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise ScriptError(f"line {mark.line + 1}: aliases (*name) are not allowed in scripts.")
        return super().compose_node(parent, index)


@dataclass
class TurnReport:
    user: str
    reply: str
    tool: str | None
    args: dict[str, Any]
    failures: list[str] = field(default_factory=list)


@dataclass
class ScriptReport:
    name: str
    turns: list[TurnReport]

    @property
    def ok(self) -> bool:
        return all(not t.failures for t in self.turns)

    @property
    def failures(self) -> list[str]:
        return [f"turn {i}: {f}" for i, t in enumerate(self.turns, 1) for f in t.failures]


def load_script(path: Path) -> dict[str, Any]:
    """A script's turns, checked: bounded size, no aliases, every field of the right kind."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_SCRIPT_BYTES:
            raise ScriptError(f"{path} is {size:,} bytes; scripts are limited to "
                              f"{MAX_SCRIPT_BYTES:,}.")  # fmt: skip
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_NoAliases)  # noqa: S506
    except ScriptError as exc:
        raise ScriptError(f"Cannot read the script {path}: {exc}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScriptError(f"Cannot read the script {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list) or not data["turns"]:
        raise ScriptError(f"{path} needs a 'turns:' list of {{user: ..., expect: ...}} items.")
    if len(data["turns"]) > MAX_TURNS:
        raise ScriptError(f"{path} has {len(data['turns'])} turns; the limit is {MAX_TURNS}.")
    for i, turn in enumerate(data["turns"], 1):
        problem = _turn_problem(turn)
        if problem:
            raise ScriptError(f"{path}: turn {i} {problem}.")
    return data


def _turn_problem(turn: Any) -> str:
    """What is wrong with one turn of a script, or ''."""
    if not isinstance(turn, dict) or not isinstance(turn.get("user"), str | int | float):
        return "needs a 'user:' message (text)"
    expect = turn.get("expect") or {}
    if not isinstance(expect, dict):
        return "has 'expect:' that is not a mapping of expectations"
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        return f"has unknown expectations {sorted(unknown)}"
    for key in MAPPINGS & set(expect):
        if expect[key] is not None and not isinstance(expect[key], dict):
            return f"has '{key}:' that is not a mapping ({key}: {{name: value}})"
    for key in LISTS & set(expect):
        if expect[key] is not None and not isinstance(expect[key], list):
            return f"has '{key}:' that is not a list ({key}: [...])"
    return ""


def run_script(data: dict[str, Any], session: Session) -> ScriptReport:
    """Play every turn through the session and check its expectations."""
    reports = []
    for turn in data["turns"]:
        route, done = collect_turn(session.send(str(turn["user"])))
        report = TurnReport(
            str(turn["user"]), done.reply, done.tool, dict(route.args) if route else {}
        )
        report.failures = check_turn(turn.get("expect") or {}, route, done)
        reports.append(report)
    return ScriptReport(str(data.get("name", "conversation")), reports)


def check_turn(expect: dict[str, Any], route: RouteDecided | None, done: TurnDone) -> list[str]:
    fails: list[str] = []
    if "tool" in expect and done.tool != expect["tool"]:
        fails.append(f"expected tool {expect['tool']!r}, got {done.tool!r}")
    args = route.args if route else {}
    for key, value in (expect.get("args") or {}).items():
        if args.get(key) != value:
            fails.append(f"expected argument {key}={value!r}, got {args.get(key)!r}")
    if "ok" in expect and done.ok != expect["ok"]:
        fails.append(f"expected ok={expect['ok']}, got ok={done.ok} ({done.reply[:120]!r})")
    for fragment in expect.get("reply_contains") or []:
        if str(fragment).lower() not in done.reply.lower():
            fails.append(f"reply lacks {fragment!r}")
    for fragment in expect.get("reply_not_contains") or []:
        if str(fragment).lower() in done.reply.lower():
            fails.append(f"reply contains {fragment!r}")
    files = (done.result or {}).get("files") or []
    for suffix in expect.get("files") or []:
        hits = [f for f in files if f.endswith(suffix)]
        if not hits:
            fails.append(f"no {suffix} file written")
        elif not all(Path(f).is_file() and Path(f).stat().st_size > 0 for f in hits):
            fails.append(f"{suffix} file missing or empty on disk")
    if "midi" in expect:
        fails += check_midi(expect["midi"], [f for f in files if f.endswith(".mid")])
    return fails


def check_midi(expect: dict[str, Any], files: list[str]) -> list[str]:
    """Read the MIDI back with pretty_midi: key membership, bar count, meter, number of parts."""
    if not files:
        return ["no MIDI file to check"]
    import pretty_midi

    from models.music.theory import parse_key

    pm = pretty_midi.PrettyMIDI(files[0])
    notes = [n for inst in pm.instruments for n in inst.notes]
    fails = []
    if not notes:
        return ["the MIDI file has no notes"]
    if "key" in expect:
        tonic, mode = str(expect["key"]).split()
        scale = parse_key(tonic, mode).scale_pcs()
        outside = [n.pitch for n in notes if n.pitch % 12 not in scale]
        if outside:
            fails.append(f"{len(outside)} notes outside {expect['key']}: {outside[:5]}")
    ts = pm.time_signature_changes[0] if pm.time_signature_changes else None
    if "meter" in expect and (ts is None or f"{ts.numerator}/{ts.denominator}" != expect["meter"]):
        fails.append(f"meter is not {expect['meter']}")
    if "parts" in expect:
        parts = sum(1 for inst in pm.instruments if inst.notes)
        if parts != int(expect["parts"]):
            fails.append(f"expected {expect['parts']} parts, the file has {parts}")
    if "bars" in expect and ts is not None:
        beats = pm.time_to_tick(pm.get_end_time()) / pm.resolution
        bars = beats / (ts.numerator * 4 / ts.denominator)
        if abs(bars - float(expect["bars"])) > 1e-3:
            fails.append(f"expected {expect['bars']} bars, the file has {bars:.2f}")
    return fails
