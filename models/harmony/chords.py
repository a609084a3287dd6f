"""Chords: a root, a quality and a bass; spelled for a key; read from the data's Harte labels.

A `Chord` is absolute (root pitch class 0..11, C = 0). Relative to a tonic it becomes a model
token, "<semitones above the tonic>:<family>[/<bass semitones above the root>]" ("7:7" is the
dominant seventh, "9:min" the sixth degree's minor triad, "0:maj/4" the tonic over its third).

Spelling follows the key by scale degree, for every root, diatonic or not: the flat seventh of C
major is Bb (never A#), the raised fourth F#, a chord's third is always the letter two above its
root (the third of Bb is D, of Db is F). A double sharp or flat falls back to the plainer name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.errors import InputError
from models.music.theory import (
    DEGREE_STEP,
    FLAT_NAMES,
    LETTERS,
    NOTE_PC,
    SHARP_NAMES,
    Key,
    uses_flats,
)

# Quality -> intervals above the root (semitones; 14 is the ninth, 17 the eleventh, 21 the 13th).
QUALITIES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8),
    "sus2": (0, 2, 7), "sus4": (0, 5, 7), "5": (0, 7),
    "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "min7": (0, 3, 7, 10), "dim7": (0, 3, 6, 9),
    "hdim7": (0, 3, 6, 10), "minmaj7": (0, 3, 7, 11), "7sus4": (0, 5, 7, 10),
    "aug7": (0, 4, 8, 10), "6": (0, 4, 7, 9), "min6": (0, 3, 7, 9),
    "add9": (0, 4, 7, 14), "madd9": (0, 3, 7, 14), "9": (0, 4, 7, 10, 14),
    "maj9": (0, 4, 7, 11, 14), "min9": (0, 3, 7, 10, 14), "11": (0, 4, 7, 10, 14, 17),
    "min11": (0, 3, 7, 10, 14, 17), "13": (0, 4, 7, 10, 14, 21), "maj13": (0, 4, 7, 11, 14, 21),
    "min13": (0, 3, 7, 10, 14, 21), "6/9": (0, 4, 7, 9, 14), "7b9": (0, 4, 7, 10, 13),
    "7#9": (0, 4, 7, 10, 15), "7#11": (0, 4, 7, 10, 18), "7b13": (0, 4, 7, 10, 20),
}  # fmt: skip
# How a chord symbol writes each quality after its root (C, Cm, C7, Cmaj7, Cm7b5...).
SUFFIX: dict[str, str] = {
    "maj": "", "min": "m", "dim": "dim", "aug": "aug", "sus2": "sus2", "sus4": "sus4", "5": "5",
    "7": "7", "maj7": "maj7", "min7": "m7", "dim7": "dim7", "hdim7": "m7b5", "minmaj7": "m(maj7)",
    "7sus4": "7sus4", "aug7": "aug7", "6": "6", "min6": "m6", "add9": "add9", "madd9": "m(add9)",
    "9": "9", "maj9": "maj9", "min9": "m9", "11": "11", "min11": "m11", "13": "13",
    "maj13": "maj13", "min13": "m13", "6/9": "6/9", "7b9": "7b9", "7#9": "7#9", "7#11": "7#11",
    "7b13": "7b13",
}  # fmt: skip
# The model's vocabulary keeps the qualities the issue names; colour tones fold into their family.
FAMILY: dict[str, str] = {
    "maj": "maj", "min": "min", "dim": "dim", "aug": "aug", "sus2": "sus2", "sus4": "sus4",
    "5": "maj", "7": "7", "maj7": "maj7", "min7": "min7", "dim7": "dim7", "hdim7": "hdim7",
    "minmaj7": "min", "7sus4": "sus4", "aug7": "7", "6": "maj", "min6": "min", "add9": "maj",
    "madd9": "min", "9": "7", "maj9": "maj7", "min9": "min7", "11": "7", "min11": "min7",
    "13": "7", "maj13": "maj7", "min13": "min7", "6/9": "maj", "7b9": "7", "7#9": "7",
    "7#11": "7", "7b13": "7",
}  # fmt: skip
FAMILIES = tuple(dict.fromkeys(FAMILY.values()))
MINOR_FAMILIES = frozenset({"min", "min7", "dim", "dim7", "hdim7"})
# Letters above a chord's root for each interval (0 unison ... 11 major seventh; 14 the ninth).
INTERVAL_STEP = {0: 0, 1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 4, 7: 4, 8: 4, 9: 5, 10: 6, 11: 6,
                 13: 1, 14: 1, 15: 1, 17: 3, 18: 3, 20: 5, 21: 5}  # fmt: skip


@dataclass(frozen=True)
class Chord:
    """An absolute chord: root pitch class, quality (a key of QUALITIES), bass above the root."""

    root: int
    quality: str
    bass: int = 0  # semitones above the root of the lowest note (0: root position)

    @property
    def intervals(self) -> tuple[int, ...]:
        return QUALITIES[self.quality]

    @property
    def pcs(self) -> tuple[int, ...]:
        """Pitch classes of the chord tones, root first."""
        return tuple((self.root + i) % 12 for i in self.intervals)

    @property
    def bass_pc(self) -> int:
        return (self.root + self.bass) % 12

    @property
    def family(self) -> str:
        return FAMILY[self.quality]

    def token(self, tonic: int) -> str:
        """The model's token relative to a tonic pitch class (see the module docstring)."""
        text = f"{(self.root - tonic) % 12}:{self.family}"
        return text + (f"/{self.bass}" if self.bass else "")


