"""Keys, modes and scales. Pitch classes are 0..11 with C = 0; MIDI numbers elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from models.errors import InputError

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

BLACK_KEYS = frozenset({1, 3, 6, 8, 10})
# The key signatures a MIDI file can hold (up to 7 sharps or flats), as mido names them.
MIDI_KEY_NAMES = frozenset({
    "C", "G", "D", "A", "E", "B", "F#", "C#", "F", "Bb", "Eb", "Ab", "Db", "Gb", "Cb",
    "Am", "Em", "Bm", "F#m", "C#m", "G#m", "D#m", "A#m", "Dm", "Gm", "Cm", "Fm", "Bbm", "Ebm",
    "Abm",
})  # fmt: skip
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


@dataclass(frozen=True)
class SpelledKey(Key):
    """A key with the spelling the producer chose for a black-key tonic: F# major, not Gb
    major (the same notes, the other names)."""

    flats: bool = False


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
    pc = parse_tonic(tonic)
    match = _TONIC_RE.match(tonic)
    acc = (match.group(2) or "").replace("-", "").replace(" ", "").lower() if match else ""
    if pc in BLACK_KEYS and acc and _ACCIDENTAL.get(acc):  # the name asked: F#, never Gb
        return SpelledKey(pc, mode_norm, flats=_ACCIDENTAL[acc] < 0)
    return Key(pc, mode_norm)


def key_signature_name(key: Key) -> str:
    """The key as a MIDI key-signature name (mido's: 'F#', 'Gb', 'Ebm', 'D#m'), spelled as the
    key is; a spelling MIDI has no signature for (A# major: ten sharps) is its enharmonic."""
    name = pc_name(key.tonic_pc, key) + ("m" if key.mode == "minor" else "")
    return name if name in MIDI_KEY_NAMES else (
        pc_name(key.tonic_pc, SpelledKey(key.tonic_pc, key.mode, flats=not uses_flats(key)))
        + ("m" if key.mode == "minor" else ""))  # fmt: skip


def key_from_signature(name: str) -> Key:
    """A MIDI key-signature name ('Ebm', 'F#') as the key it spells."""
    minor = name.endswith("m")
    return parse_key(name[:-1] if minor else name, "minor" if minor else "major")


# Krumhansl-Kessler key profiles (probe-tone ratings), C major and C minor.
MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


def key_scores(pitches: list[int], durs: list[float]) -> dict[Key, float]:
    """Correlation of the duration-weighted pitch-class histogram with each of the 24 keys."""
    import numpy as np

    hist = np.zeros(12)
    for p, d in zip(pitches, durs, strict=True):
        hist[p % 12] += d
    if not hist.any() or np.all(hist == hist[0]):
        return {Key(0, "major"): 0.0}
    scores = {}
    for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
        for tonic in range(12):
            r = np.corrcoef(hist, np.roll(np.array(profile), tonic))[0, 1]
            scores[Key(tonic, mode)] = float(r)  # type: ignore[arg-type]
    return scores


def estimate_key(pitches: list[int], durs: list[float]) -> tuple[Key, float]:
    """The most likely key of some notes, with its score.

    Krumhansl-Schmuckler correlation, minus twice the share of the music (by duration) that lies
    outside the key's notes: a tune full of G and D naturals is not in E major, however much
    it dwells on E and B. Near-ties between keys (C major and A minor share their notes) go to
    the key whose tonic the melody ends on.
    """
    total = sum(durs) or 1.0
    scores = {}
    for key, r in key_scores(pitches, durs).items():
        scale = key.scale_pcs()
        outside = sum(d for p, d in zip(pitches, durs, strict=True) if p % 12 not in scale)
        scores[key] = r - 2.0 * outside / total
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    if pitches and len(ranked) > 1:
        final = pitches[-1] % 12
        for other, other_score in ranked[1:4]:
            if score - other_score < 0.05 and other.tonic_pc == final != best.tonic_pc:
                return other, other_score
    return best, score


def uses_flats(key: Key) -> bool:
    """Whether a key is written with flats (F major, D minor, Bb major...)."""
    if isinstance(key, SpelledKey):
        return key.flats
    return key.tonic_pc in (FLAT_MAJOR_TONICS if key.mode == "major" else FLAT_MINOR_TONICS)


LETTERS = "CDEFGAB"
# Scale step (0 = the tonic's letter) of each degree in semitones above the tonic: notes of the
# key get the letter of their degree (C# in D minor, E# in F# minor, Bb in F major).
DEGREE_STEP = {0: 0, 1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 5, 9: 5, 10: 6, 11: 6}
_ACC_TEXT = {0: "", 1: "#", 11: "b"}
# Chromatic degrees whose spelling a musician reads from their function, not from the key's
# sharps or flats: in major the flat 3rd and 7th (Eb, Bb in C: borrowed from minor, as in a
# darker passage) and the raised 4th (F#, the leading tone to V); in minor the major 3rd (F# in
# D minor: a Picardy third) and the raised 4th (G# in D minor). The raised 1st or flat 2nd and
# the raised 5th or flat 6th go either way (C# under A major in C, Ab under F minor in C): they
# keep the key's plain names; a chord mark spells them where one sounds.
CHROMATIC_STEP = {"major": frozenset({3, 6, 10}), "minor": frozenset({4, 6})}


def pc_name(pc: int, key: Key | None = None) -> str:
    """Name of a pitch class, spelled for the key by scale degree (C# in D minor, Bb in F major)."""
    pc %= 12
    if key is None:
        return SHARP_NAMES[pc]
    degree = (pc - key.tonic_pc) % 12
    if pc not in key.scale_pcs() and degree not in CHROMATIC_STEP[key.mode]:
        return (FLAT_NAMES if uses_flats(key) else SHARP_NAMES)[pc]  # the key's plain names
    return degree_name(pc, key)


def degree_name(pc: int, key: Key) -> str:
    """A pitch class named by its scale degree's letter (Ab, the flat 6th, in C major; F# in D
    minor; F##, the raised 7th, in G# minor), or by the key's plain name where another double
    accidental would be needed."""
    pc %= 12
    plain = FLAT_NAMES if uses_flats(key) else SHARP_NAMES
    degree = (pc - key.tonic_pc) % 12
    tonic = plain[key.tonic_pc]
    letter = LETTERS[(LETTERS.index(tonic[0]) + DEGREE_STEP[degree]) % 7]
    accidental = (pc - NOTE_PC[letter]) % 12
    if accidental == 2 and key.mode == "minor" and degree in MINOR_ALTERED:
        return letter + "##"  # the raised 7th of G# minor is F##, its leading tone, never G
    if accidental not in _ACC_TEXT:  # another double sharp or flat: plainer as its neighbour
        return plain[pc]
    return letter + _ACC_TEXT[accidental]


def midi_name(pitch: int, key: Key | None = None) -> str:
    """60 -> 'C4'; with a key, spelled for it (70 in F major -> 'Bb4')."""
    name = pc_name(pitch, key)
    octave = pitch // 12 - 1
    if name == "Cb":
        octave += 1
    elif name == "B#":
        octave -= 1
    return f"{name}{octave}"


def relative_degree(pitch: int, key: Key) -> int:
    """Semitones above the tonic, 0..11."""
    return (pitch - key.tonic_pc) % 12
