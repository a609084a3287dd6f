"""The lyric-emotion training data, read from the copies in `data/lyrics/` (see ATTRIBUTION.md).

- GoEmotions: Reddit comments, 27 emotions + neutral, multi-label, standard train/dev/test.
  Ekman's 7 labels and the 3 sentiment groups are derived with the dataset's own mappings
  (the Ekman files of the release are exactly that mapping applied).
- EmoBank: sentences with reader/writer-averaged valence, arousal, dominance on 1-5.
- Poem Sentiment: Gutenberg verses; negative / no impact / positive (the 4th, "mixed", class
  exists only in train and is dropped, as in the paper's 3-class setting).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_ROOT = Path(__file__).resolve().parents[2] / "data" / "lyrics"

GO_LABELS: tuple[str, ...] = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion",
    "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
    "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism",
    "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)  # fmt: skip
EKMAN_LABELS: tuple[str, ...] = (
    "anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise",
)  # fmt: skip
POEM_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
SPLITS = ("train", "dev", "test")


@dataclass
class GoEmotions:
    texts: list[str]
    labels: np.ndarray  # (n, 28) 0/1


@dataclass
class EmoBank:
    texts: list[str]
    va: np.ndarray  # (n, 2) valence, arousal on 1-5


@dataclass
class Poems:
    texts: list[str]
    labels: np.ndarray  # (n,) 0 negative, 1 neutral, 2 positive


def _root(root: Path | None) -> Path:
    root = root or DATA_ROOT
    if not (root / "goemotions").is_dir():
        raise FileNotFoundError(
            f"The lyric training data is missing under {root}; it ships with the repository "
            "(data/lyrics/). Check out the full repository to retrain."
        )
    return root


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8")
    return open(path, encoding="utf-8")


@lru_cache(maxsize=8)
def load_goemotions(split: str, root: Path | None = None) -> GoEmotions:
    texts, labels = [], []
    with _open_text(_root(root) / "goemotions" / f"{split}.tsv.gz") as fh:
        for line in fh:
            text, ids, _ = line.rstrip("\n").split("\t")
            row = np.zeros(len(GO_LABELS), dtype=np.float32)
            row[[int(i) for i in ids.split(",")]] = 1.0
            texts.append(text)
            labels.append(row)
    return GoEmotions(texts, np.stack(labels))


@lru_cache(maxsize=1)
def ekman_matrix(root: Path | None = None) -> np.ndarray:
    """(28, 7) 0/1: which Ekman label each GoEmotions label belongs to."""
    mapping = json.loads((_root(root) / "goemotions" / "ekman_mapping.json").read_text())
    mat = np.zeros((len(GO_LABELS), len(EKMAN_LABELS)), dtype=np.float32)
    for ekman, members in mapping.items():
        for label in members:
            mat[GO_LABELS.index(label), EKMAN_LABELS.index(ekman)] = 1.0
    mat[GO_LABELS.index("neutral"), EKMAN_LABELS.index("neutral")] = 1.0
    return mat


def ekman_labels(go: np.ndarray) -> np.ndarray:
    """Ekman 0/1 labels from GoEmotions 0/1 labels (the release's own mapping)."""
    return (go @ ekman_matrix() > 0).astype(np.float32)


@lru_cache(maxsize=1)
def sentiment_groups(root: Path | None = None) -> dict[str, tuple[str, ...]]:
    mapping = json.loads((_root(root) / "goemotions" / "sentiment_mapping.json").read_text())
    return {k: tuple(v) for k, v in mapping.items()}


@lru_cache(maxsize=4)
def load_emobank(split: str, root: Path | None = None) -> EmoBank:
    texts, va = [], []
    with _open_text(_root(root) / "emobank" / "emobank.csv.gz") as fh:
        for row in csv.DictReader(fh):
            if row["split"] == split and row["text"].strip():
                texts.append(row["text"])
                va.append((float(row["V"]), float(row["A"])))
    return EmoBank(texts, np.asarray(va, dtype=np.float32))


@lru_cache(maxsize=4)
def load_poems(split: str, root: Path | None = None) -> Poems:
    texts, labels = [], []
    with _open_text(_root(root) / "poem-sentiment" / f"{split}.tsv") as fh:
        for line in fh:
            _, text, label = line.rstrip("\n").split("\t")
            if int(label) in (-1, 0, 1):
                texts.append(text)
                labels.append(int(label) + 1)
    return Poems(texts, np.asarray(labels, dtype=np.int64))
