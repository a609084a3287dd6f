"""The documented train/test split, shared by the composition and generation engines.

A piece's source name decides its part (crc32, 1 in 10 held out), so both engines are trained
and scored on the same pieces, and the split never depends on the order pieces are read in.
"""

from __future__ import annotations

import zlib


def is_held_out(source: str) -> bool:
    """The documented split: crc32 of the source name, 1 in 10 goes to the test part."""
    return zlib.crc32(source.encode()) % 10 == 0
