"""`compose` and `harmonize`: the classical-ML composition engine as tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolResult, tool
from tools.pieces import (
    STYLE_HARMONY,
    STYLE_INSTRUMENT,
    STYLE_REGISTER,
    STYLE_TEMPO,
    Meter,
    Style,
    article,
    gm_program,
    key_note,
    piece_noun,
    piece_result,
    quarter_bpm,
    seed_of,
    tune_source,
)

if TYPE_CHECKING:
    from models.music.theory import Key

def _segment_plan(ctx: ToolContext, segment: str) -> tuple[dict, str]:
    """What a listener segment plays, as compose arguments this tool accepts."""
    from typing import get_args

    from models.audience.engine import ensure_audience, segments_of
    from models.audience.insights import resolve_segment
    from tools.pieces import open_store

    store = open_store(ctx)
    ensure_audience(store, ctx.progress)
    seg = resolve_segment(segments_of(store)[0], segment)
    make = dict(seg.make)
    if make.get("style") not in get_args(Style):
        make.pop("style", None)
    if make.get("meter") not in get_args(Meter):
        make.pop("meter", None)
    from models.music.vocabulary import INSTRUMENTS

    if make.get("instrument") not in INSTRUMENTS:
        make.pop("instrument", None)
    return make, seg.name


def _fill_brief(
    ctx: ToolContext, brief: dict, lyrics: str | None, segment: str | None
) -> tuple[str, str | None]:
    """Fill what the producer left open from the lyrics' emotion, then from what a listener
    segment plays; returns the reply's reasons and the lyrics' reference."""
    why, lyric_ref = "", None
    if lyrics:
        plan, lyric_ref = _lyrics_plan(ctx, lyrics)
        open_ = [k for k in ("mode", "style", "meter", "mood") if brief[k] is None]
        why = f" Music for the lyrics: {plan.explain(open_)}."
        for k in ("mode", "style", "meter", "mood"):
            brief[k] = brief[k] or getattr(plan, k)
    if segment:
        make, name = _segment_plan(ctx, segment)
        taken = {k: v for k, v in make.items() if brief.get(k, 0) is None}
        for k in brief:
            brief[k] = brief[k] or taken.get(k)
        if taken:
            said = ", ".join(f"{k} {v}" for k, v in taken.items())
            why += f" Written for the {name}: {said}, from what they play."
        if brief["style"] is None:  # what they play is no style the engine writes: a song
            brief["style"] = "folk"
            why += " Their music has no style the engine writes, so it is a folk-song form."
    return why, lyric_ref


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

    brief = {"mode": mode, "style": style, "meter": meter, "mood": mood, "tempo": tempo,
             "instrument": instrument}  # fmt: skip
    why, lyric_ref = _fill_brief(ctx, brief, lyrics, segment)
    mode, style, meter, mood = brief["mode"], brief["style"], brief["meter"], brief["mood"]
    tempo, instrument = brief["tempo"], brief["instrument"]
    meter, style = meter or "4/4", style or "chorale"
    feel = mood_params(mood)
    mode = mode or feel.mode
    the_key = parse_key(key or ("A" if mode == "minor" else "C"), mode)
    tempo = tempo or feel.tempo_bpm + STYLE_TEMPO[style]
    instrument = (instrument or STYLE_INSTRUMENT[style]).lower()
    program = gm_program(instrument)
    harmony = STYLE_HARMONY[style] if instrument == STYLE_INSTRUMENT[style] else None
    seed = seed_of(ctx, seed)
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
            harmony_program=gm_program(harmony) if harmony else None,
        )
    )
    words = [w for w in (mood, piece_noun(style, meter)) if w]
    title = " ".join(words) + f" in {the_key.name}"
    scoring = f"for {instrument}" + (f" and {harmony}" if harmony and parts == 4 else "")
    texture = "in four parts, " if parts == 4 else ""
    summary = (
        f"Composed {article(bars)} {bars}-bar {title}, {texture}{meter} at {tempo} bpm, "
        f"{scoring} (seed {seed})."
    ) + why
    attrs = {"tempo": tempo, "meter": meter, "bars": bars, "style": style, "mood": mood,
             "instrument": instrument, "parts": parts, "seed": seed, "lyrics": lyric_ref}  # fmt: skip
    stem = f"{'-'.join(words)}-{the_key.name.replace(' ', '-')}-s{seed}"
    return piece_result(ctx, composition, title, stem, summary, attrs, audio, tool="compose")


HarmonizeStyle = Literal["chorale", "folk", "irish", "pop", "ballad", "rock", "soul", "rnb",
                         "gospel", "jazz", "bossanova", "lofi", "house", "disco", "funk", "reggae",
                         "synthwave"]  # fmt: skip


@tool(cli_name="harmonize", cli_argument="file")
def harmonize(
    ctx: ToolContext,
    file: str,
    key: str | None = None,
    mode: Literal["major", "minor"] | None = None,
    style: HarmonizeStyle = "chorale",
    instrument: str | None = None,
    tempo: Annotated[int, Field(ge=30, le=260)] | None = None,
    audio: bool = True,
    track: str | None = None,
) -> ToolResult:
    """Harmonise your melody (a MIDI file): in four parts (chorale, folk, Irish: HMM chords, then
    SATB voice-leading), or with pop chords and a bass (pop, rock, soul, jazz, lo-fi...).

    Args:
        file: A .mid file in the workspace; the melody is the part named melody, vocal or lead,
            else the line that sounds through the piece, else the top line of the parts.
        key: Tonic such as G or Bb (default: found from the melody's notes).
        mode: major or minor (default: found with the key).
        style: chorale (a chord per beat), folk or irish (about one per half bar), or a producer's
            style (pop, ballad, rock, soul, R&B, gospel, jazz, bossa nova, lo-fi, house, disco,
            funk, reggae, synthwave): chords learned from pop and rock that fit the melody, voiced
            in the style, with a bassline.
        instrument: General MIDI instrument of the four parts (default choir for a chorale), or
            the chords' instrument in a producer's style (piano, Rhodes, guitar, pad...).
        tempo: Beats per minute, dotted quarters in 6/8 (default: the file's tempo).
        audio: Also render a WAV file (when an audio renderer is installed).
        track: The part that holds the melody, when it is another: its name ("flute",
            "BRIDGE") or number (1 is the first track).
    """
    from models.composition.engine import MelodyRequest, get_composer
    from models.composition.melody_input import fold_into_soprano, melody_from_midi
    from models.music.theory import parse_key

    path = ctx.input_path(file, (".mid", ".midi"))
    ctx.progress(0.1, "reading the melody")
    given: Key | None = parse_key(key, mode) if key else None
    tune = melody_from_midi(path, given, mode, track)
    if style not in STYLE_INSTRUMENT:
        from tools.harmony_io import pop_harmonisation

        return pop_harmonisation(ctx, path, tune, style, instrument, tempo, audio)
    instrument = (instrument or STYLE_INSTRUMENT[style]).lower()
    program = gm_program(instrument)
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
    sung, folded = fold_into_soprano(tune.notes)
    composition = composer.arrange(sung, req)
    title = f"harmonisation of {path.stem[:40]} in {tune.key.name}"
    shift = (
        f", moved {abs(tune.shift) // 12} octave{'s' if abs(tune.shift) > 12 else ''} "
        f"{'up' if tune.shift > 0 else 'down'} to sit in the soprano range"
        if tune.shift
        else ""
    )
    if tempo is None:  # the file's tempo map comes back under the harmony
        composition.piece.tempos = list(tune.tempos)
    summary = (
        f"Harmonised {path.name} ({tune_source(tune)}) in four parts: {tune.bars} bars in "
        f"{tune.key.name}{key_note(tune)}, "
        f"{req.meter[0]}/{req.meter[1]} at {beat_bpm} bpm, for {instrument}{shift}."
    )
    if folded:
        summary += (f" The tune spans more than a soprano sings: {folded} of its {len(sung)} "
                    "notes moved by octaves into C4-G5 (say 'in pop style' to keep them where "
                    "they are, with chords under them).")  # fmt: skip
    attrs = {"tempo": beat_bpm, "meter": f"{req.meter[0]}/{req.meter[1]}",
             "bars": tune.bars, "style": style, "instrument": instrument, "parts": 4,
             "source": str(path)}  # fmt: skip
    stem = f"{path.stem}-harmonised-{tune.key.name.replace(' ', '-')}"
    return piece_result(ctx, composition, title, stem, summary, attrs, audio, tool="harmonize")
