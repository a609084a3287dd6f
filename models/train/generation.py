"""Train the generation transformer: `cadenza train generation` or `python -m models.train.generation`.

The run is deterministic and resumable: batches are drawn from a generator seeded by the step
number, and the model, optimiser and step are saved every `save_every` steps to the work
folder, so an interrupted run continues where it stopped and ends with the same weights. The
corpus is cached there too (parsing the chorales takes about a minute). The CLI's work folder is
`CADENZA_HOME/cache/generation-train`; run as a module, name one with `--work DIR`.

Data: every piece not in the held-out split (models/splits.is_held_out); a further
1 in 10 of those (crc32 % 10 == 1) is kept aside as a validation set for the loss curve. Rows
of `context` tokens are packed from whole pieces; a piece longer than a row contributes a
window that starts at a bar line, with the piece's header in front, as decoding does when it
slides its window.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.checkpoints import CHECKPOINT_ROOT, fresh_staging, install_checkpoint, write_manifest
from models.generation.data import Corpus, RawPiece, build_sequences, save_corpus
from models.generation.vocab import BAR, HEADER_LEN, PAD, VOCAB_SIZE
from models.train.corpus import STYLE_SOURCES, chorale_voices, count_pieces

if TYPE_CHECKING:
    from models.generation.model import GenConfig

CHECKPOINT = CHECKPOINT_ROOT / "generation-v1"
FORMAT = "cadenza-generation"
FORMAT_VERSION = 1

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 2000
    batch: int = 16
    lr: float = 2e-3
    warmup: int = 100
    weight_decay: float = 0.05
    seed: int = 0
    save_every: int = 25
    eval_every: int = 100


def is_valid_piece(source: str) -> bool:
    return zlib.crc32(source.encode()) % 10 == 1


def pack_rows(
    seqs: list[np.ndarray], weights: np.ndarray, rng: np.random.Generator, batch: int, length: int
) -> tuple[np.ndarray, np.ndarray]:
    """(batch, length + 1) token rows and a loss mask over their targets (header tokens off)."""
    rows = np.full((batch, length + 1), PAD, dtype=np.int64)
    mask = np.zeros((batch, length), dtype=bool)
    for r in range(batch):
        filled = 0
        while filled < length + 1:
            seq = seqs[rng.choice(len(seqs), p=weights)]
            if len(seq) > length + 1 - filled and filled == 0:
                bars = np.flatnonzero(seq[HEADER_LEN:] == BAR) + HEADER_LEN
                start = int(rng.choice(bars))
                piece = np.concatenate([seq[:HEADER_LEN], seq[start:]])
            else:
                piece = seq
            take = piece[: length + 1 - filled]
            rows[r, filled : filled + len(take)] = take
            # targets are positions filled+1 ..: mask out the header (given, not predicted)
            lo, hi = filled + HEADER_LEN, filled + len(take)
            mask[r, max(lo - 1, 0) : hi - 1] = True
            filled += len(take)
            if filled < length + 1 and len(seqs) == 0:
                break
    mask &= rows[:, 1:] != PAD
    return rows, mask


def raw_pieces(progress: Progress | None = None) -> Iterable[RawPiece]:
    """Every piece of the corpus, read fresh (about two minutes: music21 parses the chorales)."""
    total = count_pieces("chorale")
    for i, ch in enumerate(chorale_voices(), 1):
        notes = tuple((p, s, d, v) for v, voice in enumerate(ch.voices) for p, s, d in voice)
        yield RawPiece(ch.source, "chorale", "parts", ch.key.tonic_pc, ch.key.mode, ch.meter, notes)
        soprano = tuple(n for n in notes if n[3] == 0)
        yield RawPiece(
            ch.source, "chorale", "melody", ch.key.tonic_pc, ch.key.mode, ch.meter, soprano
        )
        if progress:
            progress("chorales", i, total)
    for style in ("folk", "irish"):
        total = count_pieces(style)
        for i, line in enumerate(STYLE_SOURCES[style](), 1):
            notes = tuple(
                (p, s, d, 0) for p, s, d in zip(line.pitches, line.starts, line.durs, strict=True)
            )
            yield RawPiece(
                line.source, style, "melody", line.key.tonic_pc, line.key.mode, line.meter, notes
            )
            if progress and i % 50 == 0:
                progress(style, i, total)


def corpus_path(work: Path) -> Path:
    return work / "corpus.npz"


def load_corpus(work: Path, progress: Progress | None = None) -> Corpus:
    path = corpus_path(work)
    if not path.exists():
        seqs, cuts = build_sequences(raw_pieces(progress))
        save_corpus(path, seqs, cuts)
    return Corpus.load(path)


def evaluate_loss(model, corpus: Corpus, idx: list[int], context: int) -> float:  # noqa: ANN001
    """Mean NLL per body token over pieces (windows of `context`, header always in front)."""
    import torch

    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for i in idx:
            seq = corpus.tokens[i]
            body = seq[HEADER_LEN:]
            step = context - HEADER_LEN
            for start in range(0, len(body), step):
                chunk = np.concatenate([seq[:HEADER_LEN], body[start : start + step]])
                x = torch.from_numpy(chunk[None])
                logits = model(x).logits[0, HEADER_LEN - 1 : -1]
                lp = torch.log_softmax(logits, -1).gather(-1, x[0, HEADER_LEN:, None])
                total -= float(lp.sum())
                count += len(chunk) - HEADER_LEN
    model.train()
    return total / max(count, 1)


@dataclass(frozen=True)
class TrainData:
    """The pieces rows are packed from (drawn in proportion to their length) and the
    validation pieces, both from the corpus's non-held-out split."""

    train_idx: list[int]
    valid_idx: list[int]
    seqs: list[np.ndarray]
    weights: np.ndarray
    tokens: int


