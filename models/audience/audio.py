"""Audio features for the song catalogue: tempo, key, loudness, brightness, energy.

`read_audio_features(path)` decodes with soundfile (WAV, FLAC, OGG, AIFF; MP3 with libsndfile
>= 1.1), else audioread; mixes to mono, resamples to 22,050 Hz and analyses at most the first
`MAX_ANALYSED_SEC`. `features_from_signal` does the same for samples in memory. librosa is
imported inside functions (module import stays light); a process's first analysis compiles numba.

Conventions, all on the mono mix:
- loudness_db: gated RMS in dBFS, an unweighted cousin of EBU R128 (no K-weighting, so not
  LUFS): mean power of 400 ms blocks passing a -70 dBFS gate and a gate 10 dB under their mean.
  A full-scale sine reads -3 dBFS.
- dynamic_range_db: 95th - 10th percentile of 93 ms frame RMS (dB), frames above -70 dBFS.
- tempo_bpm: the beat a producer would count, chosen among the onset periodicities from 40 to
  250 bpm (T/2, T, 2T, 2T/3, 3T/2) by beat strength, note density and a prior toward 70-160
  bpm, refined below one frame (see models/audience/tempo.py). When the choice is close,
  tempo_alternative holds the rival level and tempo_confidence says how close (0.5: a toss).
- key: Temperley profiles on a 36-bins-per-octave CQT chroma, relative major/minor settled by
  tonic evidence (see `key_from_chroma`).

Measured on the 2-core dev machine (other jobs running): a 3-minute 44.1 kHz stereo WAV takes
0.55-0.85 s warm, 1.7 s as a process's first call with numba's cache on disk. On General MIDI
renders the key was right in 305 of 316 (8 progressions x 12 tonics x 3 arrangements, plus a
tempo sweep; the misses had confidence < 0.15) and 144 of 144 in a held-out set. Tempo on
rendered real pieces: docs/benchmarks.md, "Audio tempo" (`benchmarks/audio_tempo.py`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from models.audience.audio_io import (  # noqa: F401 (the module's public names)
    AUDIO_SUFFIXES,
    MAX_ANALYSED_SEC,
    MAX_AUDIO_BYTES,
    AudioError,
    check_audio_file,
    decode_audio,
)
from models.audience.tempo import MIN_BEAT_STRENGTH, Tempo, estimate_tempo  # noqa: F401
from models.music.theory import Key, pc_name

MIN_AUDIO_SEC = 1.0
SILENT_PEAK_DBFS = -80.0  # quieter than this is dither, not music
SR = 22050
HOP = 512  # 23 ms frames for onsets, loudness and brightness
CHROMA_HOP = 2048  # 93 ms frames are plenty for a key
GATE_DBFS = -70.0
MIN_TONAL_CORR = 0.4  # best key-profile correlation below this: no key (drums)
MIN_CHROMA_CONTRAST = 0.3  # (max - min) / mean of the chroma below this: no key (noise)
OPENING_SEC = 2.0
HARMONIC_SHARE = 0.2
# libsndfile decodes these itself: a failure there means a damaged file, not a missing codec.
# Temperley (2001) key profiles, C major and C minor: they separate the scale's notes from the
# rest more sharply than Krumhansl-Kessler, which matters once harmonics smear the chroma.
TEMPERLEY_MAJOR = (5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0)
TEMPERLEY_MINOR = (5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0)


@dataclass(frozen=True)
class AudioFeatures:
    """What one listen to a recording tells the catalogue (conventions: module docstring)."""

    duration_sec: float
    sample_rate: int  # of the file
    tempo_bpm: float | None  # None when there is no steady beat (e.g. a held chord)
    beat_strength: float  # 0..1, how clear the pulse is
    key: str | None  # tonic spelled for the key: "A", "F#", "Bb"; None for drums or noise
    mode: str | None  # "major" / "minor"
    key_confidence: float  # 0..1
    loudness_db: float  # gated RMS, dBFS
    dynamic_range_db: float  # 95th - 10th percentile of frame RMS, dB
    brightness_hz: float  # mean spectral centroid
    onset_rate: float  # onsets per second
    energy: float  # 0..1, see energy_score
    danceability: float  # 0..1, see danceability_score
    analysed_sec: float  # how much was analysed (<= MAX_ANALYSED_SEC)
    tempo_alternative: float | None = None  # the rival tempo (double, half...) when unsure
    tempo_confidence: float = 0.0  # 0..1 for tempo_bpm against tempo_alternative (0.5: a toss)

    @property
    def tempo_words(self) -> str:
        """The tempo as a reply says it: "96 bpm", "about 84 bpm (or 168)" when unsure (the
        alternative is another metrical level: double, half, 3/2 or 2/3), or "no steady beat"."""
        if not self.tempo_bpm:
            return "no steady beat"
        if self.tempo_alternative:
            return f"about {self.tempo_bpm:.0f} bpm (or {self.tempo_alternative:.0f})"
        return f"{self.tempo_bpm:.0f} bpm"

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One plain-English line: "A minor, 96 bpm, loud and bright, high energy"."""
        key = f"{self.key} {self.mode}" if self.key else "no clear key"
        tempo = self.tempo_words
        db, hz = self.loudness_db, self.brightness_hz
        loud = "loud" if db > -14 else "quiet" if db < -26 else "moderately loud"
        bright = "bright" if hz > 2200 else "dark" if hz < 1000 else "warm"
        level = "high" if self.energy >= 0.65 else "low" if self.energy < 0.35 else "medium"
        line = f"{key}, {tempo}, {loud} and {bright}, {level} energy"
        if self.analysed_sec < self.duration_sec - 0.5:  # a long file: say what was heard
            line += f" (first {_clock(self.analysed_sec)} of {_clock(self.duration_sec)})"
        return line


