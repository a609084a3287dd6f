"""Genre presets, one YAML file each under `prompts/genres/`: adding a genre is adding a file.

A preset names what a producer expects of the genre: tempo range, meter, swing, the drum style
(models/drums), the harmony style and chord rhythm (models/harmony), the bass idiom, each part's
instrument (a General MIDI program) and register, the density, and the song forms. The format
is documented in docs/tracks.md; `tests/models/arrangement/test_genres.py` checks every file
against the engines' own vocabularies, so a preset can't name a drum style or a chord rhythm
the engines don't play.

The presets are style rules written from music knowledge (a genre label is not in the data):
what a lo-fi track or a house track usually is, not a measurement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from models.errors import InputError
from models.yaml_text import safe_load

GENRES_DIR = Path(__file__).resolve().parents[2] / "prompts" / "genres"
ROLES = ("drums", "bass", "chords", "pad", "lead")
SECTIONS = ("intro", "verse", "prechorus", "chorus", "bridge", "breakdown", "build", "drop",
            "solo", "outro")  # fmt: skip
# Instruments by the part they play, each with its General MIDI program (0-based). Chords and
# pads are voiced as the harmony engine's instrument of that name (models/harmony/voicing.py).
LEAD_PROGRAMS = {
    "flute": 73, "sax": 65, "saxophone": 65, "alto sax": 65, "tenor sax": 66, "trumpet": 56,
    "muted trumpet": 59, "trombone": 57, "horn": 60, "brass": 61, "violin": 40, "fiddle": 40,
    "cello": 42, "clarinet": 71, "oboe": 68, "whistle": 78, "tin whistle": 78, "recorder": 74,
    "pan flute": 75, "piano": 0, "electric piano": 4, "rhodes": 4, "vibraphone": 11,
    "vibes": 11, "marimba": 12, "kalimba": 108, "steel drums": 114, "music box": 10,
    "celesta": 8, "bells": 14, "glockenspiel": 9, "harmonica": 22, "accordion": 21,
    "organ": 16, "synth lead": 80, "square lead": 80, "saw lead": 81, "lead synth": 81,
    "synth": 81, "pluck": 84, "guitar": 27, "electric guitar": 27, "clean guitar": 27,
    "lead guitar": 29, "overdriven guitar": 29, "distortion guitar": 30,
    "acoustic guitar": 25, "nylon guitar": 24, "voice": 53, "vocal": 53, "choir": 52,
    "strings": 48, "string": 48, "banjo": 105, "sitar": 104, "harp": 46, "bagpipes": 109,
}  # fmt: skip
BASS_PROGRAMS = {
    "bass": 33, "electric bass": 33, "finger bass": 33, "bass guitar": 33, "picked bass": 34,
    "fretless bass": 35, "slap bass": 36, "synth bass": 38, "808": 38, "808s": 38,
    "sub bass": 38, "acid bass": 38, "upright bass": 32, "acoustic bass": 32,
    "double bass": 32, "contrabass": 43, "tuba": 58,
}  # fmt: skip
# Chord and pad instruments: the harmony engine's voicing name and the program.
CHORD_INSTRUMENTS = {
    "piano": ("piano", 0), "grand piano": ("piano", 0), "keys": ("piano", 0),
    "electric piano": ("electric piano", 4), "rhodes": ("electric piano", 4),
    "wurlitzer": ("electric piano", 4), "wurli": ("electric piano", 4),
    "organ": ("organ", 16), "hammond": ("organ", 16), "church organ": ("organ", 19),
    "clavinet": ("clavinet", 7), "clav": ("clavinet", 7), "pad": ("pad", 89),
    "synth pad": ("pad", 89), "warm pad": ("pad", 89), "strings": ("strings", 48),
    "string": ("strings", 48), "string section": ("strings", 48), "choir": ("strings", 52),
    "voices": ("strings", 52), "guitar": ("guitar", 27), "electric guitar": ("guitar", 27),
    "acoustic guitar": ("acoustic guitar", 25), "nylon guitar": ("nylon guitar", 24),
    "classical guitar": ("nylon guitar", 24), "distortion guitar": ("distortion guitar", 30),
    "distorted guitar": ("distortion guitar", 30), "synth": ("synth", 81),
    "synth chords": ("synth", 81), "brass": ("strings", 61), "horns": ("strings", 61),
    "harp": ("strings", 46), "vibraphone": ("piano", 11), "vibes": ("piano", 11),
    "marimba": ("piano", 12), "accordion": ("organ", 21), "harpsichord": ("piano", 6),
}  # fmt: skip


@dataclass(frozen=True)
class PartSpec:
    """One part of a genre's band: its name in the song ("keys"), what it plays and on what."""

    name: str
    role: str  # drums, bass, chords, pad, lead
    instrument: str  # a producer's word: "electric piano", "808", "flute"
    program: int  # General MIDI, 0-based (drums: 0, on channel 10)
    low: int = 0  # register (MIDI notes) of a lead; 0: the role's default
    high: int = 0
    rhythm: str | None = None  # chords and pads: a comp pattern; bass: a bass style
    density: float | None = None  # drums and lead: 0 sparse .. 1 busy


