"""Self-describing checkpoints: files + config.json + MANIFEST.json (sha256 of every file).

Loading verifies the manifest and the format version and fails with a CheckpointError that
names the fix, never with a stack trace from deep inside a loader.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.errors import CheckpointError

CHECKPOINT_ROOT = Path(__file__).parent / "checkpoints"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, config: dict[str, Any], train_command: str) -> Path:
    """Write config.json and MANIFEST.json for every other file in `folder`."""
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != "MANIFEST.json")
    manifest = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "train_command": train_command,
        "files": {p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size} for p in files},
    }
    path = folder / "MANIFEST.json"
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return path


def _complete(folder: Path) -> dict[str, Any]:
    """The config of a checkpoint whose manifest verifies; CheckpointError naming the problem."""
    manifest_path = folder / "MANIFEST.json"
    if not manifest_path.is_file():
        raise CheckpointError(f"The checkpoint {folder} is missing (no MANIFEST.json).")
    try:
        manifest = json.loads(manifest_path.read_text())
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"The checkpoint {folder} is unreadable ({exc}).") from exc
    for name, meta in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise CheckpointError(f"The checkpoint file {path} is missing.")
        if sha256_file(path) != meta["sha256"]:
            raise CheckpointError(f"The checkpoint file {path} is corrupt (sha256 mismatch).")
    return config


def is_complete(folder: Path) -> bool:
    """Whether `folder` holds a whole checkpoint: config.json and every file its manifest lists,
    each with the listed sha256 (the format is not checked)."""
    try:
        _complete(folder)
    except (CheckpointError, KeyError, TypeError, AttributeError):
        return False
    return True


def verify_checkpoint(folder: Path, fmt: str, version: int) -> dict[str, Any]:
    """Check the manifest hashes and the format; return the config."""
    try:
        config = _complete(folder)
    except CheckpointError as exc:
        raise CheckpointError(f"{exc} {_fix(folder)}") from exc.__cause__
    if config.get("format") != fmt or int(config.get("format_version", -1)) != version:
        raise CheckpointError(
            f"The checkpoint {folder} has format {config.get('format')} "
            f"v{config.get('format_version')}, this Cadenza reads {fmt} v{version}. {_fix(folder)}"
        )
    return config


def _fix(folder: Path) -> str:
    fix = f"Reinstall Cadenza or retrain with `{_train_hint(folder)}`."
    spare = spare_copy(folder)
    if spare is not None:
        fix += f" Or run `cadenza doctor --repair` to restore the complete copy {spare.name}."
    return fix


def _train_hint(folder: Path) -> str:
    engine = folder.name.split("-")[0]  # composition-v2 -> composition, lyrics-minilm-v1 -> lyrics
    return f"cadenza train {engine}"


def publish_checkpoint(folder: Path, write: Callable[[Path], None], config: dict[str, Any],
                       train_command: str) -> Path:  # fmt: skip
    """Write a checkpoint into a fresh staging folder (`write(staging)`, then its manifest) and
    swap it in for `folder` only once it is complete: a failed training leaves the old one."""
    staging = fresh_staging(folder)
    write(staging)
    write_manifest(staging, config, train_command)
    return install_checkpoint(staging, folder)


# Installing a checkpoint. A trainer writes into `<name>.tmp` (fresh_staging), then
# install_checkpoint swaps it in: (1) rename `<name>` aside to `<name>.old-<pid>`, (2) rename
# `<name>.tmp` to `<name>`, (3) delete the aside copy. Renames are atomic, so at every instant a
# complete checkpoint is present under one of those names; a kill between (1) and (2) leaves none
# under `<name>`, and restore_checkpoint (`cadenza doctor --repair`) renames a complete one back.

STAGING = ".tmp"
ASIDE = ".old-"


def staging_folder(final: Path) -> Path:
    return final.with_name(final.name + STAGING)


def fresh_staging(final: Path) -> Path:
    """An empty `<name>.tmp` to write a checkpoint into. A complete copy left by a killed swap is
    restored first when `final` is missing or broken, so clearing the staging folder loses none."""
    restore_checkpoint(final)
    staging = staging_folder(final)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def _aside_folder(final: Path) -> Path:
    aside, n = final.with_name(f"{final.name}{ASIDE}{os.getpid()}"), 0
    while aside.exists():  # another swap's leftover: never overwrite what may be the only copy
        n += 1
        aside = final.with_name(f"{final.name}{ASIDE}{os.getpid()}-{n}")
    return aside


def _sync(path: Path) -> None:
    """Flush a file or a folder's entries to disk (a crash then finds what a kill would)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a folder; the renames stay atomic
    finally:
        os.close(fd)


