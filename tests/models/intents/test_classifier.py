"""The router's trained intent classifier: committed, current, verified, and used."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.core.routing.router import Router
from assistant.errors import CheckpointError
from models.intents.classifier import (
    FOLDER,
    CharGrams,
    char_ngrams,
    intents_fingerprint,
    load_classifier,
)
from models.intents.intent import load_intents


def test_the_committed_classifier_was_trained_on_these_exemplars() -> None:
    model = load_classifier()
    assert model.fingerprint == intents_fingerprint(load_intents()), (
        "prompts/intents changed since the classifier was trained: run `cadenza train router`"
    )
    assert set(model.labels) == {i.name for i in load_intents()}
    assert max(model.config["cv_accuracy"].values()) > 0.9


def test_a_corrupt_checkpoint_is_refused_and_the_router_falls_back(tmp_path: Path) -> None:
    folder = tmp_path / "router-v1"
    shutil.copytree(FOLDER, folder)
    (folder / "weights.npz").write_bytes(b"not weights")
    with pytest.raises(CheckpointError, match="cadenza train router"):
        load_classifier(folder)


def test_char_ngrams_match_words_padded_with_spaces() -> None:
    grams = char_ngrams("Hlep me", 2, 3)
    assert grams[" h"] == 1 and grams["hle"] == 1 and grams["me "] == 1
    assert "p m" not in grams  # n-grams stay inside words
    fitted = CharGrams.fit(["help me", "help", "compose"], 2, 3, 1.0, min_df=1)
    x = fitted.transform(["hlep", "compose now", ""])
    assert np.allclose(np.linalg.norm(x[:2], axis=1), 1.0) and not x[2].any()
    assert x[0] @ fitted.transform(["help"])[0] > x[0] @ fitted.transform(["compose"])[0]


@pytest.mark.slow
def test_router_uses_the_classifier_and_its_threshold(settings) -> None:  # noqa: ANN001
    from models.embeddings.encoder import get_encoder

    router = Router(get_encoder(), settings.cache_dir)
    assert router.classifier is not None and router.min_confidence == pytest.approx(
        router.classifier.config["min_confidence"]
    )
    cases = {
        "compse a happy tune in G": "compose",
        "wat can u do": "help",
        "who would stream this?": "find_audience",
        "what's the capital of france": "unclear",
        "render it to a wav": "render_audio",
    }
    for text, intent in cases.items():
        assert router.classify(text)[0][0].name == intent, text
    exemplar = Router(get_encoder(), settings.cache_dir, classifier=None)
    assert (
        exemplar.min_confidence == 0.45
        and exemplar.classify("compose a jig")[0][0].name == "compose"
    )
