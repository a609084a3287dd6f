"""Reading a message: the request and its payload, quoted lyrics, and tool arguments from slots.

Only the first line of a message is the request; lines after it (or a quoted lyric) are a
payload such as lyrics. Arguments for each tool are drawn from the request's slots, the
dialogue state (the lyrics last read, the segment last described) and, for follow-ups, the
relative edits a producer names ("faster", "darker", "twice as long").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from models.intents.message import DESCRIBED
from models.music.vocabulary import ORDINALS

if TYPE_CHECKING:
    from assistant.core.routing.slots import Slots
    from assistant.core.state import DialogueState

# Lyrics read earlier go with a new piece only when the request points at them ("these
# lyrics", "my words", "music for them"): "a song with words about summer" brings none.
LYRICS_POINTER = re.compile(
    r"\b(?:these|those|the|my|our|same|above|pasted|previous|earlier|last)\s+(?:lyrics?|words|"
    r"verses?|lines|song text)\b|\b(?:for|to|with|over|under|around|set|fit)\s+(?:them|those|these)"
    r"\b(?!\s+(?:\w+\s+)?(?:bars|chords|notes|drums|beats?|keys)\b)",
    re.I,
)
LYRICS_REF = re.compile(r"\b(lyrics?|words|them|they|those|these|again|same)\b", re.I)
FOR_THEM = re.compile(
    r"\bfor (?:them|those (?:listeners|people|fans)|that (?:crowd|segment|group))\b", re.I
)


def audience_args(
    tool: str, text: str, path: str | None, state: DialogueState | None
) -> tuple[str, dict[str, Any]]:
    """Arguments of the audience and catalogue tools: a song, a segment, a date, files."""
    from assistant.core.routing.audience_slots import (
        all_paths,
        quoted_title,
        release_date,
        segment_ref,
        unquoted_title,
    )

    if tool == "import_catalog":
        paths = all_paths(text) or ([path] if path else [])  # "under masters/2025"
        csvs = [p for p in paths if p.lower().endswith(".csv")]
        if csvs:  # listening data, not songs
            args = {"plays": csvs[0], **({"profiles": csvs[1]} if len(csvs) > 1 else {})}
            return "import_listeners", args
        return tool, {"folder": paths[0]} if paths else {}
    args: dict[str, Any] = {}
    song = quoted_title(text) or (path if path and not path.lower().endswith(".csv") else None)
    song = song or unquoted_title(text)  # "who would like Paper Lanterns?"
    if song:
        args["song"] = song
    if tool == "find_audience":
        segment = segment_ref(text)
        if segment and not song:
            args["segment"] = segment
        if when := release_date(text):
            args["release_date"] = when
    return tool, args


def compose_segment(text: str, state: DialogueState | None) -> str | None:
    """'write something for the pub session crowd', 'for segment 2', or 'for them' after a segment."""
    from assistant.core.routing.audience_slots import segment_ref

    m = re.search(r"\bfor\s+(.+)$", text, re.I)
    if m and (named := segment_ref(m.group(1))):
        return named
    if state is not None and state.segment and FOR_THEM.search(text):
        return state.segment
    return None


def lyrics_arg(
    tool: str, text: str, payload: str | None, slots: Slots, state: DialogueState | None
) -> str | None:
    """The lyrics a lyric request or 'music for these lyrics' means, if any."""
    if payload:
        return payload
    path = slots.values.get("path", "")
    if path.lower().endswith((".txt", ".lrc")):
        return path
    if described := DESCRIBED.match(text):  # "a track like this: ... rapping the lyrics ..."
        text = described.group(1)  # describes a sound; its words point at no lyrics of ours
    cue = LYRICS_REF if tool == "analyze_lyrics" else LYRICS_POINTER
    if state is not None and state.lyrics and cue.search(text):
        return state.lyrics
    return None


def tool_args(tool: str, args: dict[str, Any]) -> dict[str, Any]:
    """Slot names as the tool's parameters ("path" is `file`), keeping only those it takes."""
    from tools import REGISTRY

    renamed = {("file" if k == "path" else k): v for k, v in args.items()}
    if tool not in REGISTRY:  # a planned tool: its schema is not known yet
        return args
    accepted = REGISTRY[tool].args_model.model_fields
    return {k: v for k, v in renamed.items() if k in accepted}


