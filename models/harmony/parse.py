"""Chord progressions as producers type them: chord symbols, Roman numerals, Nashville numbers.

- Chord symbols: "Am F C G", "Bb/D", "F#m7b5", "C-7", "CΔ7", "Cø7", "C6/9", "am f c g", "B♭".
  A slash bass may be any note (C/D); it is kept as semitones above the root.
- Roman numerals: "ii-V-I", "i-VI-III-VII", "bVII", "#iv°", "iiø7", "V7/V", "V/vi", "IV/3".
  Case gives the third ("ii7" is a minor seventh), "I6" is an added sixth (no figured bass), a
  digit after the slash is the chord tone in the bass (as chords.roman() writes it). Degrees
  count from the key's own scale, natural minor in a minor key ("III" in A minor is C), except
  a minor key's diminished vii, on the leading tone (vii°, vii°7, viiø7: G# in A minor), and a
  flat on a degree natural minor already lowers ("bVII" in A minor is G, written against major).
  Without a key: C, minor when the first chord is a lower-case i.
- Nashville numbers: "1 5 6m 4", "1-4-5", "6- 4 1 5", "2m7 5 1", "b7", "4/1" (bass degree):
  major-scale degrees of the key, C major without one; "2-7" is 2 then 7 (write 2m7).

Separators: spaces, commas, dashes, arrows; "|" marks bars, whose chords split them evenly (at
most `beats_per_bar`); without bar lines each chord is a bar. "x2" ("(x2)", "2x", "×2") repeats
the bars since the start or the previous repeat. Symbols without a key get `infer_key`'s; with a
key they contradict (most tones outside it, another key fitting) they raise InputError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.errors import InputError
from models.harmony.chords import INTERVAL_STEP, QUALITIES, ROMANS, SUFFIX, Chord, check_chord_count
from models.music.theory import NOTE_PC, SCALE_STEPS, Key, key_scores

MAX_REPEAT = 64
_ACC = {"": 0, "#": 1, "b": -1}
_UNICODE = str.maketrans({"♭": "b", "♯": "#", "−": "-", "–": "-", "—": "-", "△": "Δ", "∆": "Δ",
                          "º": "°", "˚": "°", "Ø": "ø", "→": " ", "×": "x"})  # fmt: skip
# Suffix spellings beyond chords.SUFFIX (parentheses are dropped before the lookup): each
# spelling of m, maj, dim and aug at a suffix's start, and the rest by hand.
_ALIASES = {"m": ("-", "mi", "min"), "maj": ("M", "ma", "Δ"), "dim": ("°", "o"), "aug": ("+",)}
_SUFFIXES = {text.replace("(", "").replace(")", ""): q for q, text in SUFFIX.items()}
_SUFFIXES |= {alias + text[len(head) :]: q for text, q in list(_SUFFIXES.items())
              for head, aliases in _ALIASES.items() if re.match(f"{head}(?!aj)", text)
              for alias in aliases}  # fmt: skip
_SUFFIXES |= {
    "M": "maj", "maj": "maj", "#5": "aug", "+5": "aug", "sus": "sus4", "7sus": "7sus4",
    "dom7": "7", "Δ": "maj7", "j7": "maj7", "ø": "hdim7", "ø7": "hdim7", "m7-5": "hdim7",
    "mM7": "minmaj7", "mΔ7": "minmaj7", "mΔ": "minmaj7", "m/maj7": "minmaj7", "7#5": "aug7",
    "7+5": "aug7", "7+": "aug7", "7aug": "aug7", "M6": "6", "maj6": "6", "add6": "6",
    "add2": "add9", "madd2": "madd9", "69": "6/9", "6add9": "6/9", "7-9": "7b9", "7+9": "7#9",
    "7+11": "7#11", "7-13": "7b13",
}  # fmt: skip
_MINOR_THIRD = {q for q, iv in QUALITIES.items() if 3 in iv and 4 not in iv}
_WORDS = re.compile("maj|min|dim|aug|sus|add|dom", re.IGNORECASE)
_NUM = "VII|VI|V|IV|III|II|I|vii|vi|v|iv|iii|ii|i"
_SYMBOL_RE = re.compile(r"([A-Ga-g])([#b]?)(.*?)(?:/([A-Ga-g])([#b]?))?")
_ROMAN_RE = re.compile(rf"([#b]?)({_NUM})(.*?)(?:/(?:([#b]?)({_NUM})|([1-7])))?")
_NASHVILLE_RE = re.compile(r"([#b]?)([1-7])(.*?)(?:/([#b]?)([1-7]))?")
_REPEAT_RE = re.compile(r"\(?x(\d{1,4})\)?|\((\d{1,4})x\)|(\d{1,4})x", re.IGNORECASE)
_START = {"roman": re.compile(rf"[#b]?(?:{_NUM})"), "nashville": re.compile(r"[#b]?[1-7]"),
          "symbols": re.compile("[A-Ga-g]")}  # fmt: skip
_KIND = {"symbols": "a chord symbol", "roman": "a Roman numeral", "nashville": "a Nashville number"}
_KINDS = {"symbols": "chord symbols", "roman": "Roman numerals", "nashville": "Nashville numbers"}
_STRIP_LEAD, _STRIP_TAIL = "\"'“”‘’`*:[", ".!?;:\"'“”‘’`*]"


@dataclass(frozen=True)
class Progression:
    """A progression in a key: the chords of each bar (a bar's chords split it evenly)."""

    key: Key
    bars: tuple[tuple[Chord, ...], ...]
    notation: str  # "symbols", "roman" or "nashville"

    @property
    def chords(self) -> tuple[Chord, ...]:
        """Every chord in order, bar after bar."""
        return tuple(chord for bar in self.bars for chord in bar)


@dataclass
class _Token:
    """A piece of the text that is a chord, a bar line ('|') or a repeat mark, with its span."""

    text: str
    start: int
    end: int


def _quality(suffix: str) -> str | None:
    """A suffix ('m7b5', 'Maj7', 'm(maj7)') as a key of QUALITIES, or None."""
    plain = suffix.replace("(", "").replace(")", "")
    return _SUFFIXES.get(plain) or _SUFFIXES.get(_WORDS.sub(lambda m: m.group().lower(), plain))


def _read_symbol(text: str, key: Key | None = None) -> Chord | None:
    """A chord symbol ('Bb/D', 'F#m7b5', 'am') as a Chord, or None. The key is not needed."""
    match = _SYMBOL_RE.fullmatch(text)
    if not match or (quality := _quality(match.group(3))) is None:
        return None
    letter, acc, _, bass_letter, bass_acc = match.groups()
    root = (NOTE_PC[letter.upper()] + _ACC[acc]) % 12
    bass = (NOTE_PC[bass_letter.upper()] + _ACC[bass_acc] - root) % 12 if bass_letter else 0
    return Chord(root, quality, bass)


def _degree(acc: str, numeral: str, quality: str, key: Key) -> int:
    """Semitones above the tonic of a Roman numeral's root (see the module docstring)."""
    step = ROMANS.index(numeral.upper())
    semis = SCALE_STEPS[key.mode][step]
    if key.mode == "minor":
        if step == 6 and numeral.islower() and not acc and quality in ("dim", "dim7", "hdim7"):
            return 11  # the leading-tone diminished chord of harmonic minor
        if acc == "b" and step in (2, 5, 6):
            return semis  # bIII, bVI, bVII: written against major, natural minor's own degrees
    return (semis + _ACC[acc]) % 12


def _read_roman(text: str, key: Key) -> Chord | None:
    """A Roman numeral ('bVII', 'iiø7', 'V7/V', 'I/3') in the key as a Chord, or None."""
    match = _ROMAN_RE.fullmatch(text)
    if not match:
        return None
    acc, numeral, suffix, target_acc, target, figure = match.groups()
    lower = numeral.islower()  # a minor third: 'ii7' is 'm7', 'iimaj7' 'm(maj7)', 'vii°' dim
    quality = _quality("m" + suffix) or _quality(suffix) if lower else _quality(suffix)
    if quality is None or lower and quality not in _MINOR_THIRD:
        return None
    home = key
    if target:  # a secondary chord: its degree counts from the target's own scale
        tonic = key.tonic_pc + _degree(target_acc, target, "", key)
        home = Key(tonic % 12, "major" if target.isupper() else "minor")
    tones = [iv % 12 for iv in QUALITIES[quality] if INTERVAL_STEP[iv] + 1 == int(figure or 1)]
    if not tones:  # a figure names a chord tone: 3 the third, 5 the fifth
        return None
    return Chord((home.tonic_pc + _degree(acc, numeral, quality, home)) % 12, quality, tones[0])


def _read_nashville(text: str, key: Key) -> Chord | None:
    """A Nashville number ('6m', '2m7', 'b7', '4/1') in the key as a Chord, or None."""
    match = _NASHVILLE_RE.fullmatch(text)
    if not match or (quality := _quality(match.group(3))) is None:
        return None
    acc, number, _, bass_acc, bass_number = match.groups()
    major = SCALE_STEPS["major"]
    root = (key.tonic_pc + major[int(number) - 1] + _ACC[acc]) % 12
    bass = key.tonic_pc + major[int(bass_number or 1) - 1] + _ACC[bass_acc or ""] - root
    return Chord(root, quality, bass % 12 if bass_number else 0)


_READERS = {"roman": _read_roman, "nashville": _read_nashville, "symbols": _read_symbol}


def _notations(text: str) -> list[str]:
    """The notations a token reads in, most likely first (b7 is a flat seven before a B7)."""
    return [name for name, read in _READERS.items() if read(text, Key(0, "major"))]


def _kind(text: str) -> str:
    """The notation a chord's first characters look like (the start of its dash-split pieces)."""
    return next(kind for kind, start in _START.items() if start.match(text) or kind == "symbols")


def _clean(text: str, start: int) -> _Token:
    """Drop quotes, markdown and sentence punctuation around a token, keeping its span."""
    lead = len(text) - len(text.lstrip(_STRIP_LEAD))
    body = text[lead:].rstrip(_STRIP_TAIL)
    if body.count("(") != body.count(")"):  # '(Am', 'G)', but 'Cm(maj7)' keeps its own
        lead, body = lead + len(body) - len(body.lstrip("(")), body.strip("()")
    return _Token(body, start + lead, start + lead + len(body))


def _normal(text: str) -> str:
    """Unicode accidentals and dashes as ASCII, arrows as spaces: the same length, same spans."""
    return text.translate(_UNICODE).replace("->", "  ").replace("=>", "  ")


def _tokens(text: str) -> list[_Token]:
    """Chords, bar lines and repeat marks, split on spaces, commas, arrows and dashes.

    A dash followed by what cannot start a chord of the same notation belongs to the chord
    ('C-7', 'Am7-5'), as does a dash that ends a word ('6-' is a minor six)."""
    text = _normal(text)
    tokens: list[_Token] = []
    for match in re.finditer(r"\|+|[^\s,;|]+", text):
        if match.group().startswith("|"):
            tokens.append(_Token("|", match.start(), match.end()))
            continue
        chunk = _clean(match.group(), match.start())
        pieces, pos = [], chunk.start
        for part in chunk.text.split("-"):
            pieces.append(_Token(part, pos, pos + len(part)))
            pos += len(part) + 1
        words: list[_Token] = []
        for i, piece in enumerate(pieces):
            prev = words[-1] if words and words[-1].end == piece.start - 1 else None
            trailing = not piece.text and i == len(pieces) - 1
            if prev and (trailing or piece.text and not _START[_kind(prev.text)].match(piece.text)):
                prev.text, prev.end = prev.text + "-" + piece.text, piece.end
            elif piece.text:
                words.append(piece)
        tokens += words
    return tokens


def _notation(texts: list[str]) -> str:
    """The one notation every chord reads in; InputError naming an unreadable or odd one out."""
    readings = [_notations(t) for t in texts]
    counts = {name: (sum(name in n for n in readings), name in readings[0]) for name in _READERS}
    notation = max(_READERS, key=counts.__getitem__)  # ties: the first chord's notation
    for text, names in zip(texts, readings, strict=True):
        if not names:
            raise InputError(
                f"'{text[:24]}' is not a chord I can read: write chords like Am, F, Cmaj7 or "
                "Bb/D, Roman numerals like ii-V-I, or Nashville numbers like 1-5-6m-4."
            )
        if notation not in names:
            raise InputError(
                f"'{text[:24]}' is {_KIND[names[0]]} but the rest are {_KINDS[notation]}: "
                "write the whole progression one way."
            )
    return notation


def _bars(items: list[tuple[_Token, Chord | None]], beats_per_bar: int) -> list[list[Chord]]:
    """Group chords into bars: as written between '|', else one a bar; expand repeat marks."""
    by_bar = any(token.text == "|" for token, _ in items)
    bars: list[list[Chord]] = []
    current: list[tuple[str, Chord]] = []
    group = 0
    for token, chord in [*items, (_Token("|", 0, 0), None)]:
        if chord is not None:
            current.append((token.text, chord))
        if (chord is None or not by_bar) and current:
            if len(current) > beats_per_bar:
                raise InputError(
                    f"The bar '{' '.join(text for text, _ in current)[:60]}' has {len(current)} "
                    f"chords, more than its {beats_per_bar} beats: split it with '|'."
                )
            bars.append([c for _, c in current])
            current = []
        if repeat := _REPEAT_RE.fullmatch(token.text):
            times = int(next(g for g in repeat.groups() if g))
            if not 1 <= times <= MAX_REPEAT or group == len(bars):
                raise InputError(
                    f"'{token.text}' repeats nothing I can play: put a repeat from x2 to "
                    f"x{MAX_REPEAT} after the chords it repeats, like 'Am F C G x2'."
                )
            bars += bars[group:] * (times - 1)
            group = len(bars)
    return bars


def parse_progression(text: str, key: Key | None = None, beats_per_bar: int = 4) -> Progression:
    """Read a progression in one notation (see the module docstring) in a key.

    Roman and Nashville numbers are read in the key given, else C (minor for Roman numerals that
    start on i). Chord symbols keep a key given that fits them, else get `infer_key`'s. An
    unreadable chord, a mixture of notations, a bar with more chords than beats, a key the
    symbols contradict, no chords or more than 256 raise InputError with one sentence."""
    if beats_per_bar < 1:
        raise InputError(f"A bar needs at least one beat, not {beats_per_bar}.")
    tokens = _tokens(text)
    texts = [t.text for t in tokens if t.text != "|" and not _REPEAT_RE.fullmatch(t.text)]
    check_chord_count(len(texts))
    notation = _notation(texts)
    first = _ROMAN_RE.fullmatch(texts[0]) if notation == "roman" else None
    minor = first and first.group(2) == "i" and not first.group(1) and not first.group(5)
    home = key or Key(0, "minor" if minor else "major")
    read = _READERS[notation]
    items = [(t, None if t.text == "|" or _REPEAT_RE.fullmatch(t.text) else read(t.text, home))
             for t in tokens]  # fmt: skip
    bars = _bars(items, beats_per_bar)
    check_chord_count(sum(len(bar) for bar in bars))
    if notation == "symbols":
        home = _symbol_key([c for _, c in items if c is not None], key, texts)
    return Progression(home, tuple(tuple(bar) for bar in bars), notation)


def _outside(chords: list[Chord], key: Key) -> float:
    """The share of the chords' tones outside the key (harmonic minor's leading tone is in)."""
    steps = {*SCALE_STEPS[key.mode], *((11,) if key.mode == "minor" else ())}
    scale = {(key.tonic_pc + s) % 12 for s in steps}
    tones = [pc for c in chords for pc in {*c.pcs, c.bass_pc}]
    return sum(pc not in scale for pc in tones) / max(len(tones), 1)


def _tonic_like(chord: Chord, key: Key) -> bool:
    """Whether a chord could be the key's tonic chord: its root, with a third of the mode."""
    third = {3, 4} & set(chord.intervals)  # none (sus, power chords) fits either mode
    return chord.root == key.tonic_pc and third != ({4} if key.mode == "minor" else {3})


def infer_key(chords: list[Chord]) -> Key:
    """The key of some absolute chords.

    Krumhansl-Schmuckler correlation of their tones (roots counted twice), minus twice the share
    of tones outside the key, plus a tonic bonus when the first chord (0.25) or the last (0.15)
    could be the key's tonic chord: "Am F C G" is A minor, "C G Am F" C major."""
    check_chord_count(len(chords))
    pcs = [pc for c in chords for pc in (*c.pcs, c.root)]
    scores = key_scores(pcs, [1.0] * len(pcs))

    def score(key: Key) -> float:
        bonus = 0.25 * _tonic_like(chords[0], key) + 0.15 * _tonic_like(chords[-1], key)
        return scores.get(key, 0.0) - 2.0 * _outside(chords, key) + bonus

    return max((Key(tonic, mode) for mode in ("major", "minor") for tonic in range(12)), key=score)


def _symbol_key(chords: list[Chord], key: Key | None, texts: list[str]) -> Key:
    """The key given, unless two or more chords contradict it (InputError), else the inferred one:
    one chord says little of a key (a Neapolitan Db in C major is no contradiction)."""
    best = infer_key(chords)
    fits = key is None or len(chords) < 2 or _outside(chords, key) <= 0.5
    if fits or _outside(chords, best) > 0.15:
        return key or best
    named = f"{' '.join(texts)} sits" if len(texts) <= 8 else "Those chords sit"
    raise InputError(
        f"{named} in {best.name}, not in {key.name}: name the key they're in, or leave the key out."
    )


_JOIN = re.compile(r"[\s,|-]*")
_KEY_BEFORE = re.compile(r"\b(?:in|key|key of)\s+$", re.IGNORECASE)
_MODE_AFTER = re.compile(r"[\s-]*(?:major|minor|maj|min|dorian|mixolydian)\b", re.IGNORECASE)
_COUNTS = (" ".join(ROMANS), "1 2 3 4 5 6 7")
_STOP = {"a", "am", "i", "I"}  # English words that read as chords ('a' is dropped at run ends)
_UNITS = {"bar", "bars", "beat", "beats", "bpm", "count", "measure", "measures", "minutes",
          "seconds", "times", "steps", "verse", "verses", "tracks", "songs", "loops", "notes"}  # fmt: skip


def _is_key(text: str, tokens: list[_Token], i: int) -> bool:
    """Whether token i names a key ('in A minor', 'C major', 'in C,'), not a chord."""
    token = tokens[i]
    if _MODE_AFTER.match(text, token.end):
        return True
    if not _KEY_BEFORE.search(text, max(0, token.start - 24), token.start):
        return False
    after = tokens[i + 1] if i + 1 < len(tokens) else None  # 'in Am F C G' is a progression
    return not (after and re.fullmatch(r"[ \t-]+", text[token.end : after.start])
                and after.text not in _STOP and _notations(after.text))  # fmt: skip


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Runs of chords in one notation joined only by separators (bar lines, repeats kept)."""
    runs: list[list[_Token]] = []
    run: list[_Token] = []
    kinds: set[str] = set()
    for i, token in enumerate(tokens):
        if token.text == "|":
            continue
        joined = bool(run) and bool(_JOIN.fullmatch(text, run[-1].end, token.start))
        names = set() if _is_key(text, tokens, i) else set(_notations(token.text))
        if _REPEAT_RE.fullmatch(token.text):  # 'x2' belongs to the run it follows
            names = set(kinds)
        if joined and names & kinds:
            run.append(token)
            kinds &= names
            continue
        runs.append(run)
        run, kinds = ([token], names) if names else ([], set())
    runs.append(run)
    for run in runs:
        while run and (run[0].text == "a" or _REPEAT_RE.fullmatch(run[0].text)):
            run.pop(0)
        while run and run[-1].text == "a":
            run.pop()
    return [run for run in runs if run]


def _plausible(text: str, run: list[_Token]) -> bool:
    """Whether a run of chords is a progression rather than English, counting or form letters."""
    chords = [t.text for t in run if not _REPEAT_RE.fullmatch(t.text)]
    notation = next(n for n in _READERS if all(n in _notations(c) for c in chords))
    words = [c for c in chords if c not in _STOP]
    spaced = re.search(r"\s", text[run[0].start : run[-1].end])  # 'i-iv-v' is music, 'i v' not
    lower = spaced and notation != "nashville" and not any(ch.isupper() for c in chords for ch in c)
    if len(chords) < 2 or not words or lower and len(words) < 3:
        return False
    spelled = " ".join(chords).upper() + " "  # counting: 'part I, II', '1 2 3 4'
    counting = any(f"{count} ".startswith(spelled) for count in _COUNTS)
    if counting or notation == "symbols" and set(chords) <= {"A", "B", "C"}:
        return False  # song form: 'A B A B'
    if notation == "nashville" and all(re.fullmatch(r"[1-7](?:/[1-7])?", c) for c in chords):
        before = re.search(r"(\w*)\W*$", text[max(0, run[0].start - 24) : run[0].start]).group(1)
        after = re.match(r"\W*(\w*)", text[run[-1].end : run[-1].end + 24]).group(1)
        plain = len(chords) >= 3 and "1" in chords  # '3, 4, 5 variations' is no progression
        return plain and not {before.lower(), after.lower()} & _UNITS
    return True


def find_progression(message: str) -> str | None:
    """The progression in a chat message, as written there, or None.

    The longest run of at least two chords in one notation, joined only by separators, that
    reads as music rather than English: a lone chord ('a C-pop beat'), a key ('in A minor', 'in
    C'), the article 'a' at a run's ends, lower-case runs under three chords ('I am a dj'),
    song-form letters ('A B A B') and counting ('bars 1-4') are left out."""
    text = _normal(message)
    runs = [run for run in _runs(text, _tokens(text)) if _plausible(text, run)]
    best = max(runs, key=lambda run: sum(not _REPEAT_RE.fullmatch(t.text) for t in run), default=[])
    return message[best[0].start : best[-1].end] if best else None
