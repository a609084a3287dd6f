"""The groove model: an interpolated n-gram over the steps of a bar, and the human feel of each hit.

Each step of a bar is one symbol: the set of drums hit there (a bitmask). The probability of a
step's symbol is conditioned on the style, whether the bar is a fill, the meter, the step's
position in the bar, the symbol one step before and the symbol at the same step one bar before
(grooves repeat, with variations). Contexts back off from the most specific to the position
alone with Witten-Bell interpolation, so a rare context borrows from a broader one:

    P_k(x) = (c_k(x) + T_k * P_{k-1}(x)) / (c_k + T_k)

where c_k counts what followed context k and T_k is the number of different symbols seen there.
Sampling walks the same chain (at level k, keep the level's own counts with probability
c_k / (c_k + T_k), else back off), which draws exactly from the interpolated distribution in a
few dictionary lookups per step.

The feel: per style, drum and position, the mean and spread of the velocity and of the offset
from the grid (in 16th steps) that the drummers played, with back-off to style and drum, then
drum alone. Push and drag per instrument, accents and ghost notes come from these.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from models.drums.data import Bar
from models.drums.kit import BIT
from models.ngram import InterpolatedNGram

NO_BAR = -1  # the symbol "before" the first bar of a performance
# The back-off chain: which context fields each level keeps (most specific first).
CHAIN = (
    ("style", "fill", "meter", "pos", "prev", "prevbar"),
    ("style", "fill", "meter", "pos", "prevbar"),
    ("style", "fill", "meter", "pos"),
    ("fill", "meter", "pos"),
    ("meter", "pos"),
)
UNIGRAM_CHAIN = CHAIN[2:]  # the unigram-per-step baseline: position (and style) only
FIRST_ORDER_CHAIN = (("meter", "prev"), ("meter",))  # the first-order baseline


class StepModel(InterpolatedNGram):
    """The interpolated n-gram over step symbols (see the module docstring)."""

    @classmethod
    def fit(cls, contexts: Iterable[tuple[dict, int]], chain=CHAIN) -> StepModel:  # noqa: ANN001
        return super().fit(contexts, chain)


def step_contexts(bars: list[Bar]) -> Iterable[tuple[dict, int]]:
    """(context, symbol) for every step of one performance's bars."""
    prev = NO_BAR
    for i, bar in enumerate(bars):
        before = bars[i - 1].symbols if i > 0 else None
        for pos, symbol in enumerate(bar.symbols):
            yield ({"style": bar.style, "fill": int(bar.fill), "meter": bar.meter, "pos": pos,
                    "prev": prev, "prevbar": before[pos] if before else NO_BAR}, symbol)  # fmt: skip
            prev = symbol


def nats_per_step(model: StepModel, performances: list[list[Bar]]) -> float:
    """Mean negative log-likelihood of every step of held-out performances (nats)."""
    total, n = 0.0, 0
    for bars in performances:
        for ctx, symbol in step_contexts(bars):
            total -= math.log(model.prob(ctx, symbol))
            n += 1
    return total / max(n, 1)


class Feel:
    """Velocity and micro-timing per (style, drum, position), backing off to (style, drum), (drum)."""

    def __init__(self, stats: dict[str, list[float]]) -> None:
        self.stats = stats  # key -> [n, mean velocity, sd velocity, mean offset, sd offset]

    @classmethod
    def fit(cls, performances: Iterable[list[Bar]], min_n: int = 8) -> Feel:
        groups: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for bars in performances:
            for bar in bars:
                for pos, name, velocity, offset in bar.hits:
                    for key in (
                        f"{bar.style}|{name}|{bar.meter}|{pos}",
                        f"{bar.style}|{name}",
                        name,
                    ):
                        groups[key].append((velocity, offset))
        stats = {}
        for key, values in groups.items():
            if len(values) < min_n and "|" in key:
                continue
            v = [x[0] for x in values]
            o = [x[1] for x in values]
            stats[key] = [len(v), _mean(v), _sd(v), _mean(o), _sd(o)]
        return cls(stats)

    def of(self, style: str, name: str, meter: str, pos: int) -> list[float]:
        for key in (f"{style}|{name}|{meter}|{pos}", f"{style}|{name}", name):
            if key in self.stats:
                return self.stats[key]
        return [0, 90.0, 12.0, 0.0, 0.08]


def _mean(xs: list[float]) -> float:
    return round(sum(xs) / len(xs), 3)


def _sd(xs: list[float]) -> float:
    m = sum(xs) / len(xs)
    return round(math.sqrt(sum((x - m) ** 2 for x in xs) / max(len(xs) - 1, 1)), 3)


class Cores:
    """The groove bars drummers played, per style and meter: a beat starts from one of them and
    the step model varies it bar by bar (always against the core, so the groove never drifts).

    Crashes and toms are left out of a core: they belong to fills and variations, not to a bar
    repeated for a whole verse.
    """

    STRIP = ~(BIT["crash"] | BIT["tom_high"] | BIT["tom_low"])

    def __init__(self, bars: dict[str, list[list]]) -> None:
        self.bars = bars  # "style|meter" -> [[symbols, count, mean bpm it was played at], ...]

    @classmethod
    def fit(cls, performances: Iterable[list[Bar]]) -> Cores:
        counts: dict[str, Counter] = defaultdict(Counter)
        tempi: dict[tuple, float] = defaultdict(float)
        for bars in performances:
            for bar in bars:
                core = tuple(s & cls.STRIP for s in bar.symbols)
                if not bar.fill and sum(bin(s).count("1") for s in core) >= 4:
                    key = f"{bar.style}|{bar.meter}"
                    counts[key][core] += 1
                    tempi[key, core] += bar.tempo_bpm
        return cls({k: [[list(b), n, round(tempi[k, b] / n, 1)] for b, n in sorted(c.items())]
                    for k, c in sorted(counts.items())})  # fmt: skip

    def options(self, style: str, meter: str) -> list[list]:
        """The cores of a style in a meter (any style's in that meter when it has none): the
        bars a drummer came back to (played twice or more) when there are such, else all."""
        own = self.bars.get(f"{style}|{meter}") or [
            b for k, v in self.bars.items() if k.endswith(f"|{meter}") for b in v
        ]
        grooves = [b for b in own if _groove_like(b[0])]
        repeated = [b for b in grooves if b[1] >= 2]
        return repeated or grooves or own


TIMEKEEPERS = BIT["closed_hat"] | BIT["open_hat"] | BIT["ride"]


def _groove_like(symbols: list[int]) -> bool:
    """A bar to repeat, not a roll: at most six snare strokes, a kick, and time kept on the hats
    or the ride (three strokes or more)."""
    snares = sum(1 for s in symbols if s & BIT["snare"])
    time_kept = sum(1 for s in symbols if s & TIMEKEEPERS) >= 3
    return snares <= len(symbols) // 2 - 2 and time_kept and any(s & BIT["kick"] for s in symbols)


def save(path: Path, steps: StepModel, feel: Feel, cores: Cores, meta: dict) -> None:
    data = {"steps": steps.to_json(), "feel": feel.stats, "cores": cores.bars, "meta": meta}
    path.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0))


def load(path: Path) -> tuple[StepModel, Feel, Cores, dict]:
    data = json.loads(gzip.decompress(path.read_bytes()))
    return (
        StepModel.from_json(data["steps"]),
        Feel(data["feel"]),
        Cores(data["cores"]),
        data["meta"],
    )
