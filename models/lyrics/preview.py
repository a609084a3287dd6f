"""A read song as the reply shows it: the emotion arc as sparklines and a per-line table, laid
out for the columns the front end gives (`ToolContext.width`)."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from models.lyrics.heads import quadrant_of

SPARK = "▁▂▃▄▅▆▇█"


def _spark(values: np.ndarray, lo: float, hi: float) -> str:
    scaled = np.clip((values - lo) / max(hi - lo, 1e-6), 0, 0.999)
    return "".join(SPARK[int(v * len(SPARK))] for v in scaled)


ARC_LABEL = 9  # "valence  "


def draw_arc(result: dict[str, Any], width: int = 73) -> str:
    """The emotion arc: valence and arousal per line (circumplex, -1..1) as sparklines, with
    each line's quadrant and the sections marked below; within `width` columns (a song longer
    than the room has its neighbouring lines averaged into one column)."""
    lines = [e for e in result["lines"] if "circumplex" in e]
    if not lines:
        return ""
    va = np.array([e["circumplex"] for e in lines], dtype=np.float32)
    names = [e["section"] for e in lines]
    columns = max(8, width - ARC_LABEL)
    if len(lines) > columns:
        edges = np.linspace(0, len(lines), columns + 1).astype(int)
        va = np.stack([va[a:b].mean(0) for a, b in zip(edges[:-1], edges[1:], strict=True)])
        names = [names[a] for a in edges[:-1]]
    rows = [
        f"valence  {_spark(va[:, 0], -0.8, 0.8)}",
        f"arousal  {_spark(va[:, 1], -0.8, 0.8)}",
        f"quadrant {''.join(quadrant_of(float(v), float(a))[0] for v, a in va)}",
    ]
    labels = []
    for i, name in enumerate(names):
        if i == 0 or name != names[i - 1]:
            labels.append((i, "".join(w if w.isdigit() else w[0].upper() for w in name.split())))
    label_row = [" "] * len(names)
    for i, short in labels:
        for k, ch in enumerate(short):
            if i + k < len(label_row):
                label_row[i + k] = ch
    rows.append(f"section  {''.join(label_row)}")
    legend = "(h happy, a angry, s sad, r relaxed, n neutral; V verse, C chorus, B bridge)"
    pad = " " * ARC_LABEL
    rows.append(textwrap.fill(legend, width, initial_indent=pad, subsequent_indent=pad))
    return "\n".join(rows)


LINE_FIXED = 40  # the columns besides the line's text: number, emotion, val, aro, quadrant


def line_table(result: dict[str, Any], width: int = 80, limit: int = 40) -> str:
    """A compact per-line table: number, text, top emotion, valence/arousal (-1..1), quadrant.
    The text column takes what `width` leaves (20 to 60 characters; longer lines end in '…'),
    so no row is wider than the room and every column stays under its heading."""
    room = max(20, min(60, width - LINE_FIXED))
    rows = [f"{'#':>3} {'line':<{room}} {'emotion':<14} {'val':>5} {'aro':>5} quadrant"]
    for e in result["lines"][:limit]:
        text = e["text"] if len(e["text"]) <= room else e["text"][: room - 1] + "…"
        if "skipped" in e:
            rows.append(f"{e['n']:>3} {text:<{room}} ({e['skipped']})")
            continue
        emo = e["top_emotions"][0]["emotion"]
        v, a = e["circumplex"]
        rows.append(f"{e['n']:>3} {text:<{room}} {emo:<14} {v:>+5.2f} {a:>+5.2f} {e['quadrant']}")
    if len(result["lines"]) > limit:
        rows.append(f"    … {len(result['lines']) - limit} more lines (see --json)")
    return "\n".join(rows)
