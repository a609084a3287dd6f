"""What both lyric-emotion models share: the output heads, the outputs and their meaning.

Each model turns a line of text into one pooled vector; four heads read it:
- `go`: 28 sigmoid logits, the GoEmotions labels (multi-label);
- `ekman`: 7 sigmoid logits, Ekman's six basic emotions + neutral;
- `sentiment`: 3 softmax logits, negative / neutral / positive (Poem Sentiment);
- `va`: valence and arousal, standardised; the config holds EmoBank's mean and spread to
  bring them back to its 1-5 scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from models.lyrics.data import EKMAN_LABELS, GO_LABELS, POEM_LABELS

QUADRANTS = ("happy", "angry", "sad", "relaxed", "neutral")
NEUTRAL_ZONE = 0.15  # a point this close to the centre on both axes has no quadrant
SPAN = 0.8  # EmoBank points from its mean to the edge of the -1..1 circumplex (about 2.3 sd)
# Where each GoEmotions label sits on Russell's circumplex (valence, arousal in -1..1):
# approximate placements, so that sadness and grief read as low arousal, fear and anger high.
CIRCUMPLEX = {
    "admiration": (0.6, 0.3), "amusement": (0.7, 0.5), "anger": (-0.7, 0.8),
    "annoyance": (-0.5, 0.5), "approval": (0.5, 0.1), "caring": (0.6, -0.2),
    "confusion": (-0.2, 0.3), "curiosity": (0.3, 0.4), "desire": (0.5, 0.6),
    "disappointment": (-0.6, -0.3), "disapproval": (-0.5, 0.3), "disgust": (-0.7, 0.5),
    "embarrassment": (-0.5, 0.4), "excitement": (0.8, 0.9), "fear": (-0.7, 0.7),
    "gratitude": (0.8, 0.0), "grief": (-0.9, -0.4), "joy": (0.9, 0.6), "love": (0.9, 0.2),
    "nervousness": (-0.5, 0.7), "optimism": (0.7, 0.3), "pride": (0.7, 0.5),
    "realization": (0.1, 0.2), "relief": (0.6, -0.5), "remorse": (-0.7, -0.2),
    "sadness": (-0.8, -0.5), "surprise": (0.2, 0.8), "neutral": (0.0, 0.0),
}  # fmt: skip
# How much of each circumplex axis comes from EmoBank's regression (the rest from the emotion
# mix). EmoBank's arousal follows a sentence's intensity ("I cry myself to sleep" rates high),
# so arousal leans on the emotions, which place sadness low and anger high.
EMOBANK_SHARE = (0.5, 0.15)


def quadrant_of(v: float, a: float) -> str:
    """Russell's quadrant of a point on the -1..1 circumplex.

    'neutral' near the centre on both axes. Arousal must be clearly positive (at least
    NEUTRAL_ZONE) to count as high: a line with no sign of agitation reads as calm.
    """
    if abs(v) < NEUTRAL_ZONE and abs(a) < NEUTRAL_ZONE:
        return "neutral"
    high = a >= NEUTRAL_ZONE
    if v >= 0:
        return "happy" if high else "relaxed"
    return "angry" if high else "sad"


def circumplex(go: np.ndarray, va: np.ndarray, centre: tuple[float, float]) -> np.ndarray:
    """(n, 2) valence and arousal on -1..1: EmoBank's ratings blended with the emotion mix.

    The emotion mix is the probability-weighted mean of the non-neutral labels' circumplex
    placements, shrunk toward the centre when their probabilities sum to less than one (a
    plain line has little pull).
    """
    table = np.array([CIRCUMPLEX[label] for label in GO_LABELS[:-1]], dtype=np.float32)
    felt = go[:, :-1]
    mix = (felt @ table) / np.maximum(felt.sum(1, keepdims=True), 1.0)
    rated = np.clip((va - np.asarray(centre, dtype=np.float32)) / SPAN, -1, 1)
    share = np.asarray(EMOBANK_SHARE, dtype=np.float32)
    return share * rated + (1 - share) * mix


@dataclass
class Emotions:
    """A model's reading of n texts. Probabilities are in [0, 1]; VA on EmoBank's 1-5 scale."""

    go: np.ndarray  # (n, 28)
    ekman: np.ndarray  # (n, 7)
    sentiment: np.ndarray  # (n, 3)
    va: np.ndarray  # (n, 2)
    go_thresholds: np.ndarray  # (28,) tuned on GoEmotions dev for macro-F1
    ekman_thresholds: np.ndarray  # (7,)
    centre: tuple[float, float]  # EmoBank training mean (valence, arousal)

    def __len__(self) -> int:
        return len(self.go)

    def go_labels(self, i: int) -> list[str]:
        return [GO_LABELS[j] for j in np.flatnonzero(self.go[i] >= self.go_thresholds)]

    def ekman_labels(self, i: int) -> list[str]:
        return [EKMAN_LABELS[j] for j in np.flatnonzero(self.ekman[i] >= self.ekman_thresholds)]

    def top_emotions(self, i: int, k: int = 3) -> list[tuple[str, float]]:
        """The k strongest GoEmotions labels, by probability over the label's threshold."""
        score = self.go[i] / np.maximum(self.go_thresholds, 1e-3)
        order = np.argsort(-score)[:k]
        return [(GO_LABELS[j], float(self.go[i, j])) for j in order]

    def target(self, i: int) -> int | None:
        """The strongest non-neutral label that passes its threshold (what to explain), if any."""
        score = self.go[i, :-1] / np.maximum(self.go_thresholds[:-1], 1e-3)
        j = int(np.argmax(score))
        return j if score[j] >= 1.0 else None

    @cached_property
    def circumplex(self) -> np.ndarray:
        """(n, 2) computed once: `quadrant(i)` is asked for every line."""
        return circumplex(self.go, self.va, self.centre)

    @cached_property
    def weight(self) -> np.ndarray:
        """How much each text counts in a section's or song's place: its emotional charge (its
        strongest emotion over that emotion's threshold, capped at 1, at least 0.1), so plain
        narrative lines don't wash out the feeling of the lines that carry it."""
        charge = self.go[:, :-1] / np.maximum(self.go_thresholds[:-1], 1e-3)
        return np.clip(charge.max(1), 0.1, 1.0)

    def sentiment_label(self, i: int) -> str:
        return POEM_LABELS[int(np.argmax(self.sentiment[i]))]

    def quadrant(self, i: int) -> str:
        v, a = self.circumplex[i]
        return quadrant_of(float(v), float(a))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


