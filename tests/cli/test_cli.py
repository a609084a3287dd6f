"""The `cadenza` command itself, run as a producer would run it (subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pretty_midi

CADENZA = str(Path(sys.executable).with_name("cadenza"))
HEAVY = ("torch", "transformers", "chromadb", "librosa", "music21", "textual")


def cadenza(
    *args: str, stdin: str | None = None, timeout: int = 180
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CADENZA, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
    )


def test_help_is_fast_and_light() -> None:
    code = (
        f"import sys, assistant.cli.app; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == ""
    cadenza("--help")  # warm the file cache
    start = time.perf_counter()
    result = cadenza("--help")
    assert result.returncode == 0 and "compose" in result.stdout
    assert time.perf_counter() - start < 1.5  # ~0.4 s here; generous for a busy CI machine


def test_route_prints_the_call_as_json() -> None:
    result = cadenza("route", "write a sad waltz in A minor, 16 bars")
    route = json.loads(result.stdout)
    assert route["tool"] == "compose"
    assert {k: route["args"][k] for k in ("key", "mode", "meter", "bars")} == {
        "key": "A",
        "mode": "minor",
        "meter": "3/4",
        "bars": 16,
    }
    assert 0 < route["confidence"] <= 1


def test_route_reads_stdin_one_json_per_line() -> None:
    result = cadenza("route", stdin="hello\n\nH# major\ncompose an irish jig in D\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[1]["tool"] is None and "H#" in lines[1]["question"]
    assert lines[2]["args"]["style"] == "irish"


def test_ask_then_make_it_faster(cadenza_home: Path) -> None:
    first = cadenza("ask", "compose a short melody in G major")
    assert first.returncode == 0, first.stderr
    midi = next(
        line.split(": ", 1)[1] for line in first.stdout.splitlines() if line.startswith("MIDI: ")
    )
    assert Path(midi).is_relative_to(cadenza_home / "outputs")
    notes = pretty_midi.PrettyMIDI(midi).instruments[0].notes
    assert {n.pitch % 12 for n in notes} <= {7, 9, 11, 0, 2, 4, 6}
    second = cadenza("ask", "--json", "that's great, make it faster")
    events = [json.loads(line) for line in second.stdout.splitlines()]
    route = next(e for e in events if e["event"] == "RouteDecided")
    assert (
        route["tool"] == "compose" and route["args"]["key"] == "G" and route["args"]["tempo"] > 80
    )
    assert events[-1]["event"] == "TurnDone" and events[-1]["ok"]


def test_song_found_again_by_a_later_process() -> None:
    made = cadenza("ask", "write a sad waltz in A minor, 16 bars")
    assert made.returncode == 0, made.stderr
    cadenza("compose", "--style", "irish", "--meter", "6/8", "--key", "D")  # now the current song
    found = cadenza("ask", "find the waltz")
    assert found.returncode == 0, found.stdout
    assert "sad waltz in A minor" in found.stdout.split("\n")[0]
    faster = cadenza("ask", "--json", "make it faster")
    route = next(json.loads(x) for x in faster.stdout.splitlines() if '"RouteDecided"' in x)
    assert route["args"]["key"] == "A" and route["args"]["meter"] == "3/4"


def test_tool_command_with_json(cadenza_home: Path) -> None:
    result = cadenza(
        "compose",
        "--key",
        "E",
        "--mode",
        "minor",
        "--bars",
        "4",
        "--meter",
        "3/4",
        "--seed",
        "9",
        "--json",
    )
    data = json.loads(result.stdout)
    assert data["ok"] and data["data"]["key"] == "E minor" and data["data"]["seed"] == 9
    bad = cadenza("compose", "--bars", "0")
    assert bad.returncode == 1 and "at least 1" in bad.stdout


def test_chat_line_mode_over_a_pipe() -> None:
    result = cadenza("chat", stdin="hello\n\ncompose a short tune in C major\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Cadenza" in result.stdout and "MIDI: " in result.stdout


def test_chat_line_mode_takes_pasted_lyrics_after_a_colon() -> None:
    lyrics = "I miss you every night\nthe rain keeps falling down\n\nI cry alone\nwithout you\n"
    result = cadenza("chat", stdin=f"what do these lyrics feel like:\n{lyrics}.\nhello\n")
    assert result.returncode == 0, result.stderr
    assert "Read 4 lines in 2 section(s)" in result.stdout
    assert "I'm Cadenza" in result.stdout  # the line after the '.' is a new message


def test_run_exit_code(tmp_path: Path) -> None:
    good = Path(__file__).parents[1] / "conversations" / "01_compose_and_faster.yaml"
    assert cadenza("run", str(good)).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: wrong expectation\nturns:\n  - user: hello\n    expect: {tool: compose}\n"
    )
    result = cadenza("run", str(bad))
    assert result.returncode == 1 and "FAIL" in result.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("turns: nope\n")
    assert cadenza("run", str(broken)).returncode == 1
