"""The composer's arrays cache: the same music as the checkpoint's JSON, and never a stale or
broken entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import cache
from models.composition.engine import Composer, LazyStyles, MelodyRequest
from models.music.theory import parse_key

pytestmark = pytest.mark.slow


@pytest.fixture
def cache_dir(tmp_path: Path):
    cache.use(tmp_path)
    yield tmp_path
    cache.use(None)


def _notes(composer: Composer, style: str, key: str, seed: int) -> list[tuple]:
    req = MelodyRequest(key=parse_key(*key.split()), style=style, seed=seed, bars=8)
    piece = composer.compose(req).piece
    return [(t.name, n.pitch, n.start_beats, n.dur_beats) for t in piece.tracks for n in t.notes]


def test_cached_composer_writes_the_same_music(cache_dir: Path) -> None:
    fresh = Composer.load()
    assert not isinstance(fresh.melody, LazyStyles)
    assert len(list(cache_dir.glob("composition-*.npz"))) == 1
    cached = Composer.load()
    assert isinstance(cached.melody, LazyStyles)
    assert cached.styles == fresh.styles
    for style, key, seed in [("chorale", "G major", 1), ("folk", "D minor", 7),
                             ("irish", "A minor", 3), ("chorale", "Eb major", 11)]:  # fmt: skip
        assert _notes(cached, style, key, seed) == _notes(fresh, style, key, seed)


def test_a_damaged_entry_is_rebuilt(cache_dir: Path) -> None:
    Composer.load()
    entry = next(cache_dir.glob("composition-*.npz"))
    entry.write_bytes(b"not an npz")
    again = Composer.load()  # reads the JSON, rewrites the entry
    assert not isinstance(again.melody, LazyStyles)
    assert isinstance(Composer.load().melody, LazyStyles)


def test_entries_are_keyed_by_the_checkpoint(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, text in ((a, "one"), (b, "two")):
        folder.mkdir()
        (folder / "MANIFEST.json").write_text(text)
    assert cache.checkpoint_key(a) != cache.checkpoint_key(b)


def test_no_cache_folder_means_no_files(tmp_path: Path) -> None:
    cache.use(None)
    assert not isinstance(Composer.load().melody, LazyStyles)
    assert cache.entry("x.npz") is None