class Heads:
    """The four heads in numpy, from a checkpoint's `heads.*` arrays."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.linear = {
            name: (np.ascontiguousarray(weights[f"heads.{name}.weight"].T, dtype=np.float32),
                   np.asarray(weights[f"heads.{name}.bias"], dtype=np.float32))
            for name in ("go", "ekman", "sentiment", "va")
        }  # fmt: skip

    def read(self, pooled: np.ndarray) -> dict[str, np.ndarray]:
        """Probabilities for the label heads, VA still standardised (as in training)."""
        logits = {name: pooled @ w + b for name, (w, b) in self.linear.items()}
        return {
            "go": _sigmoid(logits["go"]),
            "ekman": _sigmoid(logits["ekman"]),
            "sentiment": _softmax(logits["sentiment"]),
            "va": logits["va"],
        }


def load_arrays(path: Path) -> dict[str, np.ndarray]:
    """A checkpoint's safetensors as float32 numpy arrays; unreadable says how to fix it."""
    from safetensors.numpy import load_file

    from models.errors import CheckpointError

    try:
        return {k: v.astype(np.float32) for k, v in load_file(str(path)).items()}
    except (OSError, ValueError, Exception) as exc:  # noqa: BLE001 (safetensors' own errors)
        raise CheckpointError(
            f"The lyric model in {path.parent} is unreadable ({exc}). "
            "Retrain it with `cadenza train lyrics`."
        ) from exc


def emotions_from(batches: list[dict[str, np.ndarray]], config: dict) -> Emotions:
    """Join `read_heads` batches; VA back on EmoBank's scale; thresholds from the config."""
    va_mean = np.asarray(config["va_mean"], dtype=np.float32)
    va_std = np.asarray(config["va_std"], dtype=np.float32)
    widths = {"go": len(GO_LABELS), "ekman": len(EKMAN_LABELS), "sentiment": 3, "va": 2}
    out = {
        name: np.concatenate([b[name] for b in batches])
        if batches
        else np.zeros((0, width), np.float32)
        for name, width in widths.items()
    }
    return Emotions(
        go=out["go"],
        ekman=out["ekman"],
        sentiment=out["sentiment"],
        va=out["va"] * va_std + va_mean,
        go_thresholds=np.asarray(config["go_thresholds"], dtype=np.float32),
        ekman_thresholds=np.asarray(config["ekman_thresholds"], dtype=np.float32),
        centre=(float(va_mean[0]), float(va_mean[1])),
    )
