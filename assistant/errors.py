"""Errors that Cadenza shows to people. Every message says what to do next.

The engines raise their own errors (models/errors.py: `ModelError`, with `InputError` and
`CheckpointError`); they are re-exported here for the assistant's side, and the runtime, the
session and the CLI catch them wherever they catch `CadenzaError`.
"""

from __future__ import annotations

from models.errors import CheckpointError, InputError, ModelError

__all__ = [
    "CadenzaError",
    "CheckpointError",
    "InputError",
    "ModelError",
    "ScriptError",
    "StoreError",
    "StoreLockedError",
    "ToolError",
]


class CadenzaError(Exception):
    """Base class: an expected failure with a message fit for the producer."""


class ToolError(CadenzaError):
    """A tool could not do what was asked (bad key, corrupt file, too many bars...)."""


class StoreError(CadenzaError):
    """The memory store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another Cadenza process is writing to the same embedded store."""


class ScriptError(CadenzaError):
    """A scripted conversation file is malformed."""
