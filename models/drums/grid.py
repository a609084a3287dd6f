"""A beat as a drum machine shows it: one row per drum, one cell per 16th step.

`X` an accent (velocity 100 or more), `x` a hit, `o` a ghost note (under 50), `r` a roll (32nds
or triplets inside the step), `.` a rest; a space between beats, `|` between bars. A bar with a
fill is marked in its header.
"""

from __future__ import annotations

from models.drums.engine import Beat
from models.drums.kit import CLASSES, LABEL

WIDTH = 8  # the row label's width


def cell(velocity: int) -> str:
    return "X" if velocity >= 100 else ("o" if velocity < 50 else "x")


def to_step_grid(beat: Beat, max_bars: int = 4, width: int = 80) -> str:
    """The first bars (and the first fill, when it comes later): as many as fit in `width`
    columns, up to `max_bars` (three bars of 16ths at 80 columns, four at 100 or more)."""
    spb, group = beat.steps_per_bar, (3 if beat.request.meter == "6/8" else 4)
    fit = (width - WIDTH - 1) // (spb + spb // group)  # a bar: its steps, spaces and a bar line
    shown = list(range(min(beat.request.bars, max(1, min(max_bars, fit)))))
    if beat.fills and beat.fills[0] not in shown:
        shown[-1] = beat.fills[0]
    cells: dict[str, dict[tuple[int, int], int]] = {}
    rolls: set[tuple[str, int, int]] = set()
    for hit in beat.hits:
        if hit.bar not in shown:
            continue
        if hit.offset >= 0.5:  # a roll's in-between stroke: its step shows `r`
            rolls.add((hit.name, hit.bar, hit.step))
            continue
        slot = cells.setdefault(hit.name, {})
        key = (hit.bar, hit.step)
        slot[key] = max(slot.get(key, 0), hit.velocity)
    head = " " * WIDTH
    for bar in shown:
        label = f"bar {bar + 1}" + (" fill" if bar in beat.fills else "")
        head += "|" + label.ljust(spb + spb // group - 1)
    lines = [head.rstrip()]
    for name in CLASSES:
        if name not in cells:
            continue
        row = LABEL[name][:WIDTH - 1].ljust(WIDTH)
        for bar in shown:
            steps = ["r" if (name, bar, s) in rolls else
                     cell(cells[name][(bar, s)]) if (bar, s) in cells[name] else "."
                     for s in range(spb)]  # fmt: skip
            row += "|" + " ".join("".join(steps[i:i + group]) for i in range(0, spb, group))
        lines.append(row + "|")
    return "\n".join(lines)
