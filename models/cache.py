"""Where engines keep what every start would otherwise recompute (`CADENZA_HOME/cache`).

Front ends point it at the settings' cache folder (`Settings.ensure_dirs`); with none set, the
engines simply rebuild. Entries are keyed by a checkpoint's manifest, so a retrained checkpoint
never reads a stale entry, and written atomically (a temporary file renamed into place), so a
killed process leaves either the old entry or none. Only numpy arrays without pickles are
stored: a cache file is data, never code.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

_FOLDER: Path | None = None


def use(folder: Path | None) -> None:
    """Cache under `folder` from now on (None: no cache)."""
    global _FOLDER
    _FOLDER = Path(folder) if folder is not None else None


def checkpoint_key(folder: Path) -> str:
    """A short hash of a checkpoint's manifest (it holds every file's sha256)."""
    manifest = folder / "MANIFEST.json"
    data = manifest.read_bytes() if manifest.is_file() else str(folder.resolve()).encode()
    return hashlib.sha1(data).hexdigest()[:16]


def entry(name: str) -> Path | None:
    """The path of a cache entry, or None when no cache folder is set."""
    return _FOLDER / name if _FOLDER is not None else None


def load_arrays(name: str):  # noqa: ANN201 (an NpzFile, read lazily member by member)
    """The arrays saved under `name`, or None (no cache, not there yet, or unreadable)."""
    path = entry(name)
    if path is None or not path.is_file():
        return None
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None


def save_arrays(name: str, arrays: dict[str, np.ndarray]) -> None:
    """Save arrays under `name` (uncompressed, so members load without inflating)."""
    path = entry(name)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        tmp.replace(path)
    except OSError:
        pass  # a read-only or full disk: the engine works without its cache
