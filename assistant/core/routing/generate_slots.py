"""What a request to the neural engine says beyond the music slots: which bars to redo, how many
to add, the sampling settings ("redo the last four bars, darker", "extend it by 8 bars",
"temperature 1.2", "top-p 0.8").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant.core.routing.messages import apply_changes
from models.music.vocabulary import NUMBER_WORD, number_value

if TYPE_CHECKING:
    from assistant.core.state import DialogueState

NUM = rf"(\d{{1,3}}|{NUMBER_WORD})"
REDO_VERB = r"(?:redo|re-?do|regenerate|re-?write|rewrite|replace|change|fix|rework|re-?roll)"
BAR_RANGE = re.compile(r"\bbars?\s+(\d{1,3})\s*(?:-|–|to|through|and)\s*(\d{1,3})\b", re.I)
ONE_BAR = re.compile(r"\bbar\s+(\d{1,3})\b", re.I)
EDGE_BARS = re.compile(rf"\b(last|final|first|opening)\s+(?:{NUM}\s+)?bars?\b", re.I)
MORE_BARS = re.compile(
    rf"\b(?:by|for|with|add(?:ing)?|another)\s+(?:another\s+)?{NUM}\s+(?:more\s+)?bars?\b"
    rf"|\b{NUM}\s+more\s+bars?\b",
    re.I,
)
CONTINUE = re.compile(r"\b(continue|extend|keep going|carry on|go on|longer|lengthen)\b", re.I)
TEMPERATURE = re.compile(r"\btemp(?:erature)?\s*(?:of|=|at)?\s*(\d(?:\.\d+)?)\b", re.I)
TOP_P = re.compile(r"\btop[- _]?p\s*(?:of|=|at)?\s*(0?\.\d+|1(?:\.0+)?)\b", re.I)
ADVENTUROUS = re.compile(r"\b(wilder|more adventurous|more surprising|riskier|crazier)\b", re.I)
SAFER = re.compile(r"\b(safer|more conservative|less random|tamer|more predictable)\b", re.I)


def wants_generation(text: str) -> bool:
    """A follow-up only the neural engine can do: add bars to a song, or redo some of its bars."""
    redo = re.search(REDO_VERB, text, re.I) and (EDGE_BARS.search(text) or ONE_BAR.search(text))
    cont = re.search(r"\b(continue|extend|keep going|carry on)\b", text, re.I)
    return bool(BAR_RANGE.search(text) or redo or MORE_BARS.search(text) or cont)


def _count(word: str | None) -> int | None:
    if not word:
        return None
    return number_value(word)


def generate_args(text: str, args: dict[str, Any], state: DialogueState | None) -> dict[str, Any]:
    """Arguments of `generate` from a message, on top of the music slots already in `args`."""
    out = dict(args)
    redo = None
    if m := BAR_RANGE.search(text):
        redo = f"{m.group(1)}-{m.group(2)}"
    elif re.search(REDO_VERB, text, re.I) and (m := EDGE_BARS.search(text)):
        n = _count(m.group(2)) or 1
        redo = f"{'last' if m.group(1).lower() in ('last', 'final') else 'first'} {n}"
    elif re.search(REDO_VERB, text, re.I) and (m := ONE_BAR.search(text)):
        redo = m.group(1)
    if redo:
        out["redo"] = redo
        out.pop("bars", None)  # "the last four bars" names the bars to redo, not a length
        changes = apply_changes(text, {})
        for k in ("mood", "mode"):
            if k in changes:
                out.setdefault(k, changes[k])
    elif m := MORE_BARS.search(text):
        n = _count(next(g for g in m.groups() if g))
        if n:
            out["extend"] = n
            out.pop("bars", None)
    elif CONTINUE.search(text) and "bars" not in out:
        out["extend"] = 8  # "keep going", "continue sketch.mid": eight more bars
    if m := TEMPERATURE.search(text):
        out["temperature"] = min(2.0, float(m.group(1)))
    elif ADVENTUROUS.search(text):
        out["temperature"] = 1.2
    elif SAFER.search(text):
        out["temperature"] = 0.6
    if m := TOP_P.search(text):
        out["top_p"] = max(0.05, min(1.0, float(m.group(1))))
    if ("redo" in out or "extend" in out) and "file" not in out and state and state.current:
        midi = state.current.files.get("midi")
        if midi:
            out["file"] = midi
    return out
