"""Slots of audience requests: which segment, which song, which release date, which files.

"who are the late-night study crowd?", "describe segment 2", "write something for the pub
session crowd", "who would like 'Late rain vigil'?", "we release on December 12th",
"import plays.csv with listeners.csv".
"""

from __future__ import annotations

import re
from datetime import date

from assistant.core.routing.slots import PATH
from models.intents.message import QUOTED_TITLE
from models.music.vocabulary import ORDINALS

GROUP = r"(?:crowd|segment|listeners|audience|fans|people|group|cluster)"
SEGMENT_NUMBER = re.compile(
    r"\b(?:segment|cluster|group)\s*(?:#|no\.?|number)?\s*(\d{1,2})\b|"
    rf"\bthe\s+({'|'.join(ORDINALS)})\s+(?:segment|cluster|group)\b",
    re.I,
)
# "the late-night study crowd", "those pub session listeners": a description before a group word.
SEGMENT_NAME = re.compile(
    rf"\b(?:the|that|those|these|my|our)\s+((?:[\w'-]+\s+){{1,5}}?){GROUP}\b", re.I
)
SEGMENT_QUESTION = re.compile(
    r"\b(who are|tell me about|describe|what (?:do|does)|what fits|what should i (?:make|write)|"
    r"which songs|what songs|profile|show me)\b",
    re.I,
)
# "who are my listeners?", "show me the segments": all segments, when no song is meant.
OVERVIEW = re.compile(
    r"\b(?:my|our|the|all(?: the| my| our)?)\s+(?:listeners?|audiences?|fans|fanbase|"
    r"(?:listener |audience )?segments|crowds?)\b",
    re.I,
)
SONG_POINTER = re.compile(r"\b(?:it|this|that|these|the (?:song|track|tune|piece))\b", re.I)
NOT_A_SEGMENT = {"right", "best", "most", "likely", "potential", "new", "target", "ideal", "core"}
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
)}  # fmt: skip
ISO_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")
MONTH_DAY = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b"
    r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.I,
)


def segment_ref(text: str) -> str | None:
    """The segment a message names ('segment 2', 'the late-night study crowd'), if any."""
    if m := SEGMENT_NUMBER.search(text):
        return f"segment {m.group(1)}" if m.group(1) else f"the {m.group(2).lower()} segment"
    for m in SEGMENT_NAME.finditer(text):
        words = m.group(1).strip().lower()
        if words.split()[0] not in NOT_A_SEGMENT and words not in ("song's", "track's"):
            return words
    if OVERVIEW.search(text) and not SONG_POINTER.search(text):
        return "all"
    return None


def release_date(text: str, today: date | None = None) -> str | None:
    """An ISO release date from '2026-12-12', 'Dec 12' or '12th of December' (next occurrence)."""
    if m := ISO_DATE.search(text):
        return m.group(1)
    m = MONTH_DAY.search(text)
    if not m:
        return None
    month = MONTHS[(m.group(1) or m.group(4)).lower()[:3]]
    day = int(m.group(2) or m.group(3))
    today = today or date.today()
    for year in (today.year, today.year + 1):
        try:
            when = date(year, month, day)
        except ValueError:
            return None
        if when >= today:
            return when.isoformat()
    return None


def quoted_title(text: str) -> str | None:
    m = QUOTED_TITLE.search(text)
    return (m.group(1) or m.group(2)).strip() if m else None


def all_paths(text: str) -> list[str]:
    return [m.group(1).rstrip(".") for m in PATH.finditer(text)]
