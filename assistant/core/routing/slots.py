"""Slot extraction: key, mode, tempo, bars, meter, style, mood, instrument, seed, song references.

Pure functions over the message text (no models), so they are fast and testable one by one.
An invalid key ("H# major") is not silently dropped: it is reported in `Slots.problems`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.core.routing.numbers import number_problems
from assistant.errors import InputError
from models.music.theory import parse_tonic
from models.music.vocabulary import (
    INSTRUMENT_ALIASES,
    INSTRUMENTS,
    METER_WORDS,
    MOODS,
    NUMBER_WORD,
    STYLE_WORDS,
    TEMPO_WORDS,
    number_value,
)

__all__ = ["Slots", "extract_key", "extract_slots"]

_ACC = r"(?:#|♯|b|♭|-?\s?sharp|-?\s?flat)"
# A letter followed by a mode word: catches invalid letters too, to report them.
KEY_WITH_MODE = re.compile(
    rf"(?<![\w'])([A-Za-z])\s?({_ACC})?\s?(major|minor|maj|min|dorian|mixolydian|lydian|phrygian)\b",
    re.I,
)
BARE_KEY = re.compile(
    r"\b(?i:in|key of|key|(?:transpose|modulate|move|shift|take|bring|change|switch|put)\s+"
    r"(?:(?:it|this|that|the key|the song|the track|everything)\s+)?(?:(?:up|down)\s+)?(?:to|into))"
    rf"\s+([A-G])\s?({_ACC})?(m)?(?![\w'])"
)
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
WHEN = r"(yesterday|today|this morning|earlier|last week|last night)"
SONG_REF = re.compile(
    rf"\b(?:the|my|that|our)\s+((?:[\w-]+\s+){{0,3}}?{SONG_NOUNS})\b"
    rf"(?:\s+(?:from|of|i made|we made|you made|you wrote)\s+{WHEN})?",
    re.I,
)
PATH = re.compile(
    r"(?:(?<=[\s(\[])|^)((?:~|\.{1,2}|[A-Za-z]:)?[/\\][^\s'\"]+|[^\s'\"]+\.(?:midi?|wav|aiff?|mp3|m4a|flac|ogg|opus|txt|lrc|ya?ml|xml|musicxml|mxl|csv))(?=[\s,;!?)]|$|\.(?:\s|$))",
    re.I,
)
# A folder named as a relative path after a place word ("under masters/2025"), or in words
# ("the folder demos", "a folder called old_demos", "my bounces folder"). A meter or a slash
# chord ("in 3/4", "C/E") is not a folder.
FOLDER = re.compile(
    r"\b(?:under|in|inside|within|from|of|scan|index|import|catalog(?:ue)?)\s+(?:the\s+|my\s+)?"
    r"(?:folder\s+|directory\s+)?(?!\d+/\d+\b)(?![A-G][#b]?m?\d*/[A-G])"
    r"((?:[\w.-]+/)+[\w.-]*)(?=[\s,;!?)]|$|\.(?:\s|$))"
    r"|\b(?:folder|directory)\s+(?:called\s+|named\s+)?['\"]?([\w./-]*\w)['\"]?"
    r"|\b(?:the|my|our)\s+([\w.-]*\w)\s+(?:folder|directory)\b",
    re.I,
)
NOT_FOLDER = {"of", "with", "for", "and", "to", "the", "a", "an", "in", "on", "full", "called",
              "named", "that", "which", "where", "i", "you", "please", "same", "whole", "new",
              "this", "it", "songs", "from", "into", "here", "there"}  # fmt: skip
PARTS_ONE = re.compile(
    r"\b(?:(?:just|only) (?:the |a )?(?:melody|tune|lead|line)|melody only|single line|"
    r"no (?:harmony|chords|accompaniment)|unaccompanied|monophonic)\b",
    re.I,
)
PARTS_FOUR = re.compile(
    r"\b(?:four|4)[- ](?:part|voice)s?\b|\bsatb\b|\bwith (?:harmony|chords)\b|\bharmoni[sz]ed\b",
    re.I,
)
TIME_WORDS = re.compile(rf"\b{WHEN}\b", re.I)
# The part of a file a request works on: "the flute track", "its BRIDGE part", "track 2".
TRACK = re.compile(
    r"\b(?:the|its|my|his|her|their)\s+(?!(?:whole|same|other|new|next|last|four|4|two|three|"
    r"drums?|backing)\b)([A-Za-z][\w#+-]{1,20})\s+(?:track|part|stave|staff|channel)\b(?!-)"
    r"|\btrack\s+(\d{1,2})\b",
    re.I,
)


@dataclass
class Slots:
    """What a message says about the music, plus problems to report instead of guessing."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    song_ref: str | None = None  # "hopeful chorale", when a message points at an earlier song
    when: str | None = None  # "yesterday"...
    tempo_word: bool = False  # the tempo came from a word ("slow"), not a number


