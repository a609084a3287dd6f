"""Lyric emotion with a BiLSTM over a sentencepiece vocabulary trained here.

Sentencepiece (unigram, 8,000 pieces) is trained on the training text of the three data sets;
a one-layer bidirectional LSTM reads the pieces, mean- and max-pooled states feed the same four
heads as the MiniLM model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint
from models.lyrics.heads import Emotions, build_heads, emotions_from, load_weights, read_heads

FORMAT = "cadenza-lyrics-bilstm"
FORMAT_VERSION = 1
CHECKPOINT = CHECKPOINT_ROOT / "lyrics-bilstm-v1"
MAX_PIECES = 96


def build_lstm(vocab_size: int, emb: int = 160, hidden: int = 256):
    import torch
    from torch import nn

    class BiLSTM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocab_size, emb, padding_idx=0)
            self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
            self.drop = nn.Dropout(0.3)
            self.heads = build_heads(4 * hidden)

        def forward(self, ids, lengths) -> dict[str, Any]:
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


def encode_pieces(sp, texts: list[str]):
    """Padded piece ids (pad = 0) and lengths, each text at least one piece long."""
    import torch

    rows = [sp.encode(t)[:MAX_PIECES] or [sp.unk_id()] for t in texts]
    width = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
    return ids, torch.tensor([len(r) for r in rows])


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
        self.net = build_lstm(self.sp.get_piece_size(), self.config["emb"], self.config["hidden"])
        load_weights(self.net, folder / "bilstm.safetensors")

    def analyse(self, texts: list[str], batch_size: int = 128) -> Emotions:
        import torch

        with torch.inference_mode():
            batches = [
                read_heads(self.net(*encode_pieces(self.sp, texts[i : i + batch_size])))
                for i in range(0, len(texts), batch_size)
            ]
        return emotions_from(batches, self.config)
