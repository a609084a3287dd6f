"""The router's intent classifier: multinomial logistic regression on MiniLM embeddings.

Features of a message (the request line, with a quoted title replaced by "the song"):
- TF-IDF of its character n-grams inside words (size chosen in training), which survive
  spelling slips;
- its MiniLM sentence vector (384 numbers);
- one flag per intent: does the message hold one of that intent's cues (the regexes kept with
  its exemplars in `prompts/intents/*.yaml`);
- a few flags from the message's form: a file of each kind (audio, MIDI, lyrics, CSV, folder),
  a musical key, a tempo, a length, a quoted title, a date, a pointer at a song ("it", "this").

MiniLM alone weighs nouns over verbs ("make a jig" sits next to "open the jig"); the flags give
the verb and the file type the weight a producer gives them. Training (`cadenza train router`,
seconds) fits the weights on the exemplars and the dev half of the labelled requests; the test
half is only read by `benchmarks/router.py`. Inference is one matrix product in numpy.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint

if TYPE_CHECKING:
    from models.intents.intent import Intent

FORMAT, FORMAT_VERSION = "cadenza-intents", 1
FOLDER = CHECKPOINT_ROOT / "router-v1"
FLAG_SCALE = 0.5  # flags sit beside unit-length text vectors: comparable, not dominant
FORM_FLAGS = (
    ("audio_file", r"\.(?:wav|flac|ogg|mp3|aiff?|m4a)\b"),
    ("midi_file", r"\.midi?\b"),
    ("lyric_file", r"\.(?:txt|lrc)\b"),
    ("csv_file", r"\.csv\b"),
    ("folder", r"(?:^|\s)(?:~|\.{1,2})?/[\w./-]+(?<![.][a-z]{3})(?:\s|$)"),
    ("key", r"\b[A-Ga-g](?:#|b|\s?sharp|\s?flat)?\s?(?:major|minor|maj|min)\b"),
    ("tempo", r"\b\d{2,3}\s*bpm\b|\b(?:faster|slower|tempo)\b"),
    ("length", r"\b\d{1,3}\s*(?:bars?|measures?)\b"),
    ("quoted", r"[\"“'][^\"”']{2,80}[\"”']"),
    (
        "date",
        r"\b20\d\d-\d\d-\d\d\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d",
    ),
    ("pointer", r"\b(?:it|this|that)\b"),
)
_FORM = [(name, re.compile(rx, re.I)) for name, rx in FORM_FLAGS]


def intents_fingerprint(intents: list[Intent]) -> str:
    """Changes when an intent, an exemplar or a cue changes: the checkpoint is then stale."""
    text = json.dumps([[i.name, list(i.examples), [c.pattern for c in i.cues]] for i in intents])
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def flag_features(texts: list[str], intents: list[Intent]) -> np.ndarray:
    """(n, n_intents + n_form_flags) 0/1 flags, scaled."""
    out = np.zeros((len(texts), len(intents) + len(_FORM)), dtype=np.float32)
    for r, text in enumerate(texts):
        for c, intent in enumerate(intents):
            out[r, c] = any(cue.search(text) for cue in intent.cues)
        for c, (_, rx) in enumerate(_FORM, start=len(intents)):
            out[r, c] = bool(rx.search(text))
    return out * FLAG_SCALE


_SPACES = re.compile(r"\s\s+")


def char_ngrams(text: str, low: int, high: int) -> dict[str, int]:
    """Counts of the character n-grams inside words padded with a space ("hlep" -> " hl", "hle"...).

    Spelling slips ("compse", "lyrcs", "hlep") change a word's MiniLM tokens completely but
    keep most of its n-grams, so these carry a misspelt request to the right intent.
    """
    counts: dict[str, int] = {}
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            for i in range(max(1, len(padded) - n + 1)):
                gram = padded[i : i + n]
                counts[gram] = counts.get(gram, 0) + 1
    return counts


@dataclass(frozen=True)
class CharGrams:
    """A TF-IDF map of character n-grams (sublinear tf, smooth idf, unit length), like sklearn's."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    low: int = 2
    high: int = 4
    weight: float = 1.0

    @classmethod
    def fit(
        cls, texts: list[str], low: int, high: int, weight: float, min_df: int = 2
    ) -> CharGrams:
        df: dict[str, int] = {}
        for text in texts:
            for gram in char_ngrams(text, low, high):
                df[gram] = df.get(gram, 0) + 1
        kept = sorted(g for g, n in df.items() if n >= min_df)
        idf = np.array([np.log((1 + len(texts)) / (1 + df[g])) + 1 for g in kept], np.float32)
        return cls({g: i for i, g in enumerate(kept)}, idf, low, high, weight)

    def transform(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for r, text in enumerate(texts):
            for gram, count in char_ngrams(text, self.low, self.high).items():
                j = self.vocabulary.get(gram)
                if j is not None:
                    out[r, j] = (1 + np.log(count)) * self.idf[j]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return self.weight * out / np.maximum(norms, 1e-9)


def features(
    vectors: np.ndarray, texts: list[str], intents: list[Intent], grams: CharGrams | None = None
) -> np.ndarray:
    parts = [vectors, flag_features(texts, intents)]
    if grams is not None:
        parts.append(grams.transform(texts))
    return np.hstack(parts)


@dataclass(frozen=True)
class IntentClassifier:
    labels: tuple[str, ...]
    weights: np.ndarray  # (n_labels, n_features)
    bias: np.ndarray  # (n_labels,)
    fingerprint: str
    config: dict
    grams: CharGrams | None = None

    def features(self, vectors: np.ndarray, texts: list[str], intents: list[Intent]) -> np.ndarray:
        return features(vectors, texts, intents, self.grams)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """(n, n_labels) softmax probabilities."""
        logits = x @ self.weights.T + self.bias
        logits -= logits.max(axis=-1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=-1, keepdims=True)

    def save(self, folder: Path, train_command: str) -> None:
        from models.checkpoints import write_manifest

        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / "weights.npz", weights=self.weights.astype(np.float32),
                 bias=self.bias.astype(np.float32))  # fmt: skip
        grams = {}
        if self.grams is not None:
            np.save(folder / "char_idf.npy", self.grams.idf)
            (folder / "char_vocabulary.json").write_text(
                json.dumps(sorted(self.grams.vocabulary, key=self.grams.vocabulary.get))
            )
            grams = {
                "char_ngrams": [self.grams.low, self.grams.high],
                "char_weight": self.grams.weight,
            }
        config = {**self.config, "format": FORMAT, "format_version": FORMAT_VERSION,
                  "labels": list(self.labels), "intents_fingerprint": self.fingerprint, **grams}  # fmt: skip
        write_manifest(folder, config, train_command)


def load_classifier(folder: Path = FOLDER) -> IntentClassifier:
    """The committed classifier (verified), or CheckpointError naming `cadenza train router`."""
    config = verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
    with np.load(folder / "weights.npz") as z:
        weights, bias = z["weights"], z["bias"]
    grams = None
    if "char_ngrams" in config:
        vocabulary = json.loads((folder / "char_vocabulary.json").read_text())
        low, high = config["char_ngrams"]
        grams = CharGrams({g: i for i, g in enumerate(vocabulary)}, np.load(folder / "char_idf.npy"),
                          low, high, float(config["char_weight"]))  # fmt: skip
    return IntentClassifier(
        tuple(config["labels"]), weights, bias, config["intents_fingerprint"], config, grams
    )


@lru_cache(maxsize=1)
def cached_classifier() -> IntentClassifier:
    return load_classifier()
