"""`cadenza train generation` mechanics on a tiny model and corpus: it resumes, and its
checkpoint loads and generates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.generation.data import Corpus, RawPiece, build_sequences, save_corpus
from models.generation.engine import Generator, Sampling
from models.generation.pieces import Controls, generate
from models.music.theory import parse_key
from models.train.generation import TrainConfig, train

TINY = {"d_model": 32, "n_layers": 1, "n_heads": 2, "d_ff": 64, "context": 64}
CFG = TrainConfig(steps=4, batch=2, warmup=1, save_every=2, eval_every=2)


def _corpus(tmp_path: Path) -> Corpus:
    pieces = []
    for i in range(40):
        tonic = i % 12
        line = [(60 + tonic + (0, 2, 4, 5, 7, 5, 4, 2)[j % 8], j * 1.0, 1.0, 0) for j in range(16)]
        meter = ((4, 4), (3, 4), (6, 8))[i % 3]
        style = ("folk", "irish", "chorale")[i % 3]
        mode = ("major", "minor")[i % 2]
        pieces.append(RawPiece(f"tune-{i}", style, "melody", tonic, mode, meter, tuple(line)))
    seqs, cuts = build_sequences(pieces)
    save_corpus(tmp_path / "corpus.npz", seqs, cuts)
    return Corpus.load(tmp_path / "corpus.npz")


class Stop(Exception):
    pass


def test_training_resumes_and_its_checkpoint_generates(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    work, out, logs = tmp_path / "work", tmp_path / "generation-v1", []

    def stop_at_3(phase: str, step: int, total: int) -> None:
        if step == 3:
            raise Stop

    with pytest.raises(Stop):
        train(work, stop_at_3, CFG, TINY, out, corpus, logs.append)
    assert (work / "state.pt").exists() and not out.exists()
    path = train(work, None, CFG, TINY, out, corpus, logs.append)
    assert "resuming at step 2" in logs
    history = json.loads((path / "training.json").read_text())["history"]
    assert history[0]["step"] == 4  # the last step, then every evaluation
    assert [h["step"] for h in history[1:]] == [2, 4]
    gen = Generator.load(path)
    w = generate(gen, Controls(parse_key("G"), (3, 4), "folk", False), 2, Sampling(seed=1))
    assert w.bars == 2 and w.voices[0]


def test_kill_9_mid_training_then_the_same_command_finishes_it(tmp_path: Path) -> None:
    """A real SIGKILL, not an exception: the run resumes from its last saved step."""
    import os
    import signal
    import subprocess
    import sys
    import time

    _corpus(tmp_path)  # the training command reads work/corpus.npz when it is there
    work, out = tmp_path, tmp_path / "generation-v1"
    code = (
        "import sys; from pathlib import Path; "
        "from models.train.generation import TrainConfig, train; "
        f"train(Path({str(work)!r}), None, TrainConfig(steps=400, batch=2, warmup=1, "
        f"save_every=5, eval_every=200), {TINY!r}, Path({str(out)!r}), log=lambda m: print(m, flush=True))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE)
    deadline = time.time() + 120
    while not (work / "state.pt").exists() and time.time() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and not out.exists()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "resuming at step" in done.stdout
    history = json.loads((out / "training.json").read_text())["history"]
    assert history[0]["step"] == 400
    assert Generator.load(out).cfg.d_model == TINY["d_model"]
