"""MIDI -> WAV with a General MIDI soundfont.

Soundfonts, in order of preference: the file named by the CADENZA_SOUNDFONT environment variable,
else FluidR3 GM when the Debian package `fluid-soundfont-gm` is installed (141 MB, fuller and
more realistic), else the small TimGM6mb.sf2 pretty_midi ships (6 MB, always there).

Renderers, in order of preference: `tinysoundfont` (a PyPI wheel, no system packages; installed
with `pip install --no-deps tinysoundfont` because its pyaudio dependency is only for live
playback), else the `fluidsynth` command (Debian package). Both give 16-bit stereo WAV at
44.1 kHz, peak-normalised to -1 dBFS, with a release tail after the last note (or none, for a
loop). `render_audio` gives the unnormalised audio, for stems that share one gain (stems.py).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from models.errors import InputError, ModelError

if TYPE_CHECKING:
    import pretty_midi

    from models.music.piece import Piece

SOUNDFONT_NAME = "TimGM6mb.sf2"
SOUNDFONT_ENV = "CADENZA_SOUNDFONT"
FLUIDR3_PATHS = (  # Debian/Ubuntu's fluid-soundfont-gm, then where other distributions put it
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/soundfonts/FluidR3_GM.sf2"),
)
FLUIDR3_HINT = "sudo apt-get install fluid-soundfont-gm"
TAIL_SEC = 1.5  # instruments ring on after the last note-off
PEAK_DBFS = -1.0
MAX_RENDER_SEC = 30 * 60  # a producer's MIDI, not a day-long loop
DRUM_CHANNEL = 9
MELODIC_CHANNELS = [c for c in range(16) if c != DRUM_CHANNEL]
# Controllers worth honouring: volume, pan, expression, sustain pedal.
CONTROLLERS = {7, 10, 11, 64}
INSTALL_HINT = (
    "install one: `pip install --no-deps tinysoundfont` in Cadenza's environment (make setup "
    "does this), or the Debian package: `sudo apt-get install --no-install-recommends fluidsynth`"
)


@dataclass(frozen=True)
class WavInfo:
    """What a WAV file holds, read back: for replies and tests."""

    duration_sec: float
    sample_rate: int
    channels: int
    peak_dbfs: float
    rms_dbfs: float


def soundfont_path() -> Path | None:
    """The soundfont to render with: $CADENZA_SOUNDFONT, else FluidR3 GM if installed, else
    pretty_midi's TimGM6mb.sf2 (None if even that is missing).

    A CADENZA_SOUNDFONT that names no readable file is a ModelError, not a silent fallback: the
    producer asked for that sound."""
    chosen = os.environ.get(SOUNDFONT_ENV, "").strip()
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file() or not os.access(path, os.R_OK):
            raise ModelError(
                f"{SOUNDFONT_ENV} is set to {chosen}, but there is no readable soundfont file "
                f"there; point it at an .sf2 file, or unset it to use the default soundfont."
            )
        return path
    return fluidr3_path() or bundled_soundfont_path()


def fluidr3_path() -> Path | None:
    """FluidR3_GM.sf2 from the `fluid-soundfont-gm` package, if it is installed."""
    return next((path for path in FLUIDR3_PATHS if path.is_file()), None)


def bundled_soundfont_path() -> Path | None:
    """The General MIDI soundfont inside the pretty_midi package, if it is there."""
    spec = importlib.util.find_spec("pretty_midi")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / SOUNDFONT_NAME
    return path if path.is_file() else None


def soundfont_name(path: Path | None = None) -> str:
    """How a reply names the soundfont in use (or `path`): "FluidR3 GM", "TimGM6mb", or the
    file's name when CADENZA_SOUNDFONT chose it. Raises as `soundfont_path` does."""
    path = soundfont_path() if path is None else path
    if path is None:
        return "no soundfont"
    if path in FLUIDR3_PATHS:
        return "FluidR3 GM"
    if path == bundled_soundfont_path():
        return "TimGM6mb"
    return f"{path.name} (from {SOUNDFONT_ENV})"


def available_renderer() -> str | None:
    """'tinysoundfont', 'fluidsynth' or None: the renderer `render_wav` would use."""
    if has_tinysoundfont():
        return "tinysoundfont"
    if shutil.which("fluidsynth"):
        return "fluidsynth"
    return None


def has_tinysoundfont() -> bool:
    return importlib.util.find_spec("tinysoundfont") is not None


def render_piece(piece: Piece, wav_path: Path, sample_rate: int = 44100, tail: bool = True) -> Path:
    """Render a Piece: written to a temporary MIDI file, then `render_wav`. `tail=False`: the
    WAV is exactly the piece's length (a loop)."""
    from models.music.midi_io import write_midi

    with tempfile.TemporaryDirectory(prefix="cadenza-render-") as tmp:
        midi = write_midi(piece, Path(tmp) / "piece.mid")
        return render_wav(midi, wav_path, sample_rate, min_duration_sec=piece.duration_sec,
                          tail=tail)  # fmt: skip