def install_checkpoint(new_dir: Path, final_dir: Path) -> Path:
    """Swap the complete checkpoint `new_dir` in as `final_dir` without a moment with neither:
    rename the old folder aside, rename the new one in, then delete the old one."""
    if not is_complete(new_dir):
        raise CheckpointError(f"{new_dir} is not a complete checkpoint: not installing it.")
    for path in [*new_dir.iterdir(), new_dir]:
        _sync(path)
    aside = _aside_folder(final_dir)
    had_old = final_dir.exists()
    if had_old:
        os.rename(final_dir, aside)  # 1: the old checkpoint, still complete, under a known name
    try:
        os.rename(new_dir, final_dir)  # 2: the new one in
    except OSError:
        if had_old:
            os.rename(aside, final_dir)
        raise
    _sync(final_dir.parent)
    if had_old:
        shutil.rmtree(aside, ignore_errors=True)  # 3: a leftover is removed by doctor --repair
    return final_dir


def spare_copies(final: Path) -> list[Path]:
    """The complete copies a killed swap may have left for `final`: the staging folder first (a
    finished training), then the aside folders, newest first."""
    asides = [p for p in final.parent.glob(f"{final.name}{ASIDE}*") if p.is_dir()]
    asides.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return [p for p in [staging_folder(final), *asides] if p.is_dir() and is_complete(p)]


def spare_copy(final: Path) -> Path | None:
    """The complete copy to restore when `final` is missing or broken, else None."""
    if is_complete(final):
        return None
    spares = spare_copies(final)
    return spares[0] if spares else None


@dataclass
class Recovery:
    """What restore_checkpoint found for one checkpoint folder."""

    name: str
    ok: bool
    detail: str
    repaired: bool = False
    fix: str = "cadenza doctor --repair"


def restore_checkpoint(final: Path, repair: bool = True) -> Recovery:
    """Put back a checkpoint a killed swap left missing or broken, from a complete spare copy, by
    install_checkpoint; then remove the aside leftovers. `repair=False` only reports."""
    spare = spare_copy(final)
    leftovers = [p for p in final.parent.glob(f"{final.name}{ASIDE}*") if p.is_dir()]
    what = "missing" if not final.exists() else "incomplete"
    if spare is not None:
        if not repair:
            return Recovery(final.name, False, f"{what}; a complete copy is in {spare.name}")
        install_checkpoint(spare, final)
        _remove_leftovers(final)
        return Recovery(final.name, False, f"{what}, restored from {spare.name}", True)
    if not is_complete(final):
        detail = f"{what}, and no complete copy is left"
        return Recovery(final.name, False, detail, fix=_train_hint(final))
    if leftovers and repair:
        _remove_leftovers(final)
    if leftovers:
        detail = f"{len(leftovers)} folder(s) left by an interrupted swap"
        return Recovery(final.name, False, detail, repair)
    return Recovery(final.name, True, "complete")


def _remove_leftovers(final: Path) -> None:
    for path in final.parent.glob(f"{final.name}{ASIDE}*"):
        shutil.rmtree(path, ignore_errors=True)


def checkpoint_names(root: Path = CHECKPOINT_ROOT) -> list[Path]:
    """Every checkpoint folder under `root`, and those whose only trace is a swap's leftover."""
    if not root.is_dir():
        return []
    names = {p.name.split(ASIDE)[0].removesuffix(STAGING) for p in root.iterdir() if p.is_dir()}
    return [root / n for n in sorted(names)]
