"""Chord and bass words: the progression typed in a message, the style, section, instrument,
rhythm and bass idiom, and the follow-ups on the current progression ("more jazzy", "bass
only", "change the second chord to a IV", "double the harmonic rhythm", "chords as text")."""

from __future__ import annotations

import re
from typing import Any

from models.music.vocabulary import ORDINALS

SECTION = re.compile(r"\b(intro|verse|pre[- ]?chorus|chorus|hook|refrain|bridge|outro|breakdown|"
                     r"middle ?8|solo)\b", re.I)  # fmt: skip
SECTION_NAMES = {"hook": "chorus", "refrain": "chorus", "prechorus": "prechorus",
                 "pre-chorus": "prechorus", "pre chorus": "prechorus", "middle 8": "bridge", "middle8": "bridge",
                 "breakdown": "bridge", "solo": "instrumental"}  # fmt: skip
RHYTHMS = {
    r"arpeggi\w*|broken chords?": "arpeggio", r"strum\w*": "strum", r"stabs?|stabby": "stabs",
    r"block chords?|sustained|held chords?|whole notes?": "block", r"comp(?:ing)?\b": "comping",
    r"skank": "skank", r"pads?\b(?= chords| only)": "pad",
}  # fmt: skip
BASS_STYLES = {
    r"walking bass|walking line|walk(?:ing)? it": "walking", r"808s?": "808",
    r"slap|funky bass|funk bass": "funk", r"octave bass|octaves": "octave",
    r"root(?:s)? and fifths?|root-fifth": "rootfifth", r"root notes? only|just roots": "root",
    r"driving eighths|pumping eighths|eighth[- ]note bass": "eighths",
    r"off-?beat bass": "offbeat",
}  # fmt: skip
BASS_ONLY = re.compile(r"\b(?:bass ?(?:line)? only|just (?:the )?bass|only (?:the )?bass|"
                       r"drop the chords|no chords)\b", re.I)  # fmt: skip
CHORDS_ONLY = re.compile(r"\b(?:chords only|just (?:the )?chords|only (?:the )?chords|no bass|"
                         r"drop the bass|without (?:the )?bass|lose the bass)\b", re.I)  # fmt: skip
BOTH = re.compile(r"\b(?:add (?:an? |the |some )?(?:bass ?(?:line)?|808s?|sub ?bass|chords)|"
                  r"with (?:a )?bass ?(?:line)?|bring back the (?:chords|bass)|chords and bass|"
                  r"bass and chords)\b", re.I)  # fmt: skip
# A request for new music, not an edit of the current progression ("a bridge progression that
# lifts", "another progression").
NEW_REQUEST = re.compile(r"\b(?:a|an|another|new|some)\s+(?:[\w'&-]+\s+){0,3}?(?:progression|"
                         r"chord progression|chords|changes|bass ?line|loop)\b", re.I)  # fmt: skip
FASTER_CHANGES = re.compile(r"\b(?:double (?:the )?harmonic rhythm|chords? (?:change|changing) "
                            r"(?:twice as (?:fast|often)|faster|more often)|faster chord changes|"
                            r"two chords (?:a|per) bar)\b", re.I)  # fmt: skip
SLOWER_CHANGES = re.compile(r"\b(?:halve the harmonic rhythm|half the harmonic rhythm|chords? "
                            r"(?:change|changing) (?:half as (?:fast|often)|slower|less often)|"
                            r"slower chord changes|one chord every two bars)\b", re.I)  # fmt: skip
AS_TEXT = re.compile(r"\b(?:as (?:text|a text file|a chart)|chord (?:chart|sheet)|lead sheet|"
                     r"write (?:the )?chords down|text file)\b", re.I)  # fmt: skip
NEW_CHORDS = re.compile(r"\b(?:different|new|other|another) (?:chords|progression)\b", re.I)
NUMBER = r"(\d{1,3}(?:st|nd|rd|th)?|" + "|".join(ORDINALS) + r"|last|final|first)"
REPLACE = re.compile(
    rf"\b(?:change|make|replace|swap|turn)\s+(?:the\s+)?(?:{NUMBER}\s+chord|chord\s+(\d{{1,3}}))"
    r"\s+(?:(?:to|into|with|for)\s+)?(?:an?\s+)?([^\s,;!?]+(?<![.]))",
    re.I,
)
MOOD_CHANGE = re.compile(r"\b(?:sadder|darker|happier|brighter|more (?:hopeful|melanchol\w*|"
                         r"moody|uplifting|joyful|cheerful|somber|sombre))\b", re.I)  # fmt: skip
# "make the second chord minor": the same root, another quality (the tool reads "~quality").
QUALITY_WORDS = {
    "minor": "~min", "major": "~maj", "sus4": "~sus4", "sus2": "~sus2", "sus": "~sus4",
    "seventh": "~7", "7th": "~7", "dominant": "~7", "maj7": "~maj7", "minor7": "~min7",
    "m7": "~min7", "diminished": "~dim", "dim": "~dim", "augmented": "~aug", "aug": "~aug",
}  # fmt: skip
JAZZIER = re.compile(
    r"\b(?:more jazzy|jazzier|jazz it up|make it jazz(?:y)?|jazz voicings?)\b", re.I
)


