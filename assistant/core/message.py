"""A message as the session reads it: normalised text, or one sentence saying what to do instead."""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import InputError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_message(text: str, max_chars: int) -> str:
    """Normalise a message or raise InputError with what to do instead."""
    if not isinstance(text, str):
        raise InputError("A message must be text.")
    suspicious = sum(
        1 for ch in text if ch == "\ufffd" or "\udc80" <= ch <= "\udcff" or _CONTROL.match(ch)
    )
    if text and suspicious / len(text) > 0.1:
        raise InputError(
            "That looks like binary data, not a message. Type a request, or give a file path."
        )
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text)).encode("utf-8", "replace").decode()
    text = text.replace("\ufffd", "").strip()
    if not text:
        raise InputError(
            "I got an empty message. Try 'compose a short melody in G major', or 'help'."
        )
    if len(text) > max_chars:
        raise InputError(
            f"That message is {len(text):,} characters; I read up to {max_chars:,}. "
            "For long lyrics, save them to a .txt file and give me its path."
        )
    return text


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: every control character but newline and tab is shown
    in caret notation (ESC as '^[', BEL as '^G', a C1 code as '\\x9b'), so a file name, song
    title or argument holding an escape sequence cannot set the title, move the cursor or
    rewrite the screen; the reader still sees that something odd was there."""

    def show(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"^{chr(code + 64)}" if code < 32 else "^?" if code == 127 else f"\\x{code:02x}"

    return _UNPRINTABLE.sub(show, text)
