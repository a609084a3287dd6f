"""Readers of the track tools: a full track, an edit of one part of the current song, a question
about the current song, and stems for a DAW. Registered by tool name (readers.reader)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.core.routing.messages import tool_args
from assistant.core.routing.readers import READERS, read_modify, reader
from assistant.core.routing.route import Request, Route
from assistant.core.routing.track_slots import (
    contradiction,
    edit_args,
    export_args,
    track_args,
    unknown_genre,
)
from models.intents.intent import Intent, owner_of, shipped_intents

if TYPE_CHECKING:
    from assistant.store.songs import Song

# Songs whose own tool rewrites a part on a change ("make the drums busier" on a beat), by the
# parts it writes; a change of another part (the drums kept in a progression's MIDI) is an edit.
OWN_EDITS = {"drums": {"drums", None}, "chords": {"chords", "bass", "keys", None},
             "bass": {"bass", None}}  # fmt: skip
def _modify() -> Intent:
    return next(i for i in shipped_intents() if i.name == "modify")


@reader("track")
def read_track(req: Request) -> Route:
    """Genre, parts and instruments, form and length words, a typed progression."""
    if question := contradiction(req.text):
        return Route("track", None, {}, req.score, question=question)
    args = {**req.said("track"), **track_args(req.text)}
    note = None
    if "genre" not in args and (word := unknown_genre(req.text)):
        args["genre"] = word  # the tool says plainly it has no such genre, and the nearest
    if "genre" not in args:
        note = "No genre named, so it is pop; say 'make it lo-fi' (or house, trap...) to change it."
    return req.call("track", tool_args("track", args), note)


def song_genre(song: Song) -> str | None:
    """The genre a song's parts are written in: a track's own, else its style's."""
    from models.arrangement.genres import find_genre

    genre = song.extra.get("genre") if song.extra else None
    return genre or (find_genre(song.style) if song.style else None)


def _midi(req: Request) -> tuple[Song | None, str | None]:
    current = req.state.current if req.state else None
    return current, (current.files.get("midi") if current is not None else None)


CUT = re.compile(r"\b(?:cut|trim|chop|drop|delete|remove|lose)\s+(?:off\s+)?the\s+(last|final|first|"
                 r"opening)\s+(\w+)\s+bars?\b", re.I)  # fmt: skip


CUT_AT = re.compile(r"\b(?:cut|end|stop|trim|chop)\s+(?:it\s+|the song\s+|everything\s+)?"
                    r"(?:off\s+)?(?:after|at)\s+bar\s+(\d{1,3})\b", re.I)  # fmt: skip


@reader("edit_track")
def read_edit(req: Request) -> Route:
    """An edit of one part of the current song. A beat's or a progression's own change ("make
    the drums busier" on a beat) is its tool's follow-up; chords or bass added to a beat are
    written over it by the chords tool, locked to its kick."""
    current, midi = _midi(req)
    if current is None or midi is None:
        return req.ask("no_song")
    args = edit_args(req.text)
    if at := CUT_AT.search(req.text):  # "cut it after bar 8": 8 bars long
        args = {"action": "length", "bars": int(at.group(1))}
    elif cut := CUT.search(req.text):  # "cut the last two bars": a new length, from the end
        from models.music.vocabulary import number_value

        if cut.group(1).lower() in ("first", "opening"):
            return Route(req.intent.name, None, {}, req.score, question=(
                "I can cut bars from the end only ('cut the last 2 bars', 'make it 8 bars'); "
                "cutting the opening bars isn't something I can do yet."))  # fmt: skip
        n = number_value(cut.group(2)) or 0
        if not 0 < n < (current.bars or 0):
            return Route(req.intent.name, None, {}, req.score, question=(
                f"'{current.title}' is {current.bars} bars long: say how many bars to cut, "
                "fewer than that."))  # fmt: skip
        args = {"action": "length", "bars": current.bars - n}
    action, part = args.get("action"), args.get("part")
    whole = part in ("it", "this", "that", "everything", "the song", "the whole thing")
    if action == "swap" and whole and current.tool not in ("track", "edit_track"):
        return read_modify(req.as_intent(_modify()))  # "put it on a piano": the instrument
    if part in OWN_EDITS.get(current.tool, ()) and action in ("change", None):
        return read_modify(req.as_intent(_modify()))
    if current.tool == "drums" and action == "add" and part in ("chords", "bass", "pad", "keys"):
        tool = "bass" if part == "bass" else "chords"  # over a beat: locked to its kick
        owner = owner_of(tool)
        if owner is not None:
            return READERS[tool](req.as_intent(owner))
    if action is None or (action in ("remove", "change", "swap") and not part):
        return req.ask("part")
    args["file"] = midi
    args["title"] = current.title[:80]
    if genre := song_genre(current):
        args.setdefault("genre", genre)
    args.update(req.said("edit_track"))
    return req.call("edit_track", tool_args("edit_track", args))


@reader("song_info")
def read_info(req: Request) -> Route:
    named = req.slots.values.get("path", "")
    if named.lower().endswith((".mid", ".midi")):  # "what key is demo.mid in?": that file
        return req.call("song_info", {"file": named})
    current, midi = _midi(req)
    if current is None or midi is None:
        return req.ask("no_song")
    as_text = re.search(r"\b(?:as (?:a )?text|text file|write (?:out|down)|bar by bar)\b",
                        req.text, re.I)  # fmt: skip
    if current.tool == "chords" and as_text:  # the progression's own chart
        return read_modify(req.as_intent(_modify()))
    args = {"file": midi, **({"chords_text": True} if as_text else {})}
    if about := info_about(req.text):  # "what key is it in?": that answer first
        args["about"] = about
    return req.call("song_info", args)


# What a question about the song asks, by its words (first match wins).
ABOUT = (
    ("chords", r"\b(?:chords?|progression|harmony|changes)\b"),
    ("key", r"\bkey\b|\bwhat scale\b"),
    ("tempo", r"\b(?:tempo|bpm|speed|how fast|how slow)\b"),
    ("meter", r"\b(?:meter|time signature|time sig)\b"),
    ("length", r"\b(?:how long|length|how many (?:bars|measures)|duration|seconds|minutes)\b"),
    ("parts", r"\b(?:instruments?|parts?|in it|in there|playing|tracks?)\b"),
)


def info_about(text: str) -> str | None:
    return next((name for name, pattern in ABOUT if re.search(pattern, text, re.I)), None)


@reader("export_stems")
def read_export(req: Request) -> Route:
    current, midi = _midi(req)
    if current is None or midi is None:
        return req.ask("no_song")
    return req.call("export_stems", {"file": midi, **export_args(req.text)})
