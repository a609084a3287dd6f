"""`chords` and `bass`: progressions learned from pop and rock (or typed by the producer, kept
exactly), voiced for the instrument asked, with a bassline that follows them and locks to a beat.
The reply shows the chord symbols bar by bar."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool
from tools.pieces import seed_of

Text = Annotated[str, Field(max_length=40)]
Section = Literal["intro", "verse", "prechorus", "chorus", "bridge", "instrumental", "outro"]
Rate = Literal[0.5, 1.0, 2.0]
Bars = Annotated[int, Field(ge=1, le=256)]
Tempo = Annotated[int, Field(ge=40, le=300)]


@tool(cli_name="chords", cli_argument="progression")
def chords(
    ctx: ToolContext,
    progression: Annotated[str, Field(max_length=4000)] | None = None,
    key: Annotated[str, Field(max_length=12)] | None = None,
    mode: Literal["major", "minor"] | None = None,
    style: Text = "pop",
    mood: Text | None = None,
    section: Section = "verse",
    bars: Bars | None = None,
    instrument: Text | None = None,
    rhythm: Text | None = None,
    play: Literal["both", "chords", "bass"] = "both",
    bass_style: Text | None = None,
    harmonic_rhythm: Rate = 1.0,
    replace: list[Annotated[str, Field(max_length=20)]] | None = None,
    recolour: bool | None = None,
    hold_repeats: bool = False,
    drums: Annotated[str, Field(max_length=500)] | None = None,
    tempo: Tempo | None = None,
    meter: Literal["4/4", "3/4", "6/8"] = "4/4",
    chart: bool = False,
    audio: bool = True,
    seed: Annotated[int, Field(ge=0)] | None = None,
) -> ToolResult:
    """Write a chord progression with a bassline: learned from pop and rock songs, or as typed.

    Args:
        progression: Chords to play exactly: symbols ("Am F C G", "Cmaj7 | Dm7 G7"), Roman
            numerals ("ii-V-I", "I-V-vi-IV") or Nashville numbers ("1 5 6m 4"); "|" between
            bars. Without it the model writes one.
        key: Tonic such as C, F#, Bb (default: read from the chords, else C or A).
        mode: major or minor (default: from the chords or the mood).
        style: pop, ballad, rock, punk, folk, country, soul, R&B, gospel, jazz, bossa nova,
            lo-fi, hip hop, boom bap, trap, house, techno, disco, funk, reggae, synthwave, EDM.
        mood: happy, hopeful, sad, dark, romantic, epic, nostalgic, chill, dreamy, tense...
        section: The song section the progression is for (its harmonic habits are learned).
        bars: Length in bars, 1 to 256 (default 8, or the typed progression's length).
        instrument: piano, Rhodes (electric piano), organ, clavinet, pad, strings, guitar,
            acoustic guitar, nylon guitar, distortion guitar, synth (default: the style's).
        rhythm: block, pad, pulse, half, arpeggio, stabs, strum, comping, bossa, lofi, skank
            or funk (default: the style's).
        play: both (chords and bass), chords, or bass only.
        bass_style: pop, root, rootfifth, eighths, octave, offbeat, walking, funk or 808
            (default: the style's).
        harmonic_rhythm: 2 changes chords twice as often, 0.5 half as often.
        replace: Chord changes as "N=CHORD" (chord number N, counted from 1, becomes CHORD:
            a symbol or a Roman numeral such as "2=IV").
        recolour: Give the style's colour (7ths, 9ths) to the progression's chords (default:
            only to Roman numerals and Nashville numbers, in a style with colour; typed chord
            symbols are kept as written).
        hold_repeats: A chord written again in the next bar is held, not struck again (the
            progression as Cadenza wrote it, read back by a follow-up).
        drums: A MIDI file with a drum part: the bass locks to its kick and the file's drums
            are kept in the new MIDI (its tempo, meter and length are used unless given).
        tempo: Beats per minute (default: the style's).
        meter: 4/4, 3/4 or 6/8.
        chart: Also write the chord chart as a text file.
        audio: Also render a WAV file (when an audio renderer is installed).
        seed: Same seed, same progression (default: a new random seed, in the reply).
    """
    return _write(ctx, locals())


@tool(cli_name="bass", cli_argument="progression")
def bass(
    ctx: ToolContext,
    progression: Annotated[str, Field(max_length=4000)] | None = None,
    key: Annotated[str, Field(max_length=12)] | None = None,
    mode: Literal["major", "minor"] | None = None,
    style: Text = "pop",
    bass_style: Text | None = None,
    bars: Bars | None = None,
    drums: Annotated[str, Field(max_length=500)] | None = None,
    tempo: Tempo | None = None,
    meter: Literal["4/4", "3/4", "6/8"] = "4/4",
    audio: bool = True,
    seed: Annotated[int, Field(ge=0)] | None = None,
) -> ToolResult:
    """Write a bassline under a progression (typed, or learned), locked to a beat's kick.

    Args:
        progression: The chords to play under ("Dm Bb F C", "ii-V-I", "1 5 6m 4"); without it
            the model writes a progression and the bass follows it.
        key: Tonic such as C, F#, Bb (default: read from the chords).
        mode: major or minor.
        style: The style whose bass idiom to play (pop, rock, disco, house, funk, jazz, trap...).
        bass_style: pop, root, rootfifth, eighths, octave, offbeat, walking, funk or 808.
        bars: Length in bars, 1 to 256 (default 8, or the progression's length).
        drums: A MIDI file with a drum part to lock the bass to (kept in the new MIDI).
        tempo: Beats per minute (default: the style's, or the drum file's).
        meter: 4/4, 3/4 or 6/8.
        audio: Also render a WAV file (when an audio renderer is installed).
        seed: Same seed, same bassline (default: a new random seed, in the reply).
    """
    args = dict(locals(), play="bass")
    return _write(ctx, args)


def _write(ctx: ToolContext, args: dict) -> ToolResult:
    from models.harmony.engine import HarmonyRequest, get_engine
    from models.harmony.styles import get_style
    from tools.harmony_io import drum_lock, given_progression, result

    given, key, notation = given_progression(args)
    numerals = notation in ("roman", "nashville") and get_style(args["style"]).colour != "triad"
    recolour = numerals if args.get("recolour") is None else bool(args["recolour"])
    lock = drum_lock(args.get("drums"))
    bars = args.get("bars") or (len(given) if given and len(given) > 1 else None) or 8
    request = HarmonyRequest(
        key=key, progression=given, section=args.get("section", "verse"), mood=args.get("mood"),
        style=args["style"], bars=lock.bars if lock and not args.get("bars") else bars,
        meter=lock.meter if lock else args["meter"], instrument=args.get("instrument"),
        rhythm=args.get("rhythm"), bass_style=args.get("bass_style"),
        parts={"both": ("chords", "bass"), "chords": ("chords",), "bass": ("bass",)}[args["play"]],
        harmonic_rhythm=float(args.get("harmonic_rhythm", 1.0)),
        tempo_bpm=args.get("tempo") or (lock.tempo if lock else None), seed=seed_of(ctx, args["seed"]),
        kicks=lock.kicks if lock else None, recolour=recolour,
        hold_repeats=bool(args.get("hold_repeats")),
    )  # fmt: skip
    ctx.progress(0.1, "loading the harmony model")
    harmony = get_engine().write(request)
    if not harmony.chord_notes and not harmony.bass_notes:
        raise ToolError("That leaves nothing to play; ask for chords, bass or both.")
    origin = ("learned" if given is None else "numerals" if notation != "symbols" else
              "kept" if args.get("recolour") else "typed")  # fmt: skip
    return result(ctx, harmony, args, lock, origin)
