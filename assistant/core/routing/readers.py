"""Argument readers: a message whose intent is known -> the tool call, or a question.

A tool whose arguments are just the slots its intent lists needs no code here: its intent YAML
says `reader: slots`. A tool that reads more (lyrics, a segment, bars to redo) has its reader
registered by tool name with `@reader(...)`; intents that call no tool (`modify`, `unclear`) have
theirs registered by intent name. The router only looks readers up (`reader_for`), and a test
fails when a tool has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.core.routing.drum_slots import drum_args, drum_changes
from assistant.core.routing.generate_slots import generate_args, wants_generation
from assistant.core.routing.harmony_slots import (
    NEW_REQUEST,
    about_current,
    harmony_args,
    harmony_changes,
    harmony_style,
    harmony_style_names,
    key_change,
    style_bass,
)
from assistant.core.routing.messages import (
    apply_changes,
    audience_args,
    compose_segment,
    lyrics_arg,
    song_position,
    tool_args,
)
from assistant.core.routing.route import Request, Route
from assistant.core.routing.slots import extract_slots
from models.intents.intent import Intent, owner_of, shipped_intents

if TYPE_CHECKING:
    from assistant.store.songs import Song
from models.intents.message import LYRIC_WORDS

Reader = Callable[[Request], Route]
# Parts a beat request may also ask for, which the drum tool does not write.
OTHER_PARTS = re.compile(
    r"\b(?:(?!(?:with|a|an|the|and|some|no)\b)[\w-]+\s+)?(?:chords?|bass ?lines?|basses|melod(?:y|ies)|leads?|vocals?|keys|rhodes|"
    r"piano|synths?|pads?|strings|guitars?|808s?)\b(?:\s+chords?)?",
    re.I,
)
READERS: dict[str, Reader] = {}  # tool name -> reader
INTENT_READERS: dict[str, Reader] = {}  # intent name -> reader, for intents without a tool
# Words that point at "a song" without naming one: "share the song" names nothing.
GENERIC_SONG_WORDS = {"song", "track", "tune", "piece", "one", "thing", "melody", "new",
                      "latest", "last"}  # fmt: skip


def reader(*tools: str, intent: str | None = None) -> Callable[[Reader], Reader]:
    """Register a reader for these tools (or for a tool-less intent)."""

    def register(fn: Reader) -> Reader:
        for name in tools:
            READERS[name] = fn
        if intent:
            INTENT_READERS[intent] = fn
        return fn

    return register


def _named_song(req: Request) -> str | None:
    """'the waltz', 'the hopeful chorale': a reference that names more than 'the song'."""
    ref = req.slots.song_ref or ""
    return ref if ref and set(ref.split()) - GENERIC_SONG_WORDS else None


def _lyrics_quoted(req: Request) -> Request:
    """'music for these words: "..."': the quote is the lyrics, not part of the request."""
    if not req.quoted:
        return req
    return replace(
        req,
        text=req.probe,
        payload=req.quoted.group(1),
        quoted=None,
        slots=extract_slots(req.probe),
    )


def read_slots(req: Request) -> Route:
    """The intent's slots as the tool's arguments; asks for a file the tool cannot do without."""
    tool = req.intent.tool or ""
    args = req.said(tool)
    if "file" in req.intent.questions and "file" not in args:
        return req.ask("file")
    return req.call(tool, args)


def _described_genre(text: str) -> str | None:
    """The genre a described sound names ("a track like this: rapping over a trap beat"): a
    full track in that genre, not a melody."""
    from models.arrangement.genres import find_genre
    from models.intents.message import DESCRIBED

    described = DESCRIBED.match(text)
    genre = find_genre(text[described.end() :]) if described else None
    # a ballad or a singer-songwriter piece described is a melody with its accompaniment
    return genre if genre not in (None, "chorale", "folk", "irish", "ballad", "songwriter") else None


NEURAL = re.compile(r"\b(?:neural|transformer)\b", re.I)


@reader("compose")
def read_compose(req: Request) -> Route:
    """A new piece from the composition engine; one that names the neural engine is its."""
    from assistant.core.routing.track_slots import contradiction

    if NEURAL.search(req.text) and (generate := owner_of("generate")) is not None:
        return READERS["generate"](req.as_intent(generate))
    if question := contradiction(req.text):
        return Route(req.intent.name, None, {}, req.score, question=question)
    if _described_genre(req.text) and (track := owner_of("track")) is not None:
        return READERS["track"](req.as_intent(track))  # "a track like this: ... a trap beat"
    if LYRIC_WORDS.search(req.text):
        req = _lyrics_quoted(req)
    args = req.said("compose")
    if segment := compose_segment(req.text, req.state):
        args["segment"] = segment
    elif lyrics := lyrics_arg("compose", req.text, req.payload, req.slots, req.state):
        args["lyrics"] = lyrics
    return req.call("compose", args)


@reader("analyze_lyrics")
def read_lyrics(req: Request) -> Route:
    req = _lyrics_quoted(req)
    args = req.said("analyze_lyrics")
    lyrics = lyrics_arg("analyze_lyrics", req.text, req.payload, req.slots, req.state)
    if not lyrics:
        return req.ask("lyrics")
    return req.call("analyze_lyrics", {**args, "lyrics": lyrics})


@reader("generate")
def read_generate(req: Request) -> Route:
    return req.call("generate", generate_args(req.text, req.said("generate"), req.state))


@reader("drums")
def read_drums(req: Request) -> Route:
    """Tempo, bars, meter and seed from the slots; style, feel, fills and kit from drum words.

    A beat asked for with other parts ("with warm Rhodes chords") gets the drums and a plain
    note that the other parts are not written, never a silent drop."""
    note = None
    other = OTHER_PARTS.search(req.text)
    if other and re.search(r"\b(?:no|without)\s+$", req.text[: other.start()], re.I):
        other = None  # "a beat with no piano"
    if other and not re.search(r"\bvocals?\b", other.group(0), re.I):  # a beat with chords: a track
        track = owner_of("track")
        if track is not None and "track" in READERS:
            return READERS["track"](req.as_intent(track))
    if other and re.search(r"melod|lead|vocal", other.group(0), re.I):
        note = (f"I wrote the drums only: {other.group(0)} over a beat come with full tracks, "
                "which I can't write yet. Nearest now: 'compose a melody in A minor' writes a "
                "harmonised melody you can lay over this beat.")  # fmt: skip
    elif other:
        note = (f"I wrote the drums first: say 'add {other.group(0).strip()}' and I'll write "
                "them over this beat, with a bass locked to its kick.")  # fmt: skip
    return req.call("drums", {**req.said("drums"), **drum_args(req.text)}, note)


ON_THE_BEAT = re.compile(r"\b(?:it|this|that|the beat|my beat|this beat|the drums|the groove|"
                         r"the loop)\b|^\s*(?:now\s+)?add\b", re.I)  # fmt: skip
# A message about the current progression ("the chords as text", "bass only for it").
ON_THE_CHORDS = re.compile(r"\b(?:it|them|this|that|these chords|the chords|the progression|"
                           r"the bass ?(?:line)?|this progression)\b|^\s*(?:\w+\s+)?only\b|"
                           r"\bonly\s*$", re.I)  # fmt: skip
BEAT_TOO = re.compile(
    r"\b(?:beats?|drums?|drum (?:beat|loop|groove|pattern)|grooves?)\b(?!\.\w)", re.I
)


@reader("chords", "bass")
def read_harmony(req: Request) -> Route:
    """A progression typed in the message, style, section, instrument and idiom words; over the
    current beat ("add a bassline to it"), the bass locks to its kick. About the current
    progression ("give me the chords as text"), it is a follow-up."""
    tool = req.intent.tool or "chords"
    said = harmony_args(req.text)
    current = req.state.current if req.state else None
    on_chords = about_current(req.text) or (
        ON_THE_CHORDS.search(req.text) and not NEW_REQUEST.search(req.text) and "section" not in said
    )
    if current is not None and current.tool == "chords" and on_chords and "progression" not in said:
        modify = next((i for i in shipped_intents() if i.name == "modify"), None)
        if modify is not None:
            return read_modify(req.as_intent(modify))
    args = {**req.said(tool), **said}
    note = None
    if current is not None and current.tool == "drums" and ON_THE_BEAT.search(req.text):
        if midi := current.files.get("midi"):
            args["drums"] = midi
            if current.style in harmony_style_names():  # the beat's bass idiom under any chords
                args.setdefault("bass_style", style_bass(current.style))
                args.setdefault("style", current.style)
    elif BEAT_TOO.search(req.text) and not re.search(
        r"\b(?:for|under|over|to) (?:my|a|the|this) "
        r"(?:\w+ )?(?:beat|drums|groove)",
        req.text,
        re.I,
    ):
        note = ("I wrote the chords and bass only: say 'make the beat' for drums, and 'add a "
                "bassline to it' over a beat locks the bass to its kick.")  # fmt: skip
    return req.call(tool, tool_args(tool, args), note)


@reader("harmonize")
def read_harmonize(req: Request) -> Route:
    """A melody file to harmonise: four parts, or a producer's style ("in pop style", "with
    lo-fi chords") when the message names one the tool plays."""
    args = req.said("harmonize")
    if "file" not in args:
        return req.ask("file")
    style = harmony_style(req.text)
    if style and style in tool_style_choices("harmonize"):
        args["style"] = style
    return req.call("harmonize", args)


