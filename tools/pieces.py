"""Helpers the tools share, public in one place: style defaults, instruments, seeds, the result
of a written piece (files, preview, song table), and the audience store and its fit bars."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Literal

from tools.base import ToolContext, ToolError, ToolResult

if TYPE_CHECKING:
    from assistant.store.audience_store import AudienceStore
    from models.composition.engine import Composition

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


def tune_source(tune) -> str:  # noqa: ANN001 (a melody_input.Tune)
    """Where a file's melody was taken from, for a reply: 'the melody from the MELODY track'."""
    return f"the melody from {tune.melody_from}" if tune.melody_from else "its melody"


def key_note(tune) -> str:  # noqa: ANN001 (a melody_input.Tune)
    """' (key found from the notes)', with the other likely key when the finder is unsure, or
    '' for a key the producer named."""
    found = tune.found
    if found is None:
        return ""
    if found.confidence >= 0.6:
        return " (key found from the notes)"
    return f" (key found from the notes; it could also be {found.runner_up.name})"


def article(number: int) -> str:
    """'an' before numbers spoken with a vowel sound: an 8-bar, an 11-bar, an 18-bar, an 80-bar."""
    spoken = str(number)
    return "an" if spoken.startswith("8") or spoken in ("11", "18") else "a"


def gm_program(instrument: str) -> int:
    from models.music.vocabulary import INSTRUMENTS

    if instrument not in INSTRUMENTS:
        raise ToolError(
            f"I don't know the instrument '{instrument[:30]}'. Try piano, strings, choir, flute, "
            "organ, guitar, violin or cello."
        )
    return INSTRUMENTS[instrument]


def seed_of(ctx: ToolContext, seed: int | None) -> int:
    if seed is None and ctx.settings.seed is not None:
        return ctx.settings.seed
    return seed if seed is not None else secrets.randbelow(1_000_000)



def piece_result(
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
    piece.title = title  # the score's heading, as the song record names it
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
            max_width=ctx.width,
            max_rows=10,
            first_bar=focus_bar,
        )
        table = to_voice_table(piece, symbols, slot, max_width=ctx.width, first_bar=focus_bar)
        preview = table + "\n\nMelody:\n" + roll
        offset = (focus_bar - 1) * piece.beats_per_bar - 1e-6
        named = Composition(piece, [c for c in composition.chords if c[0] >= offset])
        where = f" from bar {focus_bar}" if focus_bar > 1 else ""
        summary += f" Chords{where}: {' '.join(named.chord_symbols(12))}"
        summary += " ..." if len(named.chord_symbols(13)) > 12 else "."
    else:
        preview = to_piano_roll(piece, max_width=ctx.width, first_bar=focus_bar)
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


def open_store(ctx: ToolContext) -> AudienceStore:
    from assistant.store.audience_store import AudienceStore

    memory = ctx.memory
    if memory is None:
        raise ToolError("The catalogue store is not open, so audiences can't be looked up.")
    return AudienceStore.of(memory)


def part_names(piece) -> list[str]:  # noqa: ANN001 (a Piece)
    """The piece's parts as the songs panel lists them ('Drums', 'Bass', 'Keys'), in order."""
    names = [t.name.split(" (")[0] for t in piece.tracks]
    return list(dict.fromkeys(n for n in names if n))


def bar(fit: float, width: int = 10) -> str:
    filled = int(round(fit / 100 * width))
    return "█" * filled + "░" * (width - filled)
