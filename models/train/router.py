"""Train the router's intent classifier: `cadenza train router` (a few seconds once encoded).

Training data: every exemplar in `prompts/intents/*.yaml` plus the dev half of the labelled
requests in `tests/router_data/requests.yaml` (the test half is never read here). The
regularisation strength is chosen by 5-fold cross-validation on that data; the classifier is
then fitted on all of it and written to `models/checkpoints/router-v1/`.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = ROOT / "tests" / "router_data" / "requests.yaml"
C_GRID = (8.0, 32.0, 128.0, 512.0)
COMMAND = "cadenza train router"


def training_data(intents, requests: Path = REQUESTS) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """(texts as the router classifies them, intent labels): exemplars plus dev requests."""
    from models.intents.message import read_message

    texts, labels = [], []
    for intent in intents:
        texts += list(intent.examples)
        labels += [intent.name] * len(intent.examples)
    for item in yaml.safe_load(requests.read_text()):
        if item["split"] == "dev":
            texts.append(read_message(item["text"])[3])
            labels.append(item["intent"])
    return texts, labels


def fit(x: np.ndarray, y: list[str], c: float, seed: int = 0):  # noqa: ANN201 (sklearn type)
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(x, y)


def choose_c(x: np.ndarray, y: list[str], seed: int = 0) -> tuple[float, dict[str, float]]:
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    scores = {}
    for c in C_GRID:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=5000, random_state=seed)
        scores[str(c)] = float(cross_val_score(model, x, y, cv=folds).mean())
    best = max(C_GRID, key=lambda c: scores[str(c)])
    return best, scores


THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def choose_threshold(x: np.ndarray, y: list[str], c: float, seed: int = 0) -> float:
    """The probability below which the router asks: best cross-validated routing accuracy.

    A message is routed right when its top intent is right and confident enough, or when it is
    an "unclear" one and the router asks (top intent "unclear", or not confident enough).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    model = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    probs = cross_val_predict(model, x, y, cv=folds, method="predict_proba")
    classes = np.array(sorted(set(y)))
    top, conf, truth = classes[probs.argmax(1)], probs.max(1), np.array(y)
    best = (-1.0, THRESHOLDS[0])
    for t in THRESHOLDS:
        asks = (conf < t) | (top == "unclear")
        right = np.where(truth == "unclear", asks, (top == truth) & ~asks)
        best = max(best, (float(right.mean()), t))
    return best[1]


CHAR_GRID = (None, (2, 4, 1.0), (3, 5, 1.0), (2, 4, 0.6))  # (low, high, weight) of n-grams


def train(out: Path | None = None, report=print) -> Path:  # noqa: ANN001
    """Fit and save the classifier; returns the checkpoint folder.

    The feature set (with or without character n-grams, and their size and weight) and the
    regularisation strength are chosen together by 5-fold cross-validation.
    """
    from models.embeddings.encoder import get_encoder
    from models.intents.classifier import (
        FOLDER,
        CharGrams,
        IntentClassifier,
        features,
        intents_fingerprint,
    )
    from models.intents.intent import load_intents

    start = time.perf_counter()
    intents = load_intents()
    texts, labels = training_data(intents)
    report(f"{len(texts)} training texts ({len(intents)} intents); encoding...")
    vectors = get_encoder().encode(texts)
    best = None
    for spec in CHAR_GRID:
        grams = CharGrams.fit(texts, *spec) if spec else None
        x = features(vectors, texts, intents, grams)
        c, cv = choose_c(x, labels)
        report(f"char n-grams {spec}: cross-validated accuracy by C {cv}")
        if best is None or cv[str(c)] > best[0] + 1e-9:
            best = (cv[str(c)], c, spec, grams, x, cv)
    score, c, spec, grams, x, cv = best
    threshold = choose_threshold(x, labels, c)
    report(f"chosen: char n-grams {spec}, C={c} (cv {score:.3f}); confidence threshold {threshold}")
    model = fit(x, labels, c)
    classifier = IntentClassifier(
        labels=tuple(str(label) for label in model.classes_),
        weights=model.coef_.astype(np.float32),
        bias=model.intercept_.astype(np.float32),
        fingerprint=intents_fingerprint(intents),
        config={"C": c, "cv_accuracy": cv, "train_texts": len(texts), "min_confidence": threshold,
                "train_accuracy": float(model.score(x, labels)),
                "data": "prompts/intents/*.yaml exemplars + tests/router_data/requests.yaml dev split"},
        grams=grams,
    )  # fmt: skip
    folder = save_checkpoint(classifier, out or FOLDER)
    report(f"Checkpoint written to {folder} in {time.perf_counter() - start:.1f} s")
    return folder


def save_checkpoint(classifier, folder: Path) -> Path:  # noqa: ANN001 (an IntentClassifier)
    """Save into a fresh `<folder>.tmp` (no stale files from another feature set), then swap it
    in: the committed classifier stays whole until the new one is (models.checkpoints)."""
    from models.checkpoints import fresh_staging, install_checkpoint

    staging = fresh_staging(folder)
    classifier.save(staging, COMMAND)
    return install_checkpoint(staging, folder)


if __name__ == "__main__":
    train()
