"""The multi-task training loop both lyric-emotion models share, and its dev scoring.

Every step takes a GoEmotions, an EmoBank and a Poem Sentiment batch and sums the four heads'
weighted losses; each epoch is scored on dev, the best is kept, and the state is saved so an
interrupted run resumes with the same batches and weights. Split from `models.train.lyrics`,
which re-exports it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.lyrics import data as D
from models.lyrics.metrics import accuracy, macro_f1, pearson, tune_thresholds
from models.train.lyrics_data import Corpus, Progress

SEED = 7
GO_BATCH, EB_BATCH, POEM_BATCH = 32, 16, 8
WEIGHTS = {"go": 1.0, "ekman": 0.5, "va": 1.0, "sentiment": 0.3}


def predict(net, features, corpus: Corpus, split: str) -> dict[str, np.ndarray]:
    """Each head's outputs on the split: GoEmotions and Ekman from GoEmotions' texts, VA from
    EmoBank's, sentiment from the poems'."""
    import torch

    from models.lyrics.torch_nets import read_heads

    net.eval()
    wanted = {"go": ("go", "ekman"), "eb": ("va",), "poem": ("sentiment",)}
    out: dict[str, list[np.ndarray]] = {"go": [], "ekman": [], "va": [], "sentiment": []}
    with torch.inference_mode():
        for name, heads in wanted.items():
            n = len(corpus.texts[(name, split)])
            for i in range(0, n, 256):
                logits = net(*features.batch((name, split), np.arange(i, min(i + 256, n))))
                got = read_heads(logits)
                for head in heads:
                    out[head].append(got[head])
    net.train()
    return {k: np.concatenate(v) for k, v in out.items()}


def scores(pred: dict[str, np.ndarray], corpus: Corpus, split: str, thresholds=None) -> dict:
    gold_go = corpus.go[split]
    gold_ek = D.ekman_labels(gold_go)
    go_t = thresholds["go"] if thresholds else tune_thresholds(pred["go"], gold_go)
    ek_t = thresholds["ekman"] if thresholds else tune_thresholds(pred["ekman"], gold_ek)
    va = pred["va"] * corpus.va_std + corpus.va_mean
    return {
        "go_macro_f1": macro_f1(pred["go"], gold_go, go_t),
        "ekman_macro_f1": macro_f1(pred["ekman"], gold_ek, ek_t),
        "valence_r": pearson(va[:, 0], corpus.va[split][:, 0]),
        "arousal_r": pearson(va[:, 1], corpus.va[split][:, 1]),
        "poem_accuracy": accuracy(pred["sentiment"].argmax(1), corpus.poem[split]),
        "go_thresholds": go_t,
        "ekman_thresholds": ek_t,
    }


def selection_score(s: dict) -> float:
    """What picks the best epoch (and the ensemble's weight): the dev scores summed, poems at half."""
    return (
        s["go_macro_f1"]
        + s["ekman_macro_f1"]
        + s["valence_r"]
        + s["arousal_r"]
        + 0.5 * s["poem_accuracy"]
    )


@dataclass
class FitState:
    """Where a fit stands after an epoch: what a resumed run needs to carry on identically."""

    rng: np.random.Generator
    epoch: int = 0
    best: float = -1.0
    best_state: dict | None = None
    history: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Targets:
    """The train split's targets as the losses take them (VA standardised, Ekman derived)."""

    go: np.ndarray
    ekman: np.ndarray
    va: np.ndarray
    poem: np.ndarray

    @classmethod
    def of(cls, corpus: Corpus) -> Targets:
        va = (corpus.va["train"] - corpus.va_mean) / corpus.va_std
        return cls(corpus.go["train"], D.ekman_labels(corpus.go["train"]), va, corpus.poem["train"])


def optimiser(net, lr: float, head_lr: float, total: int):  # noqa: ANN001, ANN201
    """AdamW (the heads at their own rate) and a schedule: 5% linear warm-up, then a cosine."""
    import torch

    head_params = list(net.heads.parameters())
    head_ids = {id(p) for p in head_params}
    body = [p for p in net.parameters() if id(p) not in head_ids]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": lr}, {"params": head_params, "lr": head_lr}], weight_decay=0.01
    )
    warm = max(1, total // 20)

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))

    return opt, torch.optim.lr_scheduler.LambdaLR(opt, factor)


def resume(state_path: Path, net, opt, sched, state: FitState) -> None:  # noqa: ANN001
    """Load an interrupted run's last epoch (weights, optimiser, schedule, both RNGs) if saved."""
    import torch

    if not state_path.is_file():
        return
    saved = torch.load(state_path, weights_only=False)
    net.load_state_dict(saved["net"])
    opt.load_state_dict(saved["opt"])
    sched.load_state_dict(saved["sched"])
    state.epoch, state.best = saved["epoch"], saved["best"]
    state.best_state, state.history = saved["best_state"], saved["history"]
    state.rng = saved["rng"]
    torch.set_rng_state(saved["torch_rng"])