def about_current(text: str) -> bool:
    """Whether a message edits the current progression rather than asking for a new one: a
    chord to change, the harmonic rhythm, one part only, the chart, "jazzier", "sadder"."""
    patterns = (REPLACE, FASTER_CHANGES, SLOWER_CHANGES, BASS_ONLY, CHORDS_ONLY, AS_TEXT, JAZZIER,
                MOOD_CHANGE, BOTH, NEW_CHORDS)  # fmt: skip
    if any(p.search(text) for p in patterns):
        return True
    short = len(text.split()) <= 4  # "walking bass", "on guitar", "arpeggiate it", "funk"
    return short and bool(_controls(text) or instrument(text) or harmony_style(text))


def style_bass(style: str) -> str:
    """A style's own bass idiom (the beat's, under chords in another style)."""
    from models.harmony.styles import STYLES

    return STYLES[style].bass


def harmony_style_names() -> set[str]:
    from models.harmony.styles import STYLES

    return set(STYLES)


def harmony_style(text: str) -> str | None:
    from models.harmony.styles import STYLE_WORDS

    found = [(m.start(), STYLE_WORDS[m.group(0).lower()]) for m in _STYLE_RE.finditer(text)]
    return min(found)[1] if found else None


def _words_pattern(words, tail: str = "") -> re.Pattern:  # noqa: ANN001
    """Any of the words as a whole word, longest first ("deep house" before "house")."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])" + tail, re.I)


def _style_pattern() -> re.Pattern:
    from models.harmony.styles import STYLE_WORDS

    return _words_pattern(STYLE_WORDS)


def _instrument_pattern() -> re.Pattern:
    from models.harmony.voicing import INSTRUMENT_WORDS

    return _words_pattern(INSTRUMENT_WORDS, r"(?!\s+bass)")  # "a synth bass" is the bass part


_STYLE_RE = _style_pattern()
_INSTRUMENT_RE = _instrument_pattern()


def instrument(text: str) -> str | None:
    from models.harmony.voicing import INSTRUMENT_WORDS

    m = _INSTRUMENT_RE.search(text)
    return INSTRUMENT_WORDS[m.group(1).lower()] if m else None


# A word that is trying to be a chord ("Hm7", "C#b", "Gsus9"): kept with the progression next to
# it, so the tool says plainly it can't read it instead of dropping it.
CHORDISH = re.compile(r"^(?:[A-H][#b♯♭]*(?:m|maj|min|dim|aug|sus|add|\d|°|ø|\+|/)[\w#♯♭°ø+/()-]*"
                      r"|[A-H][#b♯♭]{2,})$")  # fmt: skip


_NUMERAL = r"[b#]?(?:vii|vi|iv|v|iii|ii|i|VII|VI|IV|V|III|II|I)(?:°7?|ø7?|7|maj7)?"
NUMERAL_RUN = re.compile(rf"(?<![\w'])(?:{_NUMERAL}[\s,]+){{2,}}{_NUMERAL}(?![\w'])")
JOINERS = re.compile(r"(?<=[\w#°ø+)])\s*,?\s+(?:and then|and|then)\s+(?=[A-G1-7b#iIvV])")
SLASHES = re.compile(r"(?<=[\w#°ø+)])\s+/\s+(?=[A-G1-7b#iIvV])")


def progression_in(text: str) -> str | None:
    """The progression a message types, with any unreadable chord-like word beside it."""
    from models.harmony.parse import find_progression

    text = JOINERS.sub(", ", SLASHES.sub(" | ", text))  # "Dm, Bb, F and C", "Am / F / C / G"
    found = find_progression(text)
    if not found:  # three numerals or more, lower case too ("i iv v in D minor")
        m = NUMERAL_RUN.search(text)
        words = m.group(0).split() if m else []
        return m.group(0) if m and sum(w.lower() not in ("i", "a") for w in words) >= 2 else None
    start = text.find(found)
    before = re.search(r"(\S+)[\s,|]+$", text[:start])
    after = re.match(r"[\s,|]+(\S+)", text[start + len(found):])
    if before and CHORDISH.match(before.group(1)):
        found = before.group(1) + " " + found
    if after and CHORDISH.match(after.group(1).rstrip(".,!?")):
        found = found + " " + after.group(1).rstrip(".,!?")
    return found


def harmony_args(text: str) -> dict[str, Any]:
    """A new progression's arguments (key, tempo, bars, meter and seed come from the slots)."""
    args: dict[str, Any] = {}
    if progression := progression_in(text):
        args["progression"] = progression
    if style := harmony_style(text):
        args["style"] = style
    if m := SECTION.search(text):
        word = m.group(1).lower()
        args["section"] = SECTION_NAMES.get(word, word.replace("-", ""))
    if inst := instrument(text):
        args["instrument"] = inst
    args.update(_controls(text))
    return args


