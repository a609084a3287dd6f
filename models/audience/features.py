"""What the catalogue knows about a song: musical features, lyric feeling and the label's tags.

Features come from whatever the song has: a MIDI file (tempo, key, meter, note density, pitch
range, General MIDI instruments), an audio file (tempo, key, loudness, brightness, onset rate and
energy/danceability proxies, see `models/audience/audio.py`), lyrics (valence and arousal from
the lyric-emotion engine), a song made in chat (its attribute table) and the label's own genre
and mood tags. Missing values stay None; `models/audience/vectors.py` turns the rest into one
content vector, and `words()` into the plain words a producer reads in an explanation.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import InputError

COMPOUND = {"6/8", "9/8", "12/8"}
TRIPLE = {"3/4", "3/8", "6/8", "9/8", "12/8"}


@dataclass
class SongFeatures:
    """One catalogue entry. Lists are stored in Chroma metadata as JSON."""

    song_id: str
    title: str
    artist: str | None = None
    origin: str = "catalog"  # "catalog" (imported) or "chat" (made in a conversation)
    files: dict[str, str] = field(default_factory=dict)  # kind ("midi", "audio", "lyrics") -> path
    tempo_bpm: float | None = None  # as a producer counts it (dotted quarters in 6/8)
    key: str | None = None
    mode: str | None = None
    meter: str | None = None
    duration_sec: float | None = None
    note_density: float | None = None  # notes (MIDI) or onsets (audio) per second
    pitch_low: int | None = None
    pitch_high: int | None = None
    pitch_mean: float | None = None
    instruments: list[str] = field(default_factory=list)
    loudness_db: float | None = None
    brightness_hz: float | None = None
    energy: float | None = None  # 0..1
    danceability: float | None = None  # 0..1
    valence: float | None = None  # -1..1, from lyrics, else from the mood word
    arousal: float | None = None
    lyric_quadrant: str | None = None
    lyric_emotions: list[str] = field(default_factory=list)
    style: str | None = None
    mood: str | None = None
    genres: list[str] = field(default_factory=list)  # the label's tags
    moods: list[str] = field(default_factory=list)
    content_hash: str = ""  # of the files it was read from: re-import skips unchanged songs

    # -- plain words ------------------------------------------------------------------------
    def words(self) -> list[str]:
        """Descriptors a producer would use, from the numbers: 'slow', 'minor key', 'low energy'."""
        out: list[str] = []
        if self.tempo_bpm:
            out.append(_tempo_word(self.tempo_bpm))
        if self.mode:
            out.append(f"{self.mode} key")
        if self.energy is not None:
            out.append(
                "high energy" if self.energy > 0.62 else "low energy" if self.energy < 0.38 else ""
            )
        if self.meter in TRIPLE:
            out.append("lilting triple time" if self.meter in COMPOUND else "waltz time")
        if self.valence is not None:
            out.append("bright" if self.valence > 0.25 else "dark" if self.valence < -0.25 else "")
        return [w for w in out if w]

    def taste_text(self) -> str:
        """The text whose MiniLM embedding is the tag part of the content vector."""
        bits = [
            *self.genres,
            *self.moods,
            self.style or "",
            self.mood or "",
            *self.lyric_emotions[:2],
        ]
        bits += self.instruments[:3] + self.words()
        seen: list[str] = []
        for b in (b.strip().lower() for b in bits):
            if b and b not in seen:
                seen.append(b)
        return ", ".join(seen) or "music"

    def summary(self) -> str:
        """One line: 'Late rain vigil by Nightjar: A minor, 64 bpm, 3/4, piano; melancholy'."""
        facts = [
            f"{self.key} {self.mode}" if self.key and self.mode else "",
            f"{self.tempo_bpm:.0f} bpm" if self.tempo_bpm else "",
            self.meter or "",
            ", ".join(self.instruments[:2]),
        ]
        tags = "; ".join([*self.genres, *self.moods][:4])
        who = f" by {self.artist}" if self.artist else ""
        return (
            f"{self.title}{who}: "
            + ", ".join(f for f in facts if f)
            + (f"; {tags}" if tags else "")
        )

    # -- storage ----------------------------------------------------------------------------
    def to_metadata(self) -> dict[str, str | int | float | bool]:
        data: dict[str, Any] = {}
        for name, value in asdict(self).items():
            if value is None:
                continue
            data[name] = json.dumps(value) if isinstance(value, (list, dict)) else value
        return data

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> SongFeatures:
        data: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in meta:
                continue
            value = meta[f.name]
            if f.name in ("files", "instruments", "lyric_emotions", "genres", "moods"):
                value = json.loads(value) if isinstance(value, str) else value
            data[f.name] = value
        return cls(**data)


def _tempo_word(bpm: float) -> str:
    if bpm < 76:
        return "slow"
    if bpm < 100:
        return "relaxed tempo"
    if bpm < 124:
        return "mid-tempo"
    return "fast"


def split_tags(text: str | None) -> list[str]:
    """'ambient; piano, late night' -> ['ambient', 'piano', 'late night']."""
    if not text:
        return []
    parts = [p.strip().lower() for p in text.replace(",", ";").split(";")]
    return [p for p in parts if p][:12]


# -- from files ---------------------------------------------------------------------------------
def midi_features(path: Path, features: SongFeatures) -> SongFeatures:
    """Fill tempo, key, meter, density, pitch range and instruments from a MIDI file (the key
    from its notes, `keyfinder.piece_key`).

    A drum track alone (a beat) has no key or pitch range: its rhythm and energy are read."""
    from models.music.keyfinder import piece_key
    from models.music.midi_io import read_midi_file
    from models.music.theory import pc_name

    pm, piece = read_midi_file(path)  # parsed once
    notes = [(n, inst) for inst in pm.instruments if not inst.is_drum for n in inst.notes]
    drums = [n for inst in pm.instruments if inst.is_drum for n in inst.notes]
    if not notes and not drums:
        raise InputError(f"{path.name} has no notes to analyse.")
    _timing(pm, features)
    if notes:
        # The one key finder, as harmonise and continue read this file: the notes decide, and the
        # file's key-signature event only breaks near-ties (it can't tell E major from C# minor).
        key = piece_key(piece).key
        features.key, features.mode = pc_name(key.tonic_pc, key), key.mode
        pitches = np.array([n.pitch for n, _ in notes])
        features.pitch_low, features.pitch_high = int(pitches.min()), int(pitches.max())
        features.pitch_mean = round(float(pitches.mean()), 2)
    played = [n for n, _ in notes] or drums
    end = max(n.end for n in played)
    velocities = np.array([n.velocity for n in played])
    features.duration_sec = round(float(end), 2)
    features.note_density = round(len(played) / max(end, 1e-3), 3)
    programs = sorted({inst.program for inst in pm.instruments if not inst.is_drum and inst.notes})
    features.instruments = [gm_name(p) for p in programs]
    if drums:
        features.instruments.append("drums")
    if features.energy is None:
        features.energy = midi_energy(
            float(velocities.mean()), features.note_density, features.tempo_bpm
        )
    return features


def _timing(pm, features: SongFeatures) -> None:  # noqa: ANN001 (a pretty_midi.PrettyMIDI)
    tempi = pm.get_tempo_changes()[1]
    quarter_bpm = float(tempi[0]) if len(tempi) else 120.0
    meter = "4/4"
    if pm.time_signature_changes:
        ts = pm.time_signature_changes[0]
        meter = f"{ts.numerator}/{ts.denominator}"
    features.meter = meter
    features.tempo_bpm = round(quarter_bpm / 1.5 if meter in COMPOUND else quarter_bpm, 1)


def midi_energy(mean_velocity: float, density: float, bpm: float) -> float:
    """A 0..1 energy proxy for MIDI: loudness (velocity), busyness (notes/s) and pace."""
    v = np.clip((mean_velocity - 50) / 60, 0, 1)
    d = np.clip(np.log2(max(density, 0.1) / 1.5) / 3, 0, 1)
    t = np.clip((bpm - 60) / 100, 0, 1)
    return round(float(0.35 * v + 0.35 * d + 0.3 * t), 3)


def gm_name(program: int) -> str:
    """A producer's word for a General MIDI program (our instrument names where we have one)."""
    from models.music.vocabulary import INSTRUMENTS

    for name, number in INSTRUMENTS.items():
        if number == program:
            return name
    import pretty_midi

    return pretty_midi.program_to_instrument_name(program).lower()


