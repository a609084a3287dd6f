"""`compose` and `harmonize`: the classical-ML composition engine as tools."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool

if TYPE_CHECKING:
    from models.composition.engine import Composition
    from models.music.theory import Key

Meter = Literal["2/4", "3/4", "4/4", "2/2", "6/8", "3/8", "9/8", "12/8"]
Style = Literal["chorale", "folk", "irish"]
STYLE_INSTRUMENT = {"chorale": "choir", "folk": "flute", "irish": "fiddle"}
# The lower parts under a folk or Irish tune: a soft string section, not three more flutes.
STYLE_HARMONY = {"chorale": None, "folk": "strings", "irish": "strings"}
STYLE_REGISTER = {"chorale": 69, "folk": 70, "irish": 74}  # soprano, voice-like, fiddle
# Default pace against the mood's tempo: a hymn is slower than a folk song, a dance is quicker.
STYLE_TEMPO = {"chorale": -16, "folk": 0, "irish": 16}


def is_compound(meter: tuple[int, int]) -> bool:
    """6/8, 9/8, 12/8 (and 3/8): the beat a producer counts is the dotted quarter."""
    return meter[1] == 8 and meter[0] % 3 == 0


def quarter_bpm(tempo: float, meter: tuple[int, int]) -> float:
    """MIDI tempo (quarter notes per minute) from the tempo a producer counts in beats."""
    return tempo * 1.5 if is_compound(meter) else float(tempo)


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


def _program(instrument: str) -> int:
    from assistant.core.slots import INSTRUMENTS

    if instrument not in INSTRUMENTS:
        raise ToolError(
            f"I don't know the instrument '{instrument[:30]}'. Try piano, strings, choir, flute, "
            "organ, guitar, violin or cello."
        )
    return INSTRUMENTS[instrument]


def _seed(ctx: ToolContext, seed: int | None) -> int:
    if seed is None and ctx.settings.seed is not None:
        return ctx.settings.seed
    return seed if seed is not None else secrets.randbelow(1_000_000)


def _segment_plan(ctx: ToolContext, segment: str) -> tuple[dict, str]:
    """What a listener segment plays, as compose arguments this tool accepts."""
    from typing import get_args

    from models.audience.engine import ensure_audience, segments_of
    from models.audience.insights import resolve_segment
    from tools.audience import open_store

    store = open_store(ctx)
    ensure_audience(store, ctx.progress)
    seg = resolve_segment(segments_of(store)[0], segment)
    make = dict(seg.make)
    if make.get("style") not in get_args(Style):
        make.pop("style", None)
    if make.get("meter") not in get_args(Meter):
        make.pop("meter", None)
    from assistant.core.slots import INSTRUMENTS

    if make.get("instrument") not in INSTRUMENTS:
        make.pop("instrument", None)
    return make, seg.name


def _lyrics_plan(ctx: ToolContext, lyrics: str):
    """Analyse lyrics and turn their emotion into composition choices."""
    from models.lyrics.music import plan_from_song
    from tools.lyrics import analyse_text

    result, source = analyse_text(ctx, lyrics, None, explain=False)
    first = next((e["text"] for e in result["lines"]), "")
    ref = source or (first[:60] + ("…" if len(first) > 60 or len(result["lines"]) > 1 else ""))
    return plan_from_song(result["song"]), ref


@tool(cli_name="compose")
def compose(
    ctx: ToolContext,
    key: str | None = None,
    mode: Literal["major", "minor"] | None = None,
    tempo: Annotated[int, Field(ge=30, le=260)] | None = None,
    bars: Annotated[int, Field(ge=1, le=256)] = 8,
    meter: Meter | None = None,
    style: Style | None = None,
    mood: str | None = None,
    instrument: str | None = None,
    parts: Literal[1, 4] = 4,
    audio: bool = True,
    seed: Annotated[int, Field(ge=0)] | None = None,
    lyrics: str | None = None,
    segment: Annotated[str | None, Field(max_length=200)] = None,
) -> ToolResult:
    """Compose a new piece: a Markov melody harmonised in four parts by the HMM engine.

    Args:
        key: Tonic such as C, F#, Bb or E flat (default C, or A when the mood is minor).
        mode: major or minor (default: from the mood, else major).
        tempo: Beats per minute: quarter notes, or dotted quarters in 6/8, 9/8 and 12/8
            (default: from the style and the mood).
        bars: Length in bars, 1 to 256.
        meter: Time signature (default 4/4, or from the lyrics).
        style: Corpus style: chorale (Bach), folk (Essen) or irish (O'Neill's, Ryan's)
            (default chorale, or from the lyrics).
        mood: A mood word such as hopeful, sad, calm or energetic.
        instrument: General MIDI instrument of the melody, such as piano, strings, flute or choir.
        parts: 4 for soprano, alto, tenor and bass; 1 for the melody alone.
        audio: Also render a WAV file (when an audio renderer is installed).
        seed: Same seed, same piece (default: a new random seed, reported in the reply).
        lyrics: Lyrics to write music for (text, or a .txt/.lrc path): their emotion sets the
            mode, tempo, style, meter and mood that you did not give.
        segment: A listener segment to write for, such as "late-night study crowd" or
            "segment 2": what its listeners play sets what you did not give.
    """
    from models.composition.engine import MelodyRequest, get_composer
    from models.composition.mood import mood_params
    from models.music.theory import parse_key

    why, lyric_ref = "", None
    if lyrics:
        plan, lyric_ref = _lyrics_plan(ctx, lyrics)
        given = {"mode": mode, "style": style, "meter": meter, "mood": mood}
        why = f" Music for the lyrics: {plan.explain([k for k, v in given.items() if v is None])}."
        mode, style = mode or plan.mode, style or plan.style
        meter, mood = meter or plan.meter, mood or plan.mood
    if segment:
        given = {"mode": mode, "style": style, "meter": meter, "mood": mood, "tempo": tempo,
                 "instrument": instrument}  # fmt: skip
        make, name = _segment_plan(ctx, segment)
        taken = {k: v for k, v in make.items() if given.get(k, 0) is None}
        mode, style = mode or taken.get("mode"), style or taken.get("style")
        meter, mood = meter or taken.get("meter"), mood or taken.get("mood")
        tempo, instrument = tempo or taken.get("tempo"), instrument or taken.get("instrument")
        if taken:
            said = ", ".join(f"{k} {v}" for k, v in taken.items())
            why += f" Written for the {name}: {said}, from what they play."
        if style is None:  # what they play is no style the engine writes: a song, not a hymn
            style = "folk"
            why += " Their music has no style the engine writes, so it is a folk-song form."
    meter, style = meter or "4/4", style or "chorale"
    feel = mood_params(mood)
    mode = mode or feel.mode
    the_key = parse_key(key or ("A" if mode == "minor" else "C"), mode)
    tempo = tempo or feel.tempo_bpm + STYLE_TEMPO[style]
    instrument = (instrument or STYLE_INSTRUMENT[style]).lower()
    program = _program(instrument)
    harmony = STYLE_HARMONY[style] if instrument == STYLE_INSTRUMENT[style] else None
    seed = _seed(ctx, seed)
    num, den = (int(x) for x in meter.split("/"))
    ctx.progress(0.1, "loading the composition model")
    composer = get_composer()
    ctx.progress(0.4, "sampling the melody and its harmony")
    composition = composer.compose(
        MelodyRequest(
            key=the_key,
            meter=(num, den),
            bars=bars,
            tempo_bpm=quarter_bpm(tempo, (num, den)),
            style=style,
            seed=seed,
            register_center=STYLE_REGISTER[style] + feel.register_shift,
            density=feel.density,
            program=program,
            velocity=feel.velocity,
            parts=parts,
            harmony_program=_program(harmony) if harmony else None,
        )
    )
    words = [w for w in (mood, piece_noun(style, meter)) if w]
    title = " ".join(words) + f" in {the_key.name}"
    scoring = f"for {instrument}" + (f" and {harmony}" if harmony and parts == 4 else "")
    texture = "in four parts, " if parts == 4 else ""
    summary = (
        f"Composed {_article(bars)} {bars}-bar {title}, {texture}{meter} at {tempo} bpm, "
        f"{scoring} (seed {seed})."
    ) + why
    attrs = {"tempo": tempo, "meter": meter, "bars": bars, "style": style, "mood": mood,
             "instrument": instrument, "parts": parts, "seed": seed, "lyrics": lyric_ref}  # fmt: skip
    stem = f"{'-'.join(words)}-{the_key.name.replace(' ', '-')}-s{seed}"
    return _piece_result(ctx, composition, title, stem, summary, attrs, audio, tool="compose")


@tool(cli_name="harmonize", cli_argument="file")
def harmonize(
    ctx: ToolContext,
    file: str,
    key: str | None = None,
    mode: Literal["major", "minor"] | None = None,
    style: Style = "chorale",
    instrument: str | None = None,
    tempo: Annotated[int, Field(ge=30, le=260)] | None = None,
    audio: bool = True,
) -> ToolResult:
    """Harmonise your melody (a MIDI file) in four parts: HMM chords, then SATB voice-leading.

    Args:
        file: A .mid file in the workspace; its top line (the highest track) is the melody.
        key: Tonic such as G or Bb (default: found from the melody's notes).
        mode: major or minor (default: found with the key).
        style: Harmonic rhythm: chorale (a chord per beat), folk or irish (about one per half bar).
        instrument: General MIDI instrument of the four parts (default choir for a chorale).
        tempo: Beats per minute, dotted quarters in 6/8 (default: the file's tempo).
        audio: Also render a WAV file (when an audio renderer is installed).
    """
    from models.composition.engine import MelodyRequest, get_composer
    from models.composition.melody_input import melody_from_midi
    from models.music.theory import parse_key

    path = ctx.input_path(file, (".mid", ".midi"))
    ctx.progress(0.1, "reading the melody")
    given: Key | None = parse_key(key, mode) if key else None
    tune = melody_from_midi(path, given, mode)
    instrument = (instrument or STYLE_INSTRUMENT[style]).lower()
    program = _program(instrument)
    ctx.progress(0.3, "finding chords and voicing them")
    composer = get_composer()
    beat_bpm = tempo or round(tune.tempo_bpm / quarter_bpm(1.0, tune.meter))
    req = MelodyRequest(
        key=tune.key,
        meter=tune.meter,
        bars=tune.bars,
        tempo_bpm=quarter_bpm(beat_bpm, tune.meter),
        style=style,
        program=program,
        parts=4,
    )
    composition = composer.arrange(tune.notes, req)
    title = f"harmonisation of {path.stem[:40]} in {tune.key.name}"
    shift = (
        f", moved {abs(tune.shift) // 12} octave{'s' if abs(tune.shift) > 12 else ''} "
        f"{'up' if tune.shift > 0 else 'down'} to sit in the soprano range"
        if tune.shift
        else ""
    )
    found = "" if given else " (key found from the notes)"
    summary = (
        f"Harmonised {path.name} in four parts: {tune.bars} bars in {tune.key.name}{found}, "
        f"{req.meter[0]}/{req.meter[1]} at {beat_bpm} bpm, for {instrument}{shift}."
    )
    attrs = {"tempo": beat_bpm, "meter": f"{req.meter[0]}/{req.meter[1]}",
             "bars": tune.bars, "style": style, "instrument": instrument, "parts": 4,
             "source": str(path)}  # fmt: skip
    stem = f"{path.stem}-harmonised-{tune.key.name.replace(' ', '-')}"
    return _piece_result(ctx, composition, title, stem, summary, attrs, audio, tool="harmonize")


def _piece_result(
    ctx: ToolContext,
    composition: Composition,
    title: str,
    stem: str,
    summary: str,
    attrs: dict,
    audio: bool,
    tool: str,
    focus_bar: int = 1,
) -> ToolResult:
    """Write the files, build the reply's preview and the song's attribute table.

    The preview and the chords named in the summary start at `focus_bar` (the first new bar of a
    continuation or a rewrite).
    """
    from models.composition.engine import Composition, chord_name
    from models.music.export import export_piece
    from models.music.piece import Piece
    from models.music.preview import to_piano_roll, to_voice_table

    piece = composition.piece
    files, note = export_piece(piece, ctx.output_path(stem, ".mid"), audio, ctx.progress)
    notes = piece.all_notes()
    melody = piece.tracks[0]
    if composition.chords:
        symbols = [(start, chord_name(c, piece.key, short=True)) for start, c in composition.chords]
        slot = (
            composition.chords[1][0] - composition.chords[0][0]
            if len(composition.chords) > 1
            else piece.beats_per_bar
        )
        roll = to_piano_roll(
            Piece(piece.key, piece.tempo_bpm, piece.meter, piece.bars, [melody]),
            max_rows=10,
            first_bar=focus_bar,
        )
        table = to_voice_table(piece, symbols, slot, first_bar=focus_bar)
        preview = table + "\n\nMelody:\n" + roll
        offset = (focus_bar - 1) * piece.beats_per_bar - 1e-6
        named = Composition(piece, [c for c in composition.chords if c[0] >= offset])
        where = f" from bar {focus_bar}" if focus_bar > 1 else ""
        summary += f" Chords{where}: {' '.join(named.chord_symbols(12))}"
        summary += " ..." if len(named.chord_symbols(13)) > 12 else "."
    else:
        preview = to_piano_roll(piece, first_bar=focus_bar)
    if note:
        summary += " " + note
    key = piece.key
    song = {"title": title, "tool": tool, "key": key.tonic_name, "mode": key.mode, **attrs,
            "files": files}  # fmt: skip
    return ToolResult(
        summary=summary,
        data={
            "key": key.name,
            **attrs,
            "notes": len(notes),
            "duration_sec": round(piece.duration_sec, 1),
            "lowest": min(n.pitch for n in notes),
            "highest": max(n.pitch for n in notes),
            "chords": composition.chord_symbols(64),
            "numerals": composition.numerals(64),
        },
        files=list(files.values()),
        preview=preview,
        song=song,
    )
