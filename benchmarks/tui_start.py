"""How soon the Textual chat answers a request typed at once (issue 24 item 6), in tmux at 80x24.

    .venv/bin/python benchmarks/tui_start.py [--repeats 3] [--type-when start|shown]
        [--rev REV | --tui-rev REV]

Each run starts `cadenza chat` in a detached tmux session of 80x24 with a fresh temporary
CADENZA_HOME, from a fresh temporary working folder, types "compose a short melody in G major"
and Enter, and polls `tmux capture-pane -p` every 50 ms. It prints, per run and as medians:
- `input`: seconds from the start until the input box is on screen;
- `answer`: seconds until the answer (its tool card, its first or last line) is on screen.

`--type-when start` (the default) sends the keys right after the pane starts, before the chat
has drawn anything, as a producer who types at once; `--type-when shown` waits until the input
is on screen. `--rev REV` runs a commit (in a temporary git worktree); `--tui-rev REV` runs this
commit with `assistant/tui/` taken from REV (the TUI's change alone). All use this checkout's
virtual environment. Figures depend on the machine's load: measure the sides in one run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
REQUEST = "compose a short melody in G major"
# The reply's start, its tool card or its end (the conversation keeps its end in view).
ANSWER_MARKS = ("Composed", "✓ compose", "in G major later")
CLI = """import sys
sys.argv[:] = ["cadenza", "chat"]
try:
    from assistant.cli.entry import main
except ImportError:  # before issue 24
    from assistant.cli.app import main
main()"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30).stdout


def one_run(src: Path, type_when: str, limit_sec: float) -> dict[str, float]:
    """Start the chat once with a fresh home and working folder; seconds to each milestone."""
    work = Path(tempfile.mkdtemp(prefix="cadenza-tui-"))
    env = {"TERM": "xterm-256color", "CADENZA_HOME": work / "home", "PYTHONPATH": src,
           "CADENZA_WORKSPACE": work, "HF_HUB_OFFLINE": 1}  # fmt: skip
    exports = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in env.items())
    # TERM is set inside the pane: tmux overrides -e TERM.
    command = f"cd {shlex.quote(str(work))} && env {exports} {PY} -c {shlex.quote(CLI)}"
    name = f"cadenza-tui-{uuid.uuid4().hex[:8]}"
    seen: dict[str, float] = {}
    start = time.perf_counter()
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
    typed = False
    try:
        while time.perf_counter() - start < limit_sec and "answer" not in seen:
            if not typed and (type_when == "start" or "input" in seen):
                tmux("send-keys", "-t", name, REQUEST, "Enter")
                typed = True
            screen = tmux("capture-pane", "-p", "-t", name)
            now = time.perf_counter() - start
            if "Ask Cadenza" in screen or "f1 help" in screen:  # the input, or the footer below it
                seen.setdefault("input", now)
            if any(mark in screen for mark in ANSWER_MARKS):
                seen["answer"] = now
            time.sleep(0.05)
        tmux("send-keys", "-t", name, "C-q")
        time.sleep(0.5)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return {k: seen.get(k, float("nan")) for k in ("input", "answer")}


@contextmanager
def checkout(rev: str | None, tui_rev: str | None):  # noqa: ANN201
    """This checkout, or a temporary worktree of REV (or of HEAD with REV's assistant/tui/)."""
    if rev is None and tui_rev is None:
        yield ROOT
        return
    folder = Path(tempfile.mkdtemp(prefix="cadenza-rev-")) / "src"
    git = ["git", "-C", str(ROOT)]
    subprocess.run([*git, "worktree", "add", "--detach", str(folder), rev or "HEAD"],
                   check=True, capture_output=True)  # fmt: skip
    try:
        if tui_rev is not None:
            subprocess.run(["git", "-C", str(folder), "checkout", tui_rev, "--", "assistant/tui"],
                           check=True, capture_output=True)  # fmt: skip
        yield folder
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(folder)], capture_output=True)
        shutil.rmtree(folder.parent, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--type-when", choices=("start", "shown"), default="start")
    parser.add_argument("--rev", help="run this commit (temporary git worktree)")
    parser.add_argument("--tui-rev", help="run HEAD with assistant/tui/ from this commit")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per run at most")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed (apt-get install tmux)")
    label = args.rev or (f"HEAD + tui {args.tui_rev}" if args.tui_rev else "this checkout")
    print(f"{label}; keys typed at {args.type_when}; {time.strftime('%Y-%m-%d %H:%M:%S')}; "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
    runs = []
    with checkout(args.rev, args.tui_rev) as src:
        for n in range(args.repeats):
            runs.append(one_run(src, args.type_when, args.limit))
            print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in runs[-1].items()))
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print("median: " + ", ".join(f"{k} {v:.2f} s" for k, v in medians.items()))


if __name__ == "__main__":
    main()
