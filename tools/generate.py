"""`generate`: the neural generation engine as a tool: new pieces, continuations, rewritten bars."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool
from tools.compose import (
    STYLE_HARMONY,
    STYLE_INSTRUMENT,
    STYLE_TEMPO,
    Meter,
    Style,
    _article,
    _piece_result,
    _program,
    _seed,
    piece_noun,
    quarter_bpm,
)

if TYPE_CHECKING:
    from models.composition.engine import Composition
    from models.composition.mood import MoodParams
    from models.generation.pieces import Controls, Written
    from models.music.piece import Note, Piece
    from models.music.theory import Key

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
    """
    from models.generation.engine import Sampling

    seed = _seed(ctx, seed)
    sampling = Sampling(temperature, top_p, seed)
    if file is None and extend is None and redo is None:
        return _new_piece(
            ctx,
            key,
            mode,
            tempo,
            bars or 16,
            meter,
            style,
            mood,
            instrument,
            parts,
            sampling,
            audio,
        )
    return _from_file(
        ctx, file, key, mode, tempo, bars, style, mood, instrument, extend, redo, sampling, audio
    )


def _levels(mood: str | None) -> tuple[str, str, MoodParams]:
    from models.composition.mood import mood_params
    from models.generation.engine import level_of

    feel = mood_params(mood)
    return level_of(feel.valence), level_of(feel.arousal), feel


def _new_piece(
    ctx, key, mode, tempo, bars, meter, style, mood, instrument, parts, sampling, audio
) -> ToolResult:  # noqa: ANN001
    from models.generation.engine import get_generator
    from models.generation.pieces import Controls
    from models.generation.pieces import generate as write
    from models.music.theory import parse_key

    meter, style = meter or "4/4", style or "chorale"
    valence, arousal, feel = _levels(mood)
    mode = mode or feel.mode
    the_key = parse_key(key or ("A" if mode == "minor" else "C"), mode)
    tempo = tempo or feel.tempo_bpm + STYLE_TEMPO[style]
    instrument = (instrument or STYLE_INSTRUMENT[style]).lower()
    num, den = (int(x) for x in meter.split("/"))
    four = style == "chorale" and parts == 4  # the model writes the four voices itself
    controls = Controls(the_key, (num, den), style, four, valence, arousal)
    ctx.progress(0.05, "loading the generation model")
    gen = get_generator()
    began = time.perf_counter()
    w = write(gen, controls, bars, sampling, feel.velocity, ctx.progress)
    took = time.perf_counter() - began
    composition = _arrange(
        w.voices, the_key, (num, den), bars, tempo, style, instrument, parts, feel.velocity
    )
    words = [w_ for w_ in (mood, piece_noun(style, meter)) if w_]
    title = " ".join(words) + f" in {the_key.name}"
    harmony = STYLE_HARMONY[style] if instrument == STYLE_INSTRUMENT[style] else None
    scoring = f"for {instrument}" + (f" and {harmony}" if harmony and parts == 4 else "")
    texture = (
        "in four parts written by the model, "
        if four
        else "melody by the model harmonised in four parts, "
        if parts == 4
        else ""
    )
    summary = (
        f"Generated {_article(bars)} {bars}-bar {title} with the neural model, {texture}{meter} "
        f"at {tempo} bpm, {scoring} ({_sampling_note(sampling)}; {w.tokens:,} tokens in "
        f"{took:.1f} s)."
    )
    attrs = {"tempo": tempo, "meter": meter, "bars": bars, "style": style, "mood": mood,
             "instrument": instrument, "parts": parts, "seed": sampling.seed}  # fmt: skip
    stem = f"{'-'.join(words)}-{the_key.name.replace(' ', '-')}-neural-s{sampling.seed}"
    return _piece_result(ctx, composition, title, stem, summary, attrs, audio, tool="generate")


def _sampling_note(s) -> str:  # noqa: ANN001
    return f"seed {s.seed}, temperature {s.temperature:g}, top-p {s.top_p:g}"


