"""Touches to the MusicXML tree music21 writes, so notation programs read it as meant.

Each one answers what MuseScore 3 or LilyPond (musicxml2ly) did with music21's own output; the
notation-program tests (tests/models/music/test_notation_programs.py) run both on our scores.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement


def clean_header(root: Element) -> None:
    """The header a notation program shows: no "Music21" composer (music21 writes its name
    when a score has no creator) and the title once (LilyPond prints a <movement-title> equal
    to the <work-title> again, as a subtitle)."""
    from music21 import defaults

    for ident in root.iter("identification"):
        for creator in ident.findall("creator"):
            if creator.text == defaults.author:
                ident.remove(creator)
    work, movement = root.find("work/work-title"), root.find("movement-title")
    if work is not None and movement is not None and work.text == movement.text:
        root.remove(movement)


def forwards_for_hidden_rests(root: Element) -> None:
    """A hidden rest (where a second, third or fourth voice is silent) becomes a <forward>,
    as MuseScore writes it: LilyPond engraves hidden rests as rests, which collide ("too many
    colliding rests"). musicxml.py hides no rest inside a triplet group, where both programs
    need a real one; one such, if any, is left as it is."""
    for measure in root.iter("measure"):
        for rest in measure.findall("note"):
            hidden = rest.get("print-object") == "no" and rest.find("rest") is not None
            if not hidden or rest.find("time-modification") is not None:
                continue
            forward = Element("forward")
            SubElement(forward, "duration").text = rest.findtext("duration")
            if rest.findtext("voice"):
                SubElement(forward, "voice").text = rest.findtext("voice")
            measure.insert(list(measure).index(rest), forward)
            measure.remove(rest)