def apply_changes(text: str, args: dict[str, Any]) -> dict[str, Any]:
    """Relative edits named in a follow-up: faster, slower, darker, brighter, longer, another..."""
    # "brighter, not darker": the negated comparative is not asked for
    lower = re.sub(r"\b(?:not|no|rather than|instead of)\s+(?:any\s+|too\s+|much\s+)?\w+er\b", " ",
                   text.lower())  # fmt: skip
    out: dict[str, Any] = {}
    tempo = int(args.get("tempo") or 100)
    by = re.search(r"\bby\s+(\d{1,3})\s*(?:bpm)?\b", lower)  # "faster by 10 bpm"
    step = int(by.group(1)) if by else None
    if re.search(
        r"\b(faster|quicker|speed (?:it )?up|more upbeat|more energy|pick up the pace)\b", lower
    ):
        out["tempo"] = min(240, tempo + step if step else round(tempo * 1.2))
    elif re.search(r"\b(slower|slow (?:it )?down|more relaxed|calmer)\b", lower):
        out["tempo"] = max(40, tempo - step if step else round(tempo / 1.2))
    if re.search(r"\b(darker|sadder|more (?:melancholic|melancholy|somber|sombre|moody))\b", lower):
        out["mode"], out["mood"] = "minor", "melancholic" if "melanchol" in lower else "sad"
    elif re.search(r"\b(happier|brighter|more (?:hopeful|joyful|cheerful|uplifting))\b", lower):
        out["mode"], out["mood"] = "major", "happy" if "happ" in lower else "bright"
    bars = int(args.get("bars") or 8)
    if re.search(r"\b(longer|twice as long|double (?:the )?length)\b", lower):
        out["bars"] = min(256, bars * 2)
    elif re.search(r"\b(shorter|half (?:the )?length|half as long)\b", lower):
        out["bars"] = max(1, bars // 2)
    if re.search(
        r"\b(another|different|new) (?:version|take|melody|one)\b|\bagain\b|\bre-?roll\b", lower
    ):
        out["seed"] = int(args.get("seed") or 0) + 1
    if key := transposed_key(lower, args):
        out["key"] = key
    return out


# "up a whole step", "down a semitone", "a fifth higher", "up 3 semitones": a transposition.
INTERVALS = {"semitone": 1, "half step": 1, "half-step": 1, "half tone": 1, "whole step": 2,
             "whole tone": 2, "tone": 2, "step": 2, "minor third": 3, "major third": 4,
             "third": 4, "fourth": 5, "fifth": 7, "octave": 12}  # fmt: skip
TRANSPOSE_BY = re.compile(
    r"\b(?:(up|down|higher|lower)\s+)?(?:by\s+)?(a|an|one|two|three|four|five|\d{1,2})\s+"
    rf"({'|'.join(sorted(INTERVALS, key=len, reverse=True))})s?\b(?:\s+(up|down|higher|lower))?",
)
MAJOR_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MINOR_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")


def transposed_key(lower: str, args: dict[str, Any]) -> str | None:
    """The current key moved by the interval a follow-up names, spelled as key signatures are
    (Bb major, G# minor); None when it names none or the song has no key."""
    from models.music.vocabulary import UNITS

    m = TRANSPOSE_BY.search(lower)
    if not m or not args.get("key") or not (m.group(1) or m.group(4)):
        return None
    count = {"a": 1, "an": 1}.get(m.group(2)) or UNITS.get(m.group(2)) or int(m.group(2))
    shift = count * INTERVALS[m.group(3)] * (-1 if "down" in m.group(0) or "lower" in m.group(0) else 1)
    if shift % 12 == 0:
        return None  # an octave: the same key
    letters = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
    key = str(args["key"])
    pc = letters[key[0].upper()] + key[1:].count("#") - key[1:].count("b")
    names = MINOR_NAMES if args.get("mode") == "minor" else MAJOR_NAMES
    return names[(pc + shift) % 12]


ORDINAL_REF = re.compile(
    rf"\b(?:the\s+)?({'|'.join(ORDINALS)}|"
    r"\d{1,2}(?:st|nd|rd|th)|previous|earlier)\s+"
    r"(?:one|song|piece|tune|version|take|track|melody)\b",
    re.I,
)
POSITIONS = {**ORDINALS, "previous": -2, "earlier": -2}


def song_position(text: str) -> int | None:
    """Which song of the conversation 'the second one' (2) or 'the previous one' (-2) means."""
    m = ORDINAL_REF.search(text)
    if not m:
        return None
    word = m.group(1).lower()
    return int(word[:-2]) if word[0].isdigit() else POSITIONS[word]