def save_state(state_path: Path, net, opt, sched, state: FitState) -> None:  # noqa: ANN001
    """The epoch's state, written to a temporary file and renamed (an interruption loses it whole
    or not at all)."""
    import torch

    torch.save(
        {"net": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
         "epoch": state.epoch, "best": state.best, "best_state": state.best_state,
         "history": state.history, "rng": state.rng, "torch_rng": torch.get_rng_state()},
        state_path.with_suffix(".tmp"),
    )  # fmt: skip
    state_path.with_suffix(".tmp").replace(state_path)


def epoch_orders(
    rng: np.random.Generator, n_go: int, n_eb: int, n_poem: int, steps: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The epoch's shuffles: GoEmotions once; the smaller sets as often as the epoch needs."""
    go_order = rng.permutation(n_go)
    eb_order = np.concatenate([rng.permutation(n_eb) for _ in range(steps * EB_BATCH // n_eb + 1)])
    poem_order = np.concatenate(
        [rng.permutation(n_poem) for _ in range(steps * POEM_BATCH // n_poem + 1)]
    )
    return go_order, eb_order, poem_order


def multitask_loss(net, features, targets: Targets, g, e, p):  # noqa: ANN001, ANN201
    """The weighted sum of the four heads' losses, each on its own dataset's batch."""
    import torch
    from torch.nn import functional as F

    out_g = net(*features.batch(("go", "train"), g))
    out_e = net(*features.batch(("eb", "train"), e))
    out_p = net(*features.batch(("poem", "train"), p))
    return (
        WEIGHTS["go"]
        * F.binary_cross_entropy_with_logits(out_g["go"], torch.from_numpy(targets.go[g]))
        + WEIGHTS["ekman"]
        * F.binary_cross_entropy_with_logits(out_g["ekman"], torch.from_numpy(targets.ekman[g]))
        + WEIGHTS["va"] * F.mse_loss(out_e["va"], torch.from_numpy(targets.va[e]))
        + WEIGHTS["sentiment"]
        * F.cross_entropy(out_p["sentiment"], torch.from_numpy(targets.poem[p]))
    )


def train_epoch(net, features, targets: Targets, opt, sched, orders, steps: int,  # noqa: ANN001
                report: Callable[[int], None]) -> None:  # fmt: skip
    """One pass over GoEmotions' train split, reporting every 20 steps."""
    from torch import nn

    go_order, eb_order, poem_order = orders
    for step in range(steps):
        g = go_order[step * GO_BATCH : (step + 1) * GO_BATCH]
        e = eb_order[step * EB_BATCH : (step + 1) * EB_BATCH]
        p = poem_order[step * POEM_BATCH : (step + 1) * POEM_BATCH]
        loss = multitask_loss(net, features, targets, g, e, p)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 20 == 0:
            report(step)


def end_epoch(net, features, corpus: Corpus, state: FitState) -> None:  # noqa: ANN001
    """Score the epoch on dev, log it, and keep a copy of the weights if they are the best yet."""
    dev = scores(predict(net, features, corpus, "dev"), corpus, "dev")
    state.history.append({k: round(v, 4) for k, v in dev.items() if not k.endswith("thresholds")})
    if selection_score(dev) > state.best:
        state.best = selection_score(dev)
        state.best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}


def fit(net, features, corpus: Corpus, *, epochs: int, lr: float, head_lr: float, work: Path,
        tag: str, progress: Progress) -> dict:  # fmt: skip
    """Multi-task training with resume; returns the best epoch's dev scores (state in `net`)."""
    import torch

    torch.manual_seed(SEED)
    state = FitState(rng=np.random.default_rng(SEED))
    n_go = len(corpus.texts[("go", "train")])
    steps_per_epoch = n_go // GO_BATCH
    total = steps_per_epoch * epochs
    opt, sched = optimiser(net, lr, head_lr, total)
    state_path = work / f"{tag}-state.pt"
    resume(state_path, net, opt, sched, state)
    targets = Targets.of(corpus)
    net.train()
    for epoch in range(state.epoch, epochs):
        phase, done = f"{tag} epoch {epoch + 1}/{epochs}", epoch * steps_per_epoch
        orders = epoch_orders(state.rng, n_go, len(targets.va), len(targets.poem), steps_per_epoch)
        train_epoch(net, features, targets, opt, sched, orders, steps_per_epoch,
                    lambda step, phase=phase, done=done: progress(phase, done + step, total))  # fmt: skip
        end_epoch(net, features, corpus, state)
        state.epoch = epoch + 1
        save_state(state_path, net, opt, sched, state)
        progress(phase, (epoch + 1) * steps_per_epoch, total)
    net.load_state_dict(state.best_state)
    dev = scores(predict(net, features, corpus, "dev"), corpus, "dev")
    dev["history"] = state.history
    return dev
