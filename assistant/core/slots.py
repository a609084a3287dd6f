"""Slot extraction: key, mode, tempo, bars, meter, style, mood, instrument, seed, song references.

Pure functions over the message text (no models), so they are fast and testable one by one.
An invalid key ("H# major") is not silently dropped: it is reported in `Slots.problems`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import InputError
from models.music.theory import parse_tonic

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}  # fmt: skip
# "thirty two", "thirty-two", "sixty four", "sixteen": tens first, so "two" is not read alone.
NUMBER_WORD = (
    r"(?:(?:"
    + "|".join(TENS)
    + r")(?:[\s-](?:"
    + "|".join(k for k, v in UNITS.items() if v < 10)
    + r"))?|"
    + "|".join(sorted(UNITS, key=len, reverse=True))
    + r")"
)
TEMPO_WORDS = {
    "very slow": 52, "slowly": 66, "slow": 66, "laid-back": 80, "laid back": 80, "relaxed": 80,
    "moderate": 96, "medium": 96, "mid-tempo": 100, "upbeat": 124, "lively": 128, "fast": 140,
    "quick": 140, "very fast": 168, "frantic": 176, "andante": 80, "adagio": 60, "largo": 50,
    "allegro": 132, "presto": 170, "moderato": 100,
}  # fmt: skip
STYLE_WORDS = {
    "chorale": "chorale", "hymn": "chorale", "bach": "chorale", "choral": "chorale",
    "folk": "folk", "folksong": "folk", "folk song": "folk", "ballad": "folk", "lied": "folk",
    "waltz": "folk", "irish": "irish", "celtic": "irish", "jig": "irish", "reel": "irish", "hornpipe": "irish",
    "fiddle": "irish",
}  # fmt: skip
METER_WORDS = {
    "waltz": "3/4", "minuet": "3/4", "jig": "6/8", "march": "2/4", "reel": "4/4",
    "three-four": "3/4", "three four": "3/4", "four-four": "4/4", "four four": "4/4",
    "two-four": "2/4", "two four": "2/4", "six-eight": "6/8", "six eight": "6/8",
    "nine-eight": "9/8", "twelve-eight": "12/8", "common time": "4/4", "cut time": "2/2",
    "triple time": "3/4", "compound time": "6/8",
}  # fmt: skip
# Mood words -> (valence, arousal) on -1..1; the composer maps these to musical choices.
MOODS = {
    "happy": (0.8, 0.5), "joyful": (0.9, 0.6), "hopeful": (0.6, 0.2), "uplifting": (0.7, 0.5),
    "bright": (0.6, 0.4), "cheerful": (0.8, 0.5), "triumphant": (0.8, 0.8), "epic": (0.4, 0.8),
    "energetic": (0.5, 0.9), "playful": (0.6, 0.6), "romantic": (0.5, -0.1), "tender": (0.4, -0.4),
    "calm": (0.3, -0.7), "peaceful": (0.4, -0.7), "serene": (0.4, -0.6), "dreamy": (0.2, -0.5),
    "gentle": (0.3, -0.5), "nostalgic": (-0.1, -0.3), "bittersweet": (-0.1, -0.2),
    "moody": (-0.4, -0.1), "melancholic": (-0.6, -0.4), "melancholy": (-0.6, -0.4),
    "sad": (-0.7, -0.4), "sorrowful": (-0.8, -0.4), "mournful": (-0.8, -0.5), "gloomy": (-0.7, -0.3),
    "dark": (-0.6, 0.2), "tense": (-0.5, 0.6), "angry": (-0.7, 0.8), "anxious": (-0.6, 0.6),
    "lonely": (-0.6, -0.5), "somber": (-0.6, -0.4), "sombre": (-0.6, -0.4), "eerie": (-0.5, 0.1),
}  # fmt: skip
INSTRUMENTS = {
    "piano": 0, "electric piano": 4, "harpsichord": 6, "organ": 19, "church organ": 19,
    "guitar": 24, "acoustic guitar": 25, "electric guitar": 27, "bass": 33, "violin": 40,
    "viola": 41, "cello": 42, "harp": 46, "strings": 48, "string": 48, "choir": 52, "voice": 53,
    "trumpet": 56, "trombone": 57, "horn": 60, "french horn": 60, "brass": 61, "sax": 65,
    "saxophone": 65, "oboe": 68, "bassoon": 70, "clarinet": 71, "flute": 73, "recorder": 74,
    "pan flute": 75, "whistle": 78, "tin whistle": 78, "synth": 80, "lead": 80, "pad": 88,
    "marimba": 12, "vibraphone": 11, "celesta": 8, "music box": 10, "accordion": 21,
    "fiddle": 40, "bagpipe": 109, "banjo": 105,
}  # fmt: skip

_ACC = r"(?:#|♯|b|♭|-?\s?sharp|-?\s?flat)"
# A letter followed by a mode word: catches invalid letters too, to report them.
KEY_WITH_MODE = re.compile(
    rf"(?<![\w'])([A-Za-z])\s?({_ACC})?\s?(major|minor|maj|min|dorian|mixolydian|lydian|phrygian)\b",
    re.I,
)
BARE_KEY = re.compile(rf"\b(?i:in|key of|key)\s+([A-G])\s?({_ACC})?(m)?(?![\w'])")
BARS = re.compile(r"\b(\d{1,6}|" + NUMBER_WORD + r")[\s-]*(?:bars?|measures?)\b", re.I)
BPM = re.compile(
    r"\b(\d{2,4})\s*(?:bpm|beats per minute|beats a minute)\b|\bbpm\s*(?:of|=|:|at)?\s*(\d{2,3})\b",
    re.I,
)
# "slow it down to 70", "bump the tempo to 128": a number after "to" in a sentence about tempo.
TEMPO_TO = re.compile(
    r"\b(?:tempo|pace|speed|slow|faster|slower|bump|push|drop|take)\b[^.?!]*?\b(?:to|at)\s+(\d{2,3})\b(?!\s*(?:bars?|measures?|%))",
    re.I,
)
AROUND_TEMPO = re.compile(
    r"\b(?:at|around|about|tempo(?: of)?|~)\s*(\d{2,3})\b(?!\s*(?:bars?|measures?|seconds?|%))",
    re.I,
)
METER = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\b")
SEED = re.compile(r"\bseed\s*(?:=|of|:)?\s*(\d{1,9})\b", re.I)
SONG_NOUNS = r"(?:chorale|waltz|song|tune|piece|melody|track|jig|reel|hymn|ballad|march|one|thing)"
SONG_REF = re.compile(
    rf"\b(?:the|my|that|our)\s+((?:[\w-]+\s+){{0,3}}?{SONG_NOUNS})\b"
    r"(?:\s+(?:from|of|i made|we made|you made|you wrote)\s+(yesterday|today|this morning|earlier|last week|last night))?",
    re.I,
)
PATH = re.compile(
    r"(?:(?<=\s)|^)((?:~|\.{1,2})?/[^\s'\"]+|[^\s'\"]+\.(?:midi?|wav|aiff?|mp3|m4a|flac|ogg|opus|txt|lrc|ya?ml|xml|musicxml|mxl|csv))(?=[\s,;!?)]|$|\.(?:\s|$))",
    re.I,
)
PARTS_ONE = re.compile(
    r"\b(?:(?:just|only) (?:the |a )?(?:melody|tune|lead|line)|melody only|single line|"
    r"no (?:harmony|chords|accompaniment)|unaccompanied|monophonic)\b",
    re.I,
)
PARTS_FOUR = re.compile(
    r"\b(?:four|4)[- ](?:part|voice)s?\b|\bsatb\b|\bwith (?:harmony|chords)\b|\bharmoni[sz]ed\b",
    re.I,
)
TIME_WORDS = re.compile(r"\b(yesterday|today|this morning|earlier|last week|last night)\b", re.I)


@dataclass
class Slots:
    """What a message says about the music, plus problems to report instead of guessing."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    song_ref: str | None = None  # "hopeful chorale", when a message points at an earlier song
    when: str | None = None  # "yesterday"...
    tempo_word: bool = False  # the tempo came from a word ("slow"), not a number


