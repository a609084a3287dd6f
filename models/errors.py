"""The engines' own errors: expected failures whose message is fit for the producer.

Every engine raises one of these, never a bare Exception for a problem a person can fix, and
never an error type of the assistant (the engines import nothing from it). The runtime maps a
`ModelError` to a failed tool result whose error is `str(exc)`, exactly as it maps a `ToolError`,
so a message here is shown word for word: it says what went wrong and what to do next.

    ModelError              an expected failure (a renderer missing, no audience built yet...)
    +-- InputError          the request or input file is unusable (bad key, corrupt MIDI...)
    |   +-- LyricError      lyrics Cadenza cannot read
    |   +-- AudioError      an audio file that cannot be analysed
    +-- CheckpointError     a checkpoint is missing, corrupt or from an incompatible version
"""

from __future__ import annotations


class ModelError(Exception):
    """Base class: an expected failure with a message that says what to do next."""


class InputError(ModelError):
    """The request or input is unusable: bad key, corrupt MIDI, too many bars, unreadable audio."""


class LyricError(InputError):
    """Lyrics Cadenza cannot read, with a sentence that says why and what to do."""


class AudioError(InputError):
    """An audio file cannot be analysed; the message says why and what to do."""


class CheckpointError(ModelError):
    """A model checkpoint is missing, corrupt or from an incompatible version."""


__all__ = ["AudioError", "CheckpointError", "InputError", "LyricError", "ModelError"]
