"""Lyric emotion with a BiLSTM over a sentencepiece vocabulary trained here.

Sentencepiece (unigram, 8,000 pieces) is trained on the training text of the three data sets;
a one-layer bidirectional LSTM reads the pieces, mean- and max-pooled states feed the same four
heads as the MiniLM model. Training is torch (`models.lyrics.torch_nets.build_lstm`); reading
runs the same recurrence in numpy, so the chat never imports torch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint
from models.lyrics.heads import Emotions, Heads, emotions_from, load_arrays

FORMAT = "cadenza-lyrics-bilstm"
FORMAT_VERSION = 1
CHECKPOINT = CHECKPOINT_ROOT / "lyrics-bilstm-v1"
MAX_PIECES = 96


def piece_ids(sp, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Padded piece ids (pad = 0) and lengths, each text at least one piece long."""
    rows = [sp.encode(t)[:MAX_PIECES] or [sp.unk_id()] for t in texts]
    ids = np.zeros((len(rows), max(len(r) for r in rows)), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
    return ids, np.array([len(r) for r in rows])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class Direction:
    """One direction of torch's LSTM (gates i, f, g, o; both biases summed)."""

    def __init__(self, w: dict[str, np.ndarray], suffix: str) -> None:
        self.w_ih = np.ascontiguousarray(w[f"lstm.weight_ih_l0{suffix}"].T)
        self.w_hh = np.ascontiguousarray(w[f"lstm.weight_hh_l0{suffix}"].T)
        self.bias = w[f"lstm.bias_ih_l0{suffix}"] + w[f"lstm.bias_hh_l0{suffix}"]

    def run(self, x: np.ndarray, mask: np.ndarray, reverse: bool) -> np.ndarray:
        """(b, t, h) outputs, zero at padding; a reversed pass starts at each text's end."""
        b, t, _ = x.shape
        hidden = self.w_hh.shape[0]
        gates_x = x @ self.w_ih + self.bias  # (b, t, 4h), every step at once
        h = np.zeros((b, hidden), np.float32)
        c = np.zeros((b, hidden), np.float32)
        out = np.zeros((b, t, hidden), np.float32)
        for step in range(t - 1, -1, -1) if reverse else range(t):
            g = gates_x[:, step] + h @ self.w_hh
            i, f = _sigmoid(g[:, :hidden]), _sigmoid(g[:, hidden : 2 * hidden])
            cell, o = np.tanh(g[:, 2 * hidden : 3 * hidden]), _sigmoid(g[:, 3 * hidden :])
            live = mask[:, step, None]
            c = np.where(live, f * c + i * cell, c)
            h = np.where(live, o * np.tanh(c), h)
            out[:, step] = h * live
        return out


class LSTMEmotion:
    """The sentencepiece + BiLSTM lyric-emotion model."""

    name = "bilstm"

    def __init__(self, folder: Path = CHECKPOINT) -> None:
        import sentencepiece as spm

        from models.errors import CheckpointError

        self.config = verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
        try:
            self.sp = spm.SentencePieceProcessor(model_file=str(folder / "pieces.model"))
        except (RuntimeError, OSError) as exc:
            raise CheckpointError(
                f"The sentencepiece model in {folder} is unreadable ({exc}). "
                "Retrain it with `cadenza train lyrics`."
            ) from exc
        w = load_arrays(folder / "bilstm.safetensors")
        try:
            self.embed = w["embed.weight"]
            self.forward, self.backward = Direction(w, ""), Direction(w, "_reverse")
            self.heads = Heads(w)
        except KeyError as exc:
            raise CheckpointError(
                f"The lyric model in {folder} does not match this Cadenza (no {exc}). "
                "Retrain it with `cadenza train lyrics`."
            ) from exc

    def pooled(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """(b, 4h): mean and max of both directions' states over the pieces that are not 0.

        As in training, the recurrence runs over each text's length and pooling skips id 0
        (the unknown piece, whose embedding is the padding's zero vector)."""
        live = np.arange(ids.shape[1])[None, :] < lengths[:, None]
        x = self.embed[ids]
        out = np.concatenate(
            [self.forward.run(x, live, False), self.backward.run(x, live, True)], -1
        )
        m = (ids != 0)[..., None]
        mean = (out * m).sum(1) / np.maximum(m.sum(1), 1)
        peak = np.where(m, out, np.float32(-1e4)).max(1)
        return np.concatenate([mean, peak], -1)

    def analyse(self, texts: list[str], batch_size: int = 128) -> Emotions:
        out: dict[str, np.ndarray] = {}
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # less padding
        for i in range(0, len(texts), batch_size):
            idx = order[i : i + batch_size]
            ids, lengths = piece_ids(self.sp, [texts[j] for j in idx])
            for name, value in self.heads.read(self.pooled(ids, lengths)).items():
                if name not in out:
                    out[name] = np.zeros((len(texts), value.shape[1]), np.float32)
                out[name][idx] = value
        return emotions_from([out] if texts else [], self.config)
