"""A Markov melody model's counts as flat arrays: the composer's fast-loading cache format.

Parsing the checkpoint's JSON into dictionaries of counters takes about a second for every
style and mode; a start needs one of them. Saved as arrays (`models.cache`), a model opens in
milliseconds, and each level's contexts are indexed only when that level is first asked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import numpy as np

from models.composition.markov import MarkovMelody


def to_arrays(model: MarkovMelody, prefix: str) -> dict[str, np.ndarray]:
    """Level k as contexts (n, k + 1), offsets (n + 1), next tokens and their counts."""
    out = {f"{prefix}meta": np.array([model.order, model.n_pieces], dtype=np.int64)}
    for k, level in enumerate(model.counts):
        items = sorted(level.items())
        ctx = np.array([c for c, _ in items], dtype=np.int32).reshape(len(items), k + 1)
        sizes = [len(counter) for _, counter in items]
        out[f"{prefix}ctx{k}"] = ctx
        out[f"{prefix}off{k}"] = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        out[f"{prefix}tok{k}"] = np.array([t for _, c in items for t in c], dtype=np.int32)
        out[f"{prefix}cnt{k}"] = np.array([n for _, c in items for n in c.values()], np.int64)
    return out


class LazyLevel:
    """One level's counts, read from arrays; `get(ctx)` is all that sampling asks."""

    def __init__(self, ctx: np.ndarray, off: np.ndarray, tok: np.ndarray, cnt: np.ndarray):
        self._arrays = (ctx, off, tok, cnt)
        self._index: dict[tuple[int, ...], int] | None = None

    def _lookup(self) -> dict[tuple[int, ...], int]:
        if self._index is None:
            ctx = self._arrays[0].tolist()
            self._index = {tuple(c): i for i, c in enumerate(ctx)}
        return self._index

    def _counter(self, i: int) -> Counter:
        _, off, tok, cnt = self._arrays
        lo, hi = int(off[i]), int(off[i + 1])
        return Counter(dict(zip(tok[lo:hi].tolist(), cnt[lo:hi].tolist(), strict=True)))

    def get(self, ctx: tuple[int, ...], default=None):  # noqa: ANN001, ANN201
        i = self._lookup().get(ctx)
        return default if i is None else self._counter(i)

    def __getitem__(self, ctx: tuple[int, ...]) -> Counter:
        got = self.get(ctx)
        if got is None:
            raise KeyError(ctx)
        return got

    def __contains__(self, ctx: object) -> bool:
        return ctx in self._lookup()

    def __len__(self) -> int:
        return len(self._arrays[0])

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        return iter(self._lookup())

    def items(self) -> Iterator[tuple[tuple[int, ...], Counter]]:
        for ctx, i in self._lookup().items():
            yield ctx, self._counter(i)


def from_arrays(arrays, prefix: str) -> MarkovMelody:  # noqa: ANN001 (an NpzFile or a dict)
    """The model saved by `to_arrays`, its levels indexed on first use."""
    order, n_pieces = (int(v) for v in arrays[f"{prefix}meta"])
    levels = [
        LazyLevel(*(arrays[f"{prefix}{part}{k}"] for part in ("ctx", "off", "tok", "cnt")))
        for k in range(order + 1)
    ]
    return MarkovMelody(order=order, counts=levels, n_pieces=n_pieces)  # type: ignore[arg-type]