def _clock(seconds: float) -> str:
    minutes, sec = divmod(int(round(seconds)), 60)
    return f"{minutes}:{sec:02d}"


def read_audio_features(path: Path) -> AudioFeatures:
    """Decode an audio file and analyse its first `MAX_ANALYSED_SEC` seconds."""
    path = Path(path)
    check_audio_file(path)
    y, sr, duration = decode_audio(path)
    return features_from_signal(y, sr, duration_sec=duration)


def features_from_signal(
    y: np.ndarray, sr: int, duration_sec: float | None = None
) -> AudioFeatures:
    """Analyse samples in memory: mono (n,) or multichannel, any rate, floats in [-1, 1]."""
    import librosa

    if sr <= 0:
        raise AudioError(f"A sample rate of {sr} Hz is impossible; pass the rate of the samples.")
    mono = _mono(y)
    duration = len(mono) / sr if duration_sec is None else float(duration_sec)
    mono = _audible(mono[: int(MAX_ANALYSED_SEC * sr)], sr)
    analysed = len(mono) / sr
    x = mono if sr == SR else librosa.resample(mono, orig_sr=sr, target_sr=SR)
    spectrum = np.abs(librosa.stft(x, n_fft=2048, hop_length=HOP))
    tempo, onsets = _rhythm(spectrum)
    chroma, bass, opening = _chroma_evidence(x)
    tonic, mode, confidence = key_from_chroma(chroma, bass12=bass, opening12=opening)
    tonal = _is_tonal(chroma)
    loudness, dyn_range = _loudness(x)
    brightness = _brightness(spectrum)
    onset_rate = onsets / analysed
    return AudioFeatures(
        duration_sec=round(duration, 3),
        sample_rate=int(sr),
        tempo_bpm=None if tempo.bpm is None else round(tempo.bpm, 1),
        beat_strength=round(tempo.strength, 3),
        key=pc_name(tonic, Key(tonic, mode)) if tonal else None,  # type: ignore[arg-type]
        mode=mode if tonal else None,
        key_confidence=round(confidence if tonal else 0.0, 3),
        loudness_db=round(loudness, 2),
        dynamic_range_db=round(dyn_range, 2),
        brightness_hz=round(brightness, 1),
        onset_rate=round(onset_rate, 3),
        energy=round(energy_score(loudness, onset_rate, brightness), 3),
        danceability=round(danceability_score(tempo.bpm, tempo.strength, tempo.regularity), 3),
        analysed_sec=round(analysed, 3),
        tempo_alternative=None if tempo.alternative is None else round(tempo.alternative, 1),
        tempo_confidence=round(tempo.confidence if tempo.bpm else 0.0, 3),
    )


