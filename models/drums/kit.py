"""The drum kit: the instrument classes the engine writes, and how they map to MIDI notes.

The Groove MIDI Dataset was played on a Roland TD-11 kit; its 22 note numbers are reduced to the
nine classes its authors use (Gillick et al. 2019): kick; snare (head and rim shot); cross-stick;
closed hi-hat (bow and edge); open hi-hat; high and low toms; crash; ride (bow, edge,
bell). The hi-hat pedal's foot "chick" (note 44) is left out: it is a closed hat played with
the foot under the ride, and read as stick hats it turns every jazz and rock ride groove into
hats on 2 and 4. Clap and shaker are never in the data: style rules add them.
"""

from __future__ import annotations

LEARNED = ("kick", "snare", "rim", "closed_hat", "open_hat", "tom_high", "tom_low", "crash", "ride")
CLASSES = (*LEARNED, "clap", "shaker")
BIT = {name: 1 << i for i, name in enumerate(LEARNED)}

GROOVE_NOTES = {
    36: "kick", 38: "snare", 40: "snare", 37: "rim", 42: "closed_hat", 22: "closed_hat",
    46: "open_hat", 26: "open_hat", 48: "tom_high", 50: "tom_high",
    45: "tom_high", 47: "tom_high", 43: "tom_low", 58: "tom_low", 49: "crash", 55: "crash",
    57: "crash", 52: "crash", 51: "ride", 59: "ride", 53: "ride",
}  # fmt: skip
# General MIDI percussion (channel 10) for each class.
GM_NOTE = {
    "kick": 36, "snare": 38, "rim": 37, "closed_hat": 42, "open_hat": 46, "tom_high": 48,
    "tom_low": 43, "crash": 49, "ride": 51, "clap": 39, "shaker": 70,
}  # fmt: skip
LABEL = {
    "kick": "Kick", "snare": "Snare", "rim": "Rim", "closed_hat": "Hat", "open_hat": "OpenHat",
    "tom_high": "Tom hi", "tom_low": "Tom lo", "crash": "Crash", "ride": "Ride", "clap": "Clap",
    "shaker": "Shaker",
}  # fmt: skip


def classes_of(symbol: int) -> list[str]:
    """The learned classes hit in one step's symbol (a bitmask)."""
    return [name for name in LEARNED if symbol & BIT[name]]


def hits_in(symbol: int) -> int:
    return bin(symbol).count("1")