# Words that look like slots but are not (issue 22, class 4), removed before the slot tables
# are matched: a fade's speed, a room's size, a question's length, a drum, a lead part's role.
NOT_TEMPO = re.compile(
    r"\bslowly\s+(?:fade|fading|build|building|rise|rising|swell|bring|introduce|add|drop)\w*"
    r"|\bmedium[\s-]+(?:size|sized|hall|room|reverb|pitch|length|volume|to)\b|\bfrom medium\b"
    r"|\bquick\s+(?:question|note|thing|check|favou?r|one)\b",
    re.I,
)
# Mood words in another sense: "the emotional arc of my lyrics", "that was fun".
NOT_MOOD = re.compile(
    r"\b(?:how\s+)?emotional\s+(?:analysis|tone|arc|reading|read|content|profile|journey|"
    r"breakdown|shape|meaning|impact|side)\b|\bhow emotional\b|\b(?:that was|that's|have|for)\s+"
    r"fun\b|\bfun fact\b",
    re.I,
)
NOT_INSTRUMENT = re.compile(r"\b(?:bass|kick|snare)[\s-]+drums?\b", re.I)
LEAD_ROLE = re.compile(
    r"\blead\s+(?=(?:\w+\s+)?(?:guitar|vocals?|violin|sax|saxophone|trumpet|piano|singer|voice)\b)",
    re.I,
)  # "electric lead guitar" is a guitar playing the lead, not a synth lead
PIECE = (r"(?:piece|tune|melody|song|loop|beat|chorale|waltz|jig|reel|hymn|lullaby|ballad|march|"
         r"track|riff|phrase|idea|sketch|intro|outro|progression|bassline|theme|motif|hook|one)")
SHORT = re.compile(rf"\b(?:short|little|brief)\b(?:[\s,]+[\w-]+){{0,3}}?[\s,]+{PIECE}\b"
                   r"|\bkeep it (?:short|brief)\b", re.I)  # fmt: skip
LONG = re.compile(rf"(?<!as )\b(?:long|longer|extended)\b(?!\s+as\b)(?:[\s,]+[\w-]+){{0,3}}?"
                  rf"[\s,]+{PIECE}\b", re.I)  # fmt: skip
# "a fill every 4 bars", "after two bars", "the last 2 bars": a place in the piece, not its length
NOT_LENGTH = re.compile(r"\b(?:every|each|after|before|last|first|final|opening|closing|until|"
                        r"till|within|per)\s+(?:the\s+)?$", re.I)  # fmt: skip


def _length(text: str) -> int | None:
    """Bars a message asks for: a number of bars that is not a place in the piece, else 8 for
    a short piece, 32 for a long one, else None."""
    for m in BARS.finditer(text):
        if not NOT_LENGTH.search(text[max(0, m.start() - 24) : m.start()]):
            return number_value(m.group(1)) or 0
    if SHORT.search(text):
        return 8
    if LONG.search(text):
        return 32
    return None


def _folder(text: str) -> tuple[str, int, int] | None:
    """(folder, start, end) of a folder the message names without a leading slash."""
    found = []
    for m in FOLDER.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g))
        name = m.group(group).rstrip(".")
        if name.lower() not in NOT_FOLDER and re.search(r"[A-Za-z_]", name):
            found.append((name, m.start(group), m.end(group)))
    # "the lyrics folder lyrics/drafts": a path beats a word
    return next((f for f in found if "/" in f[0]), found[0] if found else None)


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
    elif folder := _folder(text):
        slots.values["path"] = folder[0]
        text = text[: folder[1]] + " " + text[folder[2] :]
    if m := TRACK.search(text):  # its instrument word names a part, not an instrument to play
        slots.values["track"] = m.group(1) or m.group(2)
        text = text[: m.start()] + " " + text[m.end() :]
    extract_key(text, slots)
    slots.problems += number_problems(text)  # "-5 bars", "10^100 bars", "0 bpm": said, not read
    if (bars := _length(text)) is not None:
        slots.values["bars"] = bars
    text = LEAD_ROLE.sub("", NOT_INSTRUMENT.sub(" ", NOT_TEMPO.sub(" ", text)))
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
    if hit := _word_match(NOT_MOOD.sub(" ", text), MOODS, first=True):  # the first named
        slots.values["mood"] = hit[0].lower()
    if hit := _word_match(text, {**INSTRUMENTS, **INSTRUMENT_ALIASES}, plural=True, first=True):
        slots.values["instrument"] = INSTRUMENT_ALIASES.get(hit[0].lower(), hit[0].lower())
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