def _arrange(voices: list[list[Note]], key: Key, meter: tuple[int, int], bars: int, tempo: int,
             style: str, instrument: str, parts: int, velocity: int) -> Composition:  # fmt: skip
    """The model's voices as a piece: four voices as written, or a melody (HMM harmony if 4)."""
    from models.composition.engine import Composer, Composition, MelodyRequest, get_composer
    from models.music.piece import Piece, Track

    program = _program(instrument)
    bpm = quarter_bpm(tempo, meter)
    if len(voices) == 4:
        names = ("Soprano", "Alto", "Tenor", "Bass")
        tracks = [Track(n, program, v) for n, v in zip(names, voices, strict=True)]
        return Composition(Piece(key, bpm, meter, bars, tracks), _chords(voices, key, meter))
    harmony = STYLE_HARMONY[style] if instrument == STYLE_INSTRUMENT[style] else None
    req = MelodyRequest(
        key=key,
        meter=meter,
        bars=bars,
        tempo_bpm=bpm,
        style=style,
        program=program,
        velocity=velocity,
        parts=parts,
        harmony_program=_program(harmony) if harmony else None,
    )
    composer: Composer = get_composer()
    return composer.arrange(voices[0], req)


def _chords(voices: list[list[Note]], key: Key, meter: tuple[int, int]) -> list:
    """The chord the four voices sound on each beat, labelled as the harmony model labels."""
    from models.composition.analysis import beat_grid
    from models.composition.harmony import label_chord

    grid = beat_grid([[(n.pitch, n.start_beats, n.dur_beats) for n in v] for v in voices])
    out = []
    for t, row in enumerate(grid):
        sounding = [int(p) for p in row if p >= 0]
        if not sounding:
            continue
        bass = int(row[-1]) if row[-1] >= 0 else min(sounding)
        chord = label_chord({(p - key.tonic_pc) % 12 for p in sounding}, (bass - key.tonic_pc) % 12)
        chord = chord or (out[-1][1] if out else None)  # a passing sonority: the chord goes on
        if chord is not None:
            out.append((float(t), chord))
    return out


def _source(ctx: ToolContext, file: str | None) -> tuple[Path, dict | None]:
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
    return path, (vars(current) if same else None)


def _voices_of(piece: Piece, song: dict | None) -> tuple[list[int], bool]:
    """Which tracks the model writes: the four voices of a four-part piece, else the melody."""
    pitched = [i for i, t in enumerate(piece.tracks) if t.notes and not t.is_drum]
    if not pitched:
        raise ToolError("The file has no notes to continue (drums alone don't count).")

    def mean(i: int) -> float:
        return sum(n.pitch for n in piece.tracks[i].notes) / len(piece.tracks[i].notes)

    by_height = sorted(pitched, key=mean, reverse=True)
    four = len(pitched) == 4 and (song is None or song.get("style") in (None, "chorale"))
    return (by_height, True) if four else (by_height[:1], False)


@dataclass
class _Work:
    """A MIDI file read for the model: the piece, the tracks it writes and its controls."""

    path: Path
    song: dict | None
    piece: Piece
    tracks: list[int]
    four: bool
    given: list[list[Note]]
    controls: Controls
    octave: int
    velocity: int

    @property
    def name(self) -> str:
        return f"'{self.song['title']}'" if self.song else self.path.name


