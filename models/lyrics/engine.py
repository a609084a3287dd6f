"""Which lyric-emotion model answers: the shipped default, or the one the producer names."""

from __future__ import annotations

from functools import lru_cache

from models.lyrics.song import Model

# The best on the benchmark (benchmarks/lyric_emotion.py, figures in the README): both models
# averaged, which beats each alone on GoEmotions and Ekman macro-F1 and on arousal.
DEFAULT_MODEL = "ensemble"
MODELS = ("minilm", "bilstm", "ensemble")


@lru_cache(maxsize=2)
def get_model(name: str | None = None) -> Model:
    """Load a model once per process; a missing or corrupt checkpoint raises CheckpointError."""
    name = name or DEFAULT_MODEL
    if name == "minilm":
        from models.lyrics.minilm import MiniLMEmotion

        return MiniLMEmotion()
    if name == "bilstm":
        from models.lyrics.lstm import LSTMEmotion

        return LSTMEmotion()
    if name == "ensemble":
        from models.lyrics.ensemble import EnsembleEmotion

        return EnsembleEmotion(minilm=get_model("minilm"), bilstm=get_model("bilstm"))
    raise ValueError(f"Unknown lyric model {name!r}; choose one of {', '.join(MODELS)}.")