@reader("share_song")
def read_share(req: Request) -> Route:
    from assistant.core.routing.audience_slots import quoted_title, unquoted_title

    song = quoted_title(req.text) or _named_song(req) or unquoted_title(req.text)
    return req.call("share_song", {"song": song} if song else req.said("share_song"))


@reader("find_song")
def read_find_song(req: Request) -> Route:
    title = re.search(r"[\"“]([^\"”]{3,})[\"”]", req.text)  # a quoted title
    query = title.group(1) if title else req.slots.song_ref or req.text
    args = {"query": query, **({"when": req.slots.when} if req.slots.when else {})}
    if (position := song_position(req.text)) is not None:
        args["position"] = position  # "the second one": this conversation's second song
    return req.call("find_song", args)


@reader("find_audience", "similar_songs", "import_catalog", "import_listeners")
def read_audience(req: Request) -> Route:
    """A song, a segment, a release date; a folder of songs or .csv files of listening data."""
    asked = req.intent.tool or ""
    tool, args = audience_args(asked, req.text, req.slots.values.get("path"), req.state)
    named = _named_song(req) if tool in ("find_audience", "similar_songs") else None
    if named and "song" not in args and "segment" not in args:
        args["song"] = named  # "the waltz", "the jig from yesterday"
    if tool == "import_catalog" and not args:
        return req.ask("folder")
    return req.call(tool, args)