def from_token(token: str, tonic: int) -> Chord:
    """A model token back to an absolute chord over a tonic pitch class."""
    head, _, bass = token.partition("/")
    degree, quality = head.split(":")
    return Chord((tonic + int(degree)) % 12, quality, int(bass or 0))


def spell_pc(pc: int, key: Key, step: int | None = None, letter_of: str | None = None) -> str:
    """A pitch class spelled by scale degree: in the key, or as a given letter step above a
    letter (a chord tone above its root). Double sharps and flats fall back to the plain name."""
    pc %= 12
    if letter_of is None:
        tonic = (FLAT_NAMES if uses_flats(key) else SHARP_NAMES)[key.tonic_pc]
        letter_of, step = tonic, DEGREE_STEP[(pc - key.tonic_pc) % 12]
    letter = LETTERS[(LETTERS.index(letter_of[0]) + (step or 0)) % 7]
    accidental = (pc - NOTE_PC[letter]) % 12
    if accidental in (0, 1, 11):
        return letter + {0: "", 1: "#", 11: "b"}[accidental]
    return (FLAT_NAMES if uses_flats(key) else SHARP_NAMES)[pc]


def root_name(chord: Chord, key: Key) -> str:
    return spell_pc(chord.root, key)


def tone_names(chord: Chord, key: Key) -> dict[int, str]:
    """Pitch class -> name of each chord tone, spelled from the root's letter (Bb D F, not A# D F)."""
    root = root_name(chord, key)
    names = {}
    for interval in chord.intervals:
        pc = (chord.root + interval) % 12
        step = 6 if chord.quality == "dim7" and interval == 9 else INTERVAL_STEP[interval]
        names.setdefault(pc, spell_pc(pc, key, step, root))  # the dim7's seventh: Ab over B
    if chord.bass and chord.bass_pc not in names:
        names[chord.bass_pc] = spell_pc(chord.bass_pc, key, INTERVAL_STEP.get(chord.bass % 12, 0),
                                        root)  # fmt: skip
    return names


def symbol(chord: Chord, key: Key) -> str:
    """The chord symbol spelled for the key: 'Bb', 'Gm7', 'C/E', 'F#m7b5'."""
    text = root_name(chord, key) + SUFFIX[chord.quality]
    if chord.bass:
        text += "/" + tone_names(chord, key)[chord.bass_pc]
    return text


ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII")
_ROMAN_SUFFIX = {"maj": "", "min": "", "dim": "°", "aug": "+", "sus2": "sus2", "sus4": "sus4",
                 "7": "7", "maj7": "maj7", "min7": "7", "dim7": "°7", "hdim7": "ø7"}  # fmt: skip


