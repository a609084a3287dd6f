from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from models.checkpoints import CHECKPOINT_ROOT
from models.composition.engine import Composer
from models.composition.markov import (
    VOCAB,
    MarkovMelody,
    from_token,
    metric_class,
    to_token,
    tokens_from_notes,
)
from models.errors import CheckpointError


def test_metric_classes() -> None:
    assert [metric_class(p, (4, 4)) for p in (0, 1, 2, 3, 0.5, 0.25)] == [0, 2, 1, 2, 3, 4]
    assert [metric_class(p, (6, 8)) for p in (0, 1.5, 0.5, 1.0)] == [0, 1, 3, 3]
    assert [metric_class(p, (3, 4)) for p in (0, 1, 2)] == [0, 2, 2]


def test_token_round_trip() -> None:
    assert from_token(to_token(7, 1.5)) == (7, 1.5)
    assert from_token(to_token(0, 0.9)) == (0, 1.0)  # snaps to the grid


def test_probabilities_are_a_distribution_and_learn() -> None:
    model = MarkovMelody(order=2)
    scale = [60, 62, 64, 65, 67]
    for _ in range(20):
        tokens, metrics = tokens_from_notes(scale, [0, 1, 2, 3, 4], [1] * 5, 0, (4, 4))
        model.fit_sequence(tokens, metrics)
    probs = model.prob([to_token(0, 1), to_token(2, 1)], metric_class(2, (4, 4)), range(VOCAB))
    assert math.isclose(sum(probs.values()), 1.0, rel_tol=1e-9)
    assert max(probs, key=probs.get) == to_token(4, 1)  # C D -> E, as trained
    restored = MarkovMelody.from_json(model.to_json())
    assert restored.prob([to_token(0, 1)], 2, range(VOCAB)) == model.prob(
        [to_token(0, 1)], 2, range(VOCAB)
    )


def test_committed_checkpoint_loads() -> None:
    composer = Composer.load()
    assert composer.styles == ["chorale", "folk", "irish"]
    assert composer.config["pieces"]["chorale"]["train_major"] > 100


def test_corrupt_checkpoint_names_the_fix(tmp_path: Path) -> None:
    copy = tmp_path / "composition-v2"
    shutil.copytree(CHECKPOINT_ROOT / "composition-v2", copy)
    with open(copy / "markov.json.gz", "r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00garbage")
    with pytest.raises(CheckpointError, match="corrupt.*cadenza train composition"):
        Composer.load(copy)
    (copy / "MANIFEST.json").unlink()
    with pytest.raises(CheckpointError, match="missing"):
        Composer.load(copy)