def split_corpus(corpus: Corpus) -> TrainData:
    """Training and validation pieces; validation is thinned to about 200 pieces, every style."""
    train_idx = [i for i in corpus.split(held_out=False) if not is_valid_piece(corpus.sources[i])]
    valid_idx = [i for i in corpus.split(held_out=False) if is_valid_piece(corpus.sources[i])]
    valid_idx = valid_idx[:: max(1, len(valid_idx) // 200)]  # about 200 pieces, every style
    seqs = [corpus.tokens[i] for i in train_idx]
    lengths = np.array([len(s) for s in seqs], dtype=np.float64)
    weights = lengths / lengths.sum()
    return TrainData(train_idx, valid_idx, seqs, weights, int(lengths.sum()))


def lr_at(cfg: TrainConfig, step: int) -> float:
    """Linear warm-up, then a cosine down to a tenth of the peak rate."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    frac = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))


@dataclass
class Run:
    """One run's model and optimiser, its settings, and the file its resumable state goes to."""

    model: Any
    opt: Any
    cfg: TrainConfig
    gen_cfg: GenConfig
    state_path: Path

    @classmethod
    def start(cls, cfg: TrainConfig, gen_cfg: GenConfig, work: Path) -> Run:
        """A fresh model (seeded by the run's seed) and AdamW, weight decay on matrices only."""
        import torch

        from models.generation.model import build_hf_model

        model = build_hf_model(gen_cfg, seed=cfg.seed)
        model.train()
        decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
        no_decay = [p for n, p in model.named_parameters() if p.ndim < 2]
        opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
            lr=cfg.lr, betas=(0.9, 0.98),
        )  # fmt: skip
        return cls(model, opt, cfg, gen_cfg, work / "state.pt")

    def resume(self, log: Callable[[str], None]) -> tuple[int, list[dict]]:
        """The step and history to continue from: the saved state's, if it is for these settings."""
        import torch

        if not self.state_path.exists():
            return 0, []
        state = torch.load(self.state_path, weights_only=False)
        if state["config"] != asdict(self.cfg) or state["model_config"] != asdict(self.gen_cfg):
            log("the saved state is for other settings: starting over")
            return 0, []
        self.model.load_state_dict(state["model"])
        self.opt.load_state_dict(state["optim"])
        log(f"resuming at step {state['step']}")
        return state["step"], state["history"]

    def save_state(self, step: int, history: list[dict]) -> None:
        """Everything a resumed run needs, written to a temporary file and renamed (kill-safe)."""
        import torch

        tmp = self.state_path.with_suffix(".tmp")
        torch.save(
            {"model": self.model.state_dict(), "optim": self.opt.state_dict(), "step": step,
             "history": history, "config": asdict(self.cfg), "model_config": asdict(self.gen_cfg)},
            tmp,
        )  # fmt: skip
        tmp.replace(self.state_path)

    def train_step(self, data: TrainData, step: int) -> tuple[float, int]:
        """One optimiser step on a batch from a generator seeded by the step number (so a resumed
        run sees the same batches); returns the loss and the number of target tokens."""
        import torch

        rng = np.random.default_rng([self.cfg.seed, step])
        rows, mask = pack_rows(data.seqs, data.weights, rng, self.cfg.batch, self.gen_cfg.context)
        x = torch.from_numpy(rows[:, :-1])
        y = torch.from_numpy(rows[:, 1:])
        m = torch.from_numpy(mask)
        for group in self.opt.param_groups:
            group["lr"] = lr_at(self.cfg, step)
        logits = self.model(x).logits
        nll = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none"
        )
        loss = (nll * m.reshape(-1)).sum() / m.sum()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        return loss.item(), int(m.sum())

    def write_checkpoint(
        self, out: Path, work: Path, corpus: Corpus, data: TrainData, history: list[dict]
    ) -> Path:
        """Weights, training.json and the manifest, built in a sibling folder and swapped in."""
        from models.generation.model import hf_state_dict, save_weights

        cfg, gen_cfg = self.cfg, self.gen_cfg
        tmp = fresh_staging(out)
        save_weights(
            tmp / "model.safetensors", hf_state_dict(self.model), gen_cfg, {"format": FORMAT}
        )
        (tmp / "training.json").write_text(json.dumps({
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "train": asdict(cfg), "model": asdict(gen_cfg), "n_params": gen_cfg.n_params(),
            "mood_cuts": corpus.cuts, "train_pieces": len(data.train_idx),
            "valid_pieces": len(data.valid_idx), "train_tokens": data.tokens,
            "corpus_sha256": hashlib.sha256(corpus_path(work).read_bytes()).hexdigest()
            if corpus_path(work).exists() else None,
            "history": history[-1:] + [h for h in history if "valid" in h],
            "command": "cadenza train generation",
        }, indent=1) + "\n")  # fmt: skip
        config = {"format": FORMAT, "format_version": FORMAT_VERSION, "model": asdict(gen_cfg),
                  "mood_cuts": corpus.cuts}  # fmt: skip
        write_manifest(tmp, config, "cadenza train generation")
        return install_checkpoint(tmp, out)