NEGATED_EDIT = re.compile(r"\b(?:not|no|rather than|instead of)\s+(?:any\s+|too\s+|much\s+)?\w+er\b",
                          re.I)  # fmt: skip
OPPOSITE_EDITS = (("faster", "slower"), ("happier", "sadder"), ("brighter", "darker"),
                  ("longer", "shorter"), ("louder", "softer"))  # fmt: skip


@reader(intent="modify")
def read_modify(req: Request) -> Route:
    """A change to the current song: its attribute table with what the message changes."""
    current = req.state.current if req.state else None
    if current is not None and wants_generation(req.text):
        generate = owner_of("generate")  # "add 8 more bars", "redo the last four bars"
        if generate is not None:
            return READERS["generate"](req.as_intent(generate))
    if current is None:
        return req.ask("no_song")
    said_text = NEGATED_EDIT.sub(" ", req.text)  # "brighter, not darker" asks for one thing
    for a, b in OPPOSITE_EDITS:  # "faster but also slower": one question, not a guess
        if re.search(rf"\b{a}\b", said_text, re.I) and re.search(rf"\b{b}\b", said_text, re.I):
            return Route(req.intent.name, None, {}, req.score, question=(
                f"{a.capitalize()} or {b}? Say which one and I'll change it."))  # fmt: skip
    args = current.args()
    changes = _changes(req, current, args)
    said = {k: v for k, v in req.slots.values.items() if k in req.intent.slots}
    if "key" in changes:  # "up a whole step": a key, as if named
        said.setdefault("key", changes.pop("key"))
    if current.tool in ("track", "edit_track"):  # tempo, key, length: the parts kept as they are
        from assistant.core.routing.track_slots import track_change

        if (route := track_change(current, changes, said, req.text)) is not None:
            return replace(route, confidence=req.score)
        if current.tool == "edit_track" and "meter" in said:
            return Route(req.intent.name, None, {}, req.score, question=(
                f"A new meter rewrites every part, so it is a new track: ask for one in "
                f"{said['meter']} (for example 'a lo-fi track in {said['meter']}')."))  # fmt: skip
        if current.tool == "edit_track":
            return req.ask("what", title=current.title)
    if current.tool == "chords":  # its own instrument words ("synth bass" is the bass); a new key
        said.pop("instrument", None)
        if "replace" in changes:  # "make the second chord minor" names a chord, not the key
            said.pop("mode", None)
            said.pop("key", None)
        changes.update(key_change(args, said, changes))
    if not changes and not said and req.score < 1.0:
        return req.ask("what", title=current.title)
    if "tempo" in changes and req.slots.tempo_word:  # "slow it down": relative, not "slow" = 66
        said.pop("tempo", None)
    before = tool_args(current.tool, dict(args))
    args.update(changes)
    args.update(said)
    if said and tool_args(current.tool, args) == before:  # "same but in minor" on a minor piece
        return Route(req.intent.name, None, {}, req.score, question=_already(current, said))
    return req.call(current.tool, tool_args(current.tool, args))


