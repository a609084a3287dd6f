"""A beat as a `Piece`: one drum track on General MIDI channel 10, nothing past the last bar."""

from __future__ import annotations

from models.drums.engine import HIT_BEATS, Beat
from models.drums.kit import GM_NOTE
from models.music.piece import Note, Piece, Track
from models.music.theory import parse_key


def to_piece(beat: Beat) -> Piece:
    req = beat.request
    num, den = (int(x) for x in req.meter.split("/"))
    quarter_bpm = req.tempo_bpm * 1.5 if req.meter == "6/8" else req.tempo_bpm
    piece = Piece(parse_key("C", "major"), quarter_bpm, (num, den), req.bars)
    end = piece.total_beats - HIT_BEATS
    notes = [Note(GM_NOTE[h.name], round(min(max(beat.start_beats(h), 0.0), end), 5), HIT_BEATS,
                  h.velocity) for h in beat.hits]  # fmt: skip
    piece.tracks.append(Track("Drums", 0, sorted(notes, key=lambda n: n.start_beats), is_drum=True))
    return piece
