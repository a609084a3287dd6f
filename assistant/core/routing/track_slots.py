"""What a track, an edit, a song question or an export asks, read from the producer's words:
genre, parts and their instruments, form and length words; the edit's action, part and
instrument; the folder and the DAW of an export."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant.core.routing.route import Route

if TYPE_CHECKING:
    from assistant.store.songs import Song

PART_WORD = (r"drums?|beat|percussion|bass ?lines?|bass|808s?|chords?|keys|pads?|strings|"
             r"leads?|melod(?:y|ies)|tune|top ?line|hook|piano|guitar|synths?|choir|organ|rhodes|"
             r"flute|sax|horns?|brass|hats|vibes|bells|kick|snare|soprano|alto|tenor|"
             r"percs?")  # fmt: skip
# Words for a part -> the part's role in a track.
ROLE_OF = {"drum": "drums", "drums": "drums", "beat": "drums", "percussion": "drums",
           "hats": "drums", "bass": "bass", "bassline": "bass", "bass line": "bass",
           "basslines": "bass", "808": "bass", "808s": "bass", "chord": "chords",
           "chords": "chords", "keys": "chords", "pad": "pad", "pads": "pad", "lead": "lead",
           "leads": "lead", "melody": "lead", "melodies": "lead", "tune": "lead",
           "topline": "lead", "top line": "lead", "hook": "lead", "kick": "drums",
           "snare": "drums", "perc": "drums", "percs": "drums"}  # fmt: skip
INSTRUMENT_RE = re.compile(
    r"\b(rhodes|wurli(?:tzer)?|electric piano|piano|organ|clav(?:inet)?|synth pads?|pads?|"
    r"strings|string section|choir|acoustic guitar|nylon guitar|distorted guitar|"
    r"distortion guitar|electric guitar|guitar|synth bass|sub bass|808s?|upright bass|"
    r"slap bass|fretless bass|flute|sax(?:ophone)?|trumpet|brass|horns?|vibes|vibraphone|"
    r"marimba|bells|kalimba|violin|cello|harmonica|saw lead|synth lead|pluck|synth|voice)\b",
    re.I,
)
SONG = re.compile(r"\b(?:full|whole|complete|entire) (?:[\w-]+ ){0,2}(?:song|arrangement|structure)|"
                  r"\bsong (?:structure|form)\b|\bwith (?:an )?intro and (?:an )?outro\b|"
                  r"\bbuild(?:-up)? and (?:a )?drop\b|\b(?:a|the) drop\b", re.I)  # fmt: skip
SECONDS = re.compile(r"\b(?:about |around |roughly )?(\d{1,3}|a|one|two|three) "
                     r"(seconds?|secs?|minutes?|mins?)\b(?: long)?", re.I)  # fmt: skip
WITHOUT = re.compile(rf"\b(?:no|without|minus|but no)\s+(?:the\s+|a\s+|any\s+)?({PART_WORD})\b",
                     re.I)  # fmt: skip


def _role(word: str) -> str | None:
    w = word.lower().strip()
    return ROLE_OF.get(w) or ROLE_OF.get(w.rstrip("s"))


def _instrument_word(word: str) -> str:
    w = word.lower()
    w = {"wurli": "wurlitzer", "clav": "clavinet", "sax": "saxophone", "vibes": "vibraphone",
         "pads": "pad", "synth pads": "synth pad", "808s": "808", "horn": "horns",
         "distorted guitar": "distortion guitar"}.get(w, w)  # fmt: skip
    return w


def instruments_in(text: str) -> list[str]:
    """'warm rhodes chords' -> ['chords=rhodes']; 'an 808' -> ['bass=808']; 'a flute melody'
    -> ['lead=flute']; 'with strings' -> ['strings'] (the tool gives it its part)."""
    out = []
    for m in INSTRUMENT_RE.finditer(text):
        if re.search(r"\b(?:no|without)\s+(?:the\s+)?$", text[: m.start()], re.I):
            continue
        word = _instrument_word(m.group(1))
        after = re.match(rf"\s+({PART_WORD})\b", text[m.end():], re.I)  # fmt: skip
        role = _role(after.group(1)) if after else None
        if word in ("808", "synth bass", "sub bass", "upright bass", "slap bass", "fretless bass"):
            role = "bass"
        out.append(f"{role}={word}" if role and role != "drums" else word)
    return list(dict.fromkeys(out))


def track_args(text: str) -> dict[str, Any]:
    from models.arrangement.genres import find_genre
    from models.harmony.parse import find_progression
    from models.music.vocabulary import number_value

    args: dict[str, Any] = {}
    if genre := find_genre(text):
        args["genre"] = genre
    if SONG.search(text):
        args["song"] = True
    if m := SECONDS.search(text):
        n = number_value(m.group(1).lower()) or (1 if m.group(1).lower() in ("a", "one") else 0)
        args["seconds"] = float(n * (60 if m.group(2).lower().startswith("min") else 1))
    if inst := instruments_in(text):
        args["instruments"] = inst
    without = [r for w in WITHOUT.findall(text) if (r := _role(w))]
    if without:
        args["without"] = list(dict.fromkeys(without))
    if re.search(r"\bstems?\b", text, re.I):
        args["stems"] = True
    if progression := find_progression(text):
        args["progression"] = progression
    return args


ACTIONS = (
    ("remove", re.compile(rf"\b(?:no|without|remove|mute|drop|lose|kill|cut|take out|get rid of|"
                          rf"strip|ditch|scrap|axe|nix|bin|silence)"
                          rf"\s+(?:the\s+|that\s+|those\s+)?(?:{PART_WORD})\b", re.I)),
    ("swap", re.compile(rf"\b(?:swap|replace|switch|change)\s+(?:the\s+)?(?:{PART_WORD}|\w+)\s+"
                        r"(?:for|with|to|into)\b|\b(?:put|play)\s+(?:the\s+)?\w+\s+on\s+"
                        r"(?:an?\s+)?\w+|\bon\s+(?:an?\s+)?\w+\s+instead\b", re.I)),
    ("add", re.compile(rf"\b(?:add|put|throw|layer|lay|stack|give it|needs?|bring in)\b.*"
                       rf"\b(?:{PART_WORD})\b", re.I)),  # fmt: skip
    ("change", re.compile(r"\b(?:busier|simpler|sparser|plainer|fuller|rewrite|redo|new|"
                          r"different|another)\b", re.I)),
    ("loop", re.compile(r"\bloop\b|\brepeat\b.*(?:\b(?:\d{1,2}|two|three|four|eight)\s*(?:times|x)|"
                        r"\btwice|\bthrice)\b",
                        re.I)),  # fmt: skip
)  # fmt: skip
DENSITY = {"busier": 0.8, "fuller": 0.75, "simpler": 0.25, "sparser": 0.2, "plainer": 0.3}


def edit_args(text: str) -> dict[str, Any]:
    """The edit's action, part, instrument and amounts; {} when no edit is named."""
    from models.music.vocabulary import number_value

    action = next((name for name, pattern in ACTIONS if pattern.search(text)), None)
    if action is None:
        return {}
    args: dict[str, Any] = {"action": action}
    parts = [m.group(1) for m in re.finditer(rf"\b({PART_WORD})\b", text, re.I)]
    if action == "swap":
        m = re.search(r"\b(?:swap|replace|switch|change)\s+(?:the\s+)?([\w ]+?)\s+(?:for|with|to|"
                      r"into)\s+(?:an?\s+|some\s+)?([\w ]+?)\s*(?:instead)?\W*$", text, re.I)  # fmt: skip
        m = m or re.search(r"\b(?:put|play)\s+(?:the\s+)?([\w ]+?)\s+on\s+(?:an?\s+)?([\w ]+?)"
                           r"\s*(?:instead)?\W*$", text, re.I)  # fmt: skip
        if m:
            args["part"], args["instrument"] = m.group(1).lower(), _instrument_word(m.group(2))
        return args
    if parts:
        word = parts[-1] if action == "add" else parts[0]
        inst = INSTRUMENT_RE.search(text)
        role = _role(word)
        args["part"] = role or _instrument_word(word)
        if inst and action == "add" and _instrument_word(inst.group(1)) != args["part"]:
            args["instrument"] = _instrument_word(inst.group(1))
    if action == "change":
        for word, value in DENSITY.items():
            if re.search(rf"\b{word}\b", text, re.I):
                args["density"] = value
                args["plain"] = word in ("simpler", "plainer") and args.get("part") in (
                    "chords", "pad", "keys")  # fmt: skip
    if action == "loop":
        m = re.search(r"\b(\d{1,2}|twice|two|three|four|five|six|eight)\s*(?:times|x)?\b", text, re.I)
        times = {"twice": 2}.get(m.group(1).lower()) if m else None
        args["times"] = times or (number_value(m.group(1)) if m else 2) or 2
    return args


