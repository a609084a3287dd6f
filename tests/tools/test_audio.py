"""`analyze_audio`: tempo, key and loudness of a workspace audio file, with clear failures."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from assistant.config import Settings
from assistant.core.events import collect_turn
from assistant.core.session import Session
from models.audience.engine import DEMO_DIR
from tests.helpers import turn

SR = 22050
A_MINOR_CADENCE = [(57, 60, 64), (57, 60, 64), (53, 57, 60), (52, 56, 59)]  # Am Am F E, a bar each


def plucked_chords(path: Path, bpm: float, seconds: float = 12.0, amp: float = 0.5) -> Path:
    """A WAV of plucked A-minor-cadence triads, one on every beat (no renderer needed)."""
    beat = 60.0 / bpm
    y = np.zeros(int(seconds * SR), np.float32)
    t = np.arange(int(beat * SR)) / SR
    for i in range(int(seconds / beat)):
        chord = A_MINOR_CADENCE[(i // 4) % 4]
        tone = sum(np.sin(2 * np.pi * 440 * 2 ** ((p - 69) / 12) * t) for p in chord) / 3
        start = int(i * beat * SR)
        pluck = (tone * np.exp(-6 * t) * amp).astype(np.float32)[: len(y) - start]
        y[start : start + len(pluck)] += pluck
    sf.write(str(path), y, SR)
    return path


def analyze(session: Session, file: str):  # noqa: ANN201
    _, done = collect_turn(session.call_tool("analyze_audio", {"file": file}))
    return done


def test_tempo_key_and_length_of_a_workspace_file(make_session, workspace: Path) -> None:  # noqa: ANN001
    plucked_chords(workspace / "loop.wav", bpm=100)
    done = analyze(make_session(), "loop.wav")
    assert done.ok and done.tool == "analyze_audio", done.reply
    data = done.result["data"]
    assert data["file"] == str(workspace / "loop.wav")
    assert data["tempo_bpm"] == pytest.approx(100, abs=3)
    assert (data["key"], data["mode"]) == ("A", "minor")
    assert data["duration_sec"] == pytest.approx(12.0, abs=0.01)
    assert -40 < data["loudness_db"] < -10 and 0 <= data["energy"] <= 1
    assert done.reply.startswith("loop.wav: A minor, 100 bpm")
    assert "dBFS" in done.reply and "12.0 s long" in done.reply


def test_tempo_and_gain_are_measured_apart(make_session, workspace: Path) -> None:  # noqa: ANN001
    session = make_session()
    plucked_chords(workspace / "soft.wav", bpm=90, amp=0.25)
    plucked_chords(workspace / "loud.wav", bpm=90, amp=0.5)
    plucked_chords(workspace / "fast.wav", bpm=128, amp=0.25)
    soft, loud, fast = (analyze(session, f).result["data"]
                        for f in ("soft.wav", "loud.wav", "fast.wav"))  # fmt: skip
    assert soft["tempo_bpm"] == pytest.approx(90, abs=3)
    assert loud["tempo_bpm"] == pytest.approx(90, abs=3)
    assert fast["tempo_bpm"] == pytest.approx(128, abs=3)
    gain = loud["loudness_db"] - soft["loudness_db"]
    assert gain == pytest.approx(6.0, abs=0.5)  # twice the amplitude: 6 dB louder


def test_an_unsure_tempo_is_said_with_its_alternative(make_session, workspace: Path) -> None:  # noqa: ANN001
    from tests.models.audience.test_audio_tempo import groove

    sf.write(str(workspace / "even.wav"), groove(70), SR)
    done = analyze(make_session(), "even.wav")
    assert done.ok, done.reply
    data = done.result["data"]
    pair = sorted([data["tempo_bpm"], data["tempo_alternative"]])
    assert pair[0] == pytest.approx(70, rel=0.04) and pair[1] == pytest.approx(140, rel=0.04)
    words = f"about {data['tempo_bpm']:.0f} bpm (or {data['tempo_alternative']:.0f})"
    assert done.reply.startswith(f"even.wav: no clear key, {words}, ")
    assert f"tempo        {words} (pulse clarity" in done.result["preview"]
    assert 0.5 <= data["tempo_confidence"] < 0.65


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"tempo 120, A minor\n", "notes.txt is not a wav or flac"),
        ("band/missing.wav", None, "There is no file at band/missing.wav."),
        ("playlist.wav", b"#EXTM3U\nsong.mp3\n", "playlist.wav holds text, not audio"),
        ("/etc/hostname", None, "is outside the workspace"),
    ],
)
def test_what_is_not_audio_is_a_clear_failure(make_session, workspace, name, content, message):  # noqa: ANN001, ANN201
    if content is not None:
        (workspace / name).write_bytes(content)
    done = analyze(make_session(), name)
    assert not done.ok and message in done.reply, done.reply
    error = done.result["error"]
    assert "\n" not in error and "failed unexpectedly" not in error and "Traceback" not in error
    if name in ("notes.txt", "band/missing.wav"):  # one sentence
        assert error.endswith(".") and ". " not in error.replace("e.g. ", "")


@pytest.mark.slow
def test_audio_is_measured_and_catalogued(settings: Settings) -> None:
    from models.music.render import available_renderer, render_wav

    if available_renderer() is None:
        pytest.skip("no audio renderer installed")
    band = settings.workspace / "band"
    band.mkdir()
    render_wav(DEMO_DIR / "catalog" / "kitchen-door-reel.mid", band / "reel.wav", 22050)
    shutil.copy(DEMO_DIR / "catalog" / "kitchen-door-reel.mid", band / "reel.mid")
    (band / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage")
    session = Session(settings)
    try:
        route, done = turn(session, "what's the bpm of band/reel.wav")
        assert route.tool == "analyze_audio" and done.ok, done.reply
        assert abs(done.result["data"]["tempo_bpm"] - 130) < 6
        assert "bpm" in done.reply and "dBFS" in done.reply
        _, done = turn(session, "import the songs in ./band")
        assert done.ok and done.result["data"]["added"] == 1, done.reply
        assert [name for name, _ in done.result["data"]["failed"]] == ["broken"]
        songs, _, _ = _store_entries(session, ["reel"])
        assert songs[0].files.keys() == {"midi", "audio"}
        assert songs[0].loudness_db is not None and songs[0].tempo_bpm == 130
    finally:
        session.close()


def _store_entries(session: Session, ids: list[str]):  # noqa: ANN202
    from assistant.store.audience_store import AudienceStore

    return AudienceStore(session.memory).catalog_entries(ids)
