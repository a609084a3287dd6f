"""The generation model: a small Llama-style causal transformer, and our own fast decoder for it.

The architecture is transformers' `LlamaForCausalLM` built from a config (RMSNorm, rotary
positions, SwiGLU, tied input/output embeddings): training uses transformers, and its
`generate()` is the speed baseline. At run time `Decoder` reads the same safetensors weights
into numpy (neither torch nor transformers is imported, which saves 1.3-6 s of start-up) and
decodes with a preallocated key/value cache and fused projections. A test checks its logits
against transformers' forward pass.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class GenConfig:
    vocab_size: int
    d_model: int = 256
    n_layers: int = 4
    n_heads: int = 4
    d_ff: int = 768
    context: int = 512  # the longest window trained on; decoding slides beyond it
    rope_theta: float = 10000.0
    rms_eps: float = 1e-6

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenConfig:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def n_params(self) -> int:
        d, f = self.d_model, self.d_ff
        return self.vocab_size * d + self.n_layers * (4 * d * d + 3 * d * f + 2 * d) + d

    def flops_per_token(self, context: int) -> int:
        """Multiply-adds x 2 for one decoded token with `context` cached positions."""
        d, f = self.d_model, self.d_ff
        per_layer = 4 * d * d + 3 * d * f + 2 * context * d
        return 2 * (self.n_layers * per_layer + self.vocab_size * d)

    def llama_config(self):  # noqa: ANN201 (transformers type, imported lazily)
        from transformers import LlamaConfig

        return LlamaConfig(
            vocab_size=self.vocab_size, hidden_size=self.d_model,
            intermediate_size=self.d_ff, num_hidden_layers=self.n_layers,
            num_attention_heads=self.n_heads, num_key_value_heads=self.n_heads,
            max_position_embeddings=max(self.context, 4096), rms_norm_eps=self.rms_eps,
            rope_parameters={"rope_theta": self.rope_theta, "rope_type": "default"},
            tie_word_embeddings=True, bos_token_id=1, eos_token_id=2, pad_token_id=0,
        )  # fmt: skip


def build_hf_model(cfg: GenConfig, seed: int = 0):  # noqa: ANN201
    """A freshly initialised `LlamaForCausalLM` (training and the transformers baseline)."""
    import torch
    from transformers import LlamaForCausalLM

    torch.manual_seed(seed)
    model = LlamaForCausalLM(cfg.llama_config())
    model.config.use_cache = True
    return model


def hf_state_dict(model) -> dict[str, torch.Tensor]:  # noqa: ANN001
    """The weights to ship: transformers' names, the tied output head left out."""
    return {
        k: v.detach().contiguous().clone()
        for k, v in model.state_dict().items()
        if k != "lm_head.weight" and "rotary_emb" not in k
    }


def load_into_hf(model, weights: dict[str, torch.Tensor]) -> None:  # noqa: ANN001
    missing, unexpected = model.load_state_dict(weights, strict=False)
    bad = [k for k in missing if k != "lm_head.weight" and "rotary" not in k]
    if bad or unexpected:
        raise ValueError(
            f"weights do not fit the model: missing {bad[:3]}, unexpected {unexpected[:3]}"
        )