def roman(chord: Chord, key: Key) -> str:
    """A Roman numeral for the chord in the key: 'vi', 'V7', 'bVII', 'iiø7', 'IV/3' (bass degree).

    Degrees count from the key's own scale (natural minor in a minor key: III, VI, VII)."""
    from models.music.theory import SCALE_STEPS

    semis = (chord.root - key.tonic_pc) % 12
    step = DEGREE_STEP[semis]
    if key.mode == "minor" and semis == 6:
        step = 3
    diff = (semis - SCALE_STEPS[key.mode][step]) % 12
    accidental = {0: "", 1: "#", 11: "b"}.get(diff, "")
    numeral = ROMANS[step]
    family = chord.family
    if family in MINOR_FAMILIES:
        numeral = numeral.lower()
    text = accidental + numeral + _ROMAN_SUFFIX.get(family, "")
    if chord.bass:
        text += f"/{INTERVAL_STEP.get(chord.bass, 0) + 1}"
    return text


# Harte labels as the data writes them: 'A:min', 'G:7', 'F:maj/3', 'C:sus4(b7)', 'E:min7/b7'.
_HARTE = re.compile(r"^([A-G][b#]*):?([^/(]*)(\([^)]*\)?)?(?:/([b#]*\d+))?$")
_DEGREE_SEMIS = {1: 0, 2: 2, 3: 4, 4: 5, 5: 7, 6: 9, 7: 11, 9: 2, 11: 5, 13: 9}
# Harte shorthand (+ added degrees) -> our quality; the pairs not listed fall back to the shorthand.
_HARTE_ADDED = {("maj", "9"): "add9", ("min", "9"): "madd9", ("sus4", "b7"): "7sus4",
                ("7", "#9"): "7#9", ("7", "b9"): "7b9", ("7", "#11"): "7#11", ("7", "b13"): "7b13",
                ("maj6", "9"): "6/9", ("aug", "b7"): "aug7", ("5", "b7"): "7",
                ("1", "b3"): "min", ("1", "3"): "maj", ("sus4", "9"): "sus4",
                # Billboard: root + b7 is a dominant, root + 11 a sus4, 1(b5,b7,3) a 7(b5),
                # maj6(b7) a dominant 13th, maj6(7) a major 13th.
                ("1", "b7"): "7", ("1", "11"): "sus4", ("1", "b5"): "7", ("maj6", "b7"): "13",
                ("maj6", "7"): "maj13"}  # fmt: skip
_HARTE_QUALITY = {"": "maj", "maj": "maj", "min": "min", "dim": "dim", "aug": "aug",
                  "sus2": "sus2", "sus4": "sus4", "5": "5", "1": "5", "7": "7", "maj7": "maj7",
                  "min7": "min7", "dim7": "dim7", "hdim7": "hdim7", "minmaj7": "minmaj7",
                  "maj6": "6", "min6": "min6", "9": "9", "maj9": "maj9", "min9": "min9",
                  "11": "11", "min11": "min11", "13": "13", "maj13": "maj13",
                  "min13": "min13"}  # fmt: skip


def harte_degree(text: str) -> int:
    """'b7' -> 10, '3' -> 4, '#4' -> 6: a Harte degree as semitones above the root."""
    flats, digits = text.count("b") - text.count("#"), int(text.strip("b#"))
    return (_DEGREE_SEMIS.get(digits, 0) - flats) % 12


def parse_harte(label: str) -> Chord | None:
    """A Harte label as a Chord; None for no chord ('N', 'X', silence) or a label we cannot read."""
    match = _HARTE.match(label.strip())
    if not match or label.strip() in ("N", "X"):
        return None
    root_text, short, added, bass = match.groups()
    root = NOTE_PC[root_text[0]] + root_text.count("#") - root_text.count("b")
    short = short.strip()
    first_added = (added or "").strip("()").split(",")[0].strip().lstrip("*")
    quality = _HARTE_ADDED.get((short or "maj", first_added)) or _HARTE_QUALITY.get(short)
    if quality is None:
        return None
    return Chord(root % 12, quality, harte_degree(bass) if bass else 0)


def check_chord_count(count: int, limit: int = 256) -> None:
    """A progression must have at least one chord and at most `limit`."""
    if count == 0:
        raise InputError("That progression has no chords in it: write chords like 'Am F C G'.")
    if count > limit:
        raise InputError(f"That is {count} chords; I write up to {limit} at a time.")