def _read_work(ctx: ToolContext, file: str | None, key: str | None, mode: str | None,
               style: str | None) -> _Work:  # fmt: skip
    from models.composition.melody_input import top_line
    from models.generation.pieces import Controls, melody_octave
    from models.generation.vocab import METERS
    from models.music.midi_io import read_midi
    from models.music.theory import estimate_key, parse_key

    path, song = _source(ctx, file)
    ctx.progress(0.05, f"reading {path.name}")
    piece = read_midi(path)
    if piece.meter not in METERS:
        known = ", ".join(f"{a}/{b}" for a, b in METERS)
        raise ToolError(
            f"{path.name} is in {piece.meter[0]}/{piece.meter[1]}; the model writes {known}."
        )
    tracks, four = _voices_of(piece, song)
    top = piece.tracks[tracks[0]].notes
    given = [piece.tracks[i].notes for i in tracks] if four else [top_line(top)]
    if key:
        the_key = parse_key(key, mode)
    elif song and song.get("key"):
        the_key = parse_key(song["key"], song.get("mode"))
    else:
        line = [n for v in given for n in v]
        the_key, _ = estimate_key([n.pitch for n in line], [n.dur_beats for n in line])
    style = style or (song or {}).get("style") or ("chorale" if four else "folk")
    octave = 0 if four else melody_octave(given[0], the_key, style)
    velocity = max((n.velocity for v in given for n in v), default=80)
    controls = Controls(the_key, piece.meter, style, four)
    return _Work(path, song, piece, tracks, four, given, controls, octave, velocity)


def _redo(ctx: ToolContext, gen, work: _Work, redo: str, mood: str | None, mode: str | None,
          sampling) -> tuple[Written, str, str, int]:  # fmt: skip  # noqa: ANN001
    from models.composition.mood import mood_params
    from models.generation.engine import brighter, darker
    from models.generation.pieces import rewrite

    bars = work.piece.bars
    first, last = redo_range(redo, bars)
    header, colour = None, ""
    if mood or mode:
        feel = mood_params(mood)
        own = work.controls.header(bars)
        dark = mode == "minor" or (mode is None and feel.valence < 0)
        header = darker(own) if dark else brighter(own)
        tonic = work.controls.key.name.split()[0]
        colour = (
            f" ({'darker: the parallel minor' if dark else 'brighter: the major'} of {tonic},"
            f" {header.valence} valence)"
        )
    w = rewrite(gen, work.controls, work.given, bars, first, last, sampling, header,
                work.velocity, work.octave, ctx.progress)  # fmt: skip
    what = f"bars {first}-{last}" if first != last else f"bar {first}"
    why = (
        "the likeliest that still ends on the tonic"
        if last == bars
        else f"by how well they lead into bar {last + 1}"
    )
    summary = (
        f"Rewrote {what} of {work.name} with the neural model{colour}: the best of "
        f"{len(w.candidates)} candidates, {why}; every other bar is "
        f"exactly as it was ({_sampling_note(sampling)})."
    )
    return w, summary, f"{work.path.stem}-bars{first}-{last}-s{sampling.seed}", first


def _extend(ctx: ToolContext, gen, work: _Work, extend: int | None, bars: int | None,
            sampling) -> tuple[Written, str, str, int]:  # fmt: skip  # noqa: ANN001
    from models.generation.pieces import extend as continue_

    had = work.piece.bars
    more = extend or ((bars - had) if bars else 8)
    if more < 1:
        raise ToolError(
            f"{work.path.name} already has {had} bars; ask for more than that, or say "
            "'extend it by 8 bars'."
        )
    w = continue_(gen, work.controls, work.given, had, more, sampling, work.velocity,
                  work.octave, ctx.progress)  # fmt: skip
    meter = f"{work.piece.meter[0]}/{work.piece.meter[1]}"
    summary = (
        f"Continued {work.name} by {more} bars with the neural model (bars {had + 1}-"
        f"{had + more}) in {work.controls.key.name}, {meter}: its first {had} bars are exactly "
        f"as they were ({_sampling_note(sampling)})."
    )
    return w, summary, f"{work.path.stem}-continued-s{sampling.seed}", had + 1


