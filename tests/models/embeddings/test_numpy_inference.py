"""The numpy inference paths give the torch models' numbers (the chat imports no torch)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow

TEXTS = [
    "compose a short melody in G major",
    "Make it SADDER!!",
    "héllo wörld 你好 🎵",
    "I cry myself to sleep every night",
    "Te quiero más que a mi vida",
    "x " * 400,  # past the 256-token limit: truncated the same way
    "",
]


def test_erf_matches_math() -> None:
    import math

    from models.embeddings.bert import erf

    x = np.linspace(-6, 6, 20001, dtype=np.float32)
    ref = np.array([math.erf(float(v)) for v in x])
    assert np.abs(erf(x) - ref).max() < 1e-6


def test_minilm_matches_sentence_transformers() -> None:
    from sentence_transformers import SentenceTransformer

    from models.embeddings.encoder import get_encoder, model_folder

    texts = TEXTS[:-1]  # sentence-transformers encodes "" as is; Cadenza encodes "." for it
    ours = get_encoder().encode(texts)
    ref = SentenceTransformer(str(model_folder()), device="cpu").encode(
        texts, normalize_embeddings=True
    )
    assert ours.shape == (len(texts), 384)
    assert np.abs(ours - ref).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batch_order_does_not_change_vectors() -> None:
    from models.embeddings.encoder import get_encoder

    enc = get_encoder()
    together = enc.encode(TEXTS, batch_size=3)
    alone = np.vstack([enc.encode([t]) for t in TEXTS])
    assert np.abs(together - alone).max() < 1e-5


def _torch_minilm_heads(model, texts):  # noqa: ANN001, ANN202
    import torch

    from models.embeddings.torch_minilm import torch_minilm
    from models.lyrics import minilm as M
    from models.lyrics import torch_nets as T

    tok, bert = torch_minilm()
    top = T.build_top(6 - model.n_frozen)
    T.load_weights(top, M.CHECKPOINT / "top.safetensors")
    enc = tok([t if t.strip() else "." for t in texts], padding=True, truncation=True,
              max_length=M.READ_TOKENS, return_tensors="pt")  # fmt: skip
    with torch.inference_mode():
        h = bert.embeddings(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"])
        add = T._additive_mask(enc["attention_mask"], h.dtype)
        for layer in bert.encoder.layer[: model.n_frozen]:
            out = layer(h, attention_mask=add)
            h = out[0] if isinstance(out, tuple) else out
        return T.read_heads(top(h, enc["attention_mask"]))


def test_lyric_minilm_matches_torch() -> None:
    from models.lyrics.minilm import MiniLMEmotion

    model = MiniLMEmotion()
    ours = model.analyse(TEXTS)
    ref = _torch_minilm_heads(model, TEXTS)
    for head in ("go", "ekman", "sentiment"):
        assert np.abs(getattr(ours, head) - ref[head]).max() < 1e-4, head
    va = ref["va"] * np.array(model.config["va_std"]) + np.array(model.config["va_mean"])
    assert np.abs(ours.va - va).max() < 1e-4


def test_lyric_bilstm_matches_torch() -> None:
    import torch

    from models.lyrics import lstm as L
    from models.lyrics import torch_nets as T

    model = L.LSTMEmotion()
    ours = model.analyse(TEXTS)
    net = T.build_lstm(model.sp.get_piece_size(), model.config["emb"], model.config["hidden"])
    T.load_weights(net, L.CHECKPOINT / "bilstm.safetensors")
    ids, lengths = L.piece_ids(model.sp, TEXTS)
    with torch.inference_mode():
        ref = T.read_heads(net(torch.from_numpy(ids), torch.from_numpy(lengths)))
    for head in ("go", "ekman", "sentiment"):
        assert np.abs(getattr(ours, head) - ref[head]).max() < 1e-5, head
