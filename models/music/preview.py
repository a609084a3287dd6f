"""A compact text piano roll, for replies in the terminal (fits 80 columns)."""

from __future__ import annotations

from models.music.piece import Piece
from models.music.theory import midi_name


def to_piano_roll(piece: Piece, max_width: int = 72, max_rows: int = 14) -> str:
    """Rows are pitches (high at top), columns are eighth notes; '|' marks bar lines.

    Rows are drawn for the pitches of the key and any pitch the music uses, so a melody in
    D major shows no empty chromatic rows.

    Only as many bars as fit in `max_width` columns are drawn; the caption says so.
    """
    notes = piece.all_notes()
    if not notes:
        return "(no notes)"
    step = 0.5  # eighth note per column
    bar_cols = int(round(piece.beats_per_bar / step))
    bars_shown = max(1, min(piece.bars, max_width // (bar_cols + 1)))
    end_beats = bars_shown * piece.beats_per_bar
    shown = [n for n in notes if n.start_beats < end_beats - 1e-6]
    hi = max(n.pitch for n in shown)
    lo = min(n.pitch for n in shown)
    if hi - lo + 1 > max_rows:  # keep the densest band of the melody
        lo = hi - max_rows + 1
    used = {n.pitch for n in shown}
    scale = piece.key.scale_pcs(include_altered=False)
    lines = []
    for pitch in range(hi, lo - 1, -1):
        if pitch not in used and pitch % 12 not in scale:
            continue
        cells = []
        for bar in range(bars_shown):
            row = ["·"] * bar_cols
            for n in shown:
                if n.pitch != pitch:
                    continue
                first = int(round((n.start_beats - bar * piece.beats_per_bar) / step))
                length = max(1, int(round(n.dur_beats / step)))
                for c in range(first, first + length):
                    if 0 <= c < bar_cols:
                        row[c] = "█" if c == first else "▬"
            cells.append("".join(row))
        lines.append(f"{midi_name(pitch):>4} |" + "|".join(cells) + "|")
    caption = (
        f"bars 1-{bars_shown} of {piece.bars}" if bars_shown < piece.bars else f"{piece.bars} bars"
    )
    return "\n".join(lines) + f"\n     {caption}, one column = an eighth note"