def _reharmonise(work: _Work, out: Piece, written: Written) -> Piece:
    """Our own folk or Irish song in four parts: new HMM harmony under the new melody bars."""
    from models.composition.engine import MelodyRequest, get_composer
    from models.generation.pieces import Written as W
    from models.generation.pieces import splice

    song = work.song or {}
    lower = [i for i, t in enumerate(out.tracks) if i != work.tracks[0] and t.notes]
    if song.get("parts") != 4 or work.four or len(lower) != 3:
        return out
    req = MelodyRequest(
        key=work.controls.key, meter=out.meter, bars=out.bars, tempo_bpm=out.tempo_bpm,
        style=work.controls.style, parts=4,
    )  # fmt: skip
    arranged = get_composer().arrange(out.tracks[work.tracks[0]].notes, req).piece
    first, last = written.new_bars
    lo, hi = (first - 1) * out.beats_per_bar, last * out.beats_per_bar
    lower.sort(key=lambda i: -sum(n.pitch for n in out.tracks[i].notes) / len(out.tracks[i].notes))
    voices = [
        [replace(n, velocity=out.tracks[i].notes[0].velocity,
                 dur_beats=min(n.dur_beats, hi - n.start_beats))
         for n in t.notes if lo <= n.start_beats < hi]
        for i, t in zip(lower, arranged.tracks[1:4], strict=True)
    ]  # fmt: skip
    return splice(out, lower, W(voices, out.bars, 0.0, 0, written.new_bars))


def _four_voices(piece: Piece) -> list[list[Note]] | None:
    """The notes of a four-part piece's voices, highest first (None unless exactly four)."""
    lines = [t.notes for t in piece.tracks if t.notes and not t.is_drum]
    if len(lines) != 4:
        return None
    return sorted(lines, key=lambda v: -sum(n.pitch for n in v) / len(v))


def _from_file(
    ctx, file, key, mode, tempo, bars, style, mood, instrument, extend, redo, sampling, audio
) -> ToolResult:  # noqa: ANN001
    from models.composition.engine import Composition
    from models.generation.engine import get_generator
    from models.generation.pieces import splice

    work = _read_work(ctx, file, key, mode, style)
    ctx.progress(0.1, "loading the generation model")
    gen = get_generator()
    began = time.perf_counter()
    if redo:
        w, summary, stem, focus = _redo(ctx, gen, work, redo, mood, mode, sampling)
    else:
        w, summary, stem, focus = _extend(ctx, gen, work, extend, bars, sampling)
    summary = summary[:-1] + f"; {w.tokens:,} tokens in {time.perf_counter() - began:.1f} s."
    out = _reharmonise(work, splice(work.piece, work.tracks, w), w)
    others = len([t for t in work.piece.tracks if t.notes]) - len(work.tracks)
    if others and (work.song or {}).get("parts") != 4:
        summary += (
            f" The model writes the melody ({work.piece.tracks[work.tracks[0]].name or 'top'}"
            f" track); the other {others} track{'s are' if others > 1 else ' is'} as before."
        )
    if tempo:
        out = replace(out, tempo_bpm=quarter_bpm(tempo, out.meter))
    if instrument:
        program = _program(instrument.lower())
        out.tracks = [replace(t, program=program) if i in work.tracks else t
                      for i, t in enumerate(out.tracks)]  # fmt: skip
    song = work.song or {}
    voiced = _four_voices(out) if work.four or song.get("parts") == 4 else None
    chords = _chords(voiced, work.controls.key, out.meter) if voiced else None
    title = song.get("title") or work.path.stem[:40]
    first, last = w.new_bars
    title = f"{title} (bars {first}-{last} redone)" if redo else f"{title}, continued"
    attrs = {
        "tempo": round(out.tempo_bpm / quarter_bpm(1.0, out.meter)),
        "meter": f"{out.meter[0]}/{out.meter[1]}", "bars": out.bars,
        "style": work.controls.style, "mood": mood or song.get("mood"),
        "instrument": instrument or song.get("instrument"),
        "parts": 4 if work.four else song.get("parts", 1), "seed": sampling.seed,
        "source": None if redo else str(work.path),
    }  # fmt: skip
    composition = Composition(out, chords)
    result = _piece_result(ctx, composition, title, stem, summary, attrs, audio, "generate", focus)
    if work.song and result.song is not None:
        result.song["parent"] = work.song.get("id")
    return result
