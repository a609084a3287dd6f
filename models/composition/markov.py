"""Variable-order Markov melody model over (scale degree, duration), conditioned on metric position.

A token is a note: its degree in semitones above the tonic (0..11, or REST) and its duration in
quarter-note beats, quantised to DURATIONS. The history of a prediction is the metric class of the
note's onset plus up to `order` previous tokens. Probabilities use Witten-Bell interpolation: each
order mixes its own counts with the next shorter history, weighted by how many distinct tokens
followed that history, so unseen contexts fall back smoothly to the unigram of the metric class.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

DURATIONS: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
REST = 12
N_DEGREES = 13  # 0..11 plus REST
VOCAB = N_DEGREES * len(DURATIONS)
_UNIFORM = np.full(VOCAB, 1.0 / VOCAB)

Token = int
Context = tuple[int, ...]


def to_token(degree: int, dur_beats: float) -> Token:
    """Encode a note; its duration snaps to the nearest value in DURATIONS."""
    idx = min(range(len(DURATIONS)), key=lambda i: abs(DURATIONS[i] - dur_beats))
    return degree * len(DURATIONS) + idx


def from_token(token: Token) -> tuple[int, float]:
    """Decode a token into (degree, duration in beats)."""
    return token // len(DURATIONS), DURATIONS[token % len(DURATIONS)]


def metric_class(pos_beats: float, meter: tuple[int, int]) -> int:
    """Metric weight of an onset: 0 downbeat, 1 strong beat, 2 beat, 3 half beat, 4 finer."""
    num, den = meter
    pos = round(pos_beats * 4) / 4  # sixteenth grid
    if pos == 0:
        return 0
    compound = den == 8 and num % 3 == 0
    beat = 1.5 if compound else 4.0 / den
    bar = num * 4.0 / den
    if num % 2 == 0 and not compound and abs(pos - bar / 2) < 1e-6:
        return 1
    if compound and num >= 6 and abs(pos - bar / 2) < 1e-6:
        return 1
    if abs(pos / beat - round(pos / beat)) < 1e-6:
        return 2
    sub = beat / (3 if compound else 2)
    if abs(pos / sub - round(pos / sub)) < 1e-6:
        return 3
    return 4


def tokens_from_notes(
    pitches: Sequence[int],
    starts: Sequence[float],
    durs: Sequence[float],
    tonic_pc: int,
    meter: tuple[int, int],
) -> tuple[list[Token], list[int]]:
    """Tokens and onset metric classes of a monophonic line; gaps become rests."""
    bar_len = meter[0] * 4.0 / meter[1]
    tokens: list[Token] = []
    metrics: list[int] = []
    for i, (pitch, start, dur) in enumerate(zip(pitches, starts, durs, strict=True)):
        tokens.append(to_token((pitch - tonic_pc) % 12, dur))
        metrics.append(metric_class(start % bar_len, meter))
        end = start + dur
        if i + 1 < len(starts) and starts[i + 1] - end >= 0.25 - 1e-6:
            tokens.append(to_token(REST, starts[i + 1] - end))
            metrics.append(metric_class(end % bar_len, meter))
    return tokens, metrics


@dataclass
class MarkovMelody:
    """Counts for one style and mode; `prob` gives smoothed next-token probabilities."""

    order: int = 3
    # counts[k][(metric, t-1, ..., t-k)] -> Counter of next tokens; k = 0..order
    counts: list[dict[Context, Counter[Token]]] = field(default_factory=list)
    n_pieces: int = 0
    _memo: dict[Context, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = [defaultdict(Counter) for _ in range(self.order + 1)]

    # -- training ---------------------------------------------------------------------------
    def fit_sequence(self, tokens: Sequence[Token], metrics: Sequence[int]) -> None:
        """Add one melody (tokens with the metric class of each onset)."""
        for i, (tok, met) in enumerate(zip(tokens, metrics, strict=True)):
            for k in range(self.order + 1):
                if k > i:
                    break
                ctx = (met, *reversed(tokens[i - k : i]))
                self.counts[k][ctx][tok] += 1
        self.n_pieces += 1
        self._memo.clear()

    # -- probabilities ----------------------------------------------------------------------
    def dist(self, history: Sequence[Token], metric: int) -> np.ndarray:
        """P(token | metric, history) over the whole vocabulary, Witten-Bell interpolated.

        Each context's interpolated distribution is memoised, so sampling a long piece costs a
        dictionary lookup and at most one small vector operation per note.
        """
        recent = tuple(reversed(history[-self.order :])) if self.order else ()
        return self._interp((metric, *recent))

    def _interp(self, ctx: Context) -> np.ndarray:
        got = self._memo.get(ctx)
        if got is not None:
            return got
        lower = _UNIFORM if len(ctx) == 1 else self._interp(ctx[:-1])
        counter = self.counts[len(ctx) - 1].get(ctx) if len(ctx) - 1 <= self.order else None
        if not counter:
            result = lower  # unseen: so is every longer context, back off all the way
        else:
            total = sum(counter.values())
            lam = total / (total + len(counter))
            dense = np.zeros(VOCAB)
            dense[list(counter)] = list(counter.values())
            result = lam * dense / total + (1 - lam) * lower
        if len(self._memo) > 500_000:
            self._memo.clear()
        self._memo[ctx] = result
        return result

    def prob(self, history: Sequence[Token], metric: int, candidates: Iterable[Token]) -> dict:
        """P(token | metric, history) for each candidate."""
        p = self.dist(history, metric)
        return {t: float(p[t]) for t in candidates}

    def log_prob(self, tokens: Sequence[Token], metrics: Sequence[int]) -> float:
        """Natural-log likelihood of a whole melody over the full vocabulary."""
        return float(
            sum(
                math.log(self.dist(tokens[:i], met)[tok])
                for i, (tok, met) in enumerate(zip(tokens, metrics, strict=True))
            )
        )

    # -- (de)serialisation ------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "order": self.order,
            "n_pieces": self.n_pieces,
            "counts": [
                [
                    [list(ctx), {str(t): c for t, c in counter.items()}]
                    for ctx, counter in level.items()
                ]
                for level in self.counts
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> MarkovMelody:
        model = cls(order=int(data["order"]))
        model.n_pieces = int(data["n_pieces"])
        for k, level in enumerate(data["counts"]):
            for ctx, counter in level:
                model.counts[k][tuple(ctx)] = Counter({int(t): int(c) for t, c in counter.items()})
        return model
