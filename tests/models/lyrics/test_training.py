"""The lyric training pipeline end to end on a tiny slice: train, save, load, same answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.checkpoints import verify_checkpoint
from models.lyrics.data import ekman_labels, load_emobank, load_goemotions, load_poems
from models.lyrics.lstm import FORMAT, FORMAT_VERSION, LSTMEmotion
from models.lyrics.metrics import f1_per_label, macro_f1, pearson, tune_thresholds
from models.train.lyrics import train_bilstm


def test_data_splits_have_the_published_sizes() -> None:
    assert [len(load_goemotions(s).texts) for s in ("train", "dev", "test")] == [43410, 5426, 5427]
    assert [len(load_emobank(s).texts) for s in ("train", "dev", "test")] == [8062, 1000, 1000]
    test = load_poems("test")
    assert len(test.texts) == 104 and set(test.labels) == {0, 1, 2}
    go = load_goemotions("dev").labels
    ek = ekman_labels(go)
    assert ek.shape == (5426, 7) and (ek.sum(1) >= 1).all()


def test_metrics() -> None:
    gold = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=np.float32)
    probs = np.array([[0.9, 0.2], [0.1, 0.6], [0.7, 0.4], [0.2, 0.1]], dtype=np.float32)
    assert macro_f1(probs, gold, 0.5) == pytest.approx((1.0 + 2 / 3) / 2)
    thresholds = tune_thresholds(probs, gold)
    assert macro_f1(probs, gold, thresholds) == 1.0
    assert f1_per_label(np.zeros((2, 1)), np.zeros((2, 1)))[0] == 0.0
    assert pearson(np.arange(5.0), 2 * np.arange(5.0) + 1) == pytest.approx(1.0)


@pytest.mark.slow
def test_tiny_training_run_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "lyrics-bilstm-v1"
    seen: list[str] = []
    path = train_bilstm(tmp_path / "work", lambda phase, d, t: seen.append(phase), epochs=1,
                        out=out, limit=300, size=(16, 16), vocab=300)  # fmt: skip
    config = verify_checkpoint(path, FORMAT, FORMAT_VERSION)
    assert len(config["go_thresholds"]) == 28 and "go_macro_f1" in config["dev"]
    assert "pieces" in seen and any(p.startswith("bilstm epoch 1/1") for p in seen)
    a = LSTMEmotion(path).analyse(["a quiet line", "I am furious"])
    b = LSTMEmotion(path).analyse(["a quiet line", "I am furious"])
    np.testing.assert_array_equal(a.go, b.go)
    assert a.va.shape == (2, 2) and np.isfinite(a.va).all()
    assert not (
        tmp_path / "work" / "bilstm-state.pt"
    ).exists()  # a finished run leaves no resume state
