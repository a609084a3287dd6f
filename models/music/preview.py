"""A compact text piano roll, for replies in the terminal (fits 80 columns)."""

from __future__ import annotations

from models.music.piece import Piece
from models.music.theory import midi_name


def _caption(first: int, shown: int, total: int) -> str:
    last = first + shown - 1
    return f"bars {first}-{last} of {total}" if (first, last) != (1, total) else f"{total} bars"


def to_piano_roll(piece: Piece, max_width: int = 72, max_rows: int = 14, first_bar: int = 1) -> str:
    """Rows are pitches (high at top), columns are eighth notes; '|' marks bar lines.

    Rows are drawn for the pitches of the key and any pitch the music uses, so a melody in
    D major shows no empty chromatic rows.

    Only as many bars as fit in `max_width` columns are drawn, from `first_bar` on; the caption
    says which.
    """
    first_bar = max(1, min(first_bar, piece.bars))
    offset = (first_bar - 1) * piece.beats_per_bar
    notes = piece.all_notes()
    step = 0.5  # eighth note per column
    bar_cols = int(round(piece.beats_per_bar / step))
    bars_shown = max(1, min(piece.bars - first_bar + 1, max_width // (bar_cols + 1)))
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
        caption += f", {hidden} notes above or below the rows shown"
    return "\n".join(lines) + f"\n     {caption}, one column = an eighth note"


def to_voice_table(
    piece: Piece,
    chords: list[tuple[float, str]],
    slot_len: float,
    max_width: int = 72,
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
    bar_width = per_bar * cell + 2
    bars_shown = max(1, min(piece.bars - first_bar + 1, (max_width - 3) // bar_width))
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
    return "\n".join(lines) + f"\n   {caption}: chords, then soprano, alto, tenor, bass"
