"""Typos and shorthand in a request line, read as the producer meant them.

- Typos: a word that is neither an English word (a whole word of the encoder's WordPiece
  vocabulary, 30k entries, plus chat and studio words it lacks) nor one of Cadenza's music words
  is corrected to the music word with the same first letter one edit away (a letter added,
  dropped, changed or two swapped): "compsoe a slwo walz in e minr" reads "compose a slow waltz
  in e minor". Real words are never changed ("share" stays "share", however close to "snare";
  "whats" is not "hats", "modulate" not "moderate").
- Shorthand: "@90" is 90 bpm; German key names ("F-moll", "Es-Dur", "fis-moll", "H-Dur") are
  their English keys.

Only the request line is read this way, never pasted lyrics.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

AT_TEMPO = re.compile(r"@\s?(\d{2,3})\b(?!\s*(?:bars?|measures?))")
# German: a letter, then -is (sharp) or -es/-s (flat), then moll/dur; B is B flat and H is B.
GERMAN_KEY = re.compile(r"\b([A-Ha-h])(is|es|s)?[\s-]?(moll|dur)\b", re.I)
WORD = re.compile(r"(?<![\w./\\-])[A-Za-z]{4,}(?![\w./\\-])")  # not inside a file name
QUOTED = re.compile(r"(?<!\w)'[^'\n]{2,80}'(?!\w)|[\"“][^\"”\n]{2,}[\"”]")
COMMAND_WORDS = (
    "compose", "write", "melody", "harmonize", "harmonise", "chords", "chord", "progression",
    "bassline", "drums", "drum", "beat", "track", "tempo", "major", "minor", "help", "lyrics",
    "render", "export", "stems", "transpose", "waltz", "minuet", "ballad", "import", "catalogue",
    "catalog", "audience", "listeners", "analyse", "analyze", "similar", "continue", "generate",
    "undo", "bars", "measures", "faster", "slower", "darker", "brighter", "sadder", "happier",
    "song", "tune", "piece", "something", "please", "groove", "swing", "snare", "kick", "hihat",
    "hats", "cymbal", "arrangement", "verse", "chorus", "bridge", "intro", "outro",
)  # fmt: skip


# Words a producer types that the encoder's vocabulary lacks, never typos.
CHAT_WORDS = frozenset((
    "whats", "thats", "dont", "cant", "wont", "isnt", "doesnt", "didnt", "im", "ive", "youre",
    "theyre", "gonna", "wanna", "gotta", "gimme", "lemme", "kinda", "sorta", "dunno", "yall",
    "pls", "plz", "thx", "thanx", "tbh", "idk", "imo", "btw", "lmao", "nope", "yeah", "yep",
    "yup", "okay", "hmmm", "hmm", "ummm", "vibe", "vibes", "vibey", "bops", "banger", "bangers",
    "slaps",
))  # fmt: skip
STUDIO_WORDS = frozenset((
    "modulate", "modulation", "transpose", "arpeggio", "arpeggiate", "arpeggiated", "syncopated",
    "syncopation", "reverb", "sidechain", "sidechained", "quantize", "quantise", "quantized",
    "stems", "mixdown", "mastering", "remix", "remixes", "outro", "intros", "hihats", "hihat",
    "toms", "riffs", "riff", "detuned", "staccato", "legato", "pizzicato", "tremolo", "glissando",
    "ostinato", "cadence", "cadences", "voicings", "voicing", "inversions", "rimshot", "rimshots",
    "downbeat", "upbeats", "offbeat", "offbeats", "backbeat", "halftime", "doubletime",
))  # fmt: skip


@lru_cache(maxsize=1)
def music_words() -> frozenset[str]:
    """The one-word terms the router reads (moods, instruments, tempo, styles, genres...)."""
    from models.arrangement.genres import genre_words
    from models.music.vocabulary import (
        DRUM_STYLES,
        INSTRUMENTS,
        METER_WORDS,
        MOODS,
        STYLE_WORDS,
        TEMPO_WORDS,
    )

    tables = (MOODS, INSTRUMENTS, TEMPO_WORDS, STYLE_WORDS, METER_WORDS, DRUM_STYLES,
              genre_words(), dict.fromkeys(COMMAND_WORDS))  # fmt: skip
    return frozenset(w for t in tables for w in t if re.fullmatch(r"[a-z]{4,}", w))


def _close(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein distance (optimal string alignment) of a and b is at most limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


def correct_word(word: str, known: frozenset[str] | set[str]) -> str | None:
    """The music word `word` is a typo of, or None (a real word, or no single close one)."""
    lower = word.lower()
    words = music_words()
    if lower in words or lower in known:
        return None
    if lower in CHAT_WORDS or lower in STUDIO_WORDS:
        return None
    near = [w for w in words if w[0] == lower[0] and _close(lower, w, 1)]
    if len(near) > 1:  # the longest shared start, the same last letter, the shortest
        near.sort(key=lambda w: (-len(os.path.commonprefix([lower, w])), w[-1] != lower[-1],
                                 len(w), w))  # fmt: skip
        best = near[0]
        tied = [w for w in near if len(os.path.commonprefix([lower, w])) ==
                len(os.path.commonprefix([lower, best])) and len(w) == len(best)
                and (w[-1] == lower[-1]) == (best[-1] == lower[-1])]  # fmt: skip
        near = tied
    if len(near) != 1:
        return None
    fix = near[0]
    return fix.capitalize() if word[0].isupper() else fix


def _german(m: re.Match[str]) -> str:
    letter, acc, mode = m.group(1).upper(), (m.group(2) or "").lower(), m.group(3).lower()
    if letter == "H":
        letter = "B"
    elif letter == "B" and not acc:
        letter, acc = "B", "es"
    sign = "#" if acc == "is" else "b" if acc in ("es", "s") else ""
    return f"{letter}{sign} {'minor' if mode == 'moll' else 'major'}"


def normalise(text: str, known: frozenset[str] | set[str]) -> str:
    """The request line with shorthand spelled out and typos of music words corrected."""
    text = AT_TEMPO.sub(r"at \1 bpm", text)
    text = GERMAN_KEY.sub(_german, text)
    quoted = [m.span() for m in QUOTED.finditer(text)]  # a title or a lyric stays as written

    def fix(m: re.Match[str]) -> str:
        if any(a <= m.start() < b for a, b in quoted):
            return m.group(0)
        return correct_word(m.group(0), known) or m.group(0)

    return WORD.sub(fix, text)


def vocabulary_words(tokenizer) -> frozenset[str]:  # noqa: ANN001
    """The whole words of a WordPiece vocabulary (English words the encoder knows)."""
    return frozenset(w for w in tokenizer.get_vocab() if w.isalpha() and w.isascii())
