"""An interpolated n-gram over symbols in named contexts, shared by the drum and harmony engines.

A model is a back-off chain of context levels (which fields of a context dict each level keeps,
most specific first). The probability of a symbol interpolates the levels with Witten-Bell
weights, so a rare context borrows from a broader one:

    P_k(x) = (c_k(x) + T_k * P_{k-1}(x)) / (c_k + T_k)

where c_k counts what followed context k and T_k is the number of different symbols seen there.
Sampling walks the same chain (at level k, keep the level's own counts with probability
c_k / (c_k + T_k), else back off), which draws exactly from the interpolated distribution in a
few dictionary lookups. Symbols are ints (drum steps) or strings (chord tokens).
"""

from __future__ import annotations

import bisect
import random
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass


def _key(level: tuple[str, ...], ctx: dict) -> str:
    return "|".join(str(ctx[f]) for f in level)


@dataclass
class Table:
    """What followed one context: symbols with their cumulative counts, for sampling."""

    symbols: list
    cumulative: list[int]
    counts: dict
    total: int

    @classmethod
    def of(cls, counter: Counter) -> Table:
        symbols = sorted(counter)
        cumulative, running = [], 0
        for s in symbols:
            running += counter[s]
            cumulative.append(running)
        return cls(symbols, cumulative, dict(counter), running)

    def draw(self, rng: random.Random) -> Hashable:
        return self.symbols[bisect.bisect_right(self.cumulative, rng.randrange(self.total))]


class InterpolatedNGram:
    """The interpolated n-gram (see the module docstring)."""

    def __init__(self, chain: tuple[tuple[str, ...], ...], vocab: list,
                 tables: list[dict[str, Table]], smoothing: float = 1.0) -> None:  # fmt: skip
        self.chain, self.vocab, self.tables = chain, vocab, tables
        self.smoothing = smoothing  # multiplies T_k: above 1 trusts broader contexts more

    @classmethod
    def fit(cls, contexts: Iterable[tuple[dict, Hashable]], chain: tuple[tuple[str, ...], ...]):  # noqa: ANN206
        counts: list[dict[str, Counter]] = [defaultdict(Counter) for _ in chain]
        vocab: set = set()
        for ctx, symbol in contexts:
            vocab.add(symbol)
            for level, table in zip(chain, counts, strict=True):
                table[_key(level, ctx)][symbol] += 1
        tables = [{k: Table.of(c) for k, c in level.items()} for level in counts]
        return cls(tuple(chain), sorted(vocab), tables)

    def prob(self, ctx: dict, symbol: Hashable) -> float:
        p = 1.0 / (len(self.vocab) + 1)  # uniform, with room for a symbol never seen
        for level, tables in zip(reversed(self.chain), reversed(self.tables), strict=True):
            table = tables.get(_key(level, ctx))
            if table is not None:
                kinds = len(table.symbols) * self.smoothing
                p = (table.counts.get(symbol, 0) + kinds * p) / (table.total + kinds)
        return p

    def probs(self, ctx: dict, symbols: list) -> list[float]:
        """`prob` of several symbols in one context (the context's keys are built once)."""
        found = []
        for level, tables in zip(reversed(self.chain), reversed(self.tables), strict=True):
            table = tables.get(_key(level, ctx))
            if table is not None:
                found.append((table.counts, table.total, len(table.symbols) * self.smoothing))
        out = []
        base = 1.0 / (len(self.vocab) + 1)
        for symbol in symbols:
            p = base
            for counts, total, kinds in found:
                p = (counts.get(symbol, 0) + kinds * p) / (total + kinds)
            out.append(p)
        return out

    def candidates(self, ctx: dict, general: int = 24) -> list:
        """The symbols worth scoring in a context: all seen in its specific levels, plus the
        `general` most frequent of the broadest level (the rest carry almost no mass)."""
        seen: dict = {}
        for level, tables in zip(self.chain[:-1], self.tables[:-1], strict=True):
            table = tables.get(_key(level, ctx))
            if table is not None:
                seen.update(dict.fromkeys(table.symbols))
        table = self.tables[-1].get(_key(self.chain[-1], ctx))
        if table is not None:
            top = sorted(table.counts, key=lambda s: -table.counts[s])[:general]
            seen.update(dict.fromkeys(top))
        return list(seen) or list(self.vocab)

    def draw(self, ctx: dict, rng: random.Random, backoff: float = 1.0) -> Hashable:
        """A symbol from the interpolated distribution; `backoff` < 1 trusts specific contexts
        more, 1 draws exactly from the model."""
        for level, tables in zip(self.chain, self.tables, strict=True):
            table = tables.get(_key(level, ctx))
            if table is None:
                continue
            kinds = len(table.symbols) * backoff * self.smoothing
            if rng.random() * (table.total + kinds) < table.total:
                return table.draw(rng)
        return rng.choice(self.vocab)

    def to_json(self) -> dict:
        extra = {"smoothing": self.smoothing} if self.smoothing != 1.0 else {}
        return {"chain": [list(c) for c in self.chain], "vocab": self.vocab, **extra,
                "tables": [{k: [t.symbols, [t.counts[s] for s in t.symbols]]
                            for k, t in level.items()} for level in self.tables]}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict):  # noqa: ANN206
        tables = [{k: Table.of(Counter(dict(zip(s, c, strict=True)))) for k, (s, c) in level.items()}
                  for level in data["tables"]]  # fmt: skip
        return cls(
            tuple(tuple(c) for c in data["chain"]),
            data["vocab"],
            tables,
            data.get("smoothing", 1.0),
        )
