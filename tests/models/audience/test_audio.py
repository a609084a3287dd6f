"""Audio features on real renders: key (the A minor vs C major trap), tempo, loudness, errors."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from models.audience import audio, audio_io
from models.audience.audio import (
    AudioError,
    AudioFeatures,
    features_from_signal,
    key_from_chroma,
    read_audio_features,
)
from models.music import render
from models.music.piece import Note, Piece, Track
from models.music.render import render_piece
from models.music.theory import Key

needs_renderer = pytest.mark.skipif(
    render.available_renderer() is None, reason="no renderer (pip install --no-deps tinysoundfont)"
)

MAJOR, MINOR = "M", "m"
# Chords as (root in semitones above the tonic, quality). The minor ones use the natural minor
# only (no G# in A minor): exactly the notes of the relative major, so the pitch set alone
# cannot tell A minor from C major.
I_IV_V_I = [(0, MAJOR), (5, MAJOR), (7, MAJOR), (0, MAJOR)]
I_VI_IV_V = [(0, MAJOR), (9, MINOR), (5, MAJOR), (7, MAJOR)]
i_iv_v_i = [(0, MINOR), (5, MINOR), (7, MINOR), (0, MINOR)]
i_VI_III_VII = [(0, MINOR), (8, MAJOR), (3, MAJOR), (10, MAJOR)]  # Am F C G


def progression(tonic: int, mode: str, chords: list, bpm: float, bars: int = 8) -> Piece:
    """Piano chords on every beat, a bass on the roots, a flute arpeggio in eighth notes."""
    piano, bass, flute = [], [], []
    for bar in range(bars):
        root, quality = chords[bar % len(chords)]
        triad = [root, root + (4 if quality == MAJOR else 3), root + 7]
        for beat in range(4):
            start = bar * 4.0 + beat
            piano += [Note(55 + (tonic + pc - 7) % 12, start, 0.9, 70) for pc in triad]
            bass.append(Note(36 + (tonic + root) % 12, start, 0.9, 90))
        tones = [*triad, root + 12]
        for i in range(8):
            pitch = 67 + (tonic + tones[i % 4] - 7) % 12 + (12 if i % 4 == 3 else 0)
            flute.append(Note(pitch, bar * 4.0 + i * 0.5, 0.45, 80))
    tracks = [Track("Piano", 0, piano), Track("Bass", 33, bass), Track("Flute", 73, flute)]
    return Piece(Key(tonic, mode), bpm, (4, 4), bars, tracks)  # type: ignore[arg-type]


def drum_groove(bpm: float, bars: int = 8) -> Piece:
    notes = []
    for beat in range(bars * 4):
        notes.append(Note(36 if beat % 2 == 0 else 38, float(beat), 0.25, 100))  # kick, snare
        notes += [Note(42, beat + 0.0, 0.2, 70), Note(42, beat + 0.5, 0.2, 60)]  # hi-hat
    return Piece(Key(0, "major"), bpm, (4, 4), bars, [Track("Drums", 0, notes, is_drum=True)])


def held_chord(seconds: float = 8.0) -> Piece:
    notes = [Note(p, 0.0, seconds * 2, 80) for p in (57, 60, 64)]  # A minor, 120 bpm
    return Piece(Key(9, "minor"), 120, (4, 4), int(seconds / 2), [Track("Piano", 0, notes)])


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if render.available_renderer() is None:
        pytest.skip("no renderer")
    folder = tmp_path_factory.mktemp("audio")
    pieces = {
        "c_major": progression(0, "major", I_IV_V_I, bpm=120),
        "a_minor": progression(9, "minor", i_iv_v_i, bpm=96),
        "a_minor_loop": progression(9, "minor", i_VI_III_VII, bpm=104),
        "c_major_loop": progression(0, "major", I_VI_IV_V, bpm=110),
        "bb_major": progression(10, "major", I_IV_V_I, bpm=88),
        "drums": drum_groove(100),
        "held": held_chord(),
    }
    return {name: render_piece(p, folder / f"{name}.wav") for name, p in pieces.items()}


@pytest.fixture(scope="module")
def analysed(renders: dict[str, Path]) -> dict[str, AudioFeatures]:
    return {name: read_audio_features(path) for name, path in renders.items()}


# --- key and tempo on real renders ------------------------------------------------------


@needs_renderer
@pytest.mark.parametrize(
    ("name", "key", "mode", "bpm"),
    [
        ("c_major", "C", "major", 120),
        ("a_minor", "A", "minor", 96),
        ("a_minor_loop", "A", "minor", 104),
        ("c_major_loop", "C", "major", 110),
        ("bb_major", "Bb", "major", 88),  # spelled with a flat, as the key is written
    ],
)
def test_key_mode_and_tempo_of_progressions(
    analysed: dict[str, AudioFeatures], name: str, key: str, mode: str, bpm: float
) -> None:
    f = analysed[name]
    assert (f.key, f.mode) == (key, mode)
    assert f.key_confidence > 0.2
    assert f.tempo_bpm == pytest.approx(bpm, rel=0.04)  # no octave errors allowed
    assert f.beat_strength > 0.5
    assert 0.5 < f.danceability <= 1.0


@needs_renderer
def test_drums_have_a_tempo_but_no_key(analysed: dict[str, AudioFeatures]) -> None:
    f = analysed["drums"]
    assert f.tempo_bpm == pytest.approx(100, rel=0.04)
    assert (f.key, f.mode, f.key_confidence) == (None, None, 0.0)
    assert f.onset_rate == pytest.approx(2 * 100 / 60, rel=0.25)  # eighth-note hi-hats
    assert f.brightness_hz > analysed["c_major"].brightness_hz  # cymbals are bright


@needs_renderer
def test_held_chord_has_no_tempo(analysed: dict[str, AudioFeatures]) -> None:
    f = analysed["held"]
    assert f.tempo_bpm is None
    assert f.beat_strength < audio.MIN_BEAT_STRENGTH
    assert f.onset_rate < 0.5
    assert f.danceability < 0.2
    assert (f.key, f.mode) == ("A", "minor")
    assert "no steady beat" in f.describe()


@needs_renderer
def test_fields_and_description(analysed: dict[str, AudioFeatures]) -> None:
    f = analysed["a_minor"]
    assert f.sample_rate == 44100
    assert f.duration_sec == pytest.approx(8 * 4 * 60 / 96 + render.TAIL_SEC, abs=0.05)
    assert f.analysed_sec == f.duration_sec
    assert -20 < f.loudness_db < -6  # peak-normalised to -1 dBFS by the renderer
    assert 0 < f.dynamic_range_db < 20
    assert 500 < f.brightness_hz < 3000
    assert f.onset_rate == pytest.approx(2 * 96 / 60, rel=0.3)  # eighth-note arpeggio
    assert 0 <= f.energy <= 1
    data = f.to_dict()
    assert set(data) == set(AudioFeatures.__dataclass_fields__)
    assert data["key"] == "A"
    assert f.describe().startswith("A minor, 96 bpm, ")
    assert f.describe().endswith(" energy")


@needs_renderer
def test_louder_render_reads_louder(renders: dict[str, Path], tmp_path: Path) -> None:
    y, sr = sf.read(renders["c_major"])
    sf.write(tmp_path / "quiet.wav", y * 10 ** (-12 / 20), sr, subtype="PCM_16")
    loud, quiet = (
        read_audio_features(renders["c_major"]),
        read_audio_features(tmp_path / "quiet.wav"),
    )
    assert loud.loudness_db - quiet.loudness_db == pytest.approx(12.0, abs=0.3)
    assert loud.energy > quiet.energy
    assert (quiet.key, quiet.mode, quiet.tempo_bpm) == (loud.key, loud.mode, loud.tempo_bpm)


def test_loudness_convention_full_scale_sine_is_minus_3_dbfs() -> None:
    t = np.arange(5 * 22050) / 22050
    f = features_from_signal(np.sin(2 * np.pi * 440 * t), 22050)
    assert f.loudness_db == pytest.approx(-3.01, abs=0.05)
    assert f.dynamic_range_db == pytest.approx(0.0, abs=0.5)
    assert f.brightness_hz == pytest.approx(440, rel=0.05)
    assert f.tempo_bpm is None


# --- formats -----------------------------------------------------------------------------


@needs_renderer
@pytest.mark.parametrize("fmt", ["FLAC", "OGG", "AIFF"])
def test_other_formats_give_the_same_features(
    renders: dict[str, Path], analysed: dict[str, AudioFeatures], tmp_path: Path, fmt: str
) -> None:
    y, sr = sf.read(renders["a_minor"])
    path = tmp_path / f"song.{fmt.lower()}"
    sf.write(path, y, sr, format=fmt)
    f, wav = read_audio_features(path), analysed["a_minor"]
    assert (f.key, f.mode) == (wav.key, wav.mode)
    assert f.tempo_bpm == pytest.approx(wav.tempo_bpm, rel=0.01)
    assert f.loudness_db == pytest.approx(wav.loudness_db, abs=0.5)
    assert f.duration_sec == pytest.approx(wav.duration_sec, abs=0.05)


@needs_renderer
def test_mp3_when_libsndfile_writes_it(renders: dict[str, Path], tmp_path: Path) -> None:
    y, sr = sf.read(renders["c_major"])
    try:
        sf.write(tmp_path / "song.mp3", y, sr, format="MP3")
    except (sf.LibsndfileError, TypeError, ValueError):
        pytest.skip("this libsndfile has no MP3 encoder")
    f = read_audio_features(tmp_path / "song.mp3")
    assert (f.key, f.mode) == ("C", "major")
    assert f.tempo_bpm == pytest.approx(120, rel=0.04)


@needs_renderer
def test_only_the_first_minutes_are_analysed(
    renders: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audio, "MAX_ANALYSED_SEC", 6.0)
    monkeypatch.setattr(audio_io, "MAX_ANALYSED_SEC", 6.0)
    f = read_audio_features(renders["c_major"])
    assert f.analysed_sec == pytest.approx(6.0, abs=0.01)
    assert f.duration_sec == pytest.approx(16 + render.TAIL_SEC, abs=0.05)
    assert f.describe().endswith("energy (first 0:06 of 0:18)")
    assert f.tempo_bpm == pytest.approx(120, rel=0.04)


def test_signal_layouts_and_integer_samples_agree() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(3 * 22050) / 22050
    clicks = (
        np.sin(2 * np.pi * 330 * t) * (t % 0.5 < 0.05) + 0.01 * rng.standard_normal(t.size)
    ) * 0.5
    mono = features_from_signal(clicks, 22050)
    stereo_rows = features_from_signal(np.stack([clicks, clicks]), 22050)
    stereo_cols = features_from_signal(np.stack([clicks, clicks], axis=1), 22050)
    pcm = features_from_signal(np.round(clicks * 32767).astype(np.int16), 22050)
    assert mono == stereo_rows == stereo_cols
    assert pcm.loudness_db == pytest.approx(mono.loudness_db, abs=0.01)
    assert mono.tempo_bpm == pytest.approx(120, rel=0.04)
    assert features_from_signal(clicks, 22050, duration_sec=300.0).duration_sec == 300.0


# --- errors: each says what went wrong and what to do ------------------------------------


def test_missing_empty_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="does not exist"):
        read_audio_features(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="folder"):
        read_audio_features(tmp_path)
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        read_audio_features(tmp_path / "empty.wav")
    (tmp_path / "notes.txt").write_text("la la la")
    with pytest.raises(AudioError, match=r"WAV or FLAC"):
        read_audio_features(tmp_path / "notes.txt")


def test_text_renamed_to_wav(tmp_path: Path) -> None:
    path = tmp_path / "song.wav"
    path.write_text("#EXTM3U\n/music/song.mp3\n" * 20)
    with pytest.raises(AudioError, match="holds text, not audio") as err:
        read_audio_features(path)
    assert "WAV, FLAC" in str(err.value)  # says which formats work


def test_binary_junk_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "junk.flac"
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    with pytest.raises(AudioError, match="not readable audio.*Export or copy it again"):
        read_audio_features(path)


@needs_renderer
def test_truncated_wav(renders: dict[str, Path], tmp_path: Path) -> None:
    raw = renders["c_major"].read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(
        AudioError, match=r"truncated: its header promises 2\.94 MB of audio but only 1\.47 MB"
    ):
        read_audio_features(cut)
    cut.write_bytes(raw[:30])  # the header itself is cut
    with pytest.raises(AudioError, match="not readable audio"):
        read_audio_features(cut)


def test_silent_file(tmp_path: Path) -> None:
    sf.write(tmp_path / "silence.wav", np.zeros((44100 * 3, 2)), 44100, subtype="PCM_16")
    with pytest.raises(AudioError, match="silent"):
        read_audio_features(tmp_path / "silence.wav")
    with pytest.raises(AudioError, match="silent"):
        features_from_signal(np.full(22050 * 2, 1e-6), 22050)  # -120 dBFS is silence too


def test_too_short(tmp_path: Path) -> None:
    t = np.arange(int(0.5 * 44100)) / 44100
    sf.write(tmp_path / "blip.wav", 0.5 * np.sin(2 * np.pi * 440 * t), 44100)
    with pytest.raises(AudioError, match=r"lasts 0\.50 s; I need at least 1 s"):
        read_audio_features(tmp_path / "blip.wav")


def test_a_clip_just_over_a_second_is_analysed_without_warnings() -> None:
    t = np.arange(int(1.2 * 22050)) / 22050
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = features_from_signal(0.5 * np.sin(2 * np.pi * 440 * t), 22050)
    assert f.analysed_sec == pytest.approx(1.2, abs=0.001)
    assert f.tempo_bpm is None


def test_invalid_samples() -> None:
    with pytest.raises(AudioError, match="NaN"):
        features_from_signal(np.full(22050 * 2, np.nan), 22050)


def test_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.wav"
    sf.write(path, np.zeros(44100), 44100, subtype="PCM_16")  # 88 kB
    monkeypatch.setattr(audio_io, "MAX_AUDIO_BYTES", 64 * 1024)
    with pytest.raises(
        AudioError, match=r"big\.wav is 0\.0842 MB; I analyse files up to 0\.0625 MB"
    ):
        read_audio_features(path)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # audioread imports aifc, audioop
def test_format_without_a_decoder(tmp_path: Path) -> None:
    path = tmp_path / "voice memo.m4a"
    path.write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(range(256)) * 8)
    with pytest.raises(AudioError) as err:
        read_audio_features(path)
    message = str(err.value)
    # Without ffmpeg: "no decoder ... WAV, FLAC, OGG, MP3 and AIFF work"; with it: damaged.
    assert "voice memo.m4a" in message or ".m4a" in message
    assert "WAV" in message or "Export" in message


# --- key_from_chroma on synthetic chroma -------------------------------------------------


def scale_chroma(tonic: int, mode: str) -> np.ndarray:
    """A key's notes weighted as music weights them: tonic triad strongest, then the scale."""
    steps = (0, 2, 4, 5, 7, 9, 11) if mode == "major" else (0, 2, 3, 5, 7, 8, 10)
    third = 4 if mode == "major" else 3
    chroma = np.full(12, 0.05)
    for s in steps:
        chroma[(tonic + s) % 12] += 1.0
    for s in (0, third, 7):
        chroma[(tonic + s) % 12] += 1.0
    chroma[tonic] += 0.5
    return chroma


