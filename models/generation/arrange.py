"""The model's voices as a finished piece: tracks, the chords they sound, the header's controls.

The generation model writes either four voices (a chorale texture) or one melody. Four voices
become soprano, alto, tenor and bass tracks as written, and their chords are named beat by beat
the way the harmony model labels its own; a melody goes to the composition engine, which puts it
alone in a piece or harmonises it in four parts with the HMM.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.composition.analysis import beat_grid
from models.composition.engine import Composition, MelodyRequest, get_composer
from models.composition.harmony import Chord, label_chord
from models.composition.mood import MoodParams
from models.generation.engine import level_of
from models.generation.pieces import Controls
from models.music.piece import Note, Piece, Track
from models.music.theory import Key

VOICE_NAMES = ("Soprano", "Alto", "Tenor", "Bass")


def new_controls(key: Key, meter: tuple[int, int], style: str, parts: int,
                 feel: MoodParams) -> Controls:  # fmt: skip
    """The header of a new piece: the model writes four voices itself only for a chorale."""
    four = style == "chorale" and parts == 4
    return Controls(key, meter, style, four, level_of(feel.valence), level_of(feel.arousal))


def arrange(voices: Sequence[Sequence[Note]], key: Key, meter: tuple[int, int], bars: int,
            tempo_bpm: float, style: str, program: int, parts: int, velocity: int = 80,
            harmony_program: int | None = None) -> Composition:  # fmt: skip
    """The model's voices as a piece: four voices as written, or a melody (HMM harmony if 4).

    `tempo_bpm` is the MIDI tempo (quarter notes); `harmony_program` the General MIDI program of
    the lower parts under a melody (None: the melody's own).
    """
    if len(voices) == 4:
        lines = [list(v) for v in voices]
        tracks = [Track(n, program, v) for n, v in zip(VOICE_NAMES, lines, strict=True)]
        return Composition(Piece(key, tempo_bpm, meter, bars, tracks), chords_of(lines, key))
    req = MelodyRequest(
        key=key,
        meter=meter,
        bars=bars,
        tempo_bpm=tempo_bpm,
        style=style,
        program=program,
        velocity=velocity,
        parts=parts,
        harmony_program=harmony_program,
    )
    return get_composer().arrange(list(voices[0]), req)


def chords_of(voices: Sequence[Sequence[Note]], key: Key) -> list[tuple[float, Chord]]:
    """The chord the voices sound on each beat, labelled as the harmony model labels.

    A beat whose notes name no chord (a passing sonority) carries the chord before it on.
    """
    grid = beat_grid([[(n.pitch, n.start_beats, n.dur_beats) for n in v] for v in voices])
    out: list[tuple[float, Chord]] = []
    for t, row in enumerate(grid):
        sounding = [int(p) for p in row if p >= 0]
        if not sounding:
            continue
        bass = int(row[-1]) if row[-1] >= 0 else min(sounding)
        chord = label_chord({(p - key.tonic_pc) % 12 for p in sounding}, (bass - key.tonic_pc) % 12)
        chord = chord or (out[-1][1] if out else None)
        if chord is not None:
            out.append((float(t), chord))
    return out


def four_voices(piece: Piece) -> list[list[Note]] | None:
    """The notes of a four-part piece's voices, highest first (None unless exactly four)."""
    lines = [t.notes for t in piece.tracks if t.notes and not t.is_drum]
    if len(lines) != 4:
        return None
    return sorted(lines, key=lambda v: -sum(n.pitch for n in v) / len(v))