class Decoder:
    """Batched incremental decoding in numpy with a preallocated key/value cache.

    Per decoded token the work is a handful of matrix-vector products, so at batch 1 the cost
    is the call overhead of each operation, and numpy's is several times lower than torch's.
    The norms' weights are folded into the matrices that follow them and the attention scale
    into the query projection (exact up to float rounding). Rows advance in lockstep; a row
    whose window was cut at a different place is left-padded, and padded positions are masked.
    """

    def __init__(self, cfg: GenConfig, weights: dict[str, np.ndarray]):
        d, hd = cfg.d_model, cfg.head_dim
        self.cfg = cfg
        w = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
        self.embed = np.ascontiguousarray(w["model.embed_tokens.weight"])
        self.head = np.ascontiguousarray((self.embed * w["model.norm.weight"][None]).T)
        self.layers = []
        for i in range(cfg.n_layers):
            p = f"model.layers.{i}."
            ln1, ln2 = w[p + "input_layernorm.weight"], w[p + "post_attention_layernorm.weight"]
            qkv = np.concatenate([w[p + f"self_attn.{n}_proj.weight"] for n in "qkv"]).T
            qkv = qkv * ln1[:, None]
            qkv[:, :d] *= 1.0 / math.sqrt(hd)
            gu = np.concatenate([w[p + "mlp.gate_proj.weight"], w[p + "mlp.up_proj.weight"]]).T
            self.layers.append(
                (
                    np.ascontiguousarray(qkv),
                    np.ascontiguousarray(w[p + "self_attn.o_proj.weight"].T),
                    np.ascontiguousarray(gu * ln2[:, None]),
                    np.ascontiguousarray(w[p + "mlp.down_proj.weight"].T),
                )
            )
        # Rotary embedding as transformers computes it; rotate_half as a permutation and signs.
        inv = 1.0 / (cfg.rope_theta ** (np.arange(0, hd, 2, dtype=np.float32) / hd))
        self.max_len = cfg.context
        freqs = np.outer(np.arange(self.max_len, dtype=np.float32), inv)
        emb = np.concatenate([freqs, freqs], axis=-1)
        self.cos = np.cos(emb).astype(np.float32)
        self.sin = np.sin(emb).astype(np.float32)
        self.sin[:, : hd // 2] *= -1.0
        self.perm = np.concatenate([np.arange(hd // 2, hd), np.arange(hd // 2)])
        self.eps = np.float32(cfg.rms_eps)
        self.inv_d = np.float32(1.0 / d)
        self.f = cfg.d_ff
        self.k_cache: list[np.ndarray] = []
        self.v_cache: list[np.ndarray] = []
        self.bias: np.ndarray | None = None  # (B, 1, max_len): 0 or -inf for padded positions
        self.length = 0
        self.batch = 0

    def _rms(self, x: np.ndarray) -> np.ndarray:
        ms = np.add.reduce(x * x, axis=-1, keepdims=True)  # np.mean's Python wrapper costs more
        return x / np.sqrt(ms * self.inv_d + self.eps)

    def reset(self, batch: int) -> None:
        cfg = self.cfg
        shape = (batch, cfg.n_heads, self.max_len, cfg.head_dim)
        if self.batch != batch or not self.k_cache:
            self.k_cache = [np.zeros(shape, np.float32) for _ in self.layers]
            self.v_cache = [np.zeros(shape, np.float32) for _ in self.layers]
        self.batch, self.length, self.bias = batch, 0, None

    def tile(self, batch: int) -> None:
        """Copy a batch-1 cache to `batch` rows (one prompt, many samples)."""
        if self.batch != 1:
            raise ValueError("only a batch-1 cache can be tiled")
        t = self.length
        self.k_cache = [np.repeat(k, batch, axis=0) for k in self.k_cache]
        self.v_cache = [np.repeat(v, batch, axis=0) for v in self.v_cache]
        if self.bias is not None:
            self.bias = np.repeat(self.bias, batch, axis=0)
        self.batch, self.length = batch, t

    def prefill(self, tokens: np.ndarray, pad: np.ndarray | None = None) -> np.ndarray:
        """Run a (B, T) prompt from an empty cache; returns the (B, T, V) logits.

        `pad` (B, T) marks left padding: those positions are never attended to.
        """
        b, t = tokens.shape
        if t > self.max_len:
            raise ValueError(f"a prompt of {t} tokens exceeds the {self.max_len}-token window")
        cfg = self.cfg
        h, hd, d = cfg.n_heads, cfg.head_dim, cfg.d_model
        self.reset(b)
        causal = np.triu(np.full((t, t), -np.inf, np.float32), k=1)
        bias = np.broadcast_to(causal, (b, 1, t, t)).copy()
        if pad is not None:
            self.bias = np.zeros((b, 1, self.max_len), np.float32)
            self.bias[:, 0, :t][pad] = -np.inf
            bias += self.bias[:, :, None, :t]
            idx = np.arange(t)
            bias[:, 0, idx, idx] = 0.0  # a padded row attends to itself: no empty softmax
        x = self.embed[tokens]
        cos, sin = self.cos[:t], self.sin[:t]
        for i, (wqkv, wo, wgu, wd) in enumerate(self.layers):
            qkv = (self._rms(x) @ wqkv).reshape(b, t, 3, h, hd).transpose(2, 0, 3, 1, 4)
            qk = qkv[:2] * cos + qkv[:2][..., self.perm] * sin
            self.k_cache[i][:, :, :t] = qk[1]
            self.v_cache[i][:, :, :t] = qkv[2]
            scores = qk[0] @ qk[1].transpose(0, 1, 3, 2) + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            x = x + (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(b, t, d) @ wo
            gu = self._rms(x) @ wgu
            g, u = gu[..., : self.f], gu[..., self.f :]
            x = x + (g / (1.0 + np.exp(-g)) * u) @ wd
        self.length = t
        return self._rms(x) @ self.head

    def step(self, tokens: np.ndarray) -> np.ndarray:
        """Append one token per row (B,) and return the next-token logits (B, V)."""
        t = self.length
        if t >= self.max_len:
            raise ValueError("the cache is full: slide the window first")
        cfg = self.cfg
        b = tokens.shape[0]
        h, hd, d = cfg.n_heads, cfg.head_dim, cfg.d_model
        x = self.embed[tokens]
        cos, sin, perm = self.cos[t], self.sin[t], self.perm
        bias = None if self.bias is None else self.bias[:, :, None, : t + 1]
        for i, (wqkv, wo, wgu, wd) in enumerate(self.layers):
            qkv = (self._rms(x) @ wqkv).reshape(b, 3, h, hd)
            qk = qkv[:, :2] * cos + qkv[:, :2][..., perm] * sin
            kc, vc = self.k_cache[i], self.v_cache[i]
            kc[:, :, t] = qk[:, 1]
            vc[:, :, t] = qkv[:, 2]
            scores = np.matmul(kc[:, :, : t + 1], qk[:, 0, :, :, None])[..., 0]  # B, H, t+1
            if bias is not None:
                scores += bias[:, :, 0]
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            a = np.matmul(scores[:, :, None, :], vc[:, :, : t + 1])  # B, H, 1, hd
            x = x + a.reshape(b, d) @ wo
            gu = self._rms(x) @ wgu
            g, u = gu[..., : self.f], gu[..., self.f :]
            x = x + (g / (1.0 + np.exp(-g)) * u) @ wd
        self.length = t + 1
        return self._rms(x) @ self.head


def save_weights(
    path: Path, weights: dict[str, Any], cfg: GenConfig, extra: dict[str, str]
) -> None:
    from safetensors.torch import save_file

    meta = {"config": cfg.to_json(), **extra}
    save_file(weights, str(path), metadata=meta)


def load_weights(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Weights as numpy arrays (torch is not imported) and the file's metadata."""
    from safetensors import safe_open

    out = {}
    with safe_open(str(path), framework="np") as f:
        meta = f.metadata() or {}
        for k in f.keys():  # noqa: SIM118 (safe_open has no items())
            out[k] = f.get_tensor(k)
    return out, meta
