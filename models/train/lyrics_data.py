"""What the lyric-emotion models train on: the texts and targets of GoEmotions, EmoBank and Poem
Sentiment by split, and the two ways of turning texts into model input (MiniLM's cached frozen
states, sentencepiece ids for the BiLSTM). Split from `models.train.lyrics`, which re-exports it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.lyrics import data as D

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class Corpus:
    """Every text the models see, with the targets, by (dataset, split)."""

    texts: dict[tuple[str, str], list[str]]
    go: dict[str, np.ndarray]
    va: dict[str, np.ndarray]
    poem: dict[str, np.ndarray]
    va_mean: np.ndarray
    va_std: np.ndarray

    @classmethod
    def load(cls, limit: int | None = None) -> Corpus:
        """All splits; `limit` keeps the first n texts of each (for quick test runs)."""
        texts, go, va, poem = {}, {}, {}, {}
        n = slice(None, limit)
        for split in D.SPLITS:
            g, e, p = D.load_goemotions(split), D.load_emobank(split), D.load_poems(split)
            texts[("go", split)], go[split] = g.texts[n], g.labels[n]
            texts[("eb", split)], va[split] = e.texts[n], e.va[n]
            texts[("poem", split)], poem[split] = p.texts[n], p.labels[n]
        mean, std = va["train"].mean(0), va["train"].std(0)
        return cls(texts, go, va, poem, mean, std)


def _hash(texts: list[str]) -> str:
    return hashlib.sha1("\n".join(texts).encode()).hexdigest()[:16]


# --- the two feature providers -----------------------------------------------------------------


class MiniLMFeatures:
    """Cached, ragged fp16 states of MiniLM's frozen layers; padded per batch."""

    def __init__(self, corpus: Corpus, n_tuned: int, work: Path, progress: Progress) -> None:
        self.n_frozen = 6 - n_tuned
        self.cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        total = sum(len(t) for t in corpus.texts.values())
        done = 0
        for key, texts in corpus.texts.items():
            path = work / f"states-b{6 - n_tuned}-{key[0]}-{key[1]}-{_hash(texts)}.npz"
            if path.is_file():
                with np.load(path) as z:
                    self.cache[key] = (z["tokens"], z["offsets"])
            else:
                self.cache[key] = self._encode(
                    texts, lambda n, d=done: progress("cache", d + n, total)
                )
                np.savez(
                    path.with_suffix(".tmp.npz"),
                    tokens=self.cache[key][0],
                    offsets=self.cache[key][1],
                )
                path.with_suffix(".tmp.npz").replace(path)
            done += len(texts)
            progress("cache", done, total)

    def _encode(self, texts: list[str], report: Callable[[int], None]):
        from models.lyrics.minilm import frozen_states

        order = np.argsort([len(t) for t in texts])
        chunks: list[np.ndarray | None] = [None] * len(texts)
        for i in range(0, len(texts), 64):
            idx = order[i : i + 64]
            states, mask = frozen_states([texts[j] for j in idx], self.n_frozen)
            states = states.astype(np.float16)
            lengths = mask.sum(1)
            for row, j in enumerate(idx):
                chunks[j] = states[row, : lengths[row]]
            report(i + len(idx))
        lengths = np.array([len(c) for c in chunks])
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        return np.concatenate(chunks), offsets

    def batch(self, key: tuple[str, str], idx: np.ndarray):
        import torch

        tokens, offsets = self.cache[key]
        lengths = offsets[idx + 1] - offsets[idx]
        hidden = np.zeros((len(idx), lengths.max(), tokens.shape[1]), dtype=np.float32)
        mask = np.zeros((len(idx), lengths.max()), dtype=np.float32)
        for row, j in enumerate(idx):
            hidden[row, : lengths[row]] = tokens[offsets[j] : offsets[j + 1]]
            mask[row, : lengths[row]] = 1
        return torch.from_numpy(hidden), torch.from_numpy(mask)


class PieceFeatures:
    """Sentencepiece ids for the BiLSTM."""

    def __init__(self, corpus: Corpus, sp) -> None:
        self.ids = {key: [sp.encode(t) for t in texts] for key, texts in corpus.texts.items()}
        self.unk = sp.unk_id()

    def batch(self, key: tuple[str, str], idx: np.ndarray):
        import torch

        from models.lyrics.lstm import MAX_PIECES

        rows = [self.ids[key][j][:MAX_PIECES] or [self.unk] for j in idx]
        ids = torch.zeros((len(rows), max(len(r) for r in rows)), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
        return ids, torch.tensor([len(r) for r in rows])
