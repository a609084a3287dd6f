"""Self-describing checkpoints: files + config.json + MANIFEST.json (sha256 of every file).

Loading verifies the manifest and the format version and fails with a CheckpointError that
names the fix, never with a stack trace from deep inside a loader.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Callable
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


def verify_checkpoint(folder: Path, fmt: str, version: int) -> dict[str, Any]:
    """Check the manifest hashes and the format; return the config."""
    fix = f"Reinstall Cadenza or retrain with `{_train_hint(folder)}`."
    manifest_path = folder / "MANIFEST.json"
    if not manifest_path.is_file():
        raise CheckpointError(f"The checkpoint {folder} is missing (no MANIFEST.json). {fix}")
    try:
        manifest = json.loads(manifest_path.read_text())
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"The checkpoint {folder} is unreadable ({exc}). {fix}") from exc
    for name, meta in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise CheckpointError(f"The checkpoint file {path} is missing. {fix}")
        if sha256_file(path) != meta["sha256"]:
            raise CheckpointError(f"The checkpoint file {path} is corrupt (sha256 mismatch). {fix}")
    if config.get("format") != fmt or int(config.get("format_version", -1)) != version:
        raise CheckpointError(
            f"The checkpoint {folder} has format {config.get('format')} "
            f"v{config.get('format_version')}, this Cadenza reads {fmt} v{version}. {fix}"
        )
    return config


def _train_hint(folder: Path) -> str:
    engine = folder.name.split("-")[0]  # composition-v2 -> composition, lyrics-minilm-v1 -> lyrics
    return f"cadenza train {engine}"


def publish_checkpoint(folder: Path, write: Callable[[Path], None], config: dict[str, Any],
                       train_command: str) -> Path:  # fmt: skip
    """Write a checkpoint into a fresh staging folder (`write(staging)`, then its manifest) and
    swap it in for `folder` only once it is complete: a failed training leaves the old one."""
    import shutil

    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    write(staging)
    write_manifest(staging, config, train_command)
    shutil.rmtree(folder, ignore_errors=True)
    staging.replace(folder)
    return folder
