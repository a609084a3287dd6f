"""A `Harmony` as a `Piece` (chord and bass tracks, chord symbols as marks) and as a chart: the
chord symbols bar by bar, with Roman numerals under them, within 80 columns."""

from __future__ import annotations

from models.harmony.chords import roman, symbol, tone_names
from models.harmony.engine import Harmony
from models.harmony.voicing import INSTRUMENTS
from models.music.piece import ChordMark, Piece, Track

BARS_PER_LINE = 4
CELL = 17  # characters per bar in the chart: 4 bars + bar lines fit in 80 columns


def to_piece(harmony: Harmony) -> Piece:
    """Chord and bass tracks and the chord symbols. The engine counts quarter notes in every
    meter (a 6/8 bar is 3), as `Piece` does, so times carry over as they are."""
    req = harmony.request
    num, den = (int(x) for x in req.meter.split("/"))
    tempo = req.tempo_bpm or harmony.style.tempo
    quarter_bpm = tempo * 1.5 if req.meter == "6/8" else tempo
    bars = round((harmony.segments[-1].start + harmony.segments[-1].length) / harmony.bar_beats)
    piece = Piece(harmony.key, quarter_bpm, (num, den), bars)
    if harmony.chord_notes:
        program = INSTRUMENTS[harmony.instrument].program
        piece.tracks.append(Track(f"Chords ({harmony.instrument})", program,
                                  _in_order(harmony.chord_notes)))  # fmt: skip
    if harmony.bass_notes:
        piece.tracks.append(Track("Bass", harmony.style.bass_program,
                                  _in_order(harmony.bass_notes)))  # fmt: skip
    piece.chords = [
        ChordMark(s.start, s.length, symbol(s.chord, harmony.key),
                  tuple(sorted(tone_names(s.chord, harmony.key).items())))
        for s in harmony.segments
    ]  # fmt: skip
    return piece


def _in_order(notes: list) -> list:
    return sorted(notes, key=lambda n: (n.start_beats, n.pitch))


def bar_symbols(harmony: Harmony, numerals: bool = False) -> list[str]:
    """Each bar's chords as text ('Dm7 G7'). A bar that only holds the chord of a bar that held
    only it is '%', the chart's repeat sign; a chord held over a barline into a bar with other
    chords is written again (in brackets: not struck again)."""
    out: list[str] = []
    for bar_index, bar in enumerate(harmony.bars):
        names = []
        for seg in bar:
            name = roman(seg.chord, harmony.key) if numerals else symbol(seg.chord, harmony.key)
            held = seg.start < bar_index * harmony.bar_beats - 1e-6
            names.append(f"({name})" if held and len(bar) > 1 else name)
        text = " ".join(names)
        single_held = len(bar) == 1 and bar[0].start < bar_index * harmony.bar_beats - 1e-6
        previous = harmony.bars[bar_index - 1] if bar_index else []
        out.append("%" if single_held and len(previous) == 1 else text)
    return out


def chart(harmony: Harmony, max_bars: int = 16, width: int = 80) -> str:
    """The chart for a reply: chord symbols over Roman numerals, up to four bars a line, as many
    as fit in `width` columns (a bar of four chords takes more room than a bar of one)."""
    names, numerals = bar_symbols(harmony), bar_symbols(harmony, numerals=True)
    shown = min(len(names), max_bars)
    cell = max([CELL] + [len(t) + 2 for t in names[:shown] + numerals[:shown]])
    per_line = max(1, min(BARS_PER_LINE, (width - 1) // (cell + 1)))
    cell = min(cell, width - 2)
    lines = []
    for first in range(0, shown, per_line):
        cells = range(first, min(first + per_line, shown))
        for row in (names, numerals):
            lines.append("|" + "|".join(f" {row[i]:<{cell - 1}.{cell - 1}}" for i in cells) + "|")
    if shown < len(names):
        lines.append(f"... {len(names) - shown} more bars in the files.")
    return "\n".join(lines)


def slot_text(harmony: Harmony) -> str:
    """The progression as a follow-up reads it back, exact to the beat: each bar cut into equal
    slots (1, 2 or the bar's beats), a chord written once per slot it sounds in ('C C G Am' is
    C for two beats, then G, then Am); bars joined by '|'."""
    beats = int(harmony.bar_beats)
    out = []
    for index, bar in enumerate(harmony.bars):
        start = index * beats
        cuts = {max(0.0, s.start - start) for s in bar}
        slots = next((n for n in (1, 2, beats) if all(abs(c * n / beats - round(c * n / beats))
                                                       < 1e-6 for c in cuts)), beats)  # fmt: skip
        names = []
        for k in range(slots):
            t = start + k * beats / slots + 1e-6
            seg = next(s for s in bar if s.start <= t < s.start + s.length)
            names.append(symbol(seg.chord, harmony.key))
        out.append(" ".join(names))
    return " | ".join(out)


def chart_text(harmony: Harmony) -> str:
    """The whole progression as a plain chord chart (the '.txt' a producer asks for)."""
    names = bar_symbols(harmony)
    rows = [" | ".join(names[i : i + BARS_PER_LINE]) for i in range(0, len(names), BARS_PER_LINE)]
    head = f"{harmony.key.name}, {harmony.request.meter}, {len(names)} bars"
    return head + "\n" + "\n".join(f"| {row} |" for row in rows) + "\n"
