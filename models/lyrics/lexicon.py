"""The lexicon baseline of the benchmark: word-emotion associations counted on the train splits.

Each word gets a smoothed probability of each GoEmotions label (from the comments it occurs in),
a mean valence and arousal (from the EmoBank sentences it occurs in) and a naive-Bayes weight
per poem sentiment class. A text scores the mean of its known words. No context, no training
beyond counting: the floor the two neural models must clear.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from models.lyrics.data import ekman_matrix

TOKEN = re.compile(r"[a-z']+")
ALPHA = 5.0  # pseudo-counts pulling rare words toward the prior


def words(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


class Lexicon:
    def __init__(self, go_texts, go_labels, eb_texts, eb_va, poem_texts, poem_labels) -> None:
        self.go_prior = go_labels.mean(0)
        self.go = self._table(go_texts, go_labels, self.go_prior)
        self.va_prior = eb_va.mean(0)
        self.va = self._table(eb_texts, eb_va, self.va_prior)
        onehot = np.eye(3, dtype=np.float32)[poem_labels]
        self.poem_prior = onehot.mean(0)
        self.poem = {
            w: np.log(p) for w, p in self._table(poem_texts, onehot, self.poem_prior).items()
        }

    @staticmethod
    def _table(texts, targets, prior) -> dict[str, np.ndarray]:
        sums: dict[str, np.ndarray] = defaultdict(lambda: np.zeros_like(prior, dtype=np.float64))
        counts: dict[str, int] = defaultdict(int)
        for text, target in zip(texts, targets, strict=True):
            for w in set(words(text)):
                sums[w] += target
                counts[w] += 1
        return {w: (sums[w] + ALPHA * prior) / (counts[w] + ALPHA) for w in sums}

    def _mean(self, table, text: str, prior) -> np.ndarray:
        known = [table[w] for w in words(text) if w in table]
        return np.mean(known, axis=0) if known else np.asarray(prior, dtype=np.float64)

    def go_scores(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._mean(self.go, t, self.go_prior) for t in texts])

    def ekman_scores(self, texts: list[str]) -> np.ndarray:
        """Ekman scores: the GoEmotions scores summed into Ekman's groups."""
        return np.minimum(self.go_scores(texts) @ ekman_matrix(), 1.0)

    def va_scores(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._mean(self.va, t, self.va_prior) for t in texts])

    def poem_classes(self, texts: list[str]) -> np.ndarray:
        out = []
        for t in texts:
            logp = np.log(self.poem_prior) + sum(
                (self.poem[w] for w in words(t) if w in self.poem), np.zeros(3)
            )
            out.append(int(np.argmax(logp)))
        return np.asarray(out)
