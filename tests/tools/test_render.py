"""`render_audio`: the current song or a workspace MIDI file to WAV, with clear failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.core.events import collect_turn
from assistant.core.runtime import Runtime
from assistant.core.state import DialogueState, Song
from models.music import render
from models.music.midi_io import write_midi
from models.music.piece import Note, Piece, Track
from models.music.render import wav_info
from models.music.theory import Key
from tools.base import ToolContext

needs_renderer = pytest.mark.skipif(
    render.available_renderer() is None, reason="no renderer (pip install --no-deps tinysoundfont)"
)


def call(settings, state: DialogueState | None = None, **args):  # noqa: ANN001, ANN003, ANN201
    return Runtime().call("render_audio", args, ToolContext(settings=settings, state=state))


def tune(path: Path) -> Path:
    notes = [Note(67, float(i), 1.0) for i in range(4)]
    return write_midi(Piece(Key(7, "major"), 120, (4, 4), 1, [Track("Flute", 73, notes)]), path)


def wavs(settings) -> list[Path]:  # noqa: ANN001
    out = settings.outputs_dir
    return sorted(out.glob("*.wav")) + sorted(out.glob(".*")) if out.exists() else []


@needs_renderer
def test_render_the_current_song_in_a_session(make_session) -> None:  # noqa: ANN001
    session = make_session()
    args = {"key": "G", "bars": 4, "seed": 5, "audio": False}
    _, made = collect_turn(session.call_tool("compose", args))
    assert made.ok, made.reply
    before = session.state.current
    _, done = collect_turn(session.call_tool("render_audio", {}))
    assert done.ok, done.reply
    wav = done.result["files"][0]
    assert wav.endswith(".wav") and wav in done.reply
    info = wav_info(Path(wav))
    data = done.result["data"]
    assert data["duration_sec"] == pytest.approx(info.duration_sec, abs=0.01)
    assert info.duration_sec == pytest.approx(made.result["data"]["duration_sec"] + 1.5, abs=0.1)
    assert data["renderer"] == render.available_renderer() and data["sample_rate"] == 44100
    assert data["peak_dbfs"] < 0 and info.rms_dbfs > -40
    assert data["renderer"] in done.reply
    # The same song stays current, with every attribute kept and the WAV added.
    after = session.state.current
    assert after.id == before.id and after.args() == before.args()
    assert after.files == {**before.files, "wav": wav}
    stored = session.memory.get_song(before.id)
    assert stored is not None and stored.files.get("wav") == wav


@needs_renderer
def test_a_song_composed_with_audio_is_not_rendered_twice(make_session, settings) -> None:  # noqa: ANN001
    session = make_session()
    _, made = collect_turn(session.call_tool("compose", {"key": "D", "bars": 2, "seed": 1}))
    wav = session.state.current.files["wav"]
    _, done = collect_turn(session.call_tool("render_audio", {}))
    assert done.ok and done.result["files"] == [wav] and "already rendered" in done.reply
    assert wavs(settings) == [Path(wav)]


@needs_renderer
def test_naming_the_current_songs_file_updates_the_song(make_session, workspace: Path) -> None:  # noqa: ANN001
    session = make_session()
    midi = tune(workspace / "mine.mid")
    song = Song(id="abc123", title="tiny tune", tool="compose", key="G", tempo=120,
                files={"midi": str(midi)})  # fmt: skip
    session.state.add_song(song)
    _, done = collect_turn(session.call_tool("render_audio", {"file": "mine.mid"}))
    assert done.ok, done.reply
    assert "'tiny tune'" in done.reply
    current = session.state.current
    assert current.id == "abc123" and current.tempo == 120 and current.title == "tiny tune"
    assert current.files == {"midi": str(midi), "wav": done.result["files"][0]}


def test_no_current_song(settings) -> None:  # noqa: ANN001
    result = call(settings, DialogueState())
    assert not result.ok and "no current song" in result.error and "compose" in result.error.lower()


def test_current_song_without_midi(settings) -> None:  # noqa: ANN001
    state = DialogueState(current=Song(id="abc", title="sad waltz", tool="compose"))
    result = call(settings, state)
    assert not result.ok and "has no MIDI file" in result.error


@needs_renderer
def test_render_a_workspace_file(settings, workspace: Path) -> None:  # noqa: ANN001
    tune(workspace / "tune.mid")
    result = call(settings, DialogueState(), file="tune.mid")
    assert result.ok, result.error
    assert result.song is None  # a loose file is not a song of this conversation
    assert Path(result.files[0]).parent == settings.outputs_dir
    assert wav_info(Path(result.files[0])).duration_sec == pytest.approx(2.0 + 1.5, abs=0.01)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"RIFF\x00\x00not midi at all", "not a readable MIDI file")],
)
def test_corrupt_or_empty_midi_writes_nothing(settings, workspace: Path, content, message) -> None:  # noqa: ANN001
    (workspace / "bad.mid").write_bytes(content)
    result = call(settings, file="bad.mid")
    assert not result.ok and message in result.error
    assert wavs(settings) == []


def test_paths_outside_the_workspace_are_refused(settings, workspace: Path) -> None:  # noqa: ANN001
    tune(workspace.parent / "outside.mid")
    result = call(settings, file="../outside.mid")
    assert not result.ok and "outside the workspace" in result.error
    assert not call(settings, file="notes.txt").ok


def test_missing_renderer_keeps_the_midi_and_writes_nothing(
    settings: Settings, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    midi = tune(workspace / "tune.mid")
    monkeypatch.setattr(render, "available_renderer", lambda: None)
    result = call(settings, file="tune.mid")
    assert not result.ok
    assert "pip install --no-deps tinysoundfont" in result.error and "fluidsynth" in result.error
    assert str(midi.resolve()) in result.error and midi.is_file()
    assert wavs(settings) == []