def audio_into(path: Path, features: SongFeatures) -> SongFeatures:
    """Fill the audio features (and tempo/key when no MIDI gave them)."""
    from models.audience.audio import read_audio_features

    audio = read_audio_features(path)
    features.duration_sec = features.duration_sec or round(audio.duration_sec, 2)
    if features.tempo_bpm is None and audio.tempo_bpm:
        features.tempo_bpm = round(audio.tempo_bpm, 1)
    if features.key is None and audio.key:
        features.key, features.mode = audio.key, audio.mode
    if features.note_density is None:
        features.note_density = round(audio.onset_rate, 3)
    features.loudness_db = round(audio.loudness_db, 2)
    features.brightness_hz = round(audio.brightness_hz, 1)
    features.energy = round(audio.energy, 3)
    features.danceability = round(audio.danceability, 3)
    return features


def lyrics_into(analysis: dict[str, Any], features: SongFeatures) -> SongFeatures:
    """Valence, arousal, quadrant and top emotions from a lyric analysis (its 'song' part)."""
    song = analysis["song"]
    features.valence, features.arousal = (round(float(x), 3) for x in song["circumplex"])
    features.lyric_quadrant = song["quadrant"]
    features.lyric_emotions = [e["emotion"] for e in song["top_emotions"][:3]]
    return features


def mood_into(features: SongFeatures) -> SongFeatures:
    """Without lyrics, a song's mood word (or the label's mood tags) gives valence and arousal."""
    from models.music.vocabulary import MOODS

    if features.valence is not None:
        return features
    words = [features.mood or "", *features.moods]
    for word in (w.strip().lower() for w in words):
        if word in MOODS:
            features.valence, features.arousal = (float(x) for x in MOODS[word])
            return features
    return features
