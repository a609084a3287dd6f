"""The events of a raw MIDI track chunk, read straight from its bytes: for training readers
that go through hundreds of files, where mido (`midi_io`) is too slow (30 s for POP909's 909
files against about 1 s here). Run-time code reads MIDI through `midi_io`."""

from __future__ import annotations

from collections.abc import Iterator

TEMPO = 0x51  # the meta event that sets microseconds per quarter note


def varlen(data: bytes, i: int) -> tuple[int, int]:
    """A variable-length quantity at `i`: its value and the index after it."""
    value = 0
    while data[i] & 0x80:
        value, i = (value << 7) | (data[i] & 0x7F), i + 1
    return (value << 7) | data[i], i + 1


def track_events(body: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(tick, status, data) of each channel event (running status resolved: status is its
    status byte, 0x80 or more, data its one or two data bytes) and each meta event (status its
    type, under 0x80: TEMPO with its three bytes, 0x2F the end of the track...); sysex events
    are skipped."""
    i, tick, status = 0, 0, 0
    while i < len(body):
        delta, i = (body[i], i + 1) if body[i] < 0x80 else varlen(body, i)
        tick += delta
        if body[i] in (0xFF, 0xF0, 0xF7):  # meta or sysex: length, then data
            kind = body[i + 1] if body[i] == 0xFF else -1
            length, i = varlen(body, i + (2 if kind >= 0 else 1))
            if kind >= 0:
                yield tick, kind, body[i : i + length]
            i += length
            continue
        if body[i] >= 0x80:
            status, i = body[i], i + 1  # otherwise running status
        size = 1 if status & 0xF0 in (0xC0, 0xD0) else 2
        yield tick, status, body[i : i + size]
        i += size
