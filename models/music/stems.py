"""Stems and loops: one MIDI and one WAV per track of a piece, plus the mix, ready for a DAW.

Every file lines up at bar 1 when dropped into a DAW: each stem MIDI carries the piece's tempo,
meter, key, chord and section markers and ends at the last bar line (midi_io.write_midi), and
every WAV has exactly the same number of samples. The WAVs share one gain, chosen so the mix
peaks at -1 dBFS, so the stems at unity gain sum to the mix (within 16-bit rounding) and keep the
balance the arrangement was written with.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from models.errors import InputError
from models.music import render
from models.music.piece import Piece, Track

MIX_PART = "mix"
MAX_PART_CHARS = 32
SILENT = 1e-6  # float peak below which a render holds nothing audible
STEM_CEILING = 0.999  # no stem may clip, or the stems would no longer sum to the mix
NO_RENDERER_NOTE = (
    "No audio renderer is installed, so there are MIDI stems but no WAVs: `pip install --no-deps "
    "tinysoundfont` (or the Debian fluidsynth package) adds one."
)


@dataclass(frozen=True)
class Stem:
    """One track's files."""

    track: str  # the track's name in the piece: "Keys (electric piano)"
    part: str  # its name in the file names: "keys"
    midi: Path
    wav: Path | None  # None when no audio was rendered


@dataclass
class StemSet:
    """What `render_stems` wrote, for the reply and for tests."""

    stems: list[Stem]  # in the piece's track order
    mix_midi: Path
    mix_wav: Path | None
    skipped: list[str]  # names of tracks with no notes, or whose render was silent: no files
    sample_rate: int
    frames: int  # samples per channel of every WAV (0 when there are none)
    gain_db: float  # the one gain applied to every stem and to the mix
    note: str | None = None  # why there are no WAVs, when there are none

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def files(self) -> list[Path]:
        """Every file written: the mix first, then each stem's MIDI and WAV."""
        paths = [self.mix_midi, self.mix_wav]
        for stem in self.stems:
            paths += [stem.midi, stem.wav]
        return [path for path in paths if path is not None]


def render_stems(
    piece: Piece,
    folder: Path,
    stem: str,
    tail: bool = True,
    sample_rate: int = 44100,
    audio: bool = True,
    progress: Callable[[float, str], None] | None = None,
) -> StemSet:
    """Write `<stem>-mix.mid/.wav` and, per track with notes, `<stem>-<part>.mid/.wav` in
    `folder`; the part comes from the track's name ("Keys (electric piano)" -> "keys"), unique.

    Every WAV lasts the piece's length plus, with `tail=True`, the same 1.5 s ring-out (after
    the last note, if one runs past the last bar line); `tail=False` cuts every WAV exactly at
    the last bar line: a loop. Levels: each track is rendered unnormalised, ONE gain is chosen
    so that the mix (the sum of the stems) peaks at -1 dBFS (lower only if a stem would
    otherwise clip), and that same gain is applied to every stem, so the stems sum to the mix.

    A track with no notes (or a silent render) is skipped and named in `skipped`, never an
    error. Without a renderer (or with `audio=False`) only the MIDI files are written. Atomic:
    if any file fails, the files this call wrote are removed and the error is raised.
    """
    from models.music.midi_io import write_midi

    report = progress or (lambda fraction, message="": None)
    folder = Path(folder)
    if not stem or Path(stem).name != stem:
        raise InputError(f"{stem!r} can't start a file name: give a plain name, like 'song'.")
    parts, skipped = _plan(piece)
    written: list[Path] = []
    try:
        report(0.05, "writing MIDI stems")
        mix_midi = write_midi(piece, folder / f"{stem}-{MIX_PART}.mid")
        written.append(mix_midi)
        stems = []
        for track, part in parts:
            midi = write_midi(replace(piece, tracks=[track]), folder / f"{stem}-{part}.mid")
            written.append(midi)
            stems.append(Stem(track.name, part, midi, None))
        result = StemSet(stems, mix_midi, None, skipped, sample_rate, 0, 0.0)
        if not audio:
            return result
        if render.available_renderer() is None:
            result.note = NO_RENDERER_NOTE
            return result
        _render_wavs(result, _frames(piece, tail, sample_rate), folder / f"{stem}-{MIX_PART}.wav",
                     written, report)  # fmt: skip
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    report(1.0, "stems written")
    return result


