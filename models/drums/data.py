"""Reading the Groove MIDI Dataset into bars on a 16th-note grid, with each hit's velocity and its
micro-timing offset from the grid (in steps). Used by training and the benchmark only.

`data/groove/` holds the performances (`groove-midi.tar.gz`, 1,150 MIDI files, CC BY 4.0) and
`info.csv` (style, tempo, beat or fill, meter and the train/validation/test split of each).
"""

from __future__ import annotations

import csv
import io
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from models.drums.kit import BIT, GROOVE_NOTES

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "groove"
STEPS_PER_BEAT = 4  # 16th notes
METER_STEPS = {"4/4": 16, "3/4": 12, "6/8": 12}


@dataclass
class Bar:
    """One bar of a performance: a symbol per step (bitmask of classes hit) and its hits."""

    style: str
    fill: bool
    meter: str
    split: str
    drummer: str
    tempo_bpm: float
    symbols: list[int]
    hits: list[tuple[int, str, int, float]] = field(default_factory=list)  # step, class, vel, offset


def canonical_style(label: str) -> str:
    """'funk/purdieshuffle' -> 'funk', 'neworleans/funk' -> 'neworleans'."""
    return label.split("/")[0].strip().lower()


def read_index(data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(data_dir / "info.csv", newline="") as f:
        return list(csv.DictReader(f))


def _notes(data: bytes) -> tuple[list[tuple[int, int, int]], int]:
    """(tick, note, velocity) of every note-on, and ticks per beat."""
    import mido

    midi = mido.MidiFile(file=io.BytesIO(data))
    notes = []
    for track in midi.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                notes.append((tick, msg.note, msg.velocity))
    return sorted(notes), midi.ticks_per_beat


def performance_bars(data: bytes, row: dict[str, str]) -> list[Bar]:
    """The bars of one performance, from its first to its last bar with a hit."""
    meter = row["time_signature"].replace("-", "/")
    steps = METER_STEPS.get(meter)
    if steps is None:
        return []
    notes, tpb = _notes(data)
    per_step = tpb / STEPS_PER_BEAT

    def empty() -> Bar:
        return Bar(canonical_style(row["style"]), row["beat_type"] == "fill", meter,
                   row["split"], row["drummer"], float(row["bpm"]), [0] * steps)  # fmt: skip

    bars: dict[int, Bar] = {}
    for tick, note, velocity in notes:
        name = GROOVE_NOTES.get(note)
        if name is None:
            continue
        exact = tick / per_step
        step = int(round(exact))
        index, pos = divmod(step, steps)
        if index not in bars:
            bars[index] = empty()
        bar = bars[index]
        if bar.symbols[pos] & BIT[name]:
            continue  # a flam or a double on one step: the first stroke counts
        bar.symbols[pos] |= BIT[name]
        bar.hits.append((pos, name, velocity, round(exact - step, 3)))
    if not bars:
        return []
    return [bars.get(i) or empty() for i in range(min(bars), max(bars) + 1)]


def read_bars(data_dir: Path = DATA_DIR) -> list[list[Bar]]:
    """Every performance as its list of bars (in info.csv order)."""
    rows = {r["midi_filename"]: r for r in read_index(data_dir)}
    performances = []
    with tarfile.open(data_dir / "groove-midi.tar.gz") as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("./")
            if member.isfile() and name in rows:
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
                if bars := performance_bars(data, rows[name]):
                    performances.append(bars)
    return performances
