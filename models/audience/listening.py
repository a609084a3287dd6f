"""The label's own listening data, read from CSV (format in the README and `data/demo/`).

plays.csv      listener_id,song_or_artist_id,plays,date     (date: YYYY-MM-DD, optional)
listeners.csv  listener_id,country,city,age_band,platform  (optional; any field may be empty)

Rows that can't be read (a missing id, plays that aren't a positive whole number, a bad date)
are skipped and counted, so one bad line never loses the rest of the file; a file without the
required columns is refused with the columns it should have.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from models.errors import InputError

PLAYS_COLUMNS = ("listener_id", "song_or_artist_id", "plays")
PROFILE_COLUMNS = ("country", "city", "age_band", "platform")
MAX_CSV_BYTES = 500 * 1024 * 1024
RECENT_DAYS = 90  # "active": plays in the last 90 days of the data
ACTIVE_RECENT_PLAYS = 5


@dataclass
class Listener:
    listener_id: str
    plays: dict[str, int] = field(default_factory=dict)  # song or artist id -> plays
    dates: dict[str, str] = field(default_factory=dict)  # song -> last date played
    profile: dict[str, str] = field(default_factory=dict)
    recent: int = 0  # plays in the last RECENT_DAYS of the data

    @property
    def total(self) -> int:
        return sum(self.plays.values())

    @property
    def active(self) -> bool:
        return self.recent >= ACTIVE_RECENT_PLAYS


@dataclass
class ListeningData:
    listeners: dict[str, Listener]
    rows: int = 0
    skipped: list[str] = field(default_factory=list)  # "line 12: plays 'x' is not a number"
    last_date: str | None = None

    def song_ids(self) -> set[str]:
        return {s for li in self.listeners.values() for s in li.plays}


def _open_csv(path: Path, required: tuple[str, ...]) -> csv.DictReader:
    if not path.is_file():
        raise InputError(f"There is no file at {path}.")
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise InputError(
            f"{path.name} is {size / 1e6:.0f} MB; the limit is {MAX_CSV_BYTES // 10**6} MB."
        )
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError(f"{path.name} is not a CSV text file (it holds binary data).")
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(
            f"{path.name} lacks the column(s) {', '.join(missing)}; the header should be "
            f"{','.join(required)}{',date' if 'plays' in required else ''} (see the README)."
        )
    reader.fieldnames = columns
    return reader


def _rows(reader: csv.DictReader, name: str) -> Iterator[tuple[int, dict]]:
    """The rows with their line numbers; a row the csv module cannot read (a field over its
    131,072-character limit, a stray quote at the end) is one sentence, not a traceback."""
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            yield line, row
    except csv.Error as exc:
        raise InputError(f"{name} line {line + 1} could not be read as CSV ({exc}); nothing "
                         "was imported.") from exc  # fmt: skip


def read_plays(path: Path, profiles: Path | None = None) -> ListeningData:
    """Plays per listener and song, summed over rows, with each listener's recent activity."""
    data = ListeningData(listeners={})
    dated: list[tuple[str, date, int]] = []
    for line, row in _rows(_open_csv(path, PLAYS_COLUMNS), path.name):
        problem = _add_row(data, row, dated)
        if problem:
            data.skipped.append(f"line {line}: {problem}")
        else:
            data.rows += 1
    if not data.listeners:
        raise InputError(f"{path.name} has no readable plays ({len(data.skipped)} bad rows).")
    if dated:
        last = max(d for _, d, _ in dated)
        data.last_date = last.isoformat()
        since = last - timedelta(days=RECENT_DAYS)
        for lid, day, plays in dated:
            if day > since:
                data.listeners[lid].recent += plays
    if profiles is not None:
        _add_profiles(data, profiles)
    return data


def _add_row(data: ListeningData, row: dict, dated: list[tuple[str, date, int]]) -> str | None:
    lid = (row.get("listener_id") or "").strip()
    sid = (row.get("song_or_artist_id") or "").strip()
    if not lid or not sid:
        return "a listener or song id is empty"
    raw = (row.get("plays") or "").strip()
    try:
        plays = int(float(raw))
    except (ValueError, OverflowError):  # 'x', 'nan', 'inf'
        return f"plays {raw[:20]!r} is not a number"
    if plays < 1 or plays > 10_000_000:
        return f"plays {plays} is out of range"
    listener = data.listeners.setdefault(lid[:80], Listener(lid[:80]))
    listener.plays[sid[:120]] = listener.plays.get(sid[:120], 0) + plays
    day_text = (row.get("date") or "").strip()
    if day_text:
        try:
            day = date.fromisoformat(day_text[:10])
        except ValueError:
            return f"date {day_text[:20]!r} is not YYYY-MM-DD"
        dated.append((listener.listener_id, day, plays))
        listener.dates[sid[:120]] = max(listener.dates.get(sid[:120], ""), day.isoformat())
    return None


def _add_profiles(data: ListeningData, path: Path) -> None:
    for line, row in _rows(_open_csv(path, ("listener_id",)), path.name):
        lid = (row.get("listener_id") or "").strip()[:80]
        if lid not in data.listeners:
            if lid:
                data.skipped.append(f"{path.name} line {line}: listener {lid!r} has no plays")
            continue
        data.listeners[lid].profile = {
            k: (row.get(k) or "").strip()[:60]
            for k in PROFILE_COLUMNS
            if (row.get(k) or "").strip()
        }
