"""The generation transformer on the polyphonic benchmark: frame-level NLL on JSB and Nottingham.

`python -m benchmarks.frames.transformer --dataset jsb --variant tokens` trains a model of the same
architecture as the generation engine (`GenConfig` dimensions, transformers' Llama) on the train
split only, chooses the step on the valid split and reports nats per frame on the test split,
with the convention of models/composition/frames.py: the sum of the 88 Bernoulli NLLs of a
frame, summed over all frames of all pieces and divided by the total number of frames, the first
frame of a piece conditioned on an empty history (``test_nll``); ``test_nll_skip_first`` leaves
each piece's first frame out, as locuslab/TCN does.

Two variants share the backbone:

* ``tokens`` (headline): a frame is written as its sounding keys in ascending order and then
  FRAME_END; a piece is BOS + frames. The token string is a bijection of the frame, so the
  frame's log-probability is exactly the sum of its tokens' log-probabilities. This conditions
  each key on the keys below it in the same frame (like RNN-NADE), a richer family than the
  published RNN/LSTM/GRU/TCN rows, which model the 88 keys as independent given the past.
* ``frames`` (like-for-like): one position per frame; the input at t is Linear(88 -> d) of frame
  t-1 (a learned start vector for the first frame) and Linear(d -> 88) gives 88 independent
  Bernoulli logits for frame t, as the published rows do.

Training draws windows of whole frames (BOS or the start vector in front) from randomly
transposed pieces and packs them into rows with a block-diagonal causal mask, so a window never
attends to another. Evaluation slides windows over long pieces so that every frame is scored
exactly once with at least `min_history` units (tokens or frames) of history, or all there is.
Runs repeat exactly for a seed: batches come from numpy Generators seeded by (seed, step), and
dropout from `torch.manual_seed` set every step.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from benchmarks.frames.polyphonic import DEFAULT_ROOT, N_KEYS, load_split
from models.generation.model import GenConfig, build_hf_model

PAD, BOS, FRAME_END, KEY0 = 0, 1, 2, 3
VOCAB_SIZE = KEY0 + N_KEYS
VARIANTS = ("tokens", "frames")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class FrameTrainConfig:
    steps: int = 600
    batch: int = 8  # rows per step
    row: int = 512  # units (tokens or frames) per row, at most the model's context
    lr: float = 1e-3
    warmup: int = 50
    weight_decay: float = 0.1
    dropout: float = 0.1  # on the embeddings and on each residual branch
    shift_lo: int = -6  # transposition range in semitones, both ends included
    shift_hi: int = 5
    eval_every: int = 50
    patience: int = 6  # evaluations without a better valid NLL before stopping
    min_history: int = 256
    valid_units: int = 1_000_000  # selection uses valid pieces up to about this many units


DEFAULTS: dict[tuple[str, str], FrameTrainConfig] = {
    ("jsb", "tokens"): FrameTrainConfig(steps=600, eval_every=25, dropout=0.2),
    ("nottingham", "tokens"): FrameTrainConfig(steps=600, eval_every=100, valid_units=60_000),
    ("jsb", "frames"): FrameTrainConfig(steps=1000, row=256, eval_every=25, dropout=0.2),
    ("nottingham", "frames"): FrameTrainConfig(steps=800, eval_every=100),
}


# -- data -------------------------------------------------------------------------------------
def to_tokens(roll: np.ndarray) -> np.ndarray:
    """A (T, 88) roll as BOS, then per frame its keys in ascending order and FRAME_END."""
    t, k = np.nonzero(roll)  # row-major: by frame, then by key
    n = np.bincount(t, minlength=len(roll))
    start = 1 + np.concatenate([[0], np.cumsum(n + 1)[:-1]])  # first token of each frame
    out = np.empty(1 + len(k) + len(roll), dtype=np.int64)
    out[0] = BOS
    out[start + n] = FRAME_END
    rank = np.arange(len(k)) - np.concatenate([[0], np.cumsum(n)[:-1]])[t]
    out[start[t] + rank] = KEY0 + k
    return out


def from_tokens(tokens: np.ndarray) -> np.ndarray:
    """The inverse of `to_tokens` (a leading BOS is optional)."""
    tokens = np.asarray(tokens)
    tokens = tokens[1:] if len(tokens) and tokens[0] == BOS else tokens
    ends = tokens == FRAME_END
    frame = np.concatenate([[0], np.cumsum(ends)[:-1]])
    roll = np.zeros((int(ends.sum()), N_KEYS), dtype=np.uint8)
    keys = tokens >= KEY0
    roll[frame[keys], tokens[keys] - KEY0] = 1
    return roll


def frame_units(roll: np.ndarray, variant: str) -> np.ndarray:
    """Positions each frame takes in the model's input: keys + FRAME_END, or one."""
    if variant == "tokens":
        return roll.sum(axis=1).astype(np.int64) + 1
    return np.ones(len(roll), dtype=np.int64)


