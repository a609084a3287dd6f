"""Keys, modes and scales. Pitch classes are 0..11 with C = 0; MIDI numbers elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.errors import InputError

Mode = Literal["major", "minor"]

NOTE_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# Spelling used when we print a key: flats for the flat keys, as musicians write them.
SHARP_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
FLAT_NAMES = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]
FLAT_MAJOR_TONICS = {5, 10, 3, 8, 1, 6}  # F Bb Eb Ab Db Gb
FLAT_MINOR_TONICS = {2, 7, 0, 5, 10, 3}  # D G C F Bb Eb minor

SCALE_STEPS: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),  # natural minor
}
# Minor melodies raise the 6th and 7th degrees (melodic/harmonic minor): those are in key too.
MINOR_ALTERED = (9, 11)

_ACCIDENTAL = {"#": 1, "♯": 1, "sharp": 1, "b": -1, "♭": -1, "flat": -1, "": 0, "♮": 0}
_TONIC_RE = re.compile(r"^\s*([A-Ga-g])\s*(#|♯|b|♭|♮|-?\s*sharp|-?\s*flat)?\s*$")


@dataclass(frozen=True)
class Key:
    """A tonic pitch class and a mode."""

    tonic_pc: int
    mode: Mode

    @property
    def name(self) -> str:
        return f"{pc_name(self.tonic_pc, self)} {self.mode}"

    @property
    def tonic_name(self) -> str:
        return self.name.split()[0]

    def scale_pcs(self, include_altered: bool = True) -> set[int]:
        """Pitch classes that belong to the key (minor includes raised 6th and 7th)."""
        steps = set(SCALE_STEPS[self.mode])
        if self.mode == "minor" and include_altered:
            steps |= set(MINOR_ALTERED)
        return {(self.tonic_pc + s) % 12 for s in steps}

    def degrees(self, include_altered: bool = True) -> set[int]:
        """Semitones above the tonic that belong to the key."""
        return {(pc - self.tonic_pc) % 12 for pc in self.scale_pcs(include_altered)}

    def __str__(self) -> str:
        return self.name


def parse_tonic(text: str) -> int:
    """'F#', 'f sharp', 'Bb', 'E-flat' -> pitch class. Raises InputError for 'H#' and friends."""
    match = _TONIC_RE.match(text)
    if not match:
        raise InputError(
            f"'{text.strip()[:20]}' is not a key I know. Use a letter A-G with an optional "
            "sharp or flat, like 'F#', 'Bb' or 'E flat'."
        )
    letter, acc = match.group(1).upper(), (match.group(2) or "")
    acc = acc.replace("-", "").replace(" ", "").lower()
    return (NOTE_PC[letter] + _ACCIDENTAL[acc]) % 12


def parse_key(tonic: str, mode: str | None = None) -> Key:
    """Build a Key from a tonic spelling and a mode word (default major)."""
    mode_word = (mode or "major").strip().lower()
    if mode_word in ("maj", "major", "ionian"):
        mode_norm: Mode = "major"
    elif mode_word in ("min", "minor", "m", "aeolian"):
        mode_norm = "minor"
    else:
        raise InputError(f"'{mode}' is not a mode I support yet: use major or minor.")
    return Key(parse_tonic(tonic), mode_norm)


def uses_flats(key: Key) -> bool:
    """Whether a key is written with flats (F major, D minor, Bb major...)."""
    return key.tonic_pc in (FLAT_MAJOR_TONICS if key.mode == "major" else FLAT_MINOR_TONICS)


def pc_name(pc: int, key: Key | None = None) -> str:
    """Name of a pitch class, spelled to suit the key."""
    return (FLAT_NAMES if key is not None and uses_flats(key) else SHARP_NAMES)[pc % 12]


def midi_name(pitch: int) -> str:
    """60 -> 'C4'."""
    return f"{SHARP_NAMES[pitch % 12]}{pitch // 12 - 1}"


def relative_degree(pitch: int, key: Key) -> int:
    """Semitones above the tonic, 0..11."""
    return (pitch - key.tonic_pc) % 12
