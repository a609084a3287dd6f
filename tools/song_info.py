"""`song_info`: what is in the current song, read from its MIDI file (key, tempo, meter, length,
each part with its instrument and range, the chords bar by bar), without making a new one."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolResult, tool


@tool(cli_name="info", cli_argument="file")
def song_info(
    ctx: ToolContext,
    file: Annotated[str, Field(max_length=500)],
    chords_text: bool = False,
    about: Literal["key", "tempo", "length", "meter", "parts", "chords"] | None = None,
) -> ToolResult:
    """Tell what a song holds: key, tempo, meter, bars, parts and ranges, chords bar by bar.

    Args:
        file: The song's MIDI file.
        chords_text: Also write its chords, bar by bar, as a text file.
        about: The question asked ("what key is it in?": key): its answer leads the reply.
    """
    from models.arrangement.edit import part_role
    from models.arrangement.preview import bar_chords, chord_rows, part_grid, piece_sections
    from models.music.keyfinder import piece_key
    from models.music.midi_io import read_midi
    from models.music.theory import midi_name
    from models.music.vocabulary import MIDI_SUFFIXES
    from tools.pieces import is_compound

    path = ctx.input_path(file, MIDI_SUFFIXES)
    piece = read_midi(path)
    found = piece_key(piece)  # the notes decide, as every tool reads this file
    piece.key = found.key
    meter = f"{piece.meter[0]}/{piece.meter[1]}"
    beat = 1.5 if is_compound(piece.meter) else 1.0  # 6/8, 9/8, 12/8: dotted quarters
    tempo = round(piece.tempo_bpm / beat)
    parts = []
    for t in piece.tracks:
        if not t.notes:
            continue
        low, high = min(n.pitch for n in t.notes), max(n.pitch for n in t.notes)
        span = "" if t.is_drum else f", {midi_name(low, piece.key)} to {midi_name(high, piece.key)}"
        parts.append({"name": t.name, "role": part_role(t), "program": t.program,
                      "notes": len(t.notes), "lowest": low, "highest": high,
                      "text": f"{t.name}: {len(t.notes)} notes{span}"})  # fmt: skip
    symbols = bar_chords(piece)
    pitched = any(p["role"] != "drums" for p in parts)
    key_text = f"{piece.key.name}{_key_words(found)}" if pitched else "drums only (no key)"
    summary = (f"{path.name}: {key_text}, {meter} at {tempo} bpm"
               f"{_tempo_words(piece, beat)}, {piece.bars} bars "
               f"({piece.duration_sec:.0f} s), {len(parts)} part{'s' if len(parts) != 1 else ''}: "
               + "; ".join(p["text"] for p in parts) + ".")  # fmt: skip
    if not piece.chords:
        summary += " It carries no chord symbols."
    files = []
    if chords_text and piece.chords:
        out = ctx.output_path(path.stem + "-chords", ".txt")
        lines = [f"{path.stem}: {piece.key.name}, {meter} at {tempo} bpm"]
        lines += [f"bar {b + 1}: {s}" for b, s in enumerate(symbols)]
        out.write_text("\n".join(lines) + "\n")
        files.append(str(out))
        summary += f" The chords, bar by bar, are in {out.name}."
    preview = part_grid(piece, piece_sections(piece), width=ctx.width)
    if piece.chords:
        preview += "\n\nChords:\n" + chord_rows(piece, piece_sections(piece), max_lines=16,
                                                  width=ctx.width)  # fmt: skip
    data = {"key": piece.key.name if pitched else None, "key_confidence": found.confidence,
            "tempo_changes": len(piece.tempos), "tempo": tempo, "meter": meter, "bars": piece.bars,
            "duration_sec": round(piece.duration_sec, 2),
            "parts": [{k: v for k, v in p.items() if k != "text"} for p in parts],
            "chords": symbols}  # fmt: skip
    if about:
        summary = f"{_answer(about, data, parts, meter)}\n\n{summary}"
    return ToolResult(summary=summary, data=data, files=files, preview=preview)


def _answer(about: str, data: dict, parts: list[dict], meter: str) -> str:
    """One sentence answering the question asked, before the whole summary."""
    if about == "key":
        return f"It's in {data['key']}." if data["key"] else "It's drums only, so it has no key."
    if about == "tempo":
        return f"It's at {data['tempo']} bpm, in {meter}."
    if about == "length":
        return f"It's {data['bars']} bars long: {data['duration_sec']:.0f} s at {data['tempo']} bpm."
    if about == "meter":
        return f"It's in {meter}."
    if about == "parts":
        named = ", ".join(p["name"] for p in parts)
        return f"{len(parts)} part{'s' if len(parts) != 1 else ''}: {named}."
    chords = [c for c in data["chords"][:8] if c]
    if not chords:
        return "It carries no chord symbols."
    more = " ..." if len(data["chords"]) > 8 else ""
    return f"The chords: {' | '.join(chords)}{more}"


def _key_words(found) -> str:  # noqa: ANN001 (a keyfinder.KeyFinding)
    """What a reply adds after the key: where the notes and the file's signature disagree, or
    the other likely key when the notes leave it open."""
    if found.signature is None:
        return " (from the notes: the file has no key signature)"
    if found.overrides_signature:
        return f" (from the notes; the file's key signature says {found.signature.name})"
    return ""


def _tempo_words(piece, beat: float) -> str:  # noqa: ANN001 (a Piece)
    """' (a tempo map: 14 changes, 84-96 bpm)' for a file whose tempo moves, else ''."""
    if not piece.tempos:
        return ""
    bpms = [piece.tempo_bpm, *(m.bpm for m in piece.tempos)]
    low, high = round(min(bpms) / beat), round(max(bpms) / beat)
    changes = len(piece.tempos)
    return f" (a tempo map: {changes} change{'s' if changes > 1 else ''}, {low}-{high} bpm)"
