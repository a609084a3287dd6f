"""`generate`: the neural generation engine as a tool: new pieces, continuations, rewritten bars."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool
from tools.pieces import (
    STYLE_HARMONY,
    STYLE_INSTRUMENT,
    STYLE_TEMPO,
    Meter,
    Style,
    article,
    gm_program,
    piece_noun,
    piece_result,
    quarter_bpm,
    seed_of,
)

if TYPE_CHECKING:
    from models.generation.pieces import Written
    from models.generation.rework import Source

REDO = re.compile(
    r"^\s*(?:(?P<a>\d{1,3})\s*(?:-|–|to|\.\.)\s*(?P<b>\d{1,3})|(?P<one>\d{1,3})"
    r"|(?P<end>last|first|final|opening)\s+(?P<n>\d{1,3}))\s*$",
    re.I,
)


def redo_range(text: str, total: int) -> tuple[int, int]:
    """Bars to rewrite, 1-based and inclusive, from '5-8', '5 to 8', '7', 'last 4', 'first 2'."""
    m = REDO.match(text)
    if not m:
        raise ToolError(
            f"I can't read the bars '{text[:40]}'. Say, for example, 'bars 5-8' or 'the last 4 bars'."
        )
    if m["n"]:
        n = int(m["n"])
        first, last = (1, n) if m["end"].lower() in ("first", "opening") else (total - n + 1, total)
    elif m["one"]:
        first = last = int(m["one"])
    else:
        first, last = sorted((int(m["a"]), int(m["b"])))
    if not 1 <= first <= last <= total:
        raise ToolError(f"The piece has {total} bars; choose bars between 1 and {total}.")
    return first, last


@tool(cli_name="generate")
def generate(
    ctx: ToolContext,
    key: str | None = None,
    mode: Literal["major", "minor"] | None = None,
    tempo: Annotated[int, Field(ge=30, le=260)] | None = None,
    bars: Annotated[int, Field(ge=1, le=256)] | None = None,
    meter: Meter | None = None,
    style: Style | None = None,
    mood: str | None = None,
    instrument: str | None = None,
    parts: Literal[1, 4] = 4,
    file: str | None = None,
    extend: Annotated[int, Field(ge=1, le=128)] | None = None,
    redo: Annotated[str | None, Field(max_length=40)] = None,
    temperature: Annotated[float, Field(ge=0.0, le=2.0)] = 0.9,
    top_p: Annotated[float, Field(gt=0.0, le=1.0)] = 0.95,
    seed: Annotated[int, Field(ge=0)] | None = None,
    audio: bool = True,
    track: str | None = None,
) -> ToolResult:
    """Write with the neural model: a new piece, a continuation of a MIDI file, or bars redone.

    Args:
        key: Tonic such as C, F#, Bb (default C, or A when the mood is minor; a file's own key).
        mode: major or minor (default: from the mood).
        tempo: Beats per minute: quarter notes, or dotted quarters in 6/8, 9/8 and 12/8.
        bars: Length in bars of the result (a new piece: default 16).
        meter: Time signature of a new piece (default 4/4).
        style: chorale (four voices written by the model), folk or irish (a melody, harmonised
            by the HMM when parts is 4).
        mood: A mood word such as hopeful, sad or energetic; with redo, 'sad' or 'dark' makes the
            bars darker (the parallel minor) and 'happy' or 'bright' brighter.
        instrument: General MIDI instrument, such as piano, strings, flute or choir.
        parts: 4 for soprano, alto, tenor and bass; 1 for the melody alone.
        file: A .mid file in the workspace to continue (or to redo bars of); default for extend
            and redo: the current song.
        extend: Add this many bars after the file's last bar (its notes stay exactly as they are).
        redo: Bars to write again, such as '5-8', '12' or 'last 4'; the rest stays as it is.
        temperature: Sampling temperature: lower is safer, higher is more adventurous (0 picks
            the likeliest token every time).
        top_p: Nucleus sampling: draw only from the likeliest tokens holding this probability.
        seed: Same seed and settings, same music (default: a new random seed, in the reply).
        audio: Also render a WAV file (when an audio renderer is installed).
        track: With a file: the part the model continues, when it is not the one a musician
            would call the tune (the track named melody or vocal, else the line that sounds
            through the piece): its name ("flute", "BRIDGE") or number.
    """
    from models.generation.engine import Sampling

    seed = seed_of(ctx, seed)
    sampling = Sampling(temperature, top_p, seed)
    if file is None and extend is None and redo is None:
        return _new_piece(ctx, key, mode, tempo, bars or 16, meter, style, mood, instrument,
                          parts, sampling, audio)  # fmt: skip
    return _from_file(ctx, file, key, mode, tempo, bars, style, mood, instrument, extend, redo,
                      sampling, audio, track)  # fmt: skip


def _new_piece(
    ctx, key, mode, tempo, bars, meter, style, mood, instrument, parts, sampling, audio
) -> ToolResult:  # noqa: ANN001
    from models.composition.mood import mood_params
    from models.generation.arrange import arrange, new_controls
    from models.generation.engine import get_generator
    from models.generation.pieces import generate as write
    from models.music.theory import parse_key

    meter, style = meter or "4/4", style or "chorale"
    feel = mood_params(mood)
    mode = mode or feel.mode
    the_key = parse_key(key or ("A" if mode == "minor" else "C"), mode)
    tempo = tempo or feel.tempo_bpm + STYLE_TEMPO[style]
    instrument = (instrument or STYLE_INSTRUMENT[style]).lower()
    num, den = (int(x) for x in meter.split("/"))
    controls = new_controls(the_key, (num, den), style, parts, feel)
    ctx.progress(0.05, "loading the generation model")
    gen = get_generator()
    began = time.perf_counter()
    w = write(gen, controls, bars, sampling, feel.velocity, ctx.progress)
    took = time.perf_counter() - began
    harmony = STYLE_HARMONY[style] if instrument == STYLE_INSTRUMENT[style] else None
    composition = arrange(w.voices, the_key, (num, den), bars, quarter_bpm(tempo, (num, den)),
                          style, gm_program(instrument), parts, feel.velocity,
                          gm_program(harmony) if harmony else None)  # fmt: skip
    words = [w_ for w_ in (mood, piece_noun(style, meter)) if w_]
    title = " ".join(words) + f" in {the_key.name}"
    scoring = f"for {instrument}" + (f" and {harmony}" if harmony and parts == 4 else "")
    texture = "melody by the model harmonised in four parts, " if parts == 4 else ""
    texture = "in four parts written by the model, " if controls.parts else texture
    summary = (
        f"Generated {article(bars)} {bars}-bar {title} with the neural model, {texture}{meter} "
        f"at {tempo} bpm, {scoring} ({_sampling_note(sampling)}; {w.tokens:,} tokens in "
        f"{took:.1f} s)."
    )
    attrs = {"tempo": tempo, "meter": meter, "bars": bars, "style": style, "mood": mood,
             "instrument": instrument, "parts": parts, "seed": sampling.seed}  # fmt: skip
    stem = f"{'-'.join(words)}-{the_key.name.replace(' ', '-')}-neural-s{sampling.seed}"
    return piece_result(ctx, composition, title, stem, summary, attrs, audio, tool="generate")


def _sampling_note(s) -> str:  # noqa: ANN001
    return f"seed {s.seed}, temperature {s.temperature:g}, top-p {s.top_p:g}"


def _song_file(ctx: ToolContext, file: str | None) -> tuple[Path, dict]:
    """The MIDI file to work on, and the current song's table when it is that song's file."""
    current = ctx.state.current if ctx.state else None
    if file is None:
        if current is None or not current.files.get("midi"):
            raise ToolError(
                "Which MIDI file should I work on? Put it in the workspace and say, for example, "
                "'continue sketch.mid', or make a song first."
            )
        file = current.files["midi"]
    path = ctx.input_path(file, (".mid", ".midi"))
    same = current is not None and current.files.get("midi") and Path(current.files["midi"]) == path
    return path, (vars(current) if same else {})


def _redo(ctx: ToolContext, gen, src: Source, name: str, redo: str, mood: str | None,
          mode: str | None, sampling) -> tuple[Written, str]:  # fmt: skip  # noqa: ANN001
    from models.generation.rework import redo_bars, shade

    bars = src.bars
    first, last = redo_range(redo, bars)
    header, colour = shade(src.controls, bars, mood, mode), ""
    if header is not None:
        dark, tonic = header.mode == "minor", src.controls.key.name.split()[0]
        colour = (
            f" ({'darker: the parallel minor' if dark else 'brighter: the major'} of {tonic},"
            f" {header.valence} valence)"
        )
    w = redo_bars(gen, src, first, last, sampling, header, ctx.progress)
    what = f"bars {first}-{last}" if first != last else f"bar {first}"
    why = f"by how well they lead into bar {last + 1}"
    why = "the likeliest that still ends on the tonic" if last == bars else why
    summary = (
        f"Rewrote {what} of {name} with the neural model{colour}: the best of "
        f"{len(w.candidates)} candidates, {why}; every other bar is "
        f"exactly as it was ({_sampling_note(sampling)})."
    )
    return w, summary


def _extend(ctx: ToolContext, gen, src: Source, name: str, file_name: str, extend: int | None,
            bars: int | None, sampling) -> tuple[Written, str]:  # fmt: skip  # noqa: ANN001
    from models.generation.rework import continue_piece

    had = src.bars
    more = extend or ((bars - had) if bars else 8)
    if more < 1:
        raise ToolError(
            f"{file_name} already has {had} bars; ask for more than that, or say "
            "'extend it by 8 bars'."
        )
    w = continue_piece(gen, src, more, sampling, ctx.progress)
    meter = f"{src.piece.meter[0]}/{src.piece.meter[1]}"
    summary = (
        f"Continued {name} by {more} bars with the neural model (bars {had + 1}-"
        f"{had + more}) in {src.controls.key.name}, {meter}: its first {had} bars are exactly "
        f"as they were ({_sampling_note(sampling)})."
    )
    return w, summary


def _from_file(ctx, file, key, mode, tempo, bars, style, mood, instrument, extend, redo, sampling,
               audio, track=None) -> ToolResult:  # noqa: ANN001  # fmt: skip
    from models.generation.engine import get_generator
    from models.generation.rework import finish, source_of
    from models.music.midi_io import read_midi

    path, song = _song_file(ctx, file)
    ctx.progress(0.05, f"reading {path.name}")
    src = source_of(read_midi(path), key or song.get("key"), mode if key else song.get("mode"),
                    style, song.get("style"), path.name, track)  # fmt: skip
    name = f"'{song['title']}'" if song else path.name
    ctx.progress(0.1, "loading the generation model")
    gen = get_generator()
    began = time.perf_counter()
    if redo:
        w, summary = _redo(ctx, gen, src, name, redo, mood, mode, sampling)
        stem = f"{path.stem}-bars{w.new_bars[0]}-{w.new_bars[1]}-s{sampling.seed}"
    else:
        w, summary = _extend(ctx, gen, src, name, path.name, extend, bars, sampling)
        stem = f"{path.stem}-continued-s{sampling.seed}"
    summary = summary[:-1] + f"; {w.tokens:,} tokens in {time.perf_counter() - began:.1f} s."
    if src.others and song.get("parts") != 4:
        summary += (
            f" The model writes the melody ({src.piece.tracks[src.tracks[0]].name or 'top'}"
            f" track); the other {src.others} track{'s are' if src.others > 1 else ' is'} as "
            "before."
        )
    meter = src.piece.meter
    composition = finish(src, w, song.get("parts") == 4,
                         quarter_bpm(tempo, meter) if tempo else None,
                         gm_program(instrument.lower()) if instrument else None)  # fmt: skip
    out = composition.piece
    title = song.get("title") or path.stem[:40]
    first, last = w.new_bars
    title = f"{title} (bars {first}-{last} redone)" if redo else f"{title}, continued"
    attrs = {
        "tempo": round(out.tempo_bpm / quarter_bpm(1.0, out.meter)),
        "meter": f"{out.meter[0]}/{out.meter[1]}", "bars": out.bars,
        "style": src.controls.style, "mood": mood or song.get("mood"),
        "instrument": instrument or song.get("instrument"),
        "parts": 4 if src.four else song.get("parts", 1), "seed": sampling.seed,
        "source": None if redo else str(path),
    }  # fmt: skip
    result = piece_result(ctx, composition, title, stem, summary, attrs, audio, "generate", first)
    if song and result.song is not None:
        result.song["parent"] = song.get("id")
    return result
