"""Scores for the lyric-emotion models: macro-F1 with per-label thresholds, Pearson r, accuracy."""

from __future__ import annotations

import numpy as np

GRID = np.round(np.arange(0.02, 0.96, 0.01), 2)


def f1_per_label(pred: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """F1 of each column of 0/1 matrices (0 where a label is never predicted nor true)."""
    tp = (pred * gold).sum(0)
    fp = (pred * (1 - gold)).sum(0)
    fn = ((1 - pred) * gold).sum(0)
    denom = 2 * tp + fp + fn
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)


def macro_f1(probs: np.ndarray, gold: np.ndarray, thresholds: np.ndarray | float) -> float:
    return float(f1_per_label((probs >= thresholds).astype(np.float32), gold).mean())


def tune_thresholds(probs: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Per label, the threshold on GRID with the best F1 on this (dev) set."""
    best = np.full(probs.shape[1], 0.5, dtype=np.float32)
    best_f1 = np.full(probs.shape[1], -1.0)
    for t in GRID:
        f1 = f1_per_label((probs >= t).astype(np.float32), gold)
        better = f1 > best_f1
        best[better], best_f1[better] = t, f1[better]
    return best


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else 0.0


def accuracy(pred: np.ndarray, gold: np.ndarray) -> float:
    return float((pred == gold).mean()) if len(gold) else 0.0