def _mono(y: np.ndarray) -> np.ndarray:
    """Float32 mono from (n,), (channels, n) as librosa holds it, or (n, channels) as soundfile."""
    a = np.asarray(y)
    if a.dtype.kind in "iu":  # PCM integers (unsigned ones centred on half range): to [-1, 1)
        half = 2.0 ** (8 * a.dtype.itemsize - 1)
        a = (a - (half if a.dtype.kind == "u" else 0.0)) / half
    a = a.astype(np.float32, copy=False)
    if a.ndim == 2:
        a = a.mean(axis=0 if a.shape[0] <= a.shape[1] else 1)
    if a.ndim != 1:
        raise AudioError(f"Expected mono or multichannel samples, not an array of shape {a.shape}.")
    if not np.all(np.isfinite(a)):
        raise AudioError("The audio holds invalid samples (NaN or infinity); export it again.")
    return a


def _audible(mono: np.ndarray, sr: int) -> np.ndarray:
    """The samples, if long and loud enough to analyse; else AudioError (never divide by 0)."""
    if len(mono) < MIN_AUDIO_SEC * sr:
        raise AudioError(
            f"The audio lasts {len(mono) / sr:.2f} s; I need at least {MIN_AUDIO_SEC:.0f} s to "
            "hear a tempo or a key."
        )
    peak = float(np.max(np.abs(mono)))
    if peak == 0.0 or 20 * math.log10(peak) < SILENT_PEAK_DBFS:
        raise AudioError(
            f"The audio is silent (no sample above {SILENT_PEAK_DBFS:.0f} dBFS); check the "
            "export, and the mute and gain of the track."
        )
    return mono


def _rhythm(spectrum: np.ndarray) -> tuple[Tempo, int]:
    """(tempo reading, onset count) from the spectrogram (the method: models/audience/tempo.py).

    The onset envelope is librosa's: mean rise in dB across mel bands, frame to frame, so its
    scale does not depend on gain.
    """
    import librosa

    mel = librosa.feature.melspectrogram(S=spectrum**2, sr=SR)
    env = librosa.onset.onset_strength(S=librosa.power_to_db(mel, ref=np.max), sr=SR)
    # An absolute threshold (0.6 dB rise per band over the local mean), not a relative one:
    # relative to its own maximum, the envelope of a held chord is all "onsets".
    peaks = librosa.onset.onset_detect(onset_envelope=env, sr=SR, normalize=False, delta=0.6)
    return estimate_tempo(env, len(peaks), SR / HOP), len(peaks)