DAWS = re.compile(r"\b(ableton(?: live)?|logic(?: pro)?|fl studio|fruity ?loops|reaper|cubase|"
                  r"studio one|bitwig|garageband)\b", re.I)  # fmt: skip
FOLDER = re.compile(r"\b(?:to|into|in)\s+(?:the\s+)?(?:folder\s+|directory\s+)?"
                    r"((?:~|\.{0,2})?/?[\w.-]+(?:/[\w.-]+)*/?)(?=\s|$|[,;!?])", re.I)  # fmt: skip


def export_args(text: str) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if m := DAWS.search(text):
        args["daw"] = m.group(1)
    if re.search(r"\bloop(?:s|ed|able|ing)?\b", text, re.I):
        args["loop"] = True
    m = FOLDER.search(text)
    named = m and ("/" in m.group(1) or re.search(r"\b(?:folder|directory)\b", text, re.I))
    if named and not DAWS.fullmatch(m.group(1)):
        args["folder"] = m.group(1)
    return args


KEY_TO = re.compile(r"\b(?:to|in|into)\s+([A-G])(?:\s*(#|b|♯|♭|-?sharp|-?flat)(?!\w))?"
                    r"(?:\s+(major|minor))?\b")  # fmt: skip


def named_key(text: str) -> dict[str, str]:
    """'to B flat', 'in F# minor' -> {"key": "Bb", "mode": "minor"} ({} when none is named)."""
    m = KEY_TO.search(text)
    if not m:
        return {}
    acc = m.group(2) or ""
    acc = "b" if acc.endswith(("b", "♭", "flat")) else "#" if acc else ""
    return {"key": m.group(1) + acc, **({"mode": m.group(3)} if m.group(3) else {})}


