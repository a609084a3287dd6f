"""The committed SYNTHETIC demo data set in data/demo: present, consistent and reproducible."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _tuples(path: Path) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [tuple(row) for row in csv.reader(f)][1:]


@pytest.fixture(scope="module")
def make_demo():  # noqa: ANN201
    """The generator, loaded from its file (data/demo is not a package)."""
    name = "cadenza_demo_make_demo"
    spec = importlib.util.spec_from_file_location(name, DEMO / "make_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)


def test_files_exist_and_parse() -> None:
    assert "SYNTHETIC" in (DEMO / "README.md").read_text(encoding="utf-8").split("\n\n")[0]
    headers = {
        DEMO / "catalog" / "tags.csv": ["stem", "title", "artist", "genre", "mood"],
        DEMO / "listeners.csv": ["listener_id", "country", "city", "age_band", "platform"],
        DEMO / "plays.csv": ["listener_id", "song_or_artist_id", "plays", "date"],
        DEMO / "truth.csv": ["listener_id", "segment"],
    }
    for path, header in headers.items():
        rows = _rows(path)
        assert rows, path
        assert list(rows[0]) == header, path
    assert sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file()) < 1_000_000


def test_catalogue_midi_and_lyrics() -> None:
    import pretty_midi

    tags = _rows(DEMO / "catalog" / "tags.csv")
    stems = [t["stem"] for t in tags]
    assert 50 <= len(stems) == len(set(stems))
    for stem in stems:
        midi = pretty_midi.PrettyMIDI(str(DEMO / "catalog" / f"{stem}.mid"))
        assert sum(len(i.notes) for i in midi.instruments) > 0, stem
    lyrics = sorted((DEMO / "catalog").glob("*.txt"))
    assert len(lyrics) >= 8
    for path in lyrics:
        assert path.stem in stems
        assert "[Chorus]" in path.read_text(encoding="utf-8")


def test_plays_refer_to_listeners_and_songs() -> None:
    listeners = {r["listener_id"] for r in _rows(DEMO / "listeners.csv")}
    stems = {t["stem"] for t in _rows(DEMO / "catalog" / "tags.csv")}
    plays = _rows(DEMO / "plays.csv")
    assert len(plays) > 1000
    for row in plays:
        assert row["listener_id"] in listeners
        assert row["song_or_artist_id"] in stems
        assert int(row["plays"]) >= 1
        day = dt.date.fromisoformat(row["date"])
        assert dt.date(2026, 1, 1) <= day <= dt.date(2026, 10, 31)


def test_truth_segments() -> None:
    listeners = [r["listener_id"] for r in _rows(DEMO / "listeners.csv")]
    truth = _rows(DEMO / "truth.csv")
    assert [r["listener_id"] for r in truth] == listeners
    sizes = Counter(r["segment"] for r in truth)
    assert len(sizes) == 5
    assert min(sizes.values()) >= 40


def test_listening_is_deterministic_and_matches_the_committed_files(make_demo) -> None:  # noqa: ANN001
    seed = make_demo.DEFAULT_SEED
    catalog = make_demo.catalog_table(seed)
    first = make_demo.listening(seed, catalog)
    assert first == make_demo.listening(seed, make_demo.catalog_table(seed))
    listeners, plays, truth = first
    assert [tuple(map(str, r)) for r in listeners] == _tuples(DEMO / "listeners.csv")
    assert [tuple(map(str, r)) for r in plays] == _tuples(DEMO / "plays.csv")
    assert [tuple(map(str, r)) for r in truth] == _tuples(DEMO / "truth.csv")
    assert [s.stem for s in catalog] == [t["stem"] for t in _rows(DEMO / "catalog" / "tags.csv")]
