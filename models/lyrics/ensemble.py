"""Both lyric models together: a weighted mean of their outputs, with thresholds of its own.

The BiLSTM costs almost nothing next to MiniLM, and the two err differently (a transformer
over word pieces, a recurrent net over a vocabulary learned here), so their average reads
better than either. The weight and the per-label thresholds are chosen on the dev splits by
`cadenza train lyrics --model ensemble`; the checkpoint holds only those numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint
from models.lyrics.heads import Emotions

FORMAT = "cadenza-lyrics-ensemble"
FORMAT_VERSION = 1
CHECKPOINT = CHECKPOINT_ROOT / "lyrics-ensemble-v1"


def blend(a: Emotions, b: Emotions, w: float, go_t, ekman_t) -> Emotions:
    """w x a + (1 - w) x b, output by output."""
    return Emotions(
        go=w * a.go + (1 - w) * b.go,
        ekman=w * a.ekman + (1 - w) * b.ekman,
        sentiment=w * a.sentiment + (1 - w) * b.sentiment,
        va=w * a.va + (1 - w) * b.va,
        go_thresholds=np.asarray(go_t, dtype=np.float32),
        ekman_thresholds=np.asarray(ekman_t, dtype=np.float32),
        centre=a.centre,
    )


class EnsembleEmotion:
    """MiniLM and BiLSTM averaged (the weight is MiniLM's share)."""

    name = "ensemble"

    def __init__(self, folder: Path = CHECKPOINT, minilm=None, bilstm=None) -> None:  # noqa: ANN001
        from models.lyrics.lstm import LSTMEmotion
        from models.lyrics.minilm import MiniLMEmotion

        self.config = verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
        self.minilm = minilm or MiniLMEmotion()
        self.bilstm = bilstm or LSTMEmotion()

    def analyse(self, texts: list[str]) -> Emotions:
        c = self.config
        return blend(self.minilm.analyse(texts), self.bilstm.analyse(texts), c["weight"],
                     c["go_thresholds"], c["ekman_thresholds"])  # fmt: skip