def _controls(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pattern, name in RHYTHMS.items():
        if re.search(rf"\b(?:{pattern})", text, re.I):
            out["rhythm"] = name
            break
    for pattern, name in BASS_STYLES.items():
        if re.search(rf"\b(?:{pattern})", text, re.I):
            out["bass_style"] = name
            break
    if BASS_ONLY.search(text):
        out["play"] = "bass"
    elif CHORDS_ONLY.search(text):
        out["play"] = "chords"
    elif BOTH.search(text):
        out["play"] = "both"
    if FASTER_CHANGES.search(text):
        out["harmonic_rhythm"] = 2.0
    elif SLOWER_CHANGES.search(text):
        out["harmonic_rhythm"] = 0.5
    if AS_TEXT.search(text):
        out["chart"] = True
    return out


def harmony_changes(text: str, current: dict[str, Any]) -> dict[str, Any]:
    """What a follow-up changes on the current progression. The chords stay as they are unless
    the message asks for new ones (a mood, "different chords", another version of chords
    Cadenza wrote); Cadenza's own chords take the new style's colour."""
    out = _controls(text)
    typed = bool(current.get("typed"))
    if (style := harmony_style(text)) or JAZZIER.search(text):
        out["style"] = style or "jazz"
        if out["style"] != current.get("style"):  # the new style's own instrument and idioms
            for name in ("instrument", "rhythm", "bass_style"):
                out.setdefault(name, None)
    if inst := instrument(text):
        out["instrument"] = inst
        if current.get("play") == "bass" and "play" not in out:
            out["play"] = "both"  # a chord instrument named brings the chords back
    if m := REPLACE.search(text):
        number = _chord_number(m.group(1) or m.group(2), current.get("progression") or "")
        if number:
            word = m.group(3).lower().rstrip(".,!?")
            out["replace"] = [f"{number}={QUALITY_WORDS.get(word, m.group(3))}"]
    if "harmonic_rhythm" in out:
        now = float(current.get("harmonic_rhythm") or 1.0)
        out["harmonic_rhythm"] = min(2.0, max(0.5, now * out["harmonic_rhythm"]))
        if out["harmonic_rhythm"] < 1 and current.get("bars"):  # the whole loop, twice as long
            out["bars"] = min(256, int(current["bars"]) * 2)
    out["hold_repeats"] = True  # the stored progression writes a held chord again in each bar
    mood_change = MOOD_CHANGE.search(text)
    if progression := progression_in(text):
        out.update(progression=progression, typed=True, recolour=False, hold_repeats=False)
    elif (
        mood_change
        or NEW_CHORDS.search(text)
        or (
            re.search(r"\b(?:another|different|new) (?:version|take|one)\b|\bagain\b", text, re.I)
            and not typed
        )
    ):
        out["progression"] = None  # fresh chords
        out["recolour"] = False
    else:
        out["recolour"] = not typed
    return out


def key_change(current: dict[str, Any], said: dict[str, Any], changes: dict[str, Any]) -> dict:
    """A follow-up in another key: Cadenza transposes the current progression ("make it in F");
    another mode means new chords; a new typed progression without a key finds its own."""
    if changes.get("progression") and changes.get("typed") and "key" not in said:
        return {"key": None, "mode": None}
    old_tonic, old_mode = current.get("key"), current.get("mode") or "major"
    new_tonic, new_mode = said.get("key", old_tonic), said.get("mode", old_mode)
    text = current.get("progression")
    if not text or not old_tonic or "progression" in changes or (new_tonic, new_mode) == (
        old_tonic, old_mode
    ):
        return {}
    if new_mode != old_mode:
        return {"progression": None, "recolour": False}
    return {"progression": transpose(text, old_tonic, new_tonic, old_mode)}


def transpose(text: str, old_tonic: str, new_tonic: str, mode: str) -> str:
    """A progression text moved from one tonic to another, spelled for the new key."""
    from dataclasses import replace

    from models.harmony.chords import symbol
    from models.harmony.parse import parse_progression
    from models.music.theory import parse_key

    old, new = parse_key(old_tonic, mode), parse_key(new_tonic, mode)
    shift = new.tonic_pc - old.tonic_pc
    bars = parse_progression(text, old).bars
    return " | ".join(" ".join(symbol(replace(c, root=(c.root + shift) % 12), new) for c in bar)
                      for bar in bars)  # fmt: skip


def _chord_number(word: str, progression: str) -> int | None:
    word = word.lower()
    chords = [c for c in re.split(r"[\s|]+", progression) if c]
    count = len([c for i, c in enumerate(chords) if i == 0 or chords[i - 1] != c])
    if word in ("last", "final"):
        return count or None
    if word == "first":
        return 1
    if word.isdigit():
        return int(word)
    m = re.match(r"\d+", word)
    return int(m.group(0)) if m else ORDINALS.get(word)
