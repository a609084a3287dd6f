"""Numbers a request gives for bars, tempo and seed, checked before they are read.

The slot patterns read plain numbers of a few digits; anything else next to the same words (a
sign, an exponent, a decimal point, 31 digits, zero) used to lose its odd part silently: "10^100
bars" became 100 bars, "-120 bpm" 120 bpm, "0 bpm" the default tempo. Here each such number is
found first and, when it is not a whole number in the allowed range, becomes one sentence with
the range (a `Slots.problems` entry, said instead of acting).
"""

from __future__ import annotations

import re

NUMBER = r"[-+−]?\d[\d,._]*(?:\s*(?:\^|\*\*|[eE])\s*[-+]?\d+)?"
LIMITS = {  # what every tool that takes the value can accept (a tool may be narrower)
    "bars": (1, 256, "a length of 1 to 256 bars"),
    "tempo": (20, 300, "a tempo of 20 to 300 bpm"),
    "seed": (0, 2**32 - 1, "a seed from 0 to 4,294,967,295"),
}
PATTERNS = {
    "bars": re.compile(rf"(?<![\w.])({NUMBER})[\s-]*(?:bars?|measures?)\b", re.I),
    "tempo": re.compile(
        rf"(?<![\w.])({NUMBER})\s*(?:bpm|beats per minute)\b"
        rf"|\b(?:bpm|tempo)\s*(?:of|=|:|at|to)?\s*({NUMBER})(?![\w.])", re.I,
    ),
    "seed": re.compile(rf"\bseed\s*(?:=|of|:|#)?\s*({NUMBER})(?![\w.])", re.I),
}
RANGE = re.compile(rf"\bbars?\s+({NUMBER})\s*(?:-|–|to)\s*({NUMBER})(?![\w.])", re.I)


def number_problems(text: str) -> list[str]:
    """One sentence per number that is not a whole number in its slot's range."""
    out = []
    for slot, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            raw = next(g for g in m.groups() if g)
            problem = _problem(raw, slot)
            if problem:
                out.append(problem)
                break
    for m in RANGE.finditer(text):  # "redo bars 1-99999999"
        for raw in m.groups():
            problem = _problem(raw, "bars", what="bar number")
            if problem:
                out.append(problem)
                break
    return list(dict.fromkeys(out))


def _problem(raw: str, slot: str, what: str = "") -> str:
    low, high, allowed = LIMITS[slot]
    shown = raw if len(raw) <= 24 else raw[:20] + "…"
    text = raw.replace(",", "").replace("_", "").replace("−", "-").strip()
    what = what or {"bars": "bar count", "tempo": "tempo", "seed": "seed"}[slot]
    if not re.fullmatch(r"[-+]?\d+", text):  # 10^100, 2.5, 1e9
        return f"'{shown}' is not a {what} I can read: I can use {allowed}."
    value = int(text) if len(text) < 40 else (10**40 if not text.startswith("-") else -1)
    if low <= value <= high:
        return ""
    if what == "bar number":
        return f"{shown} is out of range for a bar number: a song has bars 1 to {high} at most."
    return f"{shown} is out of range for a {what}: I can use {allowed}."