def _chroma_evidence(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(whole-track chroma, bass chroma below C3, chroma of the first 2 s of sound), C first.

    Three CQT bins per semitone, keeping the strongest, leak less into neighbouring notes than
    one bin does; that leakage is what makes a plain chroma profile drift to the wrong key.
    """
    import librosa

    # Tuning in fractions of a semitone, so 3k stays the centre bin of semitone k.
    tuning = 3 * librosa.estimate_tuning(y=x[: 30 * SR], sr=SR, bins_per_octave=12)
    with warnings.catch_warnings():  # clips under ~2 s are shorter than the C1 filter: fine
        warnings.filterwarnings("ignore", message="n_fft=.* is too large", category=UserWarning)
        cqt = np.abs(librosa.cqt(x, sr=SR, hop_length=CHROMA_HOP, fmin=librosa.note_to_hz("C1"),
                                 n_bins=7 * 36, bins_per_octave=36, tuning=tuning))  # fmt: skip
    padded = np.pad(cqt, ((1, 1), (0, 0)))
    semis = np.maximum.reduce([padded[0:-2:3], padded[1:-1:3], padded[2::3]])[:84]
    # Partials 3 and 5 of a note sound a fifth and a major third higher: A's fifth partial is
    # a C#, which pulls A minor towards A major. Subtract 20% of each note there, low to high.
    for k in range(84 - 19):
        semis[k + 19] = np.maximum(semis[k + 19] - HARMONIC_SHARE * semis[k], 0.0)
        if k + 28 < 84:
            semis[k + 28] = np.maximum(semis[k + 28] - HARMONIC_SHARE * semis[k], 0.0)
    per_frame = semis.reshape(7, 12, -1).sum(axis=0)
    energy = per_frame.sum(axis=0)
    sounding = np.flatnonzero(energy > 0.05 * energy.max())
    first = sounding[: max(1, int(OPENING_SEC * SR / CHROMA_HOP))]
    bass = semis[:24].reshape(2, 12, -1).sum(axis=0).mean(axis=1)
    return per_frame.mean(axis=1), bass, per_frame[:, first].mean(axis=1)


def _is_tonal(chroma12: np.ndarray) -> bool:
    """Pitched music: some notes clearly beat others and the pattern looks like a key.
    Noise has a flat chroma (contrast ~0.1), drums a shapeless one (best correlation ~0.3)."""
    contrast = float(np.ptp(chroma12) / max(float(np.mean(chroma12)), 1e-12))
    return (
        contrast >= MIN_CHROMA_CONTRAST
        and float(np.max(_profile_scores(chroma12))) >= MIN_TONAL_CORR
    )


def _profile_scores(chroma12: np.ndarray) -> np.ndarray:
    """Correlation with the 24 key profiles: 0-11 major tonics C..B, 12-23 minor tonics."""
    rows = [np.roll(p, t) for p in (TEMPERLEY_MAJOR, TEMPERLEY_MINOR) for t in range(12)]
    return np.array([_corr(chroma12, np.asarray(r)) for r in rows])


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norm if norm > 0 else 0.0


def _triad_match(chroma12: np.ndarray, tonic: int, minor: bool) -> float:
    triad = np.zeros(12)
    triad[[tonic, (tonic + (3 if minor else 4)) % 12, (tonic + 7) % 12]] = 1.0
    return _corr(chroma12, triad)


def key_from_chroma(
    chroma12: np.ndarray,
    *,
    bass12: np.ndarray | None = None,
    opening12: np.ndarray | None = None,
) -> tuple[int, str, float]:
    """(tonic pitch class, "major"/"minor", confidence 0..1) from a 12-bin chroma, C first.

    The profiles pick the scale. C major and A minor share their notes, so the winner of that
    pair is the tonic with more evidence: its profile score, plus how well the opening chroma
    matches its tonic triad (intros and loops start at home; fades and loops end anywhere;
    without opening or bass, the whole chroma stands in), plus its share of the bass. Confidence is the weaker of two margins: the pair's best profile
    score over any other key's (0.15 = sure), and the evidence margin within the pair (0.4 = sure).
    """
    chroma = np.asarray(chroma12, dtype=float).reshape(12)
    if np.ptp(chroma) == 0:
        return 0, "major", 0.0
    scores = _profile_scores(chroma)
    if opening12 is None and bass12 is None:
        opening12 = chroma  # no other evidence: the whole piece stands in for its opening
    best = int(np.argmax(scores))
    major = best if best < 12 else (best + 3) % 12  # A minor (21) -> C major (0)
    pair = (major, 12 + (major + 9) % 12)
    evidence = {}
    for index in pair:
        tonic, minor = index % 12, index >= 12
        evidence[index] = scores[index]
        if opening12 is not None and np.ptp(opening12) > 0:
            evidence[index] += _triad_match(np.asarray(opening12, dtype=float), tonic, minor)
        if bass12 is not None and np.sum(bass12) > 0:
            evidence[index] += 1.2 * float(bass12[tonic] / np.sum(bass12))  # 0.1 per 1/12 share
    winner, loser = sorted(pair, key=lambda i: -evidence[i])
    scale_margin = scores[best] - float(np.max(np.delete(scores, list(pair))))
    confidence = min(scale_margin / 0.15, (evidence[winner] - evidence[loser]) / 0.4)
    return winner % 12, "minor" if winner >= 12 else "major", float(np.clip(confidence, 0, 1))


def _loudness(x: np.ndarray) -> tuple[float, float]:
    """(gated RMS dBFS, dynamic range dB): conventions in the module docstring."""
    import librosa

    block, hop = int(0.4 * SR), int(0.1 * SR)
    padded = np.pad(x, (0, max(0, block - len(x))))
    power = np.mean(librosa.util.frame(padded, frame_length=block, hop_length=hop) ** 2, axis=0)
    gated = power[power > 10 ** (GATE_DBFS / 10)]
    if gated.size:
        gated = gated[gated > np.mean(gated) * 0.1]  # relative gate: -10 dB
    loudness = 10 * math.log10(float(np.mean(gated if gated.size else power)) + 1e-20)
    rms = librosa.feature.rms(y=x, frame_length=2048, hop_length=HOP)[0]
    db = 20 * np.log10(rms[rms > 10 ** (GATE_DBFS / 20)])
    spread = float(np.percentile(db, 95) - np.percentile(db, 10)) if db.size > 1 else 0.0
    return loudness, spread


def _brightness(spectrum: np.ndarray) -> float:
    """Mean spectral centroid (Hz) over frames within 40 dB of the loudest one."""
    freqs = np.linspace(0, SR / 2, spectrum.shape[0])
    total = spectrum.sum(axis=0)
    energy = (spectrum**2).sum(axis=0)
    keep = (energy > 1e-4 * energy.max()) & (total > 0)
    if not np.any(keep):
        return 0.0
    return float(np.mean(freqs @ spectrum[:, keep] / total[keep]))


def energy_score(loudness_db: float, onset_rate: float, brightness_hz: float) -> float:
    """0..1 = 0.5 loudness (-30 dBFS -> 0, -8 -> 1) + 0.3 onset rate (0 -> 0, 6/s -> 1)
    + 0.2 brightness (500 Hz -> 0, 3000 Hz -> 1)."""
    loud = np.clip((loudness_db + 30.0) / 22.0, 0.0, 1.0)
    busy = np.clip(onset_rate / 6.0, 0.0, 1.0)
    bright = np.clip((brightness_hz - 500.0) / 2500.0, 0.0, 1.0)
    return float(0.5 * loud + 0.3 * busy + 0.2 * bright)


def danceability_score(tempo_bpm: float | None, beat_strength: float, regularity: float) -> float:
    """0..1 = 0.5 beat strength + 0.25 tempo fit (1 at 90-130 bpm, 0 at 60 and 180)
    + 0.25 regularity (the pulse still lines up 2-4 beats later). No beat: 0.2 x strength."""
    if tempo_bpm is None:
        return float(0.2 * beat_strength)
    t = tempo_bpm
    fit = 1.0 - (90 - t) / 30 if t < 90 else 1.0 - (t - 130) / 50 if t > 130 else 1.0
    score = 0.5 * beat_strength + 0.25 * max(fit, 0.0) + 0.25 * regularity
    return float(np.clip(score, 0.0, 1.0))
