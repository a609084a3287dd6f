"""Start-up and load benchmark (issue 24): cold commands before and after, side by side.

    .venv/bin/python benchmarks/cold_start.py [--before REV] [--repeats 3] [--skip-load]

Each figure is the median of fresh processes on this machine, measured in one run:
- `cadenza --help` beside `python -c "import typer, rich"`;
- a cold `cadenza route` and a cold `cadenza ask "compose a short melody in G major"` (time to
  the reply's first line, and until the process exits: the song is stored after the reply),
  for this checkout and for REV (default: the commit before issue 24), checked out in a
  temporary git worktree and run with the same virtual environment;
- the heavy modules that a cold compose imports (from `python -X importtime`);
- a warm `ask` through a resident `cadenza serve` (when this checkout has it);
- under load: routing, reading a 60-line song and a 32-bar chorale (the Markov composer's and
  the neural generator's, four parts) in one process, quiet and
  beside two busy-loop processes, with Cadenza's thread settings and with the libraries'
  defaults (two threads, active OpenMP waiting).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
BEFORE = "75f2118"  # the last commit before issue 24's changes
COMPOSE = "compose a short melody in G major"
HEAVY = ("torch", "transformers", "sentence_transformers", "librosa", "chromadb", "music21")
CLI = """import sys
sys.argv[0] = "cadenza"
try:
    from assistant.cli.entry import main
except ImportError:  # before issue 24
    from assistant.cli.app import main
main()"""


def timed(argv: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """(seconds to the first line of output, seconds to exit)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    first = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if first is None and line.strip():
            first = time.perf_counter() - start
    proc.wait()
    total = time.perf_counter() - start
    return (first if first is not None else total), total


def median(argv: list[str], env: dict, cwd: Path, repeats: int) -> tuple[float, float]:
    runs = [timed(argv, env, cwd) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def checkout_env(src: Path, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADENZA_")}
    env.update(PYTHONPATH=str(src), CADENZA_HOME=str(home), CADENZA_RESIDENT="0")
    return env


def startup(label: str, src: Path, work: Path, repeats: int) -> dict[str, float]:
    home = work / f"home-{label}"
    env = checkout_env(src, home)
    cmd = [PY, "-c", CLI]
    where = subprocess.run([PY, "-c", "import assistant; print(assistant.__file__)"], env=env, cwd=work,
                           capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert where.startswith(str(src)), f"{label} imports {where}, not {src}"
    timed([*cmd, "ask", "hello"], env, work)  # the home and its caches exist, as after setup
    timed([*cmd, "ask", COMPOSE], env, work)
    out = {"help": median([*cmd, "--help"], env, work, repeats)[1]}
    out["route"] = median([*cmd, "route", COMPOSE], env, work, repeats)[1]
    out["ask_reply"], out["ask_exit"] = median([*cmd, "ask", COMPOSE], env, work, repeats)
    return out


def heavy_imports(work: Path) -> dict[str, list[str]]:
    """Heavy top-level packages imported by a cold compose, split at the reply."""
    env = checkout_env(ROOT, work / "home-after")
    proc = subprocess.run([PY, "-X", "importtime", "-c", CLI, "ask", COMPOSE], env=env,
                          cwd=work, capture_output=True, text=True)  # fmt: skip
    seen = []
    for line in proc.stderr.splitlines():
        name = line.rsplit("|", 1)[-1].strip()
        if name.split(".")[0] in HEAVY and name.split(".")[0] not in seen:
            seen.append(name.split(".")[0])
    return {"imported": seen}


def resident(work: Path, repeats: int) -> dict[str, float] | None:
    home = work / "home-resident"
    env = checkout_env(ROOT, home)
    env.pop("CADENZA_RESIDENT")
    probe = subprocess.run([PY, "-c", CLI, "serve", "--help"], env=env, cwd=work,
                           capture_output=True, text=True)  # fmt: skip
    if probe.returncode != 0:
        return None
    server = subprocess.Popen([PY, "-c", CLI, "serve"], env=env, cwd=work,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    try:
        assert server.stdout is not None
        server.stdout.readline()  # "Listening on ..."
        timed([PY, "-c", CLI, "ask", "hello"], env, work)
        out = {"help": median([PY, "-c", CLI, "ask", "help"], env, work, repeats)[1]}
        out["compose"] = median([PY, "-c", CLI, "ask", COMPOSE], env, work, repeats)[1]
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def tui(label: str, src: Path, work: Path) -> dict[str, float] | None:
    """In tmux at 80x24: seconds until the chat is on screen, and until the answer to a request
    typed at once (fresh home, caches built by one earlier start)."""
    if shutil.which("tmux") is None:
        return None
    env = checkout_env(src, work / f"home-tui-{label}")
    timed([PY, "-c", CLI, "ask", "hello"], env, work)
    exports = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith(("CADENZA_", "PYTHONPATH")))
    script = work / f"tui-{label}.py"
    script.write_text(CLI.replace('main()', 'sys.argv[1:] = ["chat"]\nmain()'))
    name = f"cadenza-bench-{label}"
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                    f"cd {work} && env TERM=xterm-256color {exports} {PY} {script}"], check=True)
    shown = answered = None
    typed = False
    try:
        while time.perf_counter() - start < 120 and answered is None:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", name],
                                    capture_output=True, text=True).stdout  # fmt: skip
            now = time.perf_counter() - start
            if shown is None and "Ask Cadenza" in screen:  # the input is on screen
                shown = now
            if shown is not None and not typed:
                subprocess.run(["tmux", "send-keys", "-t", name, COMPOSE, "Enter"], check=True)
                typed = True
            if typed and "Composed" in screen:
                answered = now
            time.sleep(0.05)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
    return {"shown": shown or float("nan"), "answered": answered or float("nan")}


