"""The committed lyric-emotion checkpoints: they load, read feelings right, fail clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from models.errors import CheckpointError
from models.lyrics.data import GO_LABELS

pytestmark = pytest.mark.slow

LINES = [
    "I can't stop smiling, today is the best day of my life",
    "I miss you so much, I cry myself to sleep every night",
    "Get out of my face, I hate every lie you ever told",
    "Thank you for always being there for me",
]


@pytest.fixture(scope="module", params=["minilm", "bilstm", "ensemble"])
def model(request):  # noqa: ANN001, ANN201
    from models.lyrics.engine import get_model

    return get_model(request.param)


def top(em, i: int) -> list[str]:  # noqa: ANN001
    return [e for e, _ in em.top_emotions(i, k=3)]


def test_reads_clear_feelings(model) -> None:  # noqa: ANN001
    em = model.analyse(LINES)
    assert em.go.shape == (4, len(GO_LABELS)) and em.ekman.shape == (4, 7)
    assert "joy" in top(em, 0) or "excitement" in top(em, 0)
    assert "sadness" in top(em, 1)
    assert {"anger", "annoyance", "disgust", "disapproval"} & set(top(em, 2))
    assert "gratitude" in top(em, 3)
    assert em.quadrant(0) == "happy" and em.quadrant(1) == "sad"
    assert em.va[0, 0] > em.va[1, 0] + 0.3  # joy reads more positive than grief
    assert em.sentiment_label(0) == "positive"
    assert em.sentiment[1, 0] > em.sentiment[1, 2]  # negative over positive for the tears


def test_same_input_same_output(model) -> None:  # noqa: ANN001
    a, b = model.analyse(LINES[:2]), model.analyse(LINES[:2])
    np.testing.assert_array_equal(a.go, b.go)
    np.testing.assert_array_equal(a.va, b.va)


def test_explanations_point_at_the_feeling_words(model) -> None:  # noqa: ANN001
    from models.lyrics.song import explain

    texts = ["I miss you so much, I cry myself to sleep every night", "Thank you for everything"]
    words = explain(model, texts, model.analyse(texts))
    assert {"miss", "cry"} & {w.lower() for w, _ in words[0][:2]}, words
    assert words[1][0][0] == "Thank", words


def test_batching_does_not_change_answers(model) -> None:  # noqa: ANN001
    one = model.analyse(LINES[1:2])
    many = model.analyse(LINES)
    np.testing.assert_allclose(one.go[0], many.go[1], atol=1e-4)


@pytest.mark.parametrize("name", ["minilm", "bilstm", "ensemble"])
def test_corrupt_or_missing_checkpoint_names_the_fix(name: str, tmp_path: Path) -> None:
    from models.lyrics import ensemble, lstm, minilm

    module = {"minilm": minilm, "bilstm": lstm, "ensemble": ensemble}[name]
    loader = {"minilm": minilm.MiniLMEmotion, "bilstm": lstm.LSTMEmotion,
              "ensemble": ensemble.EnsembleEmotion}[name]  # fmt: skip
    broken = tmp_path / module.CHECKPOINT.name
    shutil.copytree(module.CHECKPOINT, broken)
    weights = next(
        p
        for p in sorted(broken.iterdir())
        if p.suffix in (".safetensors", ".json") and p.name != "MANIFEST.json"
    )
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="corrupt.*cadenza train lyrics"):
        loader(broken)
    with pytest.raises(CheckpointError, match="missing.*cadenza train lyrics"):
        loader(tmp_path / "gone" / module.CHECKPOINT.name)
