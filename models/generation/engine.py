"""The neural generation engine: sample, continue and rewrite pieces with the trained transformer.

The checkpoint (`models/checkpoints/generation-v1`, trained by `cadenza train generation`) is
read into the numpy `Decoder`; torch is never imported at run time. Every draw goes through the
grammar of `sample.py`, so each result has exactly the requested meter and bars. Sequences
longer than the model's 512-token window slide: the header stays and the body restarts at a bar
line, so the model always sees whole bars under its controls.

`Generator.sample` draws rows in lockstep (one prompt, many candidates), `score` and
`log_probs` give the model's log-probabilities of given tokens; `pieces.py` builds new pieces,
continuations and rewrites on them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.errors import CheckpointError
from models.generation.model import Decoder, GenConfig, load_weights
from models.generation.sample import Grammar, RowState, Rules, draw
from models.generation.vocab import BAR, EOS, HEADER_LEN, LEVELS, VOCAB_SIZE, Header

FORMAT, FORMAT_VERSION = "cadenza-generation", 1
REFRESH_ROOM = 192  # tokens decoded after each (re)fill before the window slides again
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.9
    top_p: float = 0.95
    seed: int = 0


@dataclass
class Draft:
    """One sampled body (bar tokens, no header, no EOS) and its log-probability under the model."""

    body: list[int]
    logp: float
    tokens: int


def _bar_starts(body: Sequence[int]) -> list[int]:
    return [i for i, t in enumerate(body) if t == BAR]


def split_bars(body: Sequence[int]) -> list[list[int]]:
    """A body cut at its bar lines: one token list per bar (EOS and anything after it dropped)."""
    out: list[list[int]] = []
    for t in body:
        if t == EOS:
            break
        if t == BAR:
            out.append([BAR])
        elif out:
            out[-1].append(t)
    return out


def window(header: Sequence[int], body: Sequence[int], budget: int) -> list[int]:
    """The header and the longest bar-aligned tail of `body` that fit in `budget` tokens."""
    room = budget - len(header)
    if len(body) <= room:
        return [*header, *body]
    starts = [i for i in _bar_starts(body) if len(body) - i <= room]
    cut = starts[0] if starts else len(body) - room  # a bar longer than the window: cut inside
    return [*header, *body[cut:]]


class Generator:
    """The trained transformer with its controls."""

    def __init__(self, cfg: GenConfig, weights: dict[str, np.ndarray], config: dict):
        self.cfg = cfg
        self.decoder = Decoder(cfg, weights)
        self.config = config
        self.mood_cuts = config.get("mood_cuts", {})

    @classmethod
    def load(cls, folder: Path | None = None) -> Generator:
        from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint

        folder = folder or CHECKPOINT_ROOT / "generation-v1"
        config = verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
        fix = "Run `cadenza train generation` to rebuild it."
        try:
            cfg = GenConfig.from_dict(config["model"])
            weights, _ = load_weights(folder / "model.safetensors")
        except Exception as exc:  # a half-written or foreign file: say which and how to fix it
            raise CheckpointError(f"The checkpoint {folder} is unreadable ({exc}). {fix}") from exc
        want = {
            "model.embed_tokens.weight": (VOCAB_SIZE, cfg.d_model),
            "model.layers.0.mlp.gate_proj.weight": (cfg.d_ff, cfg.d_model),
            f"model.layers.{cfg.n_layers - 1}.self_attn.o_proj.weight": (cfg.d_model, cfg.d_model),
        }
        for name, shape in want.items():
            got = weights.get(name)
            if got is None or tuple(got.shape) != shape:
                found = "missing" if got is None else tuple(got.shape)
                raise CheckpointError(
                    f"The checkpoint {folder} does not fit this Cadenza's generation model "
                    f"({name}: {found}, expected {shape}). {fix}"
                )
        return cls(cfg, weights, config)

    # -- decoding --------------------------------------------------------------------------

    def _fill(self, rows: list[list[int]]) -> np.ndarray:
        """Prefill left-padded rows; the last position's logits (B, V)."""
        n = max(len(r) for r in rows)
        toks = np.zeros((len(rows), n), np.int64)
        pad = np.zeros((len(rows), n), bool)
        for i, r in enumerate(rows):
            toks[i, n - len(r) :] = r
            pad[i, : n - len(r)] = True
        logits = self.decoder.prefill(toks, pad if pad.any() else None)
        return logits[:, -1]

    def sample(
        self,
        header: Header,
        prompt: Sequence[int],
        rules: Rules,
        rows: int,
        sampling: Sampling,
        stop_after_bar: int | None = None,
        progress: Progress | None = None,
    ) -> list[Draft]:
        """`rows` continuations of `prompt` (body tokens) until EOS or bar `stop_after_bar` ends."""
        rng = np.random.default_rng(sampling.seed)
        grammar = Grammar(rules)
        head = header.tokens()
        states = [RowState() for _ in range(rows)]
        for t in prompt:
            grammar.feed(states[0], t)
        states = [states[0].copy() for _ in range(rows)]
        bodies = [list(prompt) for _ in range(rows)]
        new = [0] * rows
        logp = np.zeros(rows)
        done = np.zeros(rows, bool)
        budget = self.cfg.context - REFRESH_ROOM
        logits = np.repeat(self._fill([window(head, prompt, budget)]), rows, axis=0)
        self.decoder.tile(rows)
        cap = rules.bars * (rules.bar_size * 13 + 1) + 2  # the grammar's longest possible body
        for step in range(cap):
            masks = np.stack([grammar.allowed(s) for s in states])
            tok, tok_logp = draw(logits, masks, sampling.temperature, sampling.top_p, rng)
            for i in range(rows):
                if done[i]:
                    tok[i] = EOS
                    continue
                t = int(tok[i])
                stop = t == EOS or (
                    t == BAR and stop_after_bar is not None and states[i].bars >= stop_after_bar
                )
                if stop:
                    done[i] = True
                    if t == BAR:  # the bar after the rewritten ones is not ours to write
                        tok[i] = EOS
                        continue
                logp[i] += tok_logp[i]
                grammar.feed(states[i], t)
                if t != EOS:
                    bodies[i].append(t)
                    new[i] += 1
            if done.all():
                break
            if progress and step % 64 == 0:
                written = min(s.bars for s in states)
                progress(min(0.95, written / max(rules.bars, 1)), f"bar {written} of {rules.bars}")
            if self.decoder.length >= self.cfg.context:
                rows_now = [
                    window(head, b, budget) if not done[i] else [*head, EOS]
                    for i, b in enumerate(bodies)
                ]
                logits = self._fill(rows_now)
            else:
                logits = self.decoder.step(tok.astype(np.int64))
        return [
            Draft(b[len(prompt) :], float(lp), n)
            for b, lp, n in zip(bodies, logp, new, strict=True)
        ]

    def score(self, header: Header, context: Sequence[int], target: Sequence[int]) -> float:
        """Log-probability of `target` tokens right after `context` (teacher forced)."""
        head = header.tokens()
        seq = window(head, context, self.cfg.context - len(target))
        full = [*seq, *target][-self.cfg.context :]
        logits = self.decoder.prefill(np.asarray([full], np.int64))[0]
        logits = logits - logits.max(axis=-1, keepdims=True)
        lsm = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        first = len(full) - len(target)
        return float(sum(lsm[first - 1 + j, t] for j, t in enumerate(target)))

    def log_probs(self, tokens: Sequence[int]) -> np.ndarray:
        """(len(body), V) log-softmax rows: row j is the model's distribution for body token j.

        The header (first HEADER_LEN tokens) conditions and is not predicted. Past the window,
        the next window restarts at a bar line about half a window back, so every token is
        predicted once, with at least a quarter window of history where there is one.
        """
        head, body = list(tokens[:HEADER_LEN]), list(tokens[HEADER_LEN:])
        span = self.cfg.context - HEADER_LEN
        bars = _bar_starts(body)
        out = np.empty((len(body), self.cfg.vocab_size), np.float32)
        scored = 0
        while scored < len(body):
            back = max(0, scored - span // 2)
            s = max([b for b in bars if b <= back and scored - b < span], default=back)
            chunk = body[s : s + span]
            logits = self.decoder.prefill(np.asarray([[*head, *chunk]], np.int64))[0]
            logits = logits - logits.max(axis=-1, keepdims=True)
            lsm = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
            rows = lsm[HEADER_LEN - 1 : HEADER_LEN - 1 + len(chunk)]
            out[scored : s + len(chunk)] = rows[scored - s :]
            scored = s + len(chunk)
        return out


def level_of(x: float) -> str:
    return LEVELS[0] if x < -0.25 else LEVELS[2] if x > 0.25 else LEVELS[1]


def darker(header: Header) -> Header:
    """The same header one step darker: the parallel minor, low valence, calmer."""
    aro = LEVELS[max(0, LEVELS.index(header.arousal) - 1)]
    return replace(header, mode="minor", valence="low", arousal=aro)


def brighter(header: Header) -> Header:
    aro = LEVELS[min(2, LEVELS.index(header.arousal) + 1)]
    return replace(header, mode="major", valence="high", arousal=aro)


@lru_cache(maxsize=1)
def get_generator() -> Generator:
    """The process-wide generator (the checkpoint is read once)."""
    return Generator.load()