def _plan(piece: Piece) -> tuple[list[tuple[Track, str]], list[str]]:
    """(track, file-name part) for each track with notes, and the names of those without."""
    playing = [track for track in piece.tracks if track.notes]
    skipped = [track.name for track in piece.tracks if not track.notes]
    if not playing:
        raise InputError("The piece has no notes, so there are no stems to write.")
    return list(zip(playing, part_names([t.name for t in playing]), strict=True)), skipped


def _frames(piece: Piece, tail: bool, sample_rate: int) -> int:
    """Samples per channel shared by every WAV of the piece."""
    seconds = piece.duration_sec
    if tail:
        last = max((n.start_beats + n.dur_beats for n in piece.all_notes()), default=0.0)
        seconds = max(seconds, last * 60.0 / piece.tempo_bpm) + render.TAIL_SEC
    if seconds > render.MAX_RENDER_SEC:
        raise InputError(
            f"The piece lasts {seconds / 60:.0f} minutes; I render up to "
            f"{render.MAX_RENDER_SEC // 60} minutes of audio."
        )
    return int(round(seconds * sample_rate))


def _render_wavs(
    result: StemSet,
    frames: int,
    mix_wav: Path,
    written: list[Path],
    report: Callable[[float, str], None],
) -> None:
    """Render each stem, then write them all and the mix with one gain; fills in `result`.

    Unnormalised stems wait in a temporary folder, not in memory: a few minutes of eight
    stems would otherwise hold gigabytes until the gain is known."""
    rate = result.sample_rate
    mix = np.zeros((frames, 2), dtype=np.float32)
    loud, stem_peak = [], 0.0
    with tempfile.TemporaryDirectory(prefix="cadenza-stems-") as tmp:
        for i, stem in enumerate(result.stems):
            report(0.1 + 0.7 * i / len(result.stems), f"rendering {stem.part}")
            audio = render.render_audio(stem.midi, frames, rate)
            peak = float(np.max(np.abs(audio)))
            if peak < SILENT:  # notes that make no sound: nothing to drag into a DAW
                result.skipped.append(stem.track)
                stem.midi.unlink(missing_ok=True)
                written.remove(stem.midi)
                continue
            stem_peak = max(stem_peak, peak)
            mix += audio
            np.save(Path(tmp) / f"{i}.npy", audio)
            loud.append((i, stem))
        if not loud:
            raise InputError("Every track rendered silent, so there are no stems to write.")
        gain = _gain(float(np.max(np.abs(mix))), stem_peak)
        report(0.85, "writing WAV stems")
        stems = []
        for i, stem in loud:
            path = stem.midi.with_suffix(".wav")
            audio = np.load(Path(tmp) / f"{i}.npy", mmap_mode="r")
            written.append(render.write_wav(audio * gain, path, rate))
            stems.append(replace(stem, wav=path))
    written.append(render.write_wav(mix * gain, mix_wav, rate))
    result.stems, result.mix_wav, result.frames = stems, mix_wav, frames
    result.gain_db = round(float(20 * np.log10(gain)), 2)


def _gain(mix_peak: float, stem_peak: float) -> float:
    """The one linear gain for every stem and the mix: the mix at -1 dBFS, no stem clipping."""
    if mix_peak < SILENT:  # stems that cancel out exactly: nothing to hear in the mix
        raise InputError("The mix came out silent, so there are no stems to write.")
    return min(10 ** (render.PEAK_DBFS / 20) / mix_peak, STEM_CEILING / stem_peak)


def part_names(names: list[str]) -> list[str]:
    """File-name parts for track names: "Keys (electric piano)" -> "keys"; unique, never "mix"
    (the second "Guitar" is "guitar-2")."""
    taken, parts = {MIX_PART}, []
    for name in names:
        base = part_name(name)
        part, n = base, 2
        while part in taken:
            part, n = f"{base}-{n}", n + 1
        taken.add(part)
        parts.append(part)
    return parts


def part_name(name: str) -> str:
    """A track name as a lower-case ASCII file-name part; asides in brackets are dropped."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", name)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:MAX_PART_CHARS].strip("-") or "track"
