"""Which part of a file carries the melody, chosen as a musician would.

1. The track the producer names ("the flute track", "track 2"), by its name or its instrument.
2. A track named as the tune: melody, vocal, voice, lead, soprano, singer... (POP909's MELODY,
   a DAW's "Lead Vox", a chorale's Soprano).
3. A line: the mostly one-note-at-a-time track that sounds through most of the piece (bars with
   notes), the higher one when two cover it alike; the lowest such line is the bass, not the
   tune, while other lines exist.
4. The top line (skyline) of a chordal part, or of all the parts together when no part carries
   a tune through the piece (a fugue's voices take turns).
The choice says in words what it took, for the reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.errors import InputError
from models.music.piece import Note, Piece, Track

MELODY_NAMES = re.compile(
    r"\b(?:melod(?:y|ie|ia)|vocals?|vox|voice|lead|sung|singer|singing|soprano|tune|top ?line|"
    r"canto|cantus|solo)\b",
    re.I,
)
NOT_MELODY = re.compile(r"\b(?:backing|bvs?|harmony|pad|bass|drums?|chords?)\b", re.I)
MONOPHONIC = 0.8  # share of onsets that are a single note for a track to count as a line
CARRIES = 0.6  # share of the piece's bars a line must sound in to carry the tune


@dataclass(frozen=True)
class MelodyChoice:
    """Where the melody was found: a track (its index) or the top of several."""

    tracks: tuple[int, ...]  # one track, or every part the skyline was taken from
    how: str  # "the MELODY track", "the top line of the Piano track", ...
    skyline: bool  # the top line of chords or of several parts, not a line as written

    @property
    def index(self) -> int:
        """The track that holds (most of) the melody."""
        return self.tracks[0]


def single_share(notes: list[Note]) -> float:
    """Share of a track's onsets where one note alone starts (1.0 for a line)."""
    onsets: dict[float, int] = {}
    for n in notes:
        onsets[round(n.start_beats * 4) / 4] = onsets.get(round(n.start_beats * 4) / 4, 0) + 1
    return sum(c == 1 for c in onsets.values()) / max(len(onsets), 1)


def coverage(notes: list[Note], piece: Piece) -> float:
    """Share of the piece's bars in which the track starts a note."""
    bar = piece.beats_per_bar
    bars = {int(n.start_beats // bar) for n in notes}
    return len(bars) / max(piece.bars, 1)


def _mean_pitch(track: Track) -> float:
    return sum(n.pitch for n in track.notes) / len(track.notes)


def _label(track: Track) -> str:
    return f"the {track.name} track" if track.name else "the unnamed track"


def named_track(piece: Piece, wanted: str) -> int:
    """The track a producer named: "flute", "BRIDGE", "2" (1-based), by name or instrument."""
    from pretty_midi import program_to_instrument_name

    pitched = [i for i, t in enumerate(piece.tracks) if t.notes and not t.is_drum]
    text = wanted.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(piece.tracks):
        return int(text) - 1
    for test in (
        lambda t: t.name.lower() == text,
        lambda t: text in t.name.lower(),
        lambda t: text in program_to_instrument_name(t.program).lower(),
    ):
        found = [i for i in pitched if test(piece.tracks[i])]
        if found:
            return found[0]
    names = ", ".join(piece.tracks[i].name or f"track {i + 1}" for i in pitched)
    raise InputError(f"There is no {wanted} track in the file; its parts are {names}.")


def choose_melody(piece: Piece, wanted: str | None = None) -> MelodyChoice:
    """The part that carries the tune (see the module's note); `wanted` is the producer's pick."""
    pitched = [i for i, t in enumerate(piece.tracks) if t.notes and not t.is_drum]
    if not pitched:
        raise InputError("The file has no melody: it has no notes other than drums.")
    generic = wanted and MELODY_NAMES.fullmatch(wanted.strip())
    if generic and not any(wanted.lower() in t.name.lower() for t in piece.tracks):
        wanted = None  # "the melody part" of a file with no track so named: find it
    if wanted:
        i = named_track(piece, wanted)
        return MelodyChoice((i,), f"{_label(piece.tracks[i])}, as you asked", False)
    named = [i for i in pitched if MELODY_NAMES.search(piece.tracks[i].name or "")
             and not NOT_MELODY.search(piece.tracks[i].name or "")]  # fmt: skip
    if named:
        best = max(named, key=lambda i: len(piece.tracks[i].notes))
        return MelodyChoice((best,), _label(piece.tracks[best]), False)
    lines = [i for i in pitched if single_share(piece.tracks[i].notes) >= MONOPHONIC]
    if len(lines) > 1:  # the lowest line is the bass
        lines.remove(min(lines, key=lambda i: _mean_pitch(piece.tracks[i])))
    carried = [i for i in lines if coverage(piece.tracks[i].notes, piece) >= CARRIES]
    if carried:
        best = max(carried, key=lambda i: (round(coverage(piece.tracks[i].notes, piece), 1),
                                           _mean_pitch(piece.tracks[i])))  # fmt: skip
        return MelodyChoice((best,), _label(piece.tracks[best]), False)
    chordal = [i for i in pitched if i not in lines
               and coverage(piece.tracks[i].notes, piece) >= CARRIES]  # fmt: skip
    if chordal:
        best = max(chordal, key=lambda i: _mean_pitch(piece.tracks[i]))
        return MelodyChoice((best,), f"the top line of {_label(piece.tracks[best])}", True)
    upper = sorted(pitched, key=lambda i: -_mean_pitch(piece.tracks[i]))
    if len(upper) > 2:  # the bass stays out of the tune
        upper = upper[:-1]
    return MelodyChoice(tuple(upper), "the top line of all the parts together", True)


def melody_notes(piece: Piece, choice: MelodyChoice) -> list[Note]:
    """The notes of the chosen part or parts (the skyline is taken by the caller's top line)."""
    return sorted((n for i in choice.tracks for n in piece.tracks[i].notes),
                  key=lambda n: (n.start_beats, -n.pitch))  # fmt: skip