def track_change(current: Song, changes: dict, said: dict, text: str = "") -> Route | None:
    """A follow-up on a track or an edited song that keeps its parts: a part's edit, or a new
    tempo, key or length of the whole, note for note (None: not such a change)."""
    midi = current.files.get("midi")
    if (edit := edit_args(text)) and midi:
        genre = current.extra.get("genre") if current.extra else None
        return Route("edit_track", "edit_track",
                     {**edit, "file": midi, "title": current.title[:80],
                      **({"genre": genre} if genre else {})}, 1.0)  # fmt: skip
    if re.search(r"\btranspose|\bmove it\b|\bput it in\b", text, re.I):
        said = {**said, **named_key(text)}
    wanted = {**said, **changes}  # "twice as long": the relative change, not "long" = 32
    midi = current.files.get("midi")
    if midi is None:
        return None
    if "tempo" in wanted and set(wanted) <= {"tempo"}:
        return Route("modify", "edit_track", {"action": "tempo", "file": midi,
                                          "tempo": int(wanted["tempo"])}, 1.0)  # fmt: skip
    if "key" in wanted and set(wanted) <= {"key", "mode"}:
        args = {"action": "transpose", "file": midi, "key": wanted["key"]}
        if wanted.get("mode"):
            args["mode"] = wanted["mode"]
        return Route("modify", "edit_track", args, 1.0)
    if "bars" in wanted and set(wanted) <= {"bars"}:
        return Route("modify", "edit_track", {"action": "length", "file": midi,
                                          "bars": int(wanted["bars"])}, 1.0)  # fmt: skip
    return None


