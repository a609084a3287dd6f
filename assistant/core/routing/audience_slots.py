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


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_NAME = (r"(january|february|march|april|may|june|july|august|september|october|november|"
              r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?")
PART_OF_MONTH = re.compile(
    rf"\b(early|mid|late|end of|the end of|beginning of|the beginning of|start of|the start of|"
    rf"in)[\s-]+{MONTH_NAME}(?!\s+\d)",
    re.I,
)
WEEKDAY = re.compile(rf"\b(next|this|on|coming)\s+({'|'.join(WEEKDAYS)})\b", re.I)
IN_SPAN = re.compile(r"\bin\s+(a|an|one|two|three|four|five|six|\d{1,2})\s+(days?|weeks?|months?)\b",
                     re.I)  # fmt: skip
NEXT_SPAN = re.compile(r"\b(tomorrow|next week|next month)\b", re.I)
SPAN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _plus_months(day: date, months: int, on: int | None = None) -> date:
    import calendar

    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(on or day.day, last))


def spoken_date(text: str, today: date) -> date | None:
    """A date in words: 'late April' (the 24th), 'mid-May' (15th), 'early June' (5th), 'end of
    March' (its last day), 'in April' (the 1st), 'next Friday' (the Friday of next week), 'this
    Friday', 'in two weeks', 'in 10 days', 'in a month', 'tomorrow', 'next week' (its Friday,
    release day), 'next month' (the 1st). Written from how release plans are talked about."""
    from datetime import timedelta

    if m := PART_OF_MONTH.search(text):
        month = MONTHS[m.group(2).lower()[:3]]
        part = m.group(1).lower().replace("the ", "")
        ahead = (month - today.month) % 12
        first = _plus_months(today.replace(day=1), ahead, 1)
        day = {"early": 5, "mid": 15, "late": 24}.get(part, 31 if part == "end of" else 1)
        when = _plus_months(first, 0, day)
        return when if when >= today else _plus_months(when, 12, day)
    if m := WEEKDAY.search(text):
        wanted = WEEKDAYS.index(m.group(2).lower())
        if m.group(1).lower() == "next":  # the one in next week (weeks start on Monday)
            monday = today + timedelta(days=7 - today.weekday())
            return monday + timedelta(days=wanted)
        return today + timedelta(days=(wanted - today.weekday()) % 7)
    if m := IN_SPAN.search(text):
        n = SPAN_NUMBERS.get(m.group(1).lower()) or int(m.group(1))
        unit = m.group(2).lower()
        if unit.startswith("month"):
            return _plus_months(today, n)
        return today + timedelta(days=n * (7 if unit.startswith("week") else 1))
    if m := NEXT_SPAN.search(text):
        word = m.group(1).lower()
        if word == "tomorrow":
            return today + timedelta(days=1)
        if word == "next week":
            return today + timedelta(days=7 - today.weekday() + 4)
        return _plus_months(today.replace(day=1), 1, 1)
    return None


def release_date(text: str, today: date | None = None) -> str | None:
    """An ISO release date from '2026-12-12', 'Dec 12', '12th of December' (next occurrence)
    or words ('late April', 'next Friday', 'in two weeks': `spoken_date`)."""
    if m := ISO_DATE.search(text):
        return m.group(1)
    m = MONTH_DAY.search(text)
    today = today or date.today()
    if not m:
        spoken = spoken_date(text, today)
        return spoken.isoformat() if spoken else None
    month = MONTHS[(m.group(1) or m.group(4)).lower()[:3]]
    day = int(m.group(2) or m.group(3))
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


# Where a song's title follows: "who would like Paper Lanterns?", "fans of Late Rain Vigil",
# "what sounds like kitchen door reel", "share Paper Lanterns with everyone".
TITLE_CUE = re.compile(
    r"\b(?:(?:would|will|might|could|'d|do|gonna|going to|wanna)\s+(?:like|love|enjoy|dig|"
    r"vibe with|stream|listen to|want|be into|get into|go for|fall for|fw|rock with|mess with)|"
    r"fans of|audience (?:for|"
    r"of)|listeners (?:for|of)|(?:sounds?|songs?|tracks?|stuff)\s+(?:like|similar to)|"
    r"similar to|close to|same (?:vibe|feel|sound|energy) as|share|pitch|promote|market|"
    r"make)\s+(?:(?:my|our|the)\s+(?:song|track|tune)\s+(?=[A-Z'\"]))?",
    re.I,
)
NOT_TITLE = re.compile(
    r"(?:it|this|that|these|those|them|my|our|your|the (?:song|track|tune|piece|one|new|last|"
    r"latest|current)|a|an|some|something|anything|songs|music|me|us|everyone|everybody|the "
    r"studio|with)\b",
    re.I,
)
PUBLIC = re.compile(r"\s+(?:public|available|visible)\b.*$", re.I)
POINTERS = {"it", "this", "that", "these", "those", "them", "my", "our", "your", "me", "us",
            "everyone", "everybody", "i"}  # fmt: skip
SMALL_WORDS = {"of", "the", "a", "an", "in", "on", "and", "to", "for", "at", "by", "my", "your",
               "de", "la", "le", "el", "o"}  # fmt: skip
TITLE_END = re.compile(r"\s+(?:if|when|with|before|after|by|and|or|next|this|on|in|to|release|"
                       r"releasing|drop|dropping|who|what)\b|[?.!,;:]", re.I)  # fmt: skip


def unquoted_title(text: str) -> str | None:
    """A song's title named without quotes after a cue: Title Case words as written, or a few
    lower-case words up to a clause boundary (the tool matches them against the store's titles,
    any case, and says so when none is called that)."""
    m = TITLE_CUE.search(text)
    if not m or (m.group(0).lower().startswith("make") and not PUBLIC.search(text)):
        return None  # "make" names a title only in "make Midnight Bus public"
    rest = PUBLIC.sub("", text[m.end() :]).strip()
    if not rest or PATH.match(rest):
        return None
    words = rest.split()
    capital = words[0][:1].isupper() and words[0].lower() not in POINTERS
    if NOT_TITLE.match(rest) and not capital:  # "it", "a sad song"; "Songs of the Late Bus" is one
        return None
    if capital:  # "Paper Lanterns", "Love in the Dark": capitalised run
        run: list[str] = []
        for word in words:
            bare = word.strip("?.!,;:")
            if not bare or not (bare[:1].isupper() or bare.lower() in SMALL_WORDS or bare == "&"):
                break
            run.append(bare)
            if bare != word:
                break
        while run and run[-1].lower() in SMALL_WORDS:
            run.pop()
        return " ".join(run) or None
    head = TITLE_END.split(rest, maxsplit=1)[0].strip()
    return head if 1 <= len(head.split()) <= 6 else None