def _number(word: str) -> int:
    if word.isdigit():
        return int(word)
    parts = re.split(r"[\s-]+", word.lower())
    return sum(TENS.get(p, 0) + UNITS.get(p, 0) for p in parts)


def _word_match(
    text: str, table: dict[str, Any], plural: bool = False, first: bool = False
) -> tuple[str, Any] | None:
    """The longest table word present in the text as a whole word ("violins" too if `plural`).

    With `first`, the word said first wins (the longest where two start together): in "a piano
    ballad with soft strings behind it" the lead is the piano.
    """
    ending = "(?:e?s)?" if plural else ""
    found = []
    for word in sorted(table, key=len, reverse=True):
        m = re.search(rf"(?<![\w-]){re.escape(word)}{ending}(?![\w-])", text, re.I)
        if m:
            if not first:
                return word, table[word]
            found.append((m.start(), -len(word), word))
    if not found:
        return None
    word = min(found)[2]
    return word, table[word]


def extract_key(text: str, slots: Slots) -> None:
    for match in KEY_WITH_MODE.finditer(text):
        letter, acc, mode = match.group(1), match.group(2) or "", match.group(3).lower()
        if (
            letter == "a"
            and not acc
            and text[max(0, match.start() - 6) : match.start()]
            .strip()
            .lower()
            .endswith(("write", "make", "compose", "give me", "create"))
        ):
            continue  # "write a minor ..." is an article, not A minor
        mode = {"maj": "major", "min": "minor"}.get(mode, mode)
        if mode not in ("major", "minor"):
            slots.problems.append(f"{mode.title()} mode is not supported yet: use major or minor.")
            mode = "minor" if mode in ("dorian", "phrygian") else "major"
        try:
            parse_tonic(letter + acc)
        except InputError as exc:
            slots.problems.append(str(exc))
            return
        slots.values["key"] = _spell(letter, acc)
        slots.values["mode"] = mode
        return
    bare = BARE_KEY.search(text)
    if bare:
        slots.values["key"] = _spell(bare.group(1), bare.group(2) or "")
        if bare.group(3):
            slots.values["mode"] = "minor"
    if "mode" not in slots.values and (m := re.search(r"\b(major|minor)\b", text, re.I)):
        slots.values["mode"] = m.group(1).lower()


