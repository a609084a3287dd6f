"""Reading audio files for analysis: checks, decoding, and clear errors for bad files.

soundfile (libsndfile: WAV, FLAC, OGG, AIFF, and MP3 with libsndfile >= 1.1) reads only the first
`MAX_ANALYSED_SEC`; audioread (ffmpeg or GStreamer, where present) takes what libsndfile can't.
A cut WAV is caught by comparing the size its header declares with what is there.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.errors import AudioError
from models.music.vocabulary import AUDIO_SUFFIXES

MAX_AUDIO_BYTES = 200 * 1024 * 1024
MAX_ANALYSED_SEC = 600.0  # only the first 10 minutes are analysed (the result says so)
SOUNDFILE_SUFFIXES = tuple(s for s in AUDIO_SUFFIXES if s != ".m4a")  # m4a needs ffmpeg
WORKING_FORMATS = "WAV, FLAC, OGG, MP3 and AIFF"


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.3g} MB"


def check_audio_file(path: Path) -> int:
    """Size in bytes of a file worth decoding; AudioError if missing, empty, huge or not audio."""
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise AudioError(f"{path} {what}; check the path and give me one audio file.")
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        raise AudioError(
            f"{path.name} does not look like audio (I read {', '.join(AUDIO_SUFFIXES)}); "
            "export the song as WAV or FLAC."
        )
    try:
        with path.open("rb"):
            size = path.stat().st_size
    except OSError as exc:
        raise AudioError(
            f"I can't open {path.name} ({exc.strerror}); check its permissions."
        ) from exc
    if size == 0:
        raise AudioError(f"{path.name} is empty (0 bytes); export or copy it again.")
    if size > MAX_AUDIO_BYTES:
        raise AudioError(
            f"{path.name} is {_mb(size)}; I analyse files up to {_mb(MAX_AUDIO_BYTES)}. "
            "Export a shorter or compressed (FLAC, OGG) copy."
        )
    return size


def decode_audio(path: Path) -> tuple[np.ndarray, int, float]:
    """(mono float32 samples of the first MAX_ANALYSED_SEC, file sample rate, file duration)."""
    import soundfile as sf

    try:
        return _decode_soundfile(path)
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError, EOFError) as exc:
        if path.suffix.lower() in SOUNDFILE_SUFFIXES or _looks_like_text(path):
            raise AudioError(_damaged_message(path, exc)) from exc
    return _decode_audioread(path)


def _decode_soundfile(path: Path) -> tuple[np.ndarray, int, float]:
    import soundfile as sf

    with sf.SoundFile(str(path)) as f:
        sr, frames = int(f.samplerate), int(f.frames)
        if f.format == "WAV" and f.subtype.startswith("PCM_"):
            width = 1 if f.subtype in ("PCM_U8", "PCM_S8") else int(f.subtype[4:]) // 8
            _check_wav_complete(path, frames * f.channels * width)
        # Read only what we analyse: a 2-hour file costs no more than its first 10 minutes.
        data = f.read(min(frames, int(MAX_ANALYSED_SEC * sr)), dtype="float32", always_2d=True)
    return data.mean(axis=1), sr, frames / sr


def _check_wav_complete(path: Path, present_bytes: int) -> None:
    """libsndfile quietly plays what is left of a cut WAV; its data chunk size tells the truth."""
    declared = None
    with path.open("rb") as f:
        head = f.read(12)
        while head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            chunk = f.read(8)
            if len(chunk) < 8:
                break
            size = int.from_bytes(chunk[4:], "little")
            if chunk[:4] == b"data":
                # Streaming writers leave 0 or 0xFFFFFFFF when they never knew the length.
                declared = None if size in (0, 0xFFFFFFFF) else size
                break
            f.seek(size + (size & 1), 1)
    if declared is not None and declared > present_bytes * 1.01 + 64:
        raise AudioError(
            f"{path.name} is truncated: its header promises {_mb(declared)} of audio but only "
            f"{_mb(present_bytes)} is there. Copy or export it again."
        )


def _looks_like_text(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            text = f.read(512).decode("utf-8", errors="replace")
    except OSError:
        return False
    readable = sum(c != "\ufffd" and (c.isprintable() or c.isspace()) for c in text)
    return readable > 0.95 * max(len(text), 1)


def _damaged_message(path: Path, exc: Exception) -> str:
    if _looks_like_text(path):
        return (
            f"{path.name} holds text, not audio (a renamed playlist or a saved web page?). "
            f"Point me at the audio itself: {WORKING_FORMATS} work."
        )
    detail = str(exc).split(":")[-1].strip().rstrip(".") or type(exc).__name__
    kind = path.suffix.lower().lstrip(".").upper()
    return (
        f"{path.name} is not readable audio ({detail}): it is damaged, cut short or not really "
        f"a {kind} file. Export or copy it again."
    )


def _decode_audioread(path: Path) -> tuple[np.ndarray, int, float]:
    """AAC (.m4a) and other formats libsndfile lacks, through audioread (ffmpeg, GStreamer)."""
    import audioread

    try:
        with audioread.audio_open(str(path)) as f:
            sr, channels, duration = int(f.samplerate), int(f.channels), float(f.duration)
            limit, raw = int(MAX_ANALYSED_SEC * sr) * channels * 2, bytearray()
            for buf in f:  # interleaved 16-bit little-endian PCM
                raw += buf
                if len(raw) >= limit:
                    break
    except audioread.NoBackendError as exc:
        raise AudioError(
            f"I have no decoder for {path.suffix.lower()} files on this machine; {WORKING_FORMATS} "
            f"work. Convert it (`ffmpeg -i '{path.name}' song.flac`) or install ffmpeg."
        ) from exc
    except (audioread.DecodeError, OSError, EOFError, ValueError) as exc:
        raise AudioError(_damaged_message(path, exc)) from exc
    usable = min(len(raw), limit) // (2 * channels) * (2 * channels)
    pcm = np.frombuffer(bytes(raw[:usable]), dtype="<i2").reshape(-1, channels)
    return pcm.mean(axis=1).astype(np.float32) / 32768.0, sr, duration