INNER = r"""
import json, sys, time
if sys.argv[1] == "cadenza":
    from models.threads import one_thread_by_default
    one_thread_by_default()
from assistant.config import Settings
from assistant.core.routing.router import make_router
from models.composition.engine import MelodyRequest, get_composer
from models.lyrics.engine import get_model
from models.lyrics.song import analyse
from models.music.theory import parse_key
from models.generation.engine import Sampling, get_generator
from models.generation.pieces import Controls, generate
settings = Settings(); settings.ensure_dirs()
router, composer, model = make_router(settings), get_composer(), get_model()
gen, key = get_generator(), parse_key("G")
song = "\n".join(f"line {i}: I walk alone beneath the {w} lights tonight"
                 for i, w in zip(range(60), ["city", "fading", "silver", "broken"] * 15))
jobs = {
    "route": lambda: router.route("compose a short melody in G major"),
    "song60": lambda: analyse(song, model),
    "chorale32": lambda: composer.compose(MelodyRequest(key=key, bars=32, seed=3)),
    "neural32": lambda: generate(gen, Controls(key, (4, 4), "chorale", True), 32,
                                 Sampling(0.9, 0.95, 3)),
}
for job in jobs.values():
    job()
out = {}
for name, job in jobs.items():
    runs = []
    for _ in range(21 if name == "route" else 5 if name == "chorale32" else 3):
        t = time.perf_counter(); job(); runs.append(time.perf_counter() - t)
    out[name] = sorted(runs)[len(runs) // 2]
print(json.dumps(out))
"""


def under_load(work: Path) -> dict[str, dict[str, float]]:
    results = {}
    for config in ("cadenza", "defaults"):
        env = checkout_env(ROOT, work / "home-load")
        if config == "defaults":
            env.update(OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2", OMP_WAIT_POLICY="ACTIVE")
        for state in ("quiet", "loaded"):
            busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                    for _ in range(2 if state == "loaded" else 0)]  # fmt: skip
            try:
                proc = subprocess.run([PY, "-c", INNER, config], env=env, cwd=work,
                                      capture_output=True, text=True, check=True)  # fmt: skip
            finally:
                for p in busy:
                    p.kill()
            results[f"{config}/{state}"] = json.loads(proc.stdout.strip().splitlines()[-1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cadenza-start-"))
    before = work / "before"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(before),
                    args.before], check=True)  # fmt: skip
    try:
        base = median([PY, "-c", "import typer, rich"], dict(os.environ), work, args.repeats)[1]
        print(f"python -c 'import typer, rich': {base:.2f} s")
        rows = {"before": startup("before", before, work, args.repeats),
                "after": startup("after", ROOT, work, args.repeats)}  # fmt: skip
        print(f"{'':10} {'--help':>8} {'route':>8} {'ask: reply':>11} {'ask: exit':>10}")
        for label, r in rows.items():
            print(f"{label:10} {r['help']:7.2f}s {r['route']:7.2f}s {r['ask_reply']:10.2f}s "
                  f"{r['ask_exit']:9.2f}s")  # fmt: skip
        print("heavy packages a cold compose imports (after):", heavy_imports(work)["imported"])
        for label, src in (("before", before), ("after", ROOT)):
            got = tui(label, src, work)
            if got:
                print(f"TUI in tmux, {label}: on screen {got['shown']:.2f} s, answer to a "
                      f"request typed at once {got['answered']:.2f} s")
        warm = resident(work, args.repeats)
        if warm:
            print(f"warm ask through `cadenza serve`: help {warm['help'] * 1000:.0f} ms, "
                  f"compose {warm['compose']:.2f} s")
        if not args.skip_load:
            for key, r in under_load(work).items():
                print(f"{key:16} route {r['route'] * 1000:6.1f} ms, 60-line song "
                      f"{r['song60']:5.2f} s, 32-bar chorale: Markov {r['chorale32']:5.3f} s, "
                      f"neural {r['neural32']:5.2f} s")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)],
                       check=False)  # fmt: skip
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