def _spell(letter: str, acc: str) -> str:
    acc = acc.replace("-", "").replace(" ", "").lower()
    sign = {"#": "#", "♯": "#", "sharp": "#", "b": "b", "♭": "b", "flat": "b"}.get(acc, "")
    return letter.upper() + sign


def extract_slots(text: str) -> Slots:
    """All slots of one message."""
    slots = Slots()
    if m := PATH.search(text):
        slots.values["path"] = m.group(1).rstrip(".")
        # A file's name is not a request: "lead.mid" names no instrument, "ballad.txt" no style.
        text = text[: m.start(1)] + " " + text[m.end(1) :]
    extract_key(text, slots)
    if m := BARS.search(text):
        slots.values["bars"] = _number(m.group(1))
    elif re.search(r"\b(short|little|quick|brief)\b", text, re.I):
        slots.values["bars"] = 8
    elif re.search(r"\b(long|longer piece|extended)\b", text, re.I):
        slots.values["bars"] = 32
    if m := BPM.search(text) or AROUND_TEMPO.search(text) or TEMPO_TO.search(text):
        slots.values["tempo"] = int(next(g for g in m.groups() if g))
    elif hit := _word_match(text, TEMPO_WORDS):
        slots.values["tempo"] = hit[1]
        slots.tempo_word = True
    if m := METER.search(text):
        slots.values["meter"] = f"{int(m.group(1))}/{int(m.group(2))}"
    elif hit := _word_match(text, METER_WORDS):
        slots.values["meter"] = hit[1]
    if hit := _word_match(text, STYLE_WORDS):
        slots.values["style"] = hit[1]
    if hit := _word_match(text, MOODS):
        slots.values["mood"] = hit[0].lower()
    if hit := _word_match(text, INSTRUMENTS, plural=True, first=True):
        slots.values["instrument"] = hit[0].lower()
    if m := SEED.search(text):
        slots.values["seed"] = int(m.group(1))
    if PARTS_ONE.search(text):
        slots.values["parts"] = 1
    elif PARTS_FOUR.search(text):
        slots.values["parts"] = 4
    if m := SONG_REF.search(text):
        slots.song_ref = m.group(1).lower()
        slots.when = (m.group(2) or "").lower() or None
    if slots.when is None and (m := TIME_WORDS.search(text)):
        slots.when = m.group(1).lower()
    return slots