def render_wav(
    midi_path: Path,
    wav_path: Path,
    sample_rate: int = 44100,
    min_duration_sec: float = 0.0,
    tail: bool = True,
) -> Path:
    """Render a MIDI file to a 16-bit stereo WAV. Atomic: a failure leaves no file behind.

    Every track plays with its own General MIDI program (drums on channel 10). The audio lasts
    until the last note ends (at least `min_duration_sec`) plus a 1.5 s tail, and its peak is
    normalised to -1 dBFS. `tail=False` (a loop): no tail, and the audio stops exactly at
    `min_duration_sec` when it is given, cutting whatever rings past it.
    """
    midi_path, wav_path = Path(midi_path), Path(wav_path)
    _renderer_and_soundfont(midi_path)  # before parsing: say what to install first
    pm = load_midi(midi_path)
    if tail:
        seconds = max(pm.get_end_time(), min_duration_sec) + TAIL_SEC
    else:
        seconds = min_duration_sec if min_duration_sec > 0 else pm.get_end_time()
    if seconds > MAX_RENDER_SEC:
        raise InputError(
            f"{midi_path.name} lasts {seconds / 60:.0f} minutes; I render up to "
            f"{MAX_RENDER_SEC // 60} minutes of audio."
        )
    audio = render_audio(midi_path, int(round(seconds * sample_rate)), sample_rate, pm)
    write_wav(normalise(audio, PEAK_DBFS), wav_path, sample_rate)
    return wav_path


def render_audio(
    midi_path: Path,
    frames: int,
    sample_rate: int = 44100,
    pm: pretty_midi.PrettyMIDI | None = None,
) -> np.ndarray:
    """Unnormalised float stereo audio of a MIDI file, shape (frames, 2): exactly `frames`
    long, cut or padded with silence. `pm` is the file already parsed, if it is at hand.

    Not normalised, so several renders keep their relative levels (stems mixed with one gain).
    """
    midi_path = Path(midi_path)
    renderer, soundfont = _renderer_and_soundfont(midi_path)
    if renderer == "tinysoundfont":
        return _render_tinysoundfont(pm or load_midi(midi_path), soundfont, sample_rate, frames)
    return _render_fluidsynth(midi_path, soundfont, sample_rate, frames)


def _renderer_and_soundfont(midi_path: Path) -> tuple[str, Path]:
    """The renderer and soundfont to use, or a ModelError saying what to install."""
    renderer = available_renderer()
    if renderer is None:
        raise ModelError(
            f"No audio renderer is installed, so I can't make a WAV; {INSTALL_HINT}. "
            f"The MIDI file is still there: {midi_path}"
        )
    soundfont = soundfont_path()
    if soundfont is None:
        raise ModelError(
            f"The General MIDI soundfont ({SOUNDFONT_NAME}) is missing from pretty_midi; "
            f"reinstall it: `pip install --force-reinstall pretty_midi`. "
            f"The MIDI file is still there: {midi_path}"
        )
    return renderer, soundfont


def load_midi(path: Path) -> pretty_midi.PrettyMIDI:
    """Parse a MIDI file for rendering, with clear errors for empty, huge or corrupt files."""
    from models.music.midi_io import open_midi

    pm = open_midi(path)
    if not any(inst.notes for inst in pm.instruments):
        raise InputError(f"{path.name} has no notes, so there is nothing to render.")
    return pm


def _events(pm: pretty_midi.PrettyMIDI, sample_rate: int) -> list[list[tuple]]:
    """Per pass, (frame, order, kind, channel, a, b) events; 15 melodic tracks per pass.

    Each track gets its own channel so its program and controllers never leak into another;
    a file with more than 15 melodic tracks is rendered in several passes and mixed.
    """
    melodic = [inst for inst in pm.instruments if not inst.is_drum and inst.notes]
    drums = [inst for inst in pm.instruments if inst.is_drum and inst.notes]
    passes: list[list[tuple]] = []
    for first in range(0, max(len(melodic), 1), len(MELODIC_CHANNELS)):
        group = list(
            zip(MELODIC_CHANNELS, melodic[first : first + len(MELODIC_CHANNELS)], strict=False)
        )
        group += [(DRUM_CHANNEL, inst) for inst in (drums if first == 0 else [])]
        events: list[tuple] = []
        for channel, inst in group:
            events.append((0, 0, "program", channel, inst.program, inst.is_drum))
            for cc in inst.control_changes:
                if cc.number in CONTROLLERS:
                    events.append(
                        (_frame(cc.time, sample_rate), 1, "cc", channel, cc.number, cc.value)
                    )
            for bend in inst.pitch_bends:
                events.append(
                    (_frame(bend.time, sample_rate), 1, "bend", channel, bend.pitch + 8192, 0)
                )
            for n in inst.notes:
                events.append((_frame(n.end, sample_rate), 0, "off", channel, n.pitch, 0))
                events.append((_frame(n.start, sample_rate), 2, "on", channel, n.pitch, n.velocity))
        if group:
            passes.append(sorted(events, key=lambda e: e[:2]))
    return passes


