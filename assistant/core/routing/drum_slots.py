"""What a request for drums says beyond tempo, bars and meter: the style (or a style we don't
play, passed on so the engine can say so), swing, half- or double-time, fills, how human,
how busy, and the kit ("no ride", "just kick and snare", "add a shaker"). `drum_changes` reads
the same words as edits of the current beat ("more swing", "no fills", "humanise it less").
"""

from __future__ import annotations

import re
from typing import Any

from models.music.vocabulary import DRUM_STYLES, KIT_WORDS, MOODS, TEMPO_WORDS

BEAT_NOUN = r"(?:beats?|drums?|drum (?:beat|pattern|loop|groove|track)|grooves?|rhythms?|loops?|kick patterns?)"
KNOWN_STYLE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(DRUM_STYLES, key=len, reverse=True))
    + r")(?![\w-])", re.I,
)
UNKNOWN_STYLE = re.compile(rf"\b([a-z][\w-]{{2,20}})\s+{BEAT_NOUN}\b", re.I)
NOT_A_STYLE = {
    "the", "new", "another", "simple", "basic", "drum", "cool", "nice", "good", "sick", "fat",
    "hard", "heavy", "chill", "driving", "tight", "busy", "sparse", "quick", "short", "long",
    "swung", "straight", "groovy", "dope", "some", "any", "this", "that", "its", "my", "your",
    "steady", "solid", "live", "real", "human", "kick", "snare", "half-time", "double-time",
    "minimal", "big", "small", "little", "laid-back", "punchy", "crisp", "clean", "dirty",
    "dusty", "warm", "bar", "bars", "bpm", "four", "eight", "sixteen", "two", "one", "more",
    "less", "busier", "sparser", "tighter", "looser", "same", "different", "whole", "full",
    "need", "want", "write", "make", "program", "play", "give", "lay", "get", "create", "build",
    "add", "our", "their", "for", "with", "and", "programmed", "electronic", "acoustic",
    "shuffle", "chorus", "verse", "intro", "outro", "bridge", "hook", "drop", "record",
    "triplet", "uptempo", "humanised", "humanized", "quantised", "quantized", "swinging",
    "bouncy", "down", "up", "song", "track", "loop", "beat", "groove", "backing", "studio",
} | set(MOODS) | set(TEMPO_WORDS)  # fmt: skip
HALF = re.compile(r"\bhalf[- ]?time\b", re.I)
DOUBLE = re.compile(r"\bdouble[- ]?time\b", re.I)
NOT_FEEL = re.compile(r"\b(?:not|no|without|drop the|back to normal|normal time|regular time)\b"
                      r"(?:\s+(?:in\s+)?(?:half|double)[- ]?time)?", re.I)
NO_FILLS = re.compile(r"\b(?:no|without|drop the|lose the|fewer) fills?\b", re.I)
FILLS_EVERY = re.compile(r"\bfills? every (\d{1,2}|two|four|eight) bars?\b", re.I)
MORE_FILLS = re.compile(r"\bmore fills\b", re.I)
SWUNG = re.compile(r"\b(?:swung|swingy|swinging|swingin|shuffle|shuffled|with swing|swing feel|"
                   r"swing it)\b", re.I)  # fmt: skip
MORE_SWING = re.compile(r"\bmore (?:swing|shuffle)\b|\bswing (?:it )?more\b", re.I)
NO_SWING = re.compile(r"\b(?:no swing|straighten(?: it)?(?: out)?|straight)\b", re.I)
LESS_SWING = re.compile(r"\b(?:less swing|straighter|swing (?:it )?less)\b", re.I)
QUANTISED = re.compile(r"\b(?:quanti[sz]ed?|on the grid|robotic|no humani[sz]ation|machine[- ]tight)\b", re.I)
LESS_HUMAN = re.compile(r"\b(?:humani[sz]e (?:it )?less|less humani[sz]ed?|tighter|less sloppy|cleaner)\b", re.I)
MORE_HUMAN = re.compile(r"\b(?:humani[sz]e (?:it )?more|more human(?:i[sz]ed)?|looser|sloppier|more live)\b", re.I)
BUSIER_HATS = re.compile(r"\b(?:hats?|hi-?hats?|hi hats)\b[^.]*\b(?:busier|more busy|denser)\b|\bbusier (?:hats|hi-?hats)\b", re.I)
SPARSER_HATS = re.compile(r"\b(?:hats?|hi-?hats?|hi hats)\b[^.]*\b(?:sparser|simpler|less busy)\b|\b(?:sparser|fewer) (?:hats|hi-?hats)\b", re.I)
BUSIER = re.compile(r"\b(?:busier|more energy|more energetic|driving|denser|harder)\b", re.I)
SPARSER = re.compile(r"\b(?:sparser|simpler|minimal|less busy|calmer|stripped(?:[- ]back)?)\b", re.I)
PIECES = r"((?:the\s+|a\s+|an\s+|some\s+)?[\w-]+(?:\s+[\w-]+)?(?:\s*(?:,|and|&)\s*(?:the\s+|a\s+|an\s+|some\s+)?[\w-]+(?:\s+cymbals?)?)*)"
STOP = r"(?=$|[,.!?]|\s+(?:and|at|in|for|please|on|to|with)\b)"
ONLY = re.compile(rf"\b(?:just|only)\s+{PIECES}{STOP}|\b{PIECES}\s+only\b", re.I)
WITHOUT = re.compile(rf"\b(?:no|without(?: the)?|drop the|lose the|take out the|remove the)\s+{PIECES}{STOP}", re.I)
ADD = re.compile(rf"\b(?:add|with)\s+{PIECES}{STOP}", re.I)


