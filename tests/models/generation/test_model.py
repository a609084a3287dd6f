"""The generation model: our numpy decoder against transformers, weights on disk, checkpoints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from models.checkpoints import CHECKPOINT_ROOT, write_manifest
from models.errors import CheckpointError
from models.generation.engine import Generator
from models.generation.model import (
    Decoder,
    GenConfig,
    build_hf_model,
    hf_state_dict,
    load_weights,
    save_weights,
)
from models.generation.vocab import VOCAB_SIZE

TINY = GenConfig(VOCAB_SIZE, d_model=32, n_layers=2, n_heads=2, d_ff=64, context=64)


@pytest.fixture(scope="module")
def tiny():  # noqa: ANN201
    model = build_hf_model(TINY, seed=3).eval()
    with torch.no_grad():  # untrained norms are all ones: make them count in the comparison
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(1.0 + 0.3 * torch.randn_like(p))
    weights = {k: v.numpy() for k, v in hf_state_dict(model).items()}
    return model, weights


def test_numpy_decoder_matches_transformers(tiny) -> None:  # noqa: ANN001
    model, weights = tiny
    rng = np.random.default_rng(0)
    tokens = rng.integers(3, VOCAB_SIZE, size=(2, 20))
    with torch.no_grad():
        ref = model(torch.as_tensor(tokens)).logits.numpy()
    dec = Decoder(TINY, weights)
    got = dec.prefill(tokens[:, :12])
    np.testing.assert_allclose(got, ref[:, :12], atol=1e-4)
    for t in range(12, 20):  # incremental steps with the key/value cache
        np.testing.assert_allclose(dec.step(tokens[:, t]), ref[:, t], atol=1e-4)


def test_left_padded_rows_and_tiling_match_unpadded_runs(tiny) -> None:  # noqa: ANN001
    _, weights = tiny
    dec = Decoder(TINY, weights)
    short = [5, 9, 11, 40]
    alone = dec.prefill(np.asarray([short]))[0, -1]
    padded = np.asarray([[0, 0, *short], [7, 8, 9, 10, 11, 12]])
    mask = np.zeros(padded.shape, bool)
    mask[0, :2] = True
    got = dec.prefill(padded, mask)
    np.testing.assert_allclose(got[0, -1], alone, atol=1e-4)
    dec.prefill(np.asarray([short]))
    dec.tile(3)
    stepped = dec.step(np.asarray([50, 50, 50]))
    assert stepped.shape == (3, VOCAB_SIZE)
    np.testing.assert_allclose(stepped[0], stepped[2], atol=1e-6)


def test_weights_round_trip_through_safetensors(tiny, tmp_path: Path) -> None:  # noqa: ANN001
    model, weights = tiny
    path = tmp_path / "model.safetensors"
    save_weights(path, hf_state_dict(model), TINY, {"note": "test"})
    loaded, meta = load_weights(path)
    assert json.loads(meta["config"])["d_model"] == 32 and meta["note"] == "test"
    assert set(loaded) == set(weights)
    for k, v in weights.items():
        np.testing.assert_array_equal(loaded[k], v)


def test_the_committed_checkpoint_is_small_and_loads() -> None:
    folder = CHECKPOINT_ROOT / "generation-v1"
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size <= 30_000_000
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    assert manifest["train_command"] == "cadenza train generation"
    gen = Generator.load(folder)
    assert gen.cfg.vocab_size == VOCAB_SIZE and gen.mood_cuts["valence"]


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "generation-v1"
    shutil.copytree(CHECKPOINT_ROOT / "generation-v1", folder)
    return folder


def test_a_corrupted_checkpoint_is_refused_with_the_fix(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    data = bytearray((folder / "model.safetensors").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="cadenza train generation"):
        Generator.load(folder)


def test_a_checkpoint_of_another_shape_is_refused_with_the_fix(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    config = json.loads((folder / "config.json").read_text())
    config["model"]["d_model"] = 128  # a config that does not fit the weights
    (folder / "config.json").unlink()
    write_manifest(folder, config, "cadenza train generation")
    with pytest.raises(CheckpointError, match="does not fit.*cadenza train generation"):
        Generator.load(folder)


def test_a_truncated_weights_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    config = json.loads((folder / "config.json").read_text())
    blob = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(blob[: len(blob) // 3])
    (folder / "config.json").unlink()
    write_manifest(folder, config, "cadenza train generation")  # sha256 now matches the stub
    with pytest.raises(CheckpointError, match="unreadable.*cadenza train generation"):
        Generator.load(folder)
