"""A BERT encoder in numpy: the forward pass of MiniLM's layers without torch.

The weights are read from safetensors as numpy arrays (the names transformers' `BertModel`
uses). Only inference: no dropout, the exact GELU (erf) of BERT, LayerNorm with eps 1e-12,
additive attention masks. It gives the same hidden states as transformers to about 1e-6, so
the router's and the lyric models' numbers do not change, and a cold start imports no torch.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from pathlib import Path

import numpy as np

EPS = 1e-12
HEADS = 12
NEG = np.float32(-1e9)  # an additive mask value: exp() of it is exactly 0 in float32

# Abramowitz & Stegun 7.1.26 (absolute error under 1.5e-7 in exact arithmetic), evaluated in
# place in float32: about 6e-7 off, a few passes over the array instead of scipy's 0.3 s import.
_P = np.float32(0.3275911)
_A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, to about 6e-7."""
    z = np.abs(x, dtype=np.float32)
    t = _P * z
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = np.float32(_A[0]) * t
    for c in _A[1:]:
        poly += np.float32(c)
        poly *= t
    z *= z
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # erfc(|x|)
    np.subtract(np.float32(1.0), poly, out=poly)
    return np.copysign(poly, x, out=poly)


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * (1 + erf(x / sqrt 2)) / 2, in place on x's copy."""
    out = erf(x * np.float32(1 / np.sqrt(2)))
    out += np.float32(1.0)
    out *= x
    out *= np.float32(0.5)
    return out


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(var + EPS) * weight + bias


_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file as read-only memory maps: nothing is read until used.

    MiniLM's file is 90 MB, half of it the word embeddings, of which a message needs a few
    rows; reading it whole cost 0.2 s of every cold start, mapping it costs 2 ms.
    """
    with open(path, "rb") as fh:
        (size,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r")
    base = 8 + size
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = np.dtype(_DTYPES[entry["dtype"]]).newbyteorder("<")
        out[name] = data[base + start : base + end].view(dtype).reshape(entry["shape"])
    return out


class BertLayers:
    """Transformer layers from a name -> array mapping (`prefix` names layer i's weights)."""

    def __init__(self, weights: Mapping[str, np.ndarray], prefix: str, count: int) -> None:
        self.layers = [_layer(weights, f"{prefix}{i}.") for i in range(count)]

    def __len__(self) -> int:
        return len(self.layers)

    def run(self, hidden: np.ndarray, mask: np.ndarray, start: int = 0, stop: int | None = None):
        """Hidden states (b, t, d) after layers start..stop; `mask` is (b, t) of 0/1."""
        add = ((1.0 - mask.astype(np.float32)) * NEG)[:, None, None, :]  # (b, 1, 1, t)
        for layer in self.layers[start:stop]:
            hidden = _forward(layer, hidden, add)
        return hidden


def _layer(w: Mapping[str, np.ndarray], p: str) -> dict[str, np.ndarray]:
    def get(name: str) -> np.ndarray:
        return np.ascontiguousarray(w[p + name], dtype=np.float32)

    qkv = np.concatenate([get(f"attention.self.{n}.weight") for n in ("query", "key", "value")])
    qkv_b = np.concatenate([get(f"attention.self.{n}.bias") for n in ("query", "key", "value")])
    return {
        "qkv": np.ascontiguousarray(qkv.T), "qkv_b": qkv_b,
        "out": np.ascontiguousarray(get("attention.output.dense.weight").T),
        "out_b": get("attention.output.dense.bias"),
        "ln1_w": get("attention.output.LayerNorm.weight"),
        "ln1_b": get("attention.output.LayerNorm.bias"),
        "up": np.ascontiguousarray(get("intermediate.dense.weight").T),
        "up_b": get("intermediate.dense.bias"),
        "down": np.ascontiguousarray(get("output.dense.weight").T),
        "down_b": get("output.dense.bias"),
        "ln2_w": get("output.LayerNorm.weight"), "ln2_b": get("output.LayerNorm.bias"),
    }  # fmt: skip


def _forward(w: dict[str, np.ndarray], x: np.ndarray, add: np.ndarray) -> np.ndarray:
    b, t, d = x.shape
    hd = d // HEADS
    flat = x.reshape(b * t, d)  # dense layers as one 2-D product, not b small ones
    qkv = (flat @ w["qkv"] + w["qkv_b"]).reshape(b, t, 3, HEADS, hd).transpose(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]  # (b, h, t, hd)
    probs = q @ k.transpose(0, 1, 3, 2)
    probs *= np.float32(1 / np.sqrt(hd))
    probs += add
    probs -= probs.max(-1, keepdims=True)
    np.exp(probs, out=probs)
    probs /= probs.sum(-1, keepdims=True)
    context = (probs @ v).transpose(0, 2, 1, 3).reshape(b * t, d)
    flat = layer_norm(context @ w["out"] + w["out_b"] + flat, w["ln1_w"], w["ln1_b"])
    inner = flat @ w["up"]
    inner += w["up_b"]
    inner = gelu(inner)
    out = layer_norm(inner @ w["down"] + w["down_b"] + flat, w["ln2_w"], w["ln2_b"])
    return out.reshape(b, t, d)


class BertEmbeddings:
    """Word + position + token-type embeddings, then LayerNorm."""

    def __init__(self, weights: Mapping[str, np.ndarray], prefix: str = "embeddings.") -> None:
        def get(name: str) -> np.ndarray:
            return np.asarray(weights[prefix + name], dtype=np.float32)

        self.words = get("word_embeddings.weight")
        self.positions = get("position_embeddings.weight")
        self.types = get("token_type_embeddings.weight")
        self.ln_w, self.ln_b = get("LayerNorm.weight"), get("LayerNorm.bias")

    def __call__(self, ids: np.ndarray, type_ids: np.ndarray | None = None) -> np.ndarray:
        t = ids.shape[1]
        x = self.words[ids] + self.positions[:t][None]
        x = x + self.types[type_ids if type_ids is not None else np.zeros_like(ids)]
        return layer_norm(x, self.ln_w, self.ln_b)


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(b, d): the mean of the hidden states over the real tokens."""
    m = mask.astype(np.float32)[..., None]
    return (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