def kit_pieces(phrase: str) -> list[str]:
    """'kick and snare' -> ['kick', 'snare']; words that name no drum give nothing."""
    found: list[str] = []
    for word in re.split(r"\s*(?:,|\band\b|&)\s*", phrase.lower()):
        word = re.sub(r"^(?:the|a|an|some)\s+", "", word.strip())
        for name in KIT_WORDS.get(word, KIT_WORDS.get(word.rstrip("s"), ())):
            if name not in found:
                found.append(name)
    return found


def drum_style(text: str) -> str | None:
    """The style a request names: one we play (the first named; the longest where two start
    together), or the word before 'beat' (zouk, polka...)."""
    if m := KNOWN_STYLE.search(text):
        return DRUM_STYLES[m.group(1).lower()]
    for m in UNKNOWN_STYLE.finditer(text):
        if m.group(1).lower() not in NOT_A_STYLE and not m.group(1).isdigit():
            return m.group(1).lower()
    return None


def drum_args(text: str) -> dict[str, Any]:
    """Arguments of a new beat (on top of tempo, bars, meter and seed from the music slots)."""
    args: dict[str, Any] = {}
    if style := drum_style(text):
        args["style"] = style
    args.update(drum_changes(text, {}))
    return args


def drum_changes(text: str, current: dict[str, Any]) -> dict[str, Any]:
    """The controls a message sets or moves, relative to the current beat's where it says so."""
    out: dict[str, Any] = {}
    negated = (m := NOT_FEEL.search(text)) and (HALF.search(m.group(0)) or DOUBLE.search(m.group(0))
                                                  or re.search(r"normal|regular", m.group(0), re.I))
    if negated:
        out.update(half_time=False, double_time=False)  # "not half-time", "back to normal time"
    elif HALF.search(text):
        out.update(half_time=True, double_time=False)
    elif DOUBLE.search(text):
        out.update(double_time=True, half_time=False)
    if NO_FILLS.search(text):
        out["fills_every"] = 0
    elif m := FILLS_EVERY.search(text):
        n = m.group(1)
        out["fills_every"] = int(n) if n.isdigit() else {"two": 2, "four": 4, "eight": 8}[n.lower()]
    elif MORE_FILLS.search(text):
        out["fills_every"] = 2
    out.update(_swing(text, current))
    out.update(_human(text, current))
    out.update(_busy(text, current))
    out.update(_kit(text))
    return out


def _style_value(current: dict[str, Any], name: str, default: float) -> float:
    """The beat's own value, or what its style plays when the beat has none (relative edits
    start from what the producer hears)."""
    if current.get(name) is not None:
        return float(current[name])
    from models.drums.styles import STYLES

    style = STYLES.get(str(current.get("style") or ""))
    return float(getattr(style, name)) if style else default


def _swing(text: str, current: dict[str, Any]) -> dict[str, Any]:
    now = _style_value(current, "swing", 0.0)
    if MORE_SWING.search(text):
        return {"swing": round(min(1.0, max(now, 0.1) + 0.15), 2)}
    if NO_SWING.search(text):
        return {"swing": 0.0}
    if LESS_SWING.search(text):
        return {"swing": round(max(0.0, now - 0.15), 2)}
    if SWUNG.search(text):
        return {"swing": max(now, 0.3)}
    return {}


def _human(text: str, current: dict[str, Any]) -> dict[str, Any]:
    now = _style_value(current, "humanize", 1.0)
    if QUANTISED.search(text):
        return {"humanize": 0.0}
    if LESS_HUMAN.search(text):
        return {"humanize": round(max(0.0, now - 0.35), 2)}
    if MORE_HUMAN.search(text):
        return {"humanize": round(min(1.0, now + 0.3), 2)}
    return {}


def _busy(text: str, current: dict[str, Any]) -> dict[str, Any]:
    if BUSIER_HATS.search(text):
        return {"hat_density": round(min(1.0, (current.get("hat_density") or 0.5) + 0.3), 2)}
    if SPARSER_HATS.search(text):
        return {"hat_density": round(max(0.0, (current.get("hat_density") or 0.5) - 0.3), 2)}
    density = current.get("density", 0.5)
    if BUSIER.search(text):
        return {"density": round(min(1.0, density + 0.2), 2)}
    if SPARSER.search(text):
        return {"density": round(max(0.0, density - 0.2), 2)}
    return {}


def _kit(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if (m := ONLY.search(text)) and (pieces := kit_pieces(m.group(1) or m.group(2))):
        out["only"] = pieces
    without = [p for m in WITHOUT.finditer(text) for p in kit_pieces(m.group(1))]
    if without:
        out["without"] = without
    added = [p for m in ADD.finditer(text) for p in kit_pieces(m.group(1)) if p in ("shaker", "clap")]
    if added:
        out["add"] = added
    return out
