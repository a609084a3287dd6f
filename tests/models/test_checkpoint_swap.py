"""A kill at any step of a checkpoint swap leaves a complete checkpoint, and `doctor --repair`
puts it back under its name (models/checkpoints.py: install_checkpoint, restore_checkpoint)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from models import checkpoints as C
from models.errors import CheckpointError

FMT, VERSION = "cadenza-fake", 1


class Killed(BaseException):
    """A kill: nothing after it runs (no except OSError, no rollback)."""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A checkpoint folder of its own (tmp_path also holds the test's CADENZA_HOME)."""
    (tmp_path / "checkpoints").mkdir()
    return tmp_path / "checkpoints"


def make_checkpoint(folder: Path, tag: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "weights.bin").write_bytes(tag.encode() * 100)
    C.write_manifest(
        folder, {"format": FMT, "format_version": VERSION, "tag": tag}, "cadenza train fake"
    )
    return folder


def tag_of(folder: Path) -> str:
    return json.loads((folder / "config.json").read_text())["tag"]


def complete_copies(final: Path) -> list[Path]:
    names = [final, C.staging_folder(final), *final.parent.glob(final.name + ".old-*")]
    return [p for p in names if C.is_complete(p)]


def kill_at(monkeypatch: pytest.MonkeyPatch, k: int) -> list[str]:
    """Raise Killed instead of the k-th swap step: 1 and 2 are os.rename calls (old aside, new
    in), 3 is deleting the aside copy. Returns the steps that ran."""
    ran: list[str] = []
    real_rename, real_rmtree = os.rename, shutil.rmtree

    def step(name: str, real: Callable, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if len(ran) + 1 == k:
            raise Killed(name)
        ran.append(name)
        real(*args, **kwargs)

    def rmtree(path, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        if ".old-" not in Path(path).name:  # clearing a staging folder is not a swap step
            return real_rmtree(path, *args, **kwargs)
        step("delete old", real_rmtree, path, *args, **kwargs)

    monkeypatch.setattr(
        os, "rename", lambda a, b: step(f"rename {Path(a).name}", real_rename, a, b)
    )
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    return ran


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_kill_at_each_swap_step_leaves_a_checkpoint_repair_puts_back(
    root: Path, monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    final = make_checkpoint(root / "fake-v1", "old")
    new = make_checkpoint(C.staging_folder(final), "new")
    ran = kill_at(monkeypatch, k)
    with pytest.raises(Killed):
        C.install_checkpoint(new, final)
    monkeypatch.undo()
    assert len(ran) == k - 1
    assert complete_copies(final), "no complete checkpoint is left under any known name"
    if k == 2:  # old aside, new not yet in: nothing under the final name
        assert not final.exists()
        with pytest.raises(CheckpointError, match="cadenza doctor --repair"):
            C.verify_checkpoint(final, FMT, VERSION)
    C.restore_checkpoint(final)
    assert C.verify_checkpoint(final, FMT, VERSION)["tag"] == ("old" if k == 1 else "new")
    assert not list(root.glob("fake-v1.old-*"))


def test_at_every_instant_a_complete_checkpoint_is_present(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = make_checkpoint(root / "fake-v1", "old")
    new = make_checkpoint(C.staging_folder(final), "new")
    real_rename, seen = os.rename, []

    def checked(a, b) -> None:  # noqa: ANN001
        seen.append(len(complete_copies(final)))
        real_rename(a, b)
        seen.append(len(complete_copies(final)))

    monkeypatch.setattr(os, "rename", checked)
    C.install_checkpoint(new, final)
    assert seen and min(seen) >= 1
    assert tag_of(final) == "new" and sorted(p.name for p in root.iterdir()) == ["fake-v1"]


def test_a_failed_rename_in_puts_the_old_checkpoint_back(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = make_checkpoint(root / "fake-v1", "old")
    new = make_checkpoint(C.staging_folder(final), "new")
    real_rename = os.rename

    def rename(a, b) -> None:  # noqa: ANN001
        if Path(a) == new:
            raise OSError("disk full")
        real_rename(a, b)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="disk full"):
        C.install_checkpoint(new, final)
    assert tag_of(final) == "old" and C.is_complete(new)


def test_an_incomplete_new_checkpoint_is_never_installed(root: Path) -> None:
    final = make_checkpoint(root / "fake-v1", "old")
    new = make_checkpoint(C.staging_folder(final), "new")
    (new / "weights.bin").write_bytes(b"half")
    with pytest.raises(CheckpointError, match="not a complete checkpoint"):
        C.install_checkpoint(new, final)
    assert tag_of(final) == "old"


def test_doctor_reports_then_repair_restores_a_missing_checkpoint(root: Path) -> None:
    from assistant.cli.doctor import checkpoint_checks

    make_checkpoint(root / "fake-v1.old-4242", "old")
    [check] = checkpoint_checks(False, root)
    assert not check.ok and "fake-v1.old-4242" in check.detail
    assert check.fix == "cadenza doctor --repair" and not (root / "fake-v1").exists()
    [check] = checkpoint_checks(True, root)
    assert check.ok and check.detail.endswith("(repaired)")
    assert C.verify_checkpoint(root / "fake-v1", FMT, VERSION)["tag"] == "old"
    assert [p.name for p in root.iterdir()] == ["fake-v1"]
    assert checkpoint_checks(False, root)[0].ok


def test_repair_prefers_the_finished_training_and_replaces_a_broken_folder(root: Path) -> None:
    final = make_checkpoint(root / "fake-v1", "broken")
    (final / "weights.bin").write_bytes(b"torn")
    make_checkpoint(root / "fake-v1.old-7", "old")
    make_checkpoint(C.staging_folder(final), "new")
    found = C.restore_checkpoint(final)
    assert found.repaired and "incomplete" in found.detail
    assert tag_of(final) == "new" and [p.name for p in root.iterdir()] == ["fake-v1"]


def test_leftovers_are_reported_and_removed_and_no_copy_names_retraining(root: Path) -> None:
    from assistant.cli.doctor import checkpoint_checks

    make_checkpoint(root / "fake-v1", "new")
    (root / "fake-v1.old-9").mkdir()  # a delete killed half-way
    (root / "other-v2.tmp").mkdir()  # a training killed before its manifest
    checks = {c.name: c for c in checkpoint_checks(False, root)}
    assert not checks["checkpoint: fake-v1"].ok
    assert checks["checkpoint: other-v2"].fix == "cadenza train other"
    checks = {c.name: c for c in checkpoint_checks(True, root)}
    assert checks["checkpoint: fake-v1"].ok and not (root / "fake-v1.old-9").exists()
    assert not checks["checkpoint: other-v2"].ok


def test_a_new_training_restores_before_clearing_its_staging_folder(root: Path) -> None:
    final = root / "fake-v1"
    make_checkpoint(C.staging_folder(final), "new")  # killed after the old one went
    staging = C.fresh_staging(final)
    assert tag_of(final) == "new" and staging.is_dir() and not any(staging.iterdir())


# Every trainer installs through install_checkpoint: a kill at each step is survivable.


def _composition(final: Path) -> None:
    from models.train.composition import FORMAT, FORMAT_VERSION, write_checkpoint

    write_checkpoint(
        final, {"m": 1}, {"h": 2}, {"format": FORMAT, "format_version": FORMAT_VERSION}
    )


def _router(final: Path) -> None:
    from models.train.router import save_checkpoint

    save_checkpoint(_classifier(), final)


def _classifier():  # noqa: ANN202
    from models.intents.classifier import IntentClassifier

    return IntentClassifier(
        ("a", "b"), np.ones((2, 3), np.float32), np.zeros(2, np.float32), "fp", {}
    )


def _lyrics(final: Path) -> None:
    from models.train.lyrics import _publish

    tmp = C.fresh_staging(final)
    (tmp / "top.safetensors").write_bytes(b"weights")
    C.write_manifest(tmp, {"format": "f", "format_version": 1}, "cadenza train lyrics")
    _publish(tmp, final)


def _published(final: Path) -> None:  # drums, harmony and lead
    write = lambda folder: (folder / "model.json.gz").write_bytes(b"counts")  # noqa: E731
    C.publish_checkpoint(final, write, {"format": "f", "format_version": 1}, "cadenza train drums")


def _generation(final: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from models.generation import model as gm
    from models.train.generation import Run, TrainConfig

    monkeypatch.setattr(gm, "hf_state_dict", lambda model: {})
    monkeypatch.setattr(gm, "save_weights", lambda path, *a: path.write_bytes(b"weights"))
    run = SimpleNamespace(cfg=TrainConfig(), gen_cfg=gm.GenConfig(vocab_size=8), model=None)
    data = SimpleNamespace(train_idx=[0], valid_idx=[], tokens=1)
    Run.write_checkpoint(
        run, final, final.parent.parent / "work", SimpleNamespace(cuts=[]), data, [{}]
    )


TRAINERS = {"composition": _composition, "router": _router, "lyrics": _lyrics,
            "drums/harmony/lead": _published, "generation": _generation}  # fmt: skip


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("trainer", list(TRAINERS))
def test_every_trainer_survives_a_kill_at_each_swap_step(
    root: Path, monkeypatch: pytest.MonkeyPatch, trainer: str, k: int
) -> None:
    install = TRAINERS[trainer]
    final = make_checkpoint(root / "fake-v1", "old")
    (final / "stale.bin").write_bytes(b"from another feature set")
    C.write_manifest(final, {"format": FMT, "format_version": VERSION, "tag": "old"}, "x")
    args = (final, monkeypatch) if trainer == "generation" else (final,)
    kill_at(monkeypatch, k)
    with pytest.raises(Killed):
        install(*args)
    monkeypatch.undo()
    assert complete_copies(final)
    C.restore_checkpoint(final)
    assert C.is_complete(final)
    assert (final / "stale.bin").exists() == (k == 1)  # the old one whole, or the new one alone
    install(*args)  # the next training installs cleanly
    assert C.is_complete(final) and not (final / "stale.bin").exists()
    assert [p.name for p in root.iterdir()] == ["fake-v1"]


def test_the_router_installs_through_the_helper_without_touching_the_old_files(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.intents.classifier import FORMAT, FORMAT_VERSION
    from models.train.router import save_checkpoint

    final = make_checkpoint(root / "router-v1", "old")
    calls = []

    def install(new_dir: Path, final_dir: Path) -> Path:
        calls.append((new_dir, final_dir))
        assert tag_of(final_dir) == "old" and C.is_complete(final_dir)  # untouched so far
        assert C.verify_checkpoint(new_dir, FORMAT, FORMAT_VERSION)
        return final_dir

    monkeypatch.setattr(C, "install_checkpoint", install)
    save_checkpoint(_classifier(), final)
    assert calls == [(C.staging_folder(final), final)]


@pytest.mark.parametrize("install", ["publish_checkpoint", "lyrics._publish"])
def test_a_kill_while_deleting_never_tears_the_checkpoint_under_its_name(
    root: Path, monkeypatch: pytest.MonkeyPatch, install: str
) -> None:
    from models.train.lyrics import _publish

    final = make_checkpoint(root / "fake-v1", "old")
    config = {"format": FMT, "format_version": VERSION, "tag": "new"}
    real_rmtree = shutil.rmtree

    def torn_rmtree(path, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        if Path(path).name.endswith(".tmp"):  # clearing a staging folder before writing
            return real_rmtree(path, *args, **kwargs)
        (Path(path) / "weights.bin").unlink()  # killed half-way through the delete
        raise Killed(str(path))

    monkeypatch.setattr(shutil, "rmtree", torn_rmtree)
    with pytest.raises(Killed):
        if install == "publish_checkpoint":
            write = lambda f: (f / "weights.bin").write_bytes(b"new")  # noqa: E731
            C.publish_checkpoint(final, write, config, "cadenza train fake")
        else:
            new = root / "fake-v1.tmp"
            new.mkdir()
            (new / "weights.bin").write_bytes(b"new")
            C.write_manifest(new, config, "cadenza train fake")
            _publish(new, final)
    assert C.verify_checkpoint(final, FMT, VERSION)["tag"] == "new"
