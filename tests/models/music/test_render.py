"""WAV rendering: valid files, the right length, loud enough, never clipped, never half-written."""

from __future__ import annotations

import os
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from models.errors import InputError, ModelError
from models.music import render
from models.music.midi_io import write_midi
from models.music.piece import Note, Piece, Track
from models.music.render import read_wav, render_piece, render_wav, wav_info
from models.music.theory import Key

needs_renderer = pytest.mark.skipif(
    render.available_renderer() is None, reason="no renderer (pip install --no-deps tinysoundfont)"
)


def piece(program: int = 0, bars: int = 2, drums: bool = False) -> Piece:
    tracks = [
        Track("Lead", program, [Note(60 + 2 * i, float(i), 1.0, 90) for i in range(bars * 4 - 1)])
    ]
    if drums:
        tracks.append(
            Track("Drums", 0, [Note(36, float(i), 0.25) for i in range(bars * 4)], is_drum=True)
        )
    return Piece(Key(0, "major"), 120, (4, 4), bars, tracks)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@needs_renderer
def test_wav_is_valid_full_length_loud_and_unclipped(tmp_path: Path) -> None:
    p = piece(drums=True)
    out = render_piece(p, tmp_path / "out" / "song.wav")
    with wave.open(str(out)) as w:  # the stdlib reads it
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 44100)
    info = wav_info(out)
    # The last bar ends in a rest: the audio still lasts the whole piece, plus the tail.
    assert info.duration_sec == pytest.approx(p.duration_sec + render.TAIL_SEC, abs=0.01)
    assert -1.2 < info.peak_dbfs < -0.8
    assert info.rms_dbfs > -40
    assert files_in(out.parent) == ["song.wav"]  # no temporary left behind


@needs_renderer
def test_each_track_keeps_its_instrument(tmp_path: Path) -> None:
    piano, _ = read_wav(render_piece(piece(program=0, bars=1), tmp_path / "piano.wav"))
    flute, _ = read_wav(render_piece(piece(program=73, bars=1), tmp_path / "flute.wav"))
    again, _ = read_wav(render_piece(piece(program=0, bars=1), tmp_path / "again.wav"))
    assert np.allclose(piano, again, atol=1e-3)  # deterministic
    assert np.mean(np.abs(piano - flute)) > 0.02  # a different program sounds different


@needs_renderer
def test_midi_file_renders_until_its_last_note(tmp_path: Path) -> None:
    midi = write_midi(piece(bars=1), tmp_path / "tune.mid")
    info = wav_info(render_wav(midi, tmp_path / "tune.wav"))
    assert info.duration_sec == pytest.approx(1.5 + render.TAIL_SEC, abs=0.01)  # 3 beats at 120


def test_no_renderer_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    midi = write_midi(piece(), tmp_path / "tune.mid")
    monkeypatch.setattr(render, "has_tinysoundfont", lambda: False)
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    assert render.available_renderer() is None
    with pytest.raises(ModelError) as err:
        render_wav(midi, tmp_path / "tune.wav")
    text = str(err.value)
    assert "pip install --no-deps tinysoundfont" in text and "fluidsynth" in text
    assert f"MIDI file is still there: {midi}" in text
    assert not (tmp_path / "tune.wav").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"MThd\x00\x00\x00\x06garbage", "not a readable MIDI file")],
)
def test_bad_midi_is_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.mid"
    bad.write_bytes(content)
    with pytest.raises(InputError, match=message):
        render_wav(bad, tmp_path / "bad.wav")
    assert not (tmp_path / "bad.wav").exists()


def test_midi_without_notes_is_refused(tmp_path: Path) -> None:
    midi = write_midi(Piece(Key(0, "major"), 100, (4, 4), 1, [Track("Empty")]), tmp_path / "e.mid")
    with pytest.raises(InputError, match="no notes"):
        render_wav(midi, tmp_path / "e.wav")


def test_fluidsynth_is_used_when_tinysoundfont_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in `fluidsynth` writes a short quiet tone; we pad, normalise and write it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "fluidsynth"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import sys, wave, numpy as np\n"
        "out = sys.argv[sys.argv.index('-F') + 1]\n"
        "tone = (0.1 * np.sin(np.arange(44100) / 10) * 32767).astype('<i2')\n"
        "w = wave.open(out, 'wb'); w.setnchannels(2); w.setsampwidth(2); w.setframerate(44100)\n"
        "w.writeframes(np.repeat(tone, 2).tobytes()); w.close()\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(render, "has_tinysoundfont", lambda: False)
    assert render.available_renderer() == "fluidsynth"
    midi = write_midi(piece(bars=1), tmp_path / "tune.mid")
    info = wav_info(render_wav(midi, tmp_path / "tune.wav"))
    assert info.duration_sec == pytest.approx(1.5 + render.TAIL_SEC, abs=0.01)
    assert -1.2 < info.peak_dbfs < -0.8