def _frame(seconds: float, sample_rate: int) -> int:
    return max(0, int(round(seconds * sample_rate)))


def _render_tinysoundfont(
    pm: pretty_midi.PrettyMIDI, soundfont: Path, sample_rate: int, frames: int
) -> np.ndarray:
    """Float stereo audio, shape (frames, 2): events applied between rendered blocks."""
    import tinysoundfont

    mix = np.zeros((frames, 2), dtype=np.float32)
    for events in _events(pm, sample_rate):
        synth = tinysoundfont.Synth(samplerate=sample_rate)
        try:
            sfid = synth.sfload(str(soundfont))
        except RuntimeError as exc:  # not a SoundFont 2 file, or a truncated one
            raise ModelError(f"{soundfont} is not a usable soundfont ({exc}).") from exc
        out = np.zeros((frames, 2), dtype=np.float32)
        view = memoryview(out).cast("B")
        bytes_per_frame = out.strides[0]
        cursor = 0
        for frame, _, kind, channel, a, b in events:
            frame = min(frame, frames)
            if frame > cursor:
                synth.generate_simple(
                    frame - cursor, buffer=view[cursor * bytes_per_frame : frame * bytes_per_frame]
                )
                cursor = frame
            if kind == "on":
                synth.noteon(channel, a, b)
            elif kind == "off":
                synth.noteoff(channel, a)
            elif kind == "program":
                try:
                    synth.program_select(channel, sfid, 0, a, is_drums=b)
                except RuntimeError:  # a program this soundfont lacks: fall back to piano
                    synth.program_select(channel, sfid, 0, 0, is_drums=b)
            elif kind == "cc":
                synth.control_change(channel, a, b)
            else:
                synth.pitchbend(channel, min(max(a, 0), 16383))
        if cursor < frames:
            synth.generate_simple(frames - cursor, buffer=view[cursor * bytes_per_frame :])
        mix += out
    return mix


def _render_fluidsynth(
    midi_path: Path, soundfont: Path, sample_rate: int, frames: int
) -> np.ndarray:
    """Float stereo audio from the fluidsynth command, padded or cut to `frames`."""
    with tempfile.TemporaryDirectory(prefix="cadenza-fluidsynth-") as tmp:
        raw = Path(tmp) / "out.wav"
        cmd = ["fluidsynth", "-ni", "-q", "-g", "0.5", "-r", str(sample_rate), "-T", "wav",
               "-O", "s16", "-F", str(raw), str(soundfont), str(midi_path)]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ModelError(f"fluidsynth failed to render {midi_path.name} ({exc}).") from exc
        if proc.returncode != 0 or not raw.is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ModelError(f"fluidsynth failed to render {midi_path.name} ({detail[0][:200]}).")
        audio, rate = read_wav(raw)
    if rate != sample_rate:
        raise ModelError(f"fluidsynth wrote {rate} Hz audio, not {sample_rate} Hz.")
    out = np.zeros((frames, 2), dtype=np.float32)
    n = min(frames, len(audio))
    out[:n] = audio[:n] if audio.shape[1] == 2 else audio[:n, :1]
    return out


def normalise(audio: np.ndarray, peak_dbfs: float = PEAK_DBFS) -> np.ndarray:
    """Scale so the loudest sample sits at `peak_dbfs`; silence is an error, not a file."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 1e-6:
        raise InputError("The render came out silent; the MIDI file may only hold muted notes.")
    return audio * (10 ** (peak_dbfs / 20) / peak)


def write_wav(audio: np.ndarray, path: Path, sample_rate: int) -> Path:
    """Write float audio in [-1, 1], shape (frames, channels), as 16-bit PCM. Atomic."""
    pcm = np.clip(np.round(audio * 32767.0), -32768, 32767).astype("<i2")
    channels = 1 if pcm.ndim == 1 else pcm.shape[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(channels)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            out.writeframes(pcm.tobytes())
        tmp.replace(path)  # never leave a half-written file under the final name
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV as float audio of shape (frames, channels), and its sample rate."""
    try:
        with wave.open(str(path), "rb") as src:
            if src.getsampwidth() != 2:
                raise InputError(f"{Path(path).name} is not 16-bit PCM audio.")
            channels, rate = src.getnchannels(), src.getframerate()
            data = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
    except (wave.Error, EOFError) as exc:
        raise InputError(f"{Path(path).name} is not a readable WAV file ({exc}).") from exc
    return data.reshape(-1, channels).astype(np.float32) / 32768.0, rate


def wav_info(path: Path) -> WavInfo:
    """Duration, rate, channels, peak and RMS (dBFS) of a 16-bit WAV file."""
    audio, rate = read_wav(path)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size else 0.0
    return WavInfo(
        duration_sec=len(audio) / rate,
        sample_rate=rate,
        channels=audio.shape[1],
        peak_dbfs=_dbfs(peak),
        rms_dbfs=_dbfs(rms),
    )


def _dbfs(value: float) -> float:
    return round(float(20 * np.log10(value)), 2) if value > 0 else float("-inf")