def allowed_shifts(roll: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Shifts in [lo, hi] semitones that keep every sounding key inside the 88."""
    keys = np.flatnonzero(roll.any(axis=0))
    if len(keys) == 0:
        return np.arange(lo, hi + 1)
    return np.arange(max(lo, -int(keys[0])), min(hi, N_KEYS - 1 - int(keys[-1])) + 1)


def transpose(roll: np.ndarray, shift: int) -> np.ndarray:
    """The roll moved up by `shift` semitones (keys pushed off either end are lost)."""
    out = np.zeros_like(roll)
    if shift >= 0:
        out[:, shift:] = roll[:, : N_KEYS - shift]
    else:
        out[:, :shift] = roll[:, -shift:]
    return out


def windows(units: np.ndarray, context: int, min_history: int) -> list[tuple[int, int, int]]:
    """Evaluation windows (a, c, b): frames a..b-1 are read, frames c..b-1 are scored.

    Each window's input (start unit + all but its last unit) holds sum(units[a:b]) <= context
    positions; the first scored frame has at least `min_history` units of history (or the whole
    piece so far), and the scored ranges tile the piece, so every frame is scored exactly once.
    """
    cum = np.concatenate([[0], np.cumsum(units)])
    n, c, out = len(units), 0, []
    while c < n:
        # the latest a with at least min_history units between a and c (or the piece start)
        a = int(np.searchsorted(cum, cum[c] - min_history, side="right")) - 1 if c else 0
        a = max(a, 0)
        b = int(np.searchsorted(cum, cum[a] + context, side="right")) - 1
        if b <= c:
            raise ValueError(f"frame {c} does not fit in {context} after {min_history} of history")
        out.append((a, c, b))
        c = b
    return out


def _window(roll: np.ndarray, a: int, b: int, variant: str) -> np.ndarray:
    """Frames a..b-1 as model units with the start unit in front.

    tokens: (n,) ids starting with BOS. frames: (n, 89) rows, row 0 the start flag (column 88).
    """
    if variant == "tokens":
        return np.concatenate([[BOS], to_tokens(roll[a:b])[1:]])
    out = np.zeros((b - a + 1, N_KEYS + 1), dtype=np.float32)
    out[0, N_KEYS] = 1.0
    out[1:, :N_KEYS] = roll[a:b]
    return out


def sample_batch(
    pieces: Sequence[np.ndarray], cfg: FrameTrainConfig, variant: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `cfg.row + 1` units packed from transposed windows, and their window ids.

    Pieces are drawn in proportion to their length; a window starts at a random frame (at 0
    more often, so that the openings are learnt too) and runs until the row is full.
    """
    lengths = np.array([len(p) for p in pieces], dtype=np.float64)
    rows, docs = [], []
    for _ in range(cfg.batch):
        parts, ids, filled = [], [], 0
        while filled < cfg.row + 1:
            roll = pieces[rng.choice(len(pieces), p=lengths / lengths.sum())]
            roll = transpose(
                roll, int(rng.choice(allowed_shifts(roll, cfg.shift_lo, cfg.shift_hi)))
            )
            units = frame_units(roll, variant)
            room = cfg.row + 1 - filled - 1  # minus the start unit
            span = max(1, room // max(1, int(units.mean())))
            a = max(0, int(rng.integers(-span // 2, len(roll))))
            b = a + max(1, int(np.searchsorted(np.cumsum(units[a:]), room, side="right")))
            part = _window(roll, a, min(b, len(roll)), variant)[: cfg.row + 1 - filled]
            parts.append(part)
            ids.append(np.full(len(part), len(parts)))
            filled += len(part)
        rows.append(np.concatenate(parts))
        docs.append(np.concatenate(ids))
    return np.stack(rows), np.stack(docs)


# -- model ------------------------------------------------------------------------------------
class FrameNet(torch.nn.Module):
    """The Llama backbone with token embeddings (tokens) or frame in/out layers (frames)."""

    def __init__(self, variant: str, gen_cfg: GenConfig, dropout: float = 0.0, seed: int = 0):
        super().__init__()
        self.variant = variant
        if variant == "tokens":
            self.lm = build_hf_model(gen_cfg, seed)
            backbone = self.lm.model
        else:
            from transformers import LlamaModel

            torch.manual_seed(seed)
            backbone = self.backbone = LlamaModel(gen_cfg.llama_config())
            self.inp = torch.nn.Linear(N_KEYS, gen_cfg.d_model)
            self.start = torch.nn.Parameter(torch.randn(gen_cfg.d_model) * 0.02)
            self.out = torch.nn.Linear(gen_cfg.d_model, N_KEYS)
        self.drop = torch.nn.Dropout(dropout)
        if dropout > 0:  # residual dropout: on what each attention and MLP block adds
            for layer in backbone.layers:
                layer.self_attn.register_forward_hook(lambda _m, _i, o: (self.drop(o[0]), *o[1:]))
                layer.mlp.register_forward_hook(lambda _m, _i, o: self.drop(o))

    def n_params(self) -> int:
        """Trained parameters (the frames variant's unused token table left out)."""
        skip = "backbone.embed_tokens.weight"
        return sum(p.numel() for n, p in self.named_parameters() if n != skip)

    def forward(self, x: torch.Tensor, position_ids=None, mask=None) -> torch.Tensor:  # noqa: ANN001
        """Logits: (B, T, vocab) for token ids (B, T); (B, T, 88) for frame rows (B, T, 89)."""
        if self.variant == "tokens":
            body, emb = self.lm.model, self.lm.model.embed_tokens(x)
        else:
            body, start = self.backbone, x[..., N_KEYS:]
            emb = self.inp(x[..., :N_KEYS]) * (1 - start) + self.start * start
        kw = {"position_ids": position_ids, "attention_mask": mask, "use_cache": False}
        h = body(inputs_embeds=self.drop(emb), **kw).last_hidden_state
        return self.lm.lm_head(h) if self.variant == "tokens" else self.out(h)


def unit_nll(net: FrameNet, x: torch.Tensor, y: torch.Tensor, **kw: Any) -> torch.Tensor:
    """NLL of each target unit (B, T): a token's, or the sum of a frame's 88 Bernoulli terms."""
    logits = net(x, **kw)
    if net.variant == "tokens":
        return torch.nn.functional.cross_entropy(logits.transpose(1, 2), y, reduction="none")
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    return bce(logits, y[..., :N_KEYS], reduction="none").sum(-1)


def _packed_inputs(docs: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Position ids restarting in every window, and a block-diagonal causal mask (B, 1, T, T)."""
    d = torch.from_numpy(docs)
    t = d.shape[1]
    pos = torch.arange(t).expand_as(d)
    first = torch.cat([torch.ones_like(d[:, :1], dtype=torch.bool), d[:, 1:] != d[:, :-1]], 1)
    position_ids = pos - torch.cummax(torch.where(first, pos, 0), dim=1).values
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    return position_ids, (d[:, :, None] == d[:, None, :])[:, None] & causal


# -- scoring ----------------------------------------------------------------------------------
@torch.no_grad()
def frame_nll(
    net: FrameNet, pieces: Sequence[np.ndarray], context: int, min_history: int, max_units: int = 8192
) -> list[np.ndarray]:  # fmt: skip
    """Per piece, the NLL (nats) of every frame, each scored once by a sliding window."""
    variant, jobs = net.variant, []
    for i, roll in enumerate(pieces):
        units = frame_units(roll, variant)
        for a, c, b in windows(units, context, min_history):
            jobs.append((i, roll, units, a, c, b))
    out = [np.zeros(len(p)) for p in pieces]
    jobs.sort(key=lambda j: -int(j[2][j[3] : j[5]].sum()))  # similar lengths batch together
    net.eval()
    k = 0
    while k < len(jobs):
        size = int(jobs[k][2][jobs[k][3] : jobs[k][5]].sum())
        group = jobs[k : k + max(1, max_units // size)]
        k += len(group)
        seqs = [_window(roll, a, b, variant) for _, roll, _, a, _, b in group]
        batch = np.zeros((len(seqs), size + 1, *seqs[0].shape[1:]), dtype=seqs[0].dtype)
        for r, s in enumerate(seqs):
            batch[r, : len(s)] = s
        xb = torch.from_numpy(batch)
        nll = unit_nll(net, xb[:, :-1], xb[:, 1:]).numpy()
        for r, (i, _, units, a, c, b) in enumerate(group):
            frame = np.repeat(np.arange(a, b), units[a:b])
            keep = frame >= c
            np.add.at(out[i], frame[keep], nll[r, : len(frame)][keep])
    net.train()
    return out


def mean_nll(per_frame: list[np.ndarray], skip_first: bool = False) -> float:
    """Total NLL over total frames (each piece's first frame left out if `skip_first`)."""
    cut = 1 if skip_first else 0
    return float(sum(f[cut:].sum() for f in per_frame) / sum(len(f) - cut for f in per_frame))


# -- training ---------------------------------------------------------------------------------
def _optimizer(net: FrameNet, cfg: FrameTrainConfig) -> torch.optim.Optimizer:
    decay = [p for p in net.parameters() if p.ndim >= 2]
    rest = [p for p in net.parameters() if p.ndim < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": rest, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.98))


def _lr_at(step: int, cfg: FrameTrainConfig) -> float:
    """Linear warm-up, then a cosine down to a tenth of the peak at `cfg.steps`."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    frac = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))


def _train_step(
    net: FrameNet, opt: torch.optim.Optimizer, rows: np.ndarray, docs: np.ndarray
) -> float:
    xb = torch.from_numpy(rows)
    pos, mask = _packed_inputs(docs[:, :-1])
    target = torch.from_numpy(docs[:, 1:] == docs[:, :-1])  # no target across windows
    nll = unit_nll(net, xb[:, :-1], xb[:, 1:], position_ids=pos, mask=mask)
    loss = (nll * target).sum() / target.sum()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()
    return loss.item()


def fit(
    train: Sequence[np.ndarray],
    valid: Sequence[np.ndarray],
    variant: str = "tokens",
    cfg: FrameTrainConfig | None = None,
    model_config: dict[str, Any] | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[FrameNet, dict[str, Any]]:
    """Train on `train`, keep the weights of the step with the lowest NLL on (part of) `valid`."""
    if variant not in VARIANTS:
        raise ValueError(f"Unknown variant {variant!r}; choose one of {VARIANTS}.")
    cfg = cfg or FrameTrainConfig()
    gen_cfg = GenConfig(vocab_size=VOCAB_SIZE if variant == "tokens" else 4, **(model_config or {}))
    if cfg.row > gen_cfg.context:
        raise ValueError(f"rows of {cfg.row} exceed the model's context of {gen_cfg.context}")
    torch.set_num_threads(2)
    net = FrameNet(variant, gen_cfg, cfg.dropout, seed)
    opt = _optimizer(net, cfg)
    units = sum(int(frame_units(p, variant).sum()) for p in valid)
    sel = valid[:: max(1, math.ceil(units / cfg.valid_units))]  # every k-th: all styles
    best, history = (math.inf, 0, copy.deepcopy(net.state_dict())), []
    started, step, waited = time.perf_counter(), 0, 0
    while step < cfg.steps and waited < cfg.patience:
        rows, docs = sample_batch(train, cfg, variant, np.random.default_rng([seed, step]))
        torch.manual_seed(seed * 1_000_003 + step)  # dropout
        for group in opt.param_groups:
            group["lr"] = _lr_at(step, cfg)
        loss = _train_step(net, opt, rows, docs)
        step += 1
        if step % cfg.eval_every == 0 or step == cfg.steps:
            v = mean_nll(frame_nll(net, sel, gen_cfg.context, cfg.min_history))
            history.append({"step": step, "loss": round(loss, 4), "valid": round(v, 4)})
            waited += 1
            if v < best[0]:
                best, waited = (v, step, copy.deepcopy(net.state_dict())), 0
            if progress:
                sec = time.perf_counter() - started
                progress(f"step {step}: loss {loss:.3f} valid {v:.3f} ({sec:.0f} s)")
    net.load_state_dict(best[2])
    info = {"best_step": best[1], "steps_run": step, "history": history,
            "train_seconds": round(time.perf_counter() - started, 1),
            "n_params": net.n_params(), "context": gen_cfg.context}  # fmt: skip
    return net, info


def evaluate(
    dataset: str,
    variant: str = "tokens",
    steps: int | None = None,
    progress: Progress | None = None,
    seed: int = 0,
    config: FrameTrainConfig | None = None,
    model_config: dict[str, Any] | None = None,
    root: Path = DEFAULT_ROOT,
) -> dict[str, Any]:
    """Train on `dataset`'s train split, select on valid, report nats per frame on test.

    Args:
        dataset: "jsb" or "nottingham" (the other polyphonic sets load too).
        variant: "tokens" (within-frame autoregressive) or "frames" (independent keys).
        steps: training steps (default: the tuned figure for the dataset and variant).
        progress: called with one line of text now and then.
        seed: seeds the initialisation, the batches and dropout.
        config: training settings (default: DEFAULTS[(dataset, variant)]).
        model_config: GenConfig overrides (tests use tiny models).
        root: folder with the .mat files.
    """
    splits = {s: load_split(dataset, s, root) for s in ("train", "valid", "test")}
    cfg = config or DEFAULTS.get((dataset, variant), FrameTrainConfig())
    cfg = replace(cfg, steps=steps) if steps is not None else cfg
    net, info = fit(splits["train"], splits["valid"], variant, cfg, model_config, seed, progress)
    start = time.perf_counter()
    test = frame_nll(net, splits["test"], info["context"], cfg.min_history)
    valid = frame_nll(net, splits["valid"], info["context"], cfg.min_history)
    return {
        "dataset": dataset, "variant": variant, "test_nll": round(mean_nll(test), 4),
        "test_nll_skip_first": round(mean_nll(test, skip_first=True), 4),
        "valid_nll": round(mean_nll(valid), 4), "best_step": info["best_step"],
        "steps_run": info["steps_run"], "train_seconds": info["train_seconds"],
        "eval_seconds": round(time.perf_counter() - start, 1), "n_params": info["n_params"],
        "train_frames": int(sum(len(p) for p in splits["train"])),
        "test_frames": int(sum(len(p) for p in splits["test"])),
        "seed": seed, "config": asdict(cfg), "history": info["history"],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="jsb")
    parser.add_argument("--variant", default="tokens", choices=VARIANTS)
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    result = evaluate(args.dataset, args.variant, args.steps, progress=print, seed=args.seed)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
