"""The autoregressive logistic frame model, on tiny synthetic piano rolls (no shared data)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from benchmarks.frames.polyphonic import (
    DEFAULT_ROOT,
    N_KEYS,
    TABLES,
    FrameConfig,
    FrameModel,
    _piece_features,
    independent_nll,
    load_split,
)

# Small and quick: a few Adam steps per epoch on a few hundred frames.
QUICK = FrameConfig(epochs=15, batch_frames=64, l2_scales=(0.3,))


def _chords(n_pieces: int, length: int, seed: int) -> list[np.ndarray]:
    """A repeating I-IV-V-I progression, each chord held two frames, random transpositions."""
    rng = np.random.default_rng(seed)
    shapes = [(0, 4, 7, 12), (5, 9, 12, 17), (7, 11, 14, 19), (0, 4, 7, 12)]
    pieces = []
    for _ in range(n_pieces):
        root = 36 + int(rng.integers(0, 12))
        roll = np.zeros((length, N_KEYS), dtype=np.uint8)
        for t in range(length):
            roll[t, [root + i for i in shapes[(t // 2) % len(shapes)]]] = 1
        pieces.append(roll)
    return pieces


def _noise(n_pieces: int, length: int, seed: int, p: float = 0.1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [(rng.random((length, N_KEYS)) < p).astype(np.uint8) for _ in range(n_pieces)]


def test_uniform_predictor_scores_88_ln2_per_frame() -> None:
    # every key on in exactly half of the frames: the initial (independent) model says 1/2
    half = [np.vstack([np.ones((1, N_KEYS)), np.zeros((1, N_KEYS))]).astype(np.uint8)] * 4
    model = FrameModel(FrameConfig(epochs=0)).fit(half, half)
    pieces = _noise(3, 17, seed=1, p=0.3)
    assert np.allclose(model.predict_proba(pieces[0]), 0.5)
    assert math.isclose(model.nll_per_frame(pieces), N_KEYS * math.log(2), rel_tol=1e-6)
    assert math.isclose(independent_nll(half, pieces), N_KEYS * math.log(2), rel_tol=1e-9)


def test_learns_a_repeating_progression() -> None:
    train, valid, test = _chords(8, 32, seed=0), _chords(3, 32, seed=1), _chords(3, 32, seed=2)
    model = FrameModel(QUICK).fit(train, valid)
    baseline = independent_nll(train, test)
    assert model.nll_per_frame(test) < 0.25 * baseline
    # The convention: total NLL / total frames; skipping the first frames can only help here.
    assert model.nll_per_frame(test, skip_first=True) < model.nll_per_frame(test)


def test_fit_is_deterministic() -> None:
    train, valid = _noise(4, 30, seed=3), _noise(2, 30, seed=4)
    first = FrameModel(QUICK).fit(train, valid).nll_per_frame(valid)
    assert FrameModel(QUICK).fit(train, valid).nll_per_frame(valid) == first


@pytest.fixture(scope="module")
def trained() -> FrameModel:
    train = _chords(4, 24, seed=5) + _noise(4, 24, seed=6, p=0.05)
    return FrameModel(QUICK).fit(train, _chords(2, 24, seed=7))


def test_a_key_sees_only_the_past_and_the_keys_below_it(trained: FrameModel) -> None:
    piece = _chords(1, 24, seed=8)[0]
    before = trained.predict_proba(piece)
    t = 10
    j = int(np.nonzero(piece[t])[0][1])  # the second note of frame t
    changed = piece.copy()
    changed[t, j] = 0
    changed[t, j + 1 :] = 1 - changed[t, j + 1 :]  # and everything above it
    after = trained.predict_proba(changed)
    np.testing.assert_array_equal(after[:t], before[:t])
    np.testing.assert_array_equal(after[t, : j + 1], before[t, : j + 1])
    assert not np.allclose(after[t, j + 1 :], before[t, j + 1 :])  # keys above do look
    assert not np.allclose(after[t + 1], before[t + 1])  # and so does the next frame


def test_without_within_frame_conditioning_a_frame_sees_only_the_past() -> None:
    config = FrameConfig(epochs=10, batch_frames=64, within_frame=False, l2_scales=(0.3,))
    model = FrameModel(config).fit(_chords(4, 24, seed=9), _chords(2, 24, seed=10))
    piece = _chords(1, 24, seed=11)[0]
    changed = piece.copy()
    changed[10] = 1 - changed[10]
    before, after = model.predict_proba(piece), model.predict_proba(changed)
    np.testing.assert_array_equal(after[:11], before[:11])
    assert not np.allclose(after[11], before[11])


def test_categories_fit_their_tables() -> None:
    config = FrameConfig(tables=tuple(TABLES), period=24)
    for piece in _noise(3, 40, seed=12, p=0.2) + _chords(2, 40, seed=13):
        cats = _piece_features(piece, config)["cats"]
        for name, c in zip(config.tables, cats, strict=True):
            assert c.min() >= 0 and c.max() < TABLES[name], name


def test_missing_data_and_unknown_names_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="JSB_Chorales.mat"):
        load_split("jsb", "test", root=tmp_path)
    with pytest.raises(ValueError, match="nottingham"):
        load_split("bach", "test", root=tmp_path)
    with pytest.raises(ValueError, match="valid"):
        load_split("jsb", "dev", root=tmp_path)


@pytest.mark.skipif(
    not (DEFAULT_ROOT / "JSB_Chorales.mat").is_file(),
    reason=f"the polyphonic benchmark data is not at {DEFAULT_ROOT} (../shared/data)",
)
def test_real_jsb_test_split_loads() -> None:
    pieces = load_split("jsb", "test")
    assert len(pieces) == 77
    assert all(p.ndim == 2 and p.shape[1] == N_KEYS and p.dtype == np.uint8 for p in pieces)
    assert sum(len(p) for p in pieces) == 4725
    assert set(np.unique(np.concatenate(pieces))) == {0, 1}