# Words that ask for two things at once: one question, not a guess.
CONTRADICTIONS = (
    (re.compile(r"\b(?:fast|quick|uptempo|up-tempo|upbeat)\b", re.I),
     re.compile(r"\b(?:slow|slowly|downtempo)\b", re.I), "tempo",
     "Fast or slow? Say a tempo (for example 'at 90 bpm') and I'll write it."),
    (re.compile(r"\bmajor\b", re.I), re.compile(r"\bminor\b", re.I), "mode",
     "Major or minor? Say which one and I'll write it."),
    (re.compile(r"\b(?:calm|peaceful|serene|relaxed|relaxing|chill|gentle|tranquil|soothing|"
                r"sleepy)\b", re.I),
     re.compile(r"\b(?:frantic|frenetic|hectic|aggressive|energetic|intense|furious|hyper|"
                r"high[- ]energy)\b", re.I), "tempo",
     "Calm or frantic? They pull opposite ways: say which one (for example 'a calm piece at "
     "70 bpm' or 'a frantic one at 170 bpm') and I'll write it."),
)  # fmt: skip


def contradiction(text: str) -> str | None:
    """One question when a message asks for two opposite things ("a fast slow song")."""
    for first, second, slot, question in CONTRADICTIONS:
        settled = slot == "tempo" and re.search(r"\b\d{2,3}\s*(?:bpm|beats)\b|\bat \d{2,3}\b",
                                                text, re.I)  # fmt: skip
        if first.search(text) and second.search(text) and not settled:
            return question
    return None


# Words before "track", "song", "beat"... that describe it without naming a genre.
PLAIN_WORDS = {
    "a", "an", "the", "my", "this", "that", "new", "full", "whole", "complete", "entire",
    "short", "long", "little", "quick", "simple", "nice", "cool", "good", "great", "another",
    "different", "first", "second", "backing", "instrumental", "drum", "some", "big",
    "small", "real", "proper", "fresh", "catchy", "banger", "summer", "club", "dance", "party",
    "radio", "demo", "rough", "moody", "mellow", "soft", "hard", "heavy", "light", "warm",
    "minute", "bar", "bars", "loop", "of", "for", "me", "us", "with", "and", "in", "to", "make",
    "write", "produce", "build", "give", "same", "it", "one", "your", "own", "ambient",
}  # fmt: skip
NAMED_BEFORE = re.compile(r"\b([a-z][a-z-]{2,20})\s+(?:track|song|instrumental|beat|"
                          r"arrangement|tune|jam)\b", re.I)  # fmt: skip


def unknown_genre(text: str) -> str | None:
    """A word that names a genre Cadenza has no preset for ("a polka track"), so the tool can
    say so instead of writing pop; None when the words before "track" are plain ones."""
    from models.arrangement.genres import find_genre
    from models.harmony.engine import MOODS as CHORD_MOODS
    from models.music.vocabulary import INSTRUMENTS, MOODS, TEMPO_WORDS

    if find_genre(text):
        return None
    for m in NAMED_BEFORE.finditer(text):
        word = m.group(1).lower()
        plain = word in PLAIN_WORDS or word in MOODS or word in CHORD_MOODS or word in TEMPO_WORDS or (
            word in INSTRUMENTS)  # fmt: skip
        if not plain and not re.fullmatch(r"\d+-bars?|\w+-bar", word):
            return word
    return None
