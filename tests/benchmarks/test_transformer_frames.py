"""The generation transformer on piano rolls: tokens, windows, exact frame NLL, augmentation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from benchmarks.frames.polyphonic import DEFAULT_ROOT, N_KEYS
from benchmarks.frames.transformer import (
    BOS,
    FRAME_END,
    KEY0,
    VOCAB_SIZE,
    FrameNet,
    FrameTrainConfig,
    _packed_inputs,
    _window,
    allowed_shifts,
    evaluate,
    fit,
    frame_nll,
    frame_units,
    from_tokens,
    mean_nll,
    sample_batch,
    to_tokens,
    transpose,
    unit_nll,
    windows,
)
from models.generation.model import GenConfig

TINY = {"d_model": 32, "n_layers": 2, "n_heads": 2, "d_ff": 64, "context": 64}


def _rolls(n: int, length: int, seed: int, p: float = 0.05) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [(rng.random((length, N_KEYS)) < p).astype(np.uint8) for _ in range(n)]


def _tiny_net(variant: str) -> FrameNet:
    vocab = VOCAB_SIZE if variant == "tokens" else 4
    net = FrameNet(variant, GenConfig(vocab_size=vocab, **TINY), dropout=0.0, seed=1)
    return net.eval()


def test_tokens_round_trip() -> None:
    for roll in _rolls(5, 30, seed=0, p=0.08):
        roll[3] = 0  # an empty frame is FRAME_END alone
        tokens = to_tokens(roll)
        assert tokens[0] == BOS and (tokens == FRAME_END).sum() == len(roll)
        assert len(tokens) == 1 + frame_units(roll, "tokens").sum()
        assert (from_tokens(tokens) == roll).all()
        frames = np.split(tokens[1:], np.flatnonzero(tokens[1:] == FRAME_END) + 1)[:-1]
        for t, frame in enumerate(frames):  # keys ascending, then FRAME_END
            assert (frame[:-1] == KEY0 + np.flatnonzero(roll[t])).all()


def test_frame_nll_is_the_sum_of_token_log_probs() -> None:
    net = _tiny_net("tokens")
    roll = _rolls(1, 12, seed=1, p=0.03)[0]
    tokens = to_tokens(roll)
    assert len(tokens) <= TINY["context"]
    with torch.no_grad():
        logits = net.lm(torch.from_numpy(tokens[None, :-1])).logits[0]
    lp = torch.log_softmax(logits, -1).gather(-1, torch.from_numpy(tokens[1:, None]))[:, 0]
    frame = np.repeat(np.arange(len(roll)), frame_units(roll, "tokens"))
    expected = -np.bincount(frame, weights=lp.numpy().astype(np.float64))
    got = frame_nll(net, [roll], TINY["context"], min_history=32)[0]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert mean_nll([got]) == pytest.approx(-float(lp.sum()) / len(roll), rel=1e-4)


@pytest.mark.parametrize("variant", ["tokens", "frames"])
def test_packed_rows_do_not_see_each_other(variant: str) -> None:
    net = _tiny_net(variant)
    cfg = FrameTrainConfig(batch=2, row=64)
    rows, docs = sample_batch(_rolls(6, 20, seed=2), cfg, variant, np.random.default_rng(0))
    assert rows.shape[:2] == (2, 65) and docs.shape == (2, 65)
    x = torch.from_numpy(rows)
    pos, mask = _packed_inputs(docs[:, :-1])
    with torch.no_grad():
        packed = unit_nll(net, x[:, :-1], x[:, 1:], position_ids=pos, mask=mask)
        for r in range(2):
            for d in np.unique(docs[r]):
                idx = np.flatnonzero(docs[r] == d)
                alone = x[r : r + 1, idx]
                if len(idx) > 1:
                    ref = unit_nll(net, alone[:, :-1], alone[:, 1:])[0]
                    torch.testing.assert_close(packed[r, idx[:-1]], ref, rtol=1e-4, atol=1e-4)


def test_windows_tile_the_piece() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        units = rng.integers(1, 12, size=int(rng.integers(1, 300)))
        context, history = int(rng.integers(40, 200)), int(rng.integers(0, 30))
        cum = np.concatenate([[0], np.cumsum(units)])
        scored = []
        for a, c, b in windows(units, context, history):
            assert a <= c < b and cum[b] - cum[a] <= context
            assert a == 0 or cum[c] - cum[a] >= history
            scored.extend(range(c, b))
        assert scored == list(range(len(units)))


class _Uniform(torch.nn.Module):
    """Every token equally likely: a frame's NLL is its token count x log(vocab)."""

    variant = "tokens"

    def forward(self, x: torch.Tensor, **_: object) -> torch.Tensor:
        return torch.zeros(*x.shape, VOCAB_SIZE)


def test_sliding_evaluation_scores_every_frame_once() -> None:
    pieces = _rolls(3, 120, seed=4, p=0.04)
    got = frame_nll(_Uniform(), pieces, context=64, min_history=32, max_units=100)
    for roll, nll in zip(pieces, got, strict=True):
        np.testing.assert_allclose(nll, frame_units(roll, "tokens") * math.log(VOCAB_SIZE))


def test_transposition_stays_on_the_keyboard() -> None:
    rng = np.random.default_rng(5)
    for _ in range(100):
        roll = np.zeros((8, N_KEYS), dtype=np.uint8)
        lo = int(rng.integers(0, N_KEYS))
        roll[rng.integers(0, 8, 5), rng.integers(lo, min(N_KEYS, lo + 12), 5)] = 1
        shifts = allowed_shifts(roll, -6, 5)
        assert 0 in shifts and shifts.min() >= -6 and shifts.max() <= 5
        for s in shifts:
            assert transpose(roll, int(s)).sum() == roll.sum()
    cfg = FrameTrainConfig(batch=4, row=64)
    edge = [np.eye(N_KEYS, dtype=np.uint8)[[0, 87, 0, 87]]]  # no shift but 0 fits
    rows, _ = sample_batch(edge, cfg, "tokens", rng)
    keys = rows[rows >= KEY0] - KEY0
    assert set(keys.tolist()) == {0, 87}
    frames, _ = sample_batch(edge, cfg, "frames", rng)
    assert frames[..., :N_KEYS].sum(-1).max() == 1
    assert (_window(edge[0], 0, 4, "frames")[1:, :N_KEYS] == edge[0]).all()


def test_fit_is_deterministic_and_keeps_the_best_step() -> None:
    train, valid = _rolls(8, 30, seed=6), _rolls(3, 30, seed=7)
    cfg = FrameTrainConfig(steps=4, batch=2, row=64, eval_every=2, min_history=16, warmup=2)
    a, info = fit(train, valid, "frames", cfg, TINY, seed=3)
    b, _ = fit(train, valid, "frames", cfg, TINY, seed=3)
    for (name, x), y in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(x, y), name
    best = min(info["history"], key=lambda h: h["valid"])
    assert info["best_step"] == best["step"]


@pytest.mark.skipif(
    not (DEFAULT_ROOT / "JSB_Chorales.mat").is_file(),
    reason=f"the polyphonic benchmark data is not at {DEFAULT_ROOT} (../shared/data)",
)
def test_evaluate_on_jsb_smoke() -> None:
    cfg = FrameTrainConfig(steps=2, batch=2, row=64, eval_every=2, min_history=32, valid_units=500)
    result = evaluate("jsb", "tokens", config=cfg, model_config=TINY)
    assert result["test_frames"] == 4725 and result["train_frames"] == 13807
    assert 10 < result["test_nll"] < 100 and result["best_step"] == 2
