"""A compact text piano roll and four-part table, for replies in the terminal: laid out for the
columns the front end gives (fewer bars at 80 columns, more at 120), never wider."""

from __future__ import annotations

import textwrap

from models.music.piece import Piece
from models.music.theory import midi_name

ROLL_LABEL = 6  # "  F#4 |": the pitch name and the first bar line


def _wrap(caption: str, indent: int, width: int) -> str:
    pad = " " * indent
    return textwrap.fill(caption, width, initial_indent=pad, subsequent_indent=pad)


def _caption(first: int, shown: int, total: int) -> str:
    last = first + shown - 1
    return f"bars {first}-{last} of {total}" if (first, last) != (1, total) else f"{total} bars"


def to_piano_roll(piece: Piece, max_width: int = 78, max_rows: int = 14, first_bar: int = 1) -> str:
    """Rows are pitches (high at top), columns are eighth notes; '|' marks bar lines.

    Rows are drawn for the pitches of the key and any pitch the music uses, so a melody in
    D major shows no empty chromatic rows.

    Only as many whole bars as fit in `max_width` columns (labels included) are drawn, from
    `first_bar` on; the caption says which.
    """
    first_bar = max(1, min(first_bar, piece.bars))
    offset = (first_bar - 1) * piece.beats_per_bar
    notes = piece.all_notes()
    step = 0.5  # eighth note per column
    bar_cols = int(round(piece.beats_per_bar / step))
    fit = (max_width - ROLL_LABEL) // (bar_cols + 1)
    bars_shown = max(1, min(piece.bars - first_bar + 1, fit))
    end_beats = offset + bars_shown * piece.beats_per_bar
    shown = [n for n in notes if offset - 1e-6 <= n.start_beats < end_beats - 1e-6]
    if not shown:
        return "(no notes)"
    used = {n.pitch for n in shown}
    scale = piece.key.scale_pcs(include_altered=False)
    top, bottom = max(used), min(used)
    rows = [p for p in range(top, bottom - 1, -1) if p in used or p % 12 in scale]
    hidden = 0
    if len(rows) > max_rows:  # keep the window of rows that holds the most notes
        counts = [sum(n.pitch == p for n in shown) for p in rows]
        start = max(range(len(rows) - max_rows + 1), key=lambda i: sum(counts[i : i + max_rows]))
        hidden = sum(counts) - sum(counts[start : start + max_rows])
        rows = rows[start : start + max_rows]
    lines = []
    for pitch in rows:
        cells = []
        for bar in range(bars_shown):
            row = ["·"] * bar_cols
            for n in shown:
                if n.pitch != pitch:
                    continue
                first = int(round((n.start_beats - offset - bar * piece.beats_per_bar) / step))
                length = max(1, int(round(n.dur_beats / step)))
                for c in range(first, first + length):
                    if 0 <= c < bar_cols:
                        row[c] = "█" if c == first else "▬"
            cells.append("".join(row))
        lines.append(f"{midi_name(pitch, piece.key):>4} |" + "|".join(cells) + "|")
    caption = _caption(first_bar, bars_shown, piece.bars)
    if hidden:
        caption += f", {hidden} note{'s' if hidden > 1 else ''} above or below the rows shown"
    return "\n".join(lines) + "\n" + _wrap(f"{caption}, one column = an eighth note", 5, max_width)


def to_voice_table(
    piece: Piece,
    chords: list[tuple[float, str]],
    slot_len: float,
    max_width: int = 78,
    first_bar: int = 1,
) -> str:
    """Four-part writing as text: a chord row, then each voice's note at every chord change.

        bar 1              | bar 2
        D    G    A7   D   | Bm   G    A    D
     S  F#4  G4   A4   A4  | B4   B4   A4   A4
     A  D4   D4   E4   F#4 | ...

    `chords` pairs each slot's start (in beats) with its symbol. Only whole bars that fit in
    `max_width` are shown, from `first_bar` on.
    """
    if not chords or len(piece.tracks) < 4:
        return ""
    first_bar = max(1, min(first_bar, piece.bars))
    offset = (first_bar - 1) * piece.beats_per_bar
    names = [t.name[:1] for t in piece.tracks[:4]]
    per_bar = max(1, int(round(piece.beats_per_bar / slot_len)))
    cell = 5
    bar_width = per_bar * cell + 2  # its cells and the "| " before the next bar
    bars_shown = max(1, min(piece.bars - first_bar + 1, (max_width - 1) // bar_width))
    rows = {"chord": []} | {n: [] for n in names}
    for bar in range(bars_shown):
        for name, track in zip(names, piece.tracks[:4], strict=True):
            cells = []
            for s in range(per_bar):
                t = offset + (bar * per_bar + s) * slot_len
                note = next(
                    (
                        n
                        for n in track.notes
                        if n.start_beats <= t + 1e-6 < n.start_beats + n.dur_beats
                    ),
                    None,
                )
                cells.append((midi_name(note.pitch, piece.key) if note else "-").ljust(cell))
            rows[name].append("".join(cells))
        symbols = [
            sym.ljust(cell)[:cell]
            for start, sym in chords
            if offset + bar * piece.beats_per_bar - 1e-6
            <= start
            < offset + (bar + 1) * piece.beats_per_bar - 1e-6
        ]
        rows["chord"].append("".join(symbols).ljust(per_bar * cell))
    lines = ["   " + "| ".join(rows["chord"])]
    lines += [f" {n} " + "| ".join(rows[n]) for n in names]
    caption = _caption(first_bar, bars_shown, piece.bars)
    caption = _wrap(f"{caption}: chords, then soprano, alto, tenor, bass", 3, max_width)
    return "\n".join(line.rstrip() for line in lines) + "\n" + caption