def train(
    work: Path,
    progress: Progress | None = None,
    config: TrainConfig | None = None,
    model_config: dict | None = None,
    out: Path = CHECKPOINT,
    corpus: Corpus | None = None,
    log: Callable[[str], None] = print,
) -> Path:
    """Train (or resume) and write the checkpoint folder; returns its path."""
    import torch

    from models.generation.model import GenConfig

    cfg = config or TrainConfig()
    gen_cfg = GenConfig(vocab_size=VOCAB_SIZE, **(model_config or {}))
    work.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    corpus = corpus or load_corpus(work, progress)
    data = split_corpus(corpus)
    run = Run.start(cfg, gen_cfg, work)
    step, history = run.resume(log)

    started, tokens_seen = time.perf_counter(), 0
    while step < cfg.steps:
        loss, tokens = run.train_step(data, step)
        step += 1
        tokens_seen += tokens
        entry = {"step": step, "loss": round(loss, 4)}
        if step % cfg.eval_every == 0 or step == cfg.steps:
            entry["valid"] = round(
                evaluate_loss(run.model, corpus, data.valid_idx, gen_cfg.context), 4
            )
            rate = tokens_seen / (time.perf_counter() - started)
            log(
                f"step {step}: train {entry['loss']:.3f} valid {entry['valid']:.3f} ({rate:.0f} tok/s)"
            )
        history.append(entry)
        if step % cfg.save_every == 0 or step == cfg.steps:
            run.save_state(step, history)
        if progress:
            progress("training", step, cfg.steps)
    return run.write_checkpoint(out, work, corpus, data, history)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--work", type=Path, required=True, help="folder for the corpus cache and resumable state"
    )
    parser.add_argument("--steps", type=int, default=TrainConfig.steps)
    args = parser.parse_args()
    path = train(args.work, config=TrainConfig(steps=args.steps))
    print(f"Checkpoint written to {path}")


if __name__ == "__main__":
    main()
