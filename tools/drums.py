"""`drums`: a beat from the drum engine: grooves learned from real drummers, style rules for the
styles the data lacks, the feel of real players, and a drum machine's step grid in the reply."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool
from tools.pieces import article, seed_of

Kit = Annotated[str, Field(max_length=30)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


@tool(cli_name="drums", cli_argument="style")
def drums(
    ctx: ToolContext,
    style: Annotated[str, Field(max_length=40)] = "hiphop",
    tempo: Annotated[int, Field(ge=40, le=300)] | None = None,
    bars: Annotated[int, Field(ge=1, le=256)] = 4,
    meter: Literal["4/4", "3/4", "6/8"] = "4/4",
    swing: Unit | None = None,
    humanize: Unit | None = None,
    density: Unit = 0.5,
    hat_density: Unit | None = None,
    half_time: bool = False,
    double_time: bool = False,
    fills_every: Annotated[int, Field(ge=0, le=64)] = 4,
    without: list[Kit] | None = None,
    only: list[Kit] | None = None,
    add: list[Kit] | None = None,
    audio: bool = True,
    seed: Annotated[int, Field(ge=0)] | None = None,
) -> ToolResult:
    """Write a drum beat in a style: a MIDI drum track (channel 10), a WAV and a step grid.

    Args:
        style: Drum style: rock, funk, jazz, latin, hip hop, soul, punk, afro-cuban, New Orleans,
            country, pop, reggae, afrobeat, blues, dance (learned from real drummers), gospel,
            or boom bap, lo-fi, trap, house, techno, disco, drum and bass, reggaeton, afrobeats,
            bossa nova (style rules, with the drummers' feel).
        tempo: Beats per minute (default: the style's usual tempo); in 6/8, dotted quarters.
        bars: Length in bars, 1 to 256.
        meter: 4/4, 3/4 or 6/8.
        swing: 0 straight to 1 a full triplet feel on the off-beat 16ths (default: the style's).
        humanize: 0 lands every hit on the grid; 1 plays with the drummers' push, drag and
            accents, and about half the spread they show across takes (default: the style's).
        density: 0 sparse to 1 busy; 0.5 as the drummers played.
        hat_density: Busier (above 0.5) or sparser (below 0.5) hi-hats.
        half_time: Half-time feel: the backbeat on beat 3.
        double_time: Double-time feel: the backbeat on every off-beat eighth.
        fills_every: A fill in the last bar of every N bars (0: no fills).
        without: Drums to leave out: kick, snare, rim, closed_hat, open_hat, tom_high, tom_low,
            crash, ride, clap, shaker (or hats, toms, cymbals).
        only: Just these drums, such as kick and snare.
        add: Drums to add: shaker, clap.
        audio: Also render a WAV file (when an audio renderer is installed).
        seed: Same seed, same beat (default: a new random seed, reported in the reply).
    """
    from models.drums.engine import DrumRequest, get_engine
    from models.drums.styles import STYLES
    from models.music.vocabulary import DRUM_STYLES

    name = DRUM_STYLES.get(style.strip().lower(), style.strip().lower().replace(" ", ""))
    spec = STYLES.get(name)
    tempo = tempo or (spec.tempo[1] if spec else 100)
    request = DrumRequest(
        style=name, tempo_bpm=tempo, bars=bars, meter=meter, seed=seed_of(ctx, seed),
        swing=swing, humanize=humanize, density=density, hat_density=hat_density,
        half_time=half_time, double_time=double_time, fills_every=fills_every,
        without=_drums(without), only=_drums(only), add=_drums(add),
    )  # fmt: skip
    ctx.progress(0.1, "loading the drum model")
    beat = get_engine().write(request)  # an unknown style or bad value: a clear InputError
    if not beat.hits:
        raise ToolError("Those drums leave nothing to play; keep at least one drum in the kit.")
    return _result(ctx, beat, audio)


def _drums(words: list[str] | None) -> tuple[str, ...]:
    """Kit words as the engine's drums ("hats" -> closed and open hat); unknown words are kept,
    so the engine can say plainly that the kit has no such drum."""
    from models.music.vocabulary import KIT_WORDS

    out: list[str] = []
    for word in words or ():
        for name in KIT_WORDS.get(word.strip().lower(), (word.strip().lower(),)):
            if name not in out:
                out.append(name)
    return tuple(out)


def _result(ctx: ToolContext, beat, audio: bool) -> ToolResult:  # noqa: ANN001
    from models.drums.grid import to_step_grid
    from models.drums.song import to_piece
    from models.drums.styles import STYLES
    from models.music.export import export_piece

    req, spec = beat.request, beat.style
    label = spec.label
    stem = f"{spec.name}-beat-{req.tempo_bpm:g}bpm-s{req.seed}"
    piece = to_piece(beat)
    piece.title = f"{label} beat at {req.tempo_bpm:g} bpm"  # as the song record names it
    files, note = export_piece(piece, ctx.output_path(stem, ".mid"), audio,
                               ctx.progress, musicxml=False)  # fmt: skip
    summary = (f"Wrote {article(req.bars)} {req.bars}-bar {label} beat, {req.meter} at "
               f"{req.tempo_bpm:g} bpm: {_feel_words(beat)} (seed {req.seed}).")  # fmt: skip
    if not spec.learned:
        summary += (f" {label.capitalize()} is a style rule (see docs/drums.md) played with the "
                    f"feel of the data's {STYLES[spec.base].label} drummers.")
    if note:
        summary += " " + note
    attrs = {"tempo": int(req.tempo_bpm), "meter": req.meter, "bars": req.bars,
             "style": spec.name, "seed": req.seed, **_controls(req)}  # fmt: skip
    song = {"title": piece.title, "tool": "drums", **attrs,
            "files": files}  # fmt: skip
    counts = Counter(hit.name for hit in beat.hits)
    grid = to_step_grid(beat, width=ctx.width)
    return ToolResult(summary=summary, files=list(files.values()), preview=grid,
                      data={**attrs, "hits": len(beat.hits), "per_drum": dict(counts),
                            "fills": [b + 1 for b in beat.fills]},
                      song=song)  # fmt: skip


def _controls(req) -> dict:  # noqa: ANN001
    """The controls a follow-up ("more swing", "no fills") starts from."""
    return {"swing": req.swing, "humanize": req.humanize, "density": req.density,
            "hat_density": req.hat_density, "half_time": req.half_time,
            "double_time": req.double_time, "fills_every": req.fills_every,
            "without": list(req.without), "only": list(req.only), "add": list(req.add)}  # fmt: skip


def _feel_words(beat) -> str:  # noqa: ANN001
    req, spec = beat.request, beat.style
    swing = spec.swing if req.swing is None else req.swing
    human = spec.humanize if req.humanize is None else req.humanize
    words = ["half-time" if req.half_time else "double-time" if req.double_time else ""]
    words.append(f"swing {swing:.0%}" if swing else "straight")
    words.append("quantised to the grid" if human == 0 else f"humanised {human:.0%}")
    fills = ", ".join(str(b + 1) for b in beat.fills)
    words.append(f"fills in bar{'s' if len(beat.fills) > 1 else ''} {fills}" if fills else "no fills")
    if req.without:
        words.append("no " + ", ".join(n.replace("_", " ") for n in req.without))
    if req.only:
        words.append("only " + " and ".join(n.replace("_", " ") for n in req.only))
    if req.add:
        words.append("with " + ", ".join(req.add))
    return ", ".join(w for w in words if w)
