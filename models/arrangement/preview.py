"""An arrangement as the reply shows it, within the columns the front end gives (80 by default): a part-by-bar grid (which parts play
in which bars, under the section names) and the chords of each distinct section, bar by bar.

    bar     1       9               25
            Intro   Verse 1         Chorus 1
    Drums   ········████████████████████████
    Bass    ········████████████████████████
"""

from __future__ import annotations

from models.music.piece import Piece

LABEL = 9  # the part name's column
MAX_BARS_PER_ROW = 64  # 9 + 64 < 80
CHORD_CELL = 17  # a bar of chords: 4 bars and their bar lines in 80 columns


def _bars_played(piece: Piece, notes: list, bars: int) -> set[int]:
    """Bars in which a note sounds (struck there or held into it); a thousandth of a beat of
    slack, so a note read back from a file at 15.9999 beats is in bar 5, not 4."""
    bar_beats, eps = piece.beats_per_bar, 1e-3
    out: set[int] = set()
    for n in notes:
        first = int((n.start_beats + eps) // bar_beats)
        last = int((n.start_beats + max(n.dur_beats, 2 * eps) - eps) // bar_beats)
        out.update(range(max(first, 0), min(last, bars - 1) + 1))
    return out


def part_grid(piece: Piece, sections: list[tuple[int, int, str]], width: int = 80) -> str:
    """Rows of parts, a column per bar ('█' plays, '·' rests), in blocks of up to 64 bars (fewer
    at a narrower width), with each section's name over its first bar."""
    per_row = max(8, min(MAX_BARS_PER_ROW, width - LABEL - 1))
    heads = [t.name.split(" (")[0] for t in piece.tracks]
    labels = [head if heads.count(head) == 1 or " (" not in t.name else
              f"{head[:3]} {t.name.split(' (')[1].rstrip(')')}" for head, t in zip(heads, piece.tracks, strict=True)]  # fmt: skip
    rows = [(label[: LABEL - 1], _bars_played(piece, t.notes, piece.bars))
            for label, t in zip(labels, piece.tracks, strict=True)]  # fmt: skip
    lines: list[str] = []
    for first in range(0, piece.bars, per_row):
        last = min(first + per_row, piece.bars)
        if sections and len(sections) > 1:
            heads = [" "] * (last - first)
            for start, bars, label in sections:
                if first <= start < last:
                    text = label[: max(bars - 1, 1)] if bars > 1 else label[:1]
                    for k, ch in enumerate(text):
                        if start - first + k < len(heads):
                            heads[start - first + k] = ch
            lines.append(" " * LABEL + "".join(heads).rstrip())
        ruler = [" "] * (last - first)
        for b in range(first, last, 4):  # bar numbers every 4 bars, where they fit
            text = str(b + 1)
            if b - first + len(text) <= last - first:
                ruler[b - first : b - first + len(text)] = list(text)
        ruler = "".join(ruler)
        lines.append("bar".ljust(LABEL) + ruler.rstrip())
        for name, played in rows:
            cells = "".join("█" if b in played else "·" for b in range(first, last))
            lines.append(name.ljust(LABEL) + cells)
    return "\n".join(lines)


def piece_sections(piece: Piece) -> list[tuple[int, int, str]]:
    """The piece's section marks as (first bar, bars, name), for the grid and the chords."""
    if not piece.sections:
        return []
    bar_beats = piece.beats_per_bar
    starts = [(int(round(s.start_beats / bar_beats)), s.name) for s in piece.sections]
    ends = [b for b, _ in starts[1:]] + [piece.bars]
    return [(b, end - b, name) for (b, name), end in zip(starts, ends, strict=True) if end > b]


def bar_chords(piece: Piece) -> list[str]:
    """Each bar's chord symbols ('%' for a bar that holds the chord of the bar before)."""
    bar_beats = piece.beats_per_bar
    out: list[str] = []
    for b in range(piece.bars):
        start, end = b * bar_beats, (b + 1) * bar_beats
        names = [m.text for m in piece.chords if start - 1e-6 <= m.start_beats < end - 1e-6]
        held = [m.text for m in piece.chords
                if m.start_beats < start - 1e-6 < m.start_beats + m.dur_beats - 2e-6]  # fmt: skip
        out.append(" ".join(names) if names else ("%" if held else ""))
    return out


def chord_rows(
    piece: Piece, sections: list[tuple[int, int, str]], max_lines: int = 14, width: int = 80
) -> str:
    """The chords of each distinct section (a repeat is named, not written again): 8, 4, 2 or 1
    bars to a line, the most that fit in `width` columns (4 at 80, 8 from 145)."""
    per_line = next((n for n in (8, 4, 2) if n * (CHORD_CELL + 1) + 1 <= width), 1)
    symbols = bar_chords(piece)
    spans = sections or [(0, piece.bars, "")]
    seen: dict[tuple[str, ...], str] = {}
    lines: list[str] = []
    for start, bars, label in spans:
        chords = tuple(symbols[start : start + bars])
        if not any(chords):
            continue
        if chords in seen:
            lines.append(f"{label}: as {seen[chords]}")
            continue
        seen[chords] = label or "the loop"
        if label:
            lines.append(f"{label}:")
        for k in range(0, len(chords), per_line):
            cells = [_fit(c or "-").ljust(CHORD_CELL - 1) for c in chords[k : k + per_line]]
            lines.append("| " + "| ".join(cells) + "|")
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [f"... ({len(lines) - max_lines + 1} more lines: "
                                          "'give me the chords as text' writes them all)"]  # fmt: skip
    return "\n".join(lines)


def _fit(text: str, width: int = CHORD_CELL - 2) -> str:
    """A bar's chords within a cell, whole symbols only ('D7 Asus2 +2': two more)."""
    if len(text) <= width:
        return text
    names, shown = text.split(), []
    for name in names:
        more = f" +{len(names) - len(shown) - 1}" if len(shown) + 1 < len(names) else ""
        if len(" ".join([*shown, name]) + more) > width:
            break
        shown.append(name)
    return " ".join(shown) + f" +{len(names) - len(shown)}"