def _already(current: Song, said: dict) -> str:
    """One sentence: the song already is what the follow-up asks for; how to change it."""
    bits = {"key": f"in {said.get('key')} {said.get('mode', current.mode or '')}".rstrip(),
            "mode": f"in {current.key or ''} {said.get('mode')}".replace("  ", " "),
            "tempo": f"at {said.get('tempo')} bpm", "bars": f"{said.get('bars')} bars long",
            "meter": f"in {said.get('meter')}", "instrument": f"for {said.get('instrument')}",
            "mood": f"{said.get('mood')}", "style": f"a {said.get('style')} piece"}  # fmt: skip
    what = " and ".join(dict.fromkeys(bits[k] for k in said if k in bits)) or "like that"
    return (f"'{current.title}' is already {what}: nothing to change. Say what should change, "
            "for example 'make it faster', 'in a major key' or 'another version'.")


def tool_style_choices(tool: str) -> set[str]:
    """The styles a tool's schema accepts (its `style` parameter's choices)."""
    from tools import REGISTRY

    properties = REGISTRY[tool].json_schema()["parameters"]["properties"]
    return set(properties.get("style", {}).get("enum", ()))


def _changes(req: Request, current: Song, args: dict) -> dict:
    """What a follow-up changes: the relative edits every song takes, and a beat's own."""
    changes = apply_changes(req.text, args)
    if current.tool == "drums":
        changes.update(drum_changes(req.text, args))
    elif current.tool == "chords":
        changes.update(harmony_changes(req.text, args))
    elif current.tool == "harmonize" and (style := harmony_style(req.text)) in tool_style_choices(
        "harmonize"
    ):
        changes["style"] = style  # "more jazzy" on a pop harmonisation
    return changes


@reader(intent="unclear")
def read_unclear(req: Request) -> Route:
    return Route("unclear", None, {}, req.score, question=req.intent.questions["unclear"])


GENERIC_READERS: dict[str, Reader] = {"slots": read_slots}  # by the name an intent YAML gives


def reader_for(intent: Intent) -> Reader | None:
    """The reader of a message with this intent: the intent's own, its tool's, or the generic one
    its YAML names. None for intents the session answers itself (smalltalk, undo)."""
    return (
        INTENT_READERS.get(intent.name)
        or READERS.get(intent.tool or "")
        or GENERIC_READERS.get(intent.reader or "")
    )
