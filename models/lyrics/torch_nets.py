"""The lyric models as torch modules: for training only (`cadenza train lyrics`).

Inference runs in numpy (`models.lyrics.minilm`, `models.lyrics.lstm`) from the same
safetensors, so the chat never imports torch; a test checks both give the same outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from models.lyrics.data import EKMAN_LABELS, GO_LABELS, POEM_LABELS


def build_heads(dim: int):  # noqa: ANN201 (a torch ModuleDict)
    """The four heads on a `dim`-wide pooled vector."""
    from torch import nn

    return nn.ModuleDict(
        {
            "go": nn.Linear(dim, len(GO_LABELS)),
            "ekman": nn.Linear(dim, len(EKMAN_LABELS)),
            "sentiment": nn.Linear(dim, len(POEM_LABELS)),
            "va": nn.Linear(dim, 2),
        }
    )


def read_heads(logits: dict[str, Any]) -> dict[str, np.ndarray]:
    """The heads' torch logits as outputs: probabilities, and VA still standardised."""
    import torch

    return {
        "go": torch.sigmoid(logits["go"]).numpy(),
        "ekman": torch.sigmoid(logits["ekman"]).numpy(),
        "sentiment": torch.softmax(logits["sentiment"], -1).numpy(),
        "va": logits["va"].numpy(),
    }


def load_weights(module, path: Path) -> None:  # noqa: ANN001 (a torch module)
    """Load fp16 safetensors into `module` as float32 (to resume or compare)."""
    from safetensors.torch import load_file

    module.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()})
    module.eval()


def _additive_mask(mask, dtype):  # noqa: ANN001, ANN202
    import torch

    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def build_top(n_tuned: int, base_model=None):  # noqa: ANN001, ANN201
    """The trainable part: the top `n_tuned` MiniLM layers (copied from MiniLM) + heads."""
    import copy

    import torch
    from torch import nn

    if base_model is None:
        from models.embeddings.torch_minilm import torch_minilm

        base_model = torch_minilm()[1]

    class TunedTop(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            layers = [copy.deepcopy(m) for m in base_model.encoder.layer[-n_tuned:]]
            self.layers = nn.ModuleList(layers)
            self.drop = nn.Dropout(0.1)
            self.heads = build_heads(384)

        def pool(self, hidden, mask):  # noqa: ANN001, ANN202
            add = _additive_mask(mask, hidden.dtype)
            for layer in self.layers:
                out = layer(hidden, attention_mask=add)
                hidden = out[0] if isinstance(out, tuple) else out
            m = mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

        def forward(self, hidden, mask) -> dict[str, Any]:  # noqa: ANN001
            pooled = self.drop(self.pool(hidden, mask))
            return {name: head(pooled) for name, head in self.heads.items()}

    torch.manual_seed(0)
    return TunedTop()


def build_lstm(vocab_size: int, emb: int = 160, hidden: int = 256):  # noqa: ANN201
    """The BiLSTM: embeddings, one bidirectional layer, mean- and max-pooled states, heads."""
    import torch
    from torch import nn

    class BiLSTM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocab_size, emb, padding_idx=0)
            self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
            self.drop = nn.Dropout(0.3)
            self.heads = build_heads(4 * hidden)

        def forward(self, ids, lengths) -> dict[str, Any]:  # noqa: ANN001
            x = self.embed(ids)
            packed = nn.utils.rnn.pack_padded_sequence(
                self.drop(x), lengths.cpu(), batch_first=True, enforce_sorted=False
            )
            out, _ = self.lstm(packed)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
            mask = (ids[:, : out.shape[1]] != 0).unsqueeze(-1)
            mean = (out * mask).sum(1) / mask.sum(1).clamp(min=1)
            peak = out.masked_fill(~mask, -1e4).max(1).values
            pooled = self.drop(torch.cat([mean, peak], -1))
            return {name: head(pooled) for name, head in self.heads.items()}

    torch.manual_seed(0)
    return BiLSTM()
