"""The one module that owns MIDI conversion: Piece <-> MIDI files (via pretty_midi)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from models.errors import InputError
from models.music.piece import Note, Piece, Track
from models.music.theory import Key

if TYPE_CHECKING:
    import pretty_midi

MAX_MIDI_BYTES = 20 * 1024 * 1024


def write_midi(piece: Piece, path: Path) -> Path:
    """Write a piece as a standard MIDI file with tempo, meter and key signature."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(initial_tempo=float(piece.tempo_bpm))
    num, den = piece.meter
    pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    key_number = piece.key.tonic_pc + (12 if piece.key.mode == "minor" else 0)
    pm.key_signature_changes.append(pretty_midi.KeySignature(key_number, 0.0))
    sec_per_beat = 60.0 / piece.tempo_bpm
    for track in piece.tracks:
        inst = pretty_midi.Instrument(program=track.program, is_drum=track.is_drum, name=track.name)
        for n in track.notes:
            start = n.start_beats * sec_per_beat
            inst.notes.append(
                pretty_midi.Note(
                    velocity=int(n.velocity),
                    pitch=int(n.pitch),
                    start=start,
                    end=start + n.dur_beats * sec_per_beat,
                )
            )
        pm.instruments.append(inst)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    pm.write(str(tmp))
    tmp.replace(path)  # never leave a half-written file under the final name
    return path


def open_midi(path: Path) -> pretty_midi.PrettyMIDI:
    """Parse a MIDI file, with clear errors for missing, empty, huge or corrupt files."""
    import pretty_midi

    path = Path(path)
    if not path.is_file():
        raise InputError(f"No MIDI file at {path}.")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name} is empty: it is not a MIDI file.")
    if size > MAX_MIDI_BYTES:
        raise InputError(
            f"{path.name} is {size // 1_000_000} MB; MIDI files over 20 MB are refused."
        )
    try:
        pm = pretty_midi.PrettyMIDI(str(path))
    except Exception as exc:  # pretty_midi/mido raise many types for corrupt data
        raise InputError(f"{path.name} is not a readable MIDI file ({exc}).") from exc
    return pm


def read_midi(path: Path) -> Piece:
    """Read a MIDI file into a Piece (tempo, meter and key from the file when present)."""
    import pretty_midi

    pm = open_midi(path)
    tempo = float(pm.get_tempo_changes()[1][0]) if len(pm.get_tempo_changes()[1]) else 120.0
    meter = (4, 4)
    if pm.time_signature_changes:
        ts = pm.time_signature_changes[0]
        meter = (ts.numerator, ts.denominator)
    key = Key(0, "major")
    if pm.key_signature_changes:
        number = pm.key_signature_changes[0].key_number
        key = Key(number % 12, "minor" if number >= 12 else "major")
    beat = 60.0 / tempo
    tracks = [
        Track(
            name=inst.name or pretty_midi.program_to_instrument_name(inst.program),
            program=inst.program,
            is_drum=inst.is_drum,
            notes=[
                Note(n.pitch, n.start / beat, (n.end - n.start) / beat, n.velocity)
                for n in sorted(inst.notes, key=lambda n: (n.start, n.pitch))
            ],
        )
        for inst in pm.instruments
    ]
    total = max((n.start_beats + n.dur_beats for t in tracks for n in t.notes), default=0.0)
    bar = meter[0] * 4.0 / meter[1]
    bars = max(1, int(-(-round(total, 3) // bar)))
    return Piece(key=key, tempo_bpm=tempo, meter=meter, bars=bars, tracks=tracks)