@dataclass(frozen=True)
class Genre:
    name: str
    label: str
    words: tuple[str, ...]  # what producers call it
    tempo: tuple[int, int, int]  # lowest, default, highest bpm
    meter: str
    swing: float
    mode: str  # the mode without a key or a mood
    engine: str  # "band" (drums, chords, bass, lead) or "composition" (chorale, folk, Irish)
    drum_style: str | None
    harmony_style: str
    density: float
    parts: tuple[PartSpec, ...]
    forms: dict[str, tuple[tuple[str, int], ...]]  # "loop", "song" -> (section, bars)...
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # parts per section
    description: str = ""
    composition_style: str | None = None  # the composition engine's style (engine: composition)
    mood: str | None = None  # the harmony's mood leaning without one asked

    def part(self, name: str) -> PartSpec | None:
        return next((p for p in self.parts if p.name == name), None)

    def role(self, role: str) -> PartSpec | None:
        return next((p for p in self.parts if p.role == role), None)


def _program(role: str, instrument: str) -> int:
    word = instrument.lower()
    table = {"bass": BASS_PROGRAMS, "lead": LEAD_PROGRAMS}.get(role)
    if role == "drums":
        return 0
    if table is not None:
        if word not in table:
            raise ValueError(f"no {role} instrument '{instrument}'")
        return table[word]
    if word not in CHORD_INSTRUMENTS:
        raise ValueError(f"no chord instrument '{instrument}'")
    return CHORD_INSTRUMENTS[word][1]


def _part(name: str, raw: dict) -> PartSpec:
    role = raw.get("role", name)
    if role not in ROLES:
        raise ValueError(f"part '{name}' has no role among {ROLES}")
    instrument = str(raw.get("instrument", "drums" if role == "drums" else ""))
    register = raw.get("register") or (0, 0)
    rhythm = raw.get("rhythm") or raw.get("style")  # YAML reads `style: 808` as a number
    return PartSpec(name, role, instrument, int(raw.get("program", _program(role, instrument))),
                    int(register[0]), int(register[1]), None if rhythm is None else str(rhythm),
                    raw.get("density"))  # fmt: skip


def _form(raw: list) -> tuple[tuple[str, int], ...]:
    out = []
    for item in raw:
        name, _, bars = str(item).partition(" ")
        if name not in SECTIONS or not bars.isdigit():
            raise ValueError(f"form item '{item}' is not '<section> <bars>'")
        out.append((name, int(bars)))
    return tuple(out)


def read_genre(path: Path) -> Genre:
    """A preset file as a `Genre`; a malformed file is a ValueError naming the file."""
    try:
        raw = safe_load(path.read_text())
        tempo = raw["tempo"]
        parts = tuple(_part(name, spec or {}) for name, spec in raw["parts"].items())
        return Genre(
            name=raw["genre"], label=raw.get("label", raw["genre"]),
            words=tuple(str(w).lower() for w in raw.get("words", [])),
            tempo=(int(tempo["low"]), int(tempo["default"]), int(tempo["high"])),
            meter=str(raw.get("meter", "4/4")), swing=float(raw.get("swing", 0.0)),
            mode=raw.get("mode", "major"), engine=raw.get("engine", "band"),
            drum_style=(raw.get("drums") or {}).get("style"),
            harmony_style=(raw.get("harmony") or {}).get("style", "pop"),
            density=float(raw.get("density", 0.5)), parts=parts,
            forms={k: _form(v) for k, v in raw["form"].items()},
            sections={k: tuple(v) for k, v in (raw.get("sections") or {}).items()},
            description=str(raw.get("description", "")).strip(),
            composition_style=raw.get("composition_style"), mood=raw.get("mood"),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError, AttributeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc


@cache
def load_genres(folder: Path = GENRES_DIR) -> dict[str, Genre]:
    """Every preset in the folder, by name (read once per folder)."""
    genres = [read_genre(p) for p in sorted(folder.glob("*.yaml"))]
    return {g.name: g for g in genres}


@cache
def genre_words(folder: Path = GENRES_DIR) -> dict[str, str]:
    """Every word a producer may use for a genre -> its name, longest words first."""
    pairs = [(w, g.name) for g in load_genres(folder).values() for w in (g.name, *g.words)]
    return dict(sorted(pairs, key=lambda pair: -len(pair[0])))


@cache
def _genre_pattern(folder: Path = GENRES_DIR) -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in genre_words(folder))
    return re.compile(rf"(?<![\w-])({words})(?![\w-])", re.I)


def find_genre(text: str) -> str | None:
    """The genre a message names ("a lo-fi beat", "some deep house"), or None; the longest
    name wins where two overlap ("deep house" over "house")."""
    found = _genre_pattern().findall(text)
    if not found:
        return None
    return genre_words()[max(found, key=len).lower()]


def get_genre(word: str) -> Genre:
    """A genre by its name or a producer's word; an unknown one is one clear sentence with the
    nearest genres Cadenza plays."""
    genres = load_genres()
    name = genre_words().get(word.strip().lower())
    if name is not None:
        return genres[name]
    import difflib

    near = difflib.get_close_matches(word.lower(), list(genre_words()), n=2, cutoff=0.6)
    nearest = sorted({genres[genre_words()[w]].label for w in near})
    hint = f" Nearest: {' or '.join(nearest)}." if nearest else ""
    raise InputError(f"I don't write {word[:30]} tracks yet; I play "
                     f"{', '.join(g.label for g in genres.values())}.{hint}")  # fmt: skip
