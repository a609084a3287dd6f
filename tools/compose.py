"""`compose`: the classical-ML composition engine as a tool."""

from __future__ import annotations

import secrets
from typing import Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool

Meter = Literal["2/4", "3/4", "4/4", "2/2", "6/8", "3/8", "9/8", "12/8"]
Style = Literal["chorale", "folk", "irish"]
STYLE_INSTRUMENT = {"chorale": "choir", "folk": "flute", "irish": "fiddle"}
STYLE_REGISTER = {"chorale": 69, "folk": 70, "irish": 74}  # soprano, voice-like, fiddle


def piece_noun(style: str, meter: str) -> str:
    """What a producer calls the piece: a chorale, a waltz, a jig, a reel, a folk song."""
    if style == "chorale":
        return "chorale"
    if style == "irish":
        return {"6/8": "jig", "9/8": "slip jig", "12/8": "slide", "3/4": "irish waltz"}.get(
            meter, "reel"
        )
    return "waltz" if meter == "3/4" else "folk song"


def _article(number: int) -> str:
    """'an' before numbers spoken with a vowel sound: an 8-bar, an 11-bar, an 18-bar, an 80-bar."""
    spoken = str(number)
    return "an" if spoken.startswith("8") or spoken in ("11", "18") else "a"


@tool(cli_name="compose")
def compose(
    ctx: ToolContext,
    key: str | None = None,
    mode: Literal["major", "minor"] | None = None,
    tempo: Annotated[int, Field(ge=30, le=260)] | None = None,
    bars: Annotated[int, Field(ge=1, le=256)] = 8,
    meter: Meter = "4/4",
    style: Style = "chorale",
    mood: str | None = None,
    instrument: str | None = None,
    seed: Annotated[int, Field(ge=0)] | None = None,
) -> ToolResult:
    """Compose a new melody with the Markov engine trained on real corpora.

    Args:
        key: Tonic such as C, F#, Bb or E flat (default C, or A when the mood is minor).
        mode: major or minor (default: from the mood, else major).
        tempo: Beats per minute (default: from the mood, else 96).
        bars: Length in bars, 1 to 256.
        meter: Time signature.
        style: Corpus style: chorale (Bach), folk (Essen) or irish (O'Neill's, Ryan's).
        mood: A mood word such as hopeful, sad, calm or energetic.
        instrument: General MIDI instrument such as piano, strings, flute or choir.
        seed: Same seed, same piece (default: a new random seed, reported in the reply).
    """
    from assistant.core.slots import INSTRUMENTS
    from models.composition.engine import MelodyRequest, get_composer
    from models.composition.mood import mood_params
    from models.music.midi_io import write_midi
    from models.music.preview import to_piano_roll
    from models.music.theory import parse_key

    feel = mood_params(mood)
    mode = mode or feel.mode
    the_key = parse_key(key or ("A" if mode == "minor" else "C"), mode)
    tempo = tempo or feel.tempo_bpm
    instrument = (instrument or STYLE_INSTRUMENT[style]).lower()
    if instrument not in INSTRUMENTS:
        raise ToolError(
            f"I don't know the instrument '{instrument[:30]}'. Try piano, strings, choir, flute, "
            "organ, guitar, violin or cello."
        )
    if ctx.settings.seed is not None and seed is None:
        seed = ctx.settings.seed
    seed = seed if seed is not None else secrets.randbelow(1_000_000)
    num, den = (int(x) for x in meter.split("/"))
    ctx.progress(0.1, "loading the composition model")
    composer = get_composer()
    ctx.progress(0.5, "sampling the melody")
    piece = composer.compose(
        MelodyRequest(
            key=the_key,
            meter=(num, den),
            bars=bars,
            tempo_bpm=float(tempo),
            style=style,
            seed=seed,
            register_center=STYLE_REGISTER[style] + feel.register_shift,
            density=feel.density,
            program=INSTRUMENTS[instrument],
            velocity=feel.velocity,
        )
    )
    words = [w for w in (mood, piece_noun(style, meter)) if w]
    title = " ".join(words) + f" in {the_key.name}"
    midi_path = ctx.output_path(
        f"{'-'.join(words)}-{the_key.name.replace(' ', '-')}-s{seed}", ".mid"
    )
    ctx.progress(0.8, "writing MIDI")
    write_midi(piece, midi_path)
    notes = piece.all_notes()
    attrs = {"tempo": tempo, "meter": meter, "bars": bars, "style": style, "mood": mood,
             "instrument": instrument, "seed": seed}  # fmt: skip
    song = {"title": title, "tool": "compose", "key": the_key.tonic_name, "mode": the_key.mode,
            **attrs, "files": {"midi": str(midi_path)}}  # fmt: skip
    return ToolResult(
        summary=f"Composed {_article(bars)} {bars}-bar {title}, {meter} at {tempo} bpm, "
        f"for {instrument} (seed {seed}).",
        data={
            "key": the_key.name,
            **attrs,
            "notes": len(notes),
            "duration_sec": round(piece.duration_sec, 1),
            "lowest": min(n.pitch for n in notes),
            "highest": max(n.pitch for n in notes),
        },
        files=[str(midi_path)],
        preview=to_piano_roll(piece),
        song=song,
    )