@pytest.mark.parametrize(
    ("tonic", "mode"),
    [(0, "major"), (9, "minor"), (7, "major"), (4, "minor"), (6, "major"), (3, "minor")],
)
def test_key_from_chroma_finds_synthetic_keys(tonic: int, mode: str) -> None:
    found = key_from_chroma(scale_chroma(tonic, mode))
    assert found[:2] == (tonic, mode)
    assert found[2] > 0.3


def test_relative_keys_are_settled_by_opening_and_bass() -> None:
    white_keys = np.isin(np.arange(12), [0, 2, 4, 5, 7, 9, 11]).astype(float)
    a_minor_chord = np.isin(np.arange(12), [9, 0, 4]).astype(float)
    c_major_chord = np.isin(np.arange(12), [0, 4, 7]).astype(float)
    assert key_from_chroma(white_keys, opening12=a_minor_chord)[:2] == (9, "minor")
    assert key_from_chroma(white_keys, opening12=c_major_chord)[:2] == (0, "major")
    bass_on_a = np.eye(12)[9] + 0.2 * np.eye(12)[4]
    assert key_from_chroma(white_keys, bass12=bass_on_a)[:2] == (9, "minor")


def test_key_confidence_is_zero_without_information() -> None:
    assert key_from_chroma(np.ones(12)) == (0, "major", 0.0)
    assert key_from_chroma(np.zeros(12))[2] == 0.0
    clear = key_from_chroma(scale_chroma(2, "major"))[2]
    blurred = key_from_chroma(scale_chroma(2, "major") + 2.0 * np.random.default_rng(3).random(12))
    assert clear > blurred[2]


def test_import_is_light() -> None:
    code = "import sys, models.audience.audio; print('librosa' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
