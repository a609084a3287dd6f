"""`analyze_lyrics` and `compose(lyrics=...)`: text or files in, feelings and music out."""

from __future__ import annotations

import json
from pathlib import Path

import pretty_midi
import pytest
from typer.testing import CliRunner

from assistant.config import Settings
from assistant.core.runtime import Runtime
from assistant.core.state import DialogueState
from tools.base import ToolContext

pytestmark = pytest.mark.slow

SAD = """\
I keep your letters in a drawer
I cannot read them anymore
the house is quiet since you left
and every night I cry alone

come back to me, come back to me
I'm lost without you here

the garden's gone to weeds and rain
your coat still hangs behind the door

come back to me, come back to me
I'm lost without you here
"""


def call(settings: Settings, tool: str, state: DialogueState | None = None, **args):  # noqa: ANN003, ANN201
    return Runtime().call(tool, args, ToolContext(settings=settings, state=state))


def test_reads_pasted_lyrics_by_line_section_and_song(settings: Settings) -> None:
    state = DialogueState()
    result = call(settings, "analyze_lyrics", state, lyrics=SAD)
    assert result.ok, result.error
    data = result.data
    assert len(data["lines"]) == 10 and [s["name"] for s in data["sections"]] == [
        "verse 1", "chorus", "verse 2", "chorus",
    ]  # fmt: skip
    assert data["song"]["quadrant"] == "sad"
    assert data["song"]["top_emotions"][0]["emotion"] == "sadness"
    assert "cry" in data["lines"][3]["words"]  # "and every night I cry alone"
    assert "valence" in result.preview and "line" in result.preview
    assert "feel low and heavy" in result.summary and "The chorus reads" in result.summary
    assert state.lyrics == SAD


def test_reads_txt_and_lrc_files_from_the_workspace(settings: Settings, workspace: Path) -> None:
    (workspace / "song.txt").write_text(SAD)
    lrc = "[ti:Demo]\n" + "".join(
        f"[00:{10 + 3 * i:02d}.00]{line}\n" for i, line in enumerate(SAD.split("\n")[:4])
    )
    (workspace / "song.lrc").write_text(lrc)
    txt = call(settings, "analyze_lyrics", lyrics="song.txt")
    assert txt.ok and str(workspace / "song.txt") in txt.summary
    timed = call(settings, "analyze_lyrics", lyrics="song.lrc")
    assert timed.ok and [e["time"] for e in timed.data["lines"]] == [10.0, 13.0, 16.0, 19.0]


def test_bad_files_get_clear_errors(settings: Settings, workspace: Path, tmp_path: Path) -> None:
    (workspace / "big.txt").write_text("la la la\n" * 120_000)
    (workspace / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "outside.txt").write_text(SAD)
    assert "far more than a song" in call(settings, "analyze_lyrics", lyrics="big.txt").error
    assert "binary" in call(settings, "analyze_lyrics", lyrics="bin.txt").error
    assert (
        "outside the workspace"
        in call(settings, "analyze_lyrics", lyrics=str(tmp_path / "outside.txt")).error
    )
    assert "no file" in call(settings, "analyze_lyrics", lyrics="missing.lrc").error
    assert (
        "Only English"
        in call(
            settings, "analyze_lyrics", lyrics="Je t'aime mon amour\ntu es dans mon coeur"
        ).error
    )


def test_both_models_answer(settings: Settings) -> None:
    result = call(settings, "analyze_lyrics", lyrics=SAD, model="bilstm", explain=False)
    assert result.ok and result.data["model"] == "bilstm"
    assert all(e["words"] == [] for e in result.data["lines"])


def test_compose_for_lyrics_takes_mode_style_and_mood_from_them(settings: Settings) -> None:
    result = call(settings, "compose", lyrics=SAD, audio=False, seed=3, bars=8)
    assert result.ok, result.error
    assert "minor" in result.data["key"] and result.data["mood"] in ("moody", "sad", "melancholic")
    assert "Music for the lyrics:" in result.summary and "minor, because" in result.summary
    assert result.song["lyrics"].startswith("I keep your letters")
    midi = next(f for f in result.files if f.endswith(".mid"))
    assert pretty_midi.PrettyMIDI(midi).get_end_time() > 0
    # What the producer says wins over what the lyrics suggest.
    fast = call(
        settings, "compose", lyrics=SAD, audio=False, seed=3, bars=8, mode="major", style="folk"
    )
    assert fast.ok and "major" in fast.data["key"] and fast.data["style"] == "folk"
    assert "minor, because" not in fast.summary  # only the choices it made are explained


def test_cli_prints_every_line_as_json(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.cli.app import app

    (workspace / "song.txt").write_text(SAD)
    monkeypatch.chdir(workspace)
    out = CliRunner().invoke(app, ["lyrics", "song.txt", "--json", "--no-explain"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)["data"]
    assert {"text", "top_emotions", "valence", "arousal", "quadrant"} <= set(data["lines"][0])
    assert {"top_emotions", "valence", "arousal", "quadrant"} <= set(data["sections"][0])
    assert data["song"]["lines"] == 10
