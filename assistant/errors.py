"""Errors that Cadenza shows to people. Every message says what to do next."""

from __future__ import annotations


class CadenzaError(Exception):
    """Base class: an expected failure with a message fit for the producer."""


class ToolError(CadenzaError):
    """A tool could not do what was asked (bad key, corrupt file, too many bars...)."""


class InputError(ToolError):
    """The request itself is unusable (empty, too long, binary, unknown key)."""


class CheckpointError(CadenzaError):
    """A model checkpoint is missing, corrupt or from an incompatible version."""


class StoreError(CadenzaError):
    """The memory store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another Cadenza process is writing to the same embedded store."""


class ScriptError(CadenzaError):
    """A scripted conversation file is malformed."""
