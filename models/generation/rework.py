"""Given pieces worked on by the generation model: continued, bars redone, harmony renewed.

`source_of` reads a piece for the model: which tracks it writes (the four voices of a four-part
piece, else the top line of the melody), the notes it is given, and the header's controls (the
key named, or found from the notes). `continue_piece` and `redo_bars` write the new bars, and
`finish` puts them into the piece: every note outside the new bars stays exactly as it was, a
song harmonised by the HMM gets new lower parts under its new bars only, and a four-part result
has its chords named beat by beat.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from models.composition.engine import Composition, MelodyRequest, get_composer
from models.composition.melody_input import top_line
from models.composition.mood import mood_params
from models.errors import InputError
from models.generation.arrange import chords_of, four_voices
from models.generation.engine import Generator, Progress, Sampling, brighter, darker
from models.generation.pieces import Controls, Written, extend, melody_octave, rewrite, splice
from models.generation.vocab import METERS, Header
from models.music.keyfinder import piece_key
from models.music.melody_track import MONOPHONIC, choose_melody, single_share
from models.music.piece import Note, Piece
from models.music.theory import parse_key


@dataclass
class Source:
    """A piece read for the model: the tracks it writes, the notes it is given, its controls."""

    piece: Piece
    tracks: list[int]  # the tracks the model writes, highest first
    four: bool  # the four voices of a four-part piece (else the melody alone)
    given: list[list[Note]]  # per voice, the notes the model continues or rewrites
    controls: Controls
    octave: int  # semitones that bring a melody into the model's range
    velocity: int

    @property
    def bars(self) -> int:
        return self.piece.bars

    @property
    def others(self) -> int:
        """How many tracks with notes the model leaves as they are."""
        return len([t for t in self.piece.tracks if t.notes]) - len(self.tracks)


def voices_of(piece: Piece, song_style: str | None = None,
              track: str | None = None) -> tuple[list[int], bool]:  # fmt: skip
    """Which tracks the model writes: the four voices of a four-part piece, else the melody
    (the part a musician would call the tune, `melody_track.choose_melody`, or the `track` the
    producer named).

    `song_style` is the style the piece was made in, when Cadenza made it: four tracks of a folk
    song harmonised by the HMM are a melody and its harmony, not four voices.
    """
    pitched = [i for i, t in enumerate(piece.tracks) if t.notes and not t.is_drum]
    if not pitched:
        raise InputError("The file has no notes to continue (drums alone don't count).")

    def mean(i: int) -> float:
        return sum(n.pitch for n in piece.tracks[i].notes) / len(piece.tracks[i].notes)

    by_height = sorted(pitched, key=mean, reverse=True)
    voices = all(single_share(piece.tracks[i].notes) >= MONOPHONIC for i in pitched)
    if len(pitched) == 4 and song_style in (None, "chorale") and voices and not track:
        return by_height, True  # four single lines: voices (a chorale, a quartet)
    if song_style is not None and not track:  # Cadenza's own song: its melody is its top part
        return by_height[:1], False
    return [choose_melody(piece, track).index], False


def source_of(piece: Piece, key: str | None = None, mode: str | None = None,
              style: str | None = None, song_style: str | None = None,
              name: str = "The piece", track: str | None = None) -> Source:  # fmt: skip
    """A piece read for the model. `key` and `mode` name the key (None: found from the notes);
    `style` defaults to the song's, else chorale for four voices and folk for a melody."""
    if piece.meter not in METERS:
        known = ", ".join(f"{a}/{b}" for a, b in METERS)
        raise InputError(
            f"{name} is in {piece.meter[0]}/{piece.meter[1]}; the model writes {known}."
        )
    tracks, four = voices_of(piece, song_style, track)
    top = piece.tracks[tracks[0]].notes
    given = [piece.tracks[i].notes for i in tracks] if four else [top_line(top)]
    # The key named, else the one key finder's reading of every pitched note (as harmonise and
    # the catalogue read the same file).
    the_key = parse_key(key, mode) if key else piece_key(piece).key
    style = style or song_style or ("chorale" if four else "folk")
    octave = 0 if four else melody_octave(given[0], the_key, style)
    velocity = max((n.velocity for v in given for n in v), default=80)
    controls = Controls(the_key, piece.meter, style, four)
    return Source(piece, tracks, four, given, controls, octave, velocity)


def shade(controls: Controls, bars: int, mood: str | None = None,
          mode: str | None = None) -> Header | None:  # fmt: skip
    """The header redone bars are written under: darker (the parallel minor) for a sad or dark
    mood or the minor mode, brighter (the major) otherwise; None keeps the piece's own."""
    if not (mood or mode):
        return None
    feel = mood_params(mood)
    own = controls.header(bars)
    dark = mode == "minor" or (mode is None and feel.valence < 0)
    return darker(own) if dark else brighter(own)


def continue_piece(gen: Generator, src: Source, more: int, sampling: Sampling,
                   progress: Progress | None = None) -> Written:  # fmt: skip
    """`more` bars after the source's last bar; the result holds only the new notes."""
    return extend(gen, src.controls, src.given, src.bars, more, sampling, src.velocity,
                  src.octave, progress)  # fmt: skip


def redo_bars(gen: Generator, src: Source, first: int, last: int, sampling: Sampling,
              header: Header | None = None,
              progress: Progress | None = None) -> Written:  # fmt: skip
    """Bars first..last (1-based) written again, under `header` if given (see `shade`)."""
    return rewrite(gen, src.controls, src.given, src.bars, first, last, sampling, header,
                   src.velocity, src.octave, progress)  # fmt: skip


def reharmonise(src: Source, piece: Piece, written: Written) -> Piece:
    """A melody harmonised by the HMM (a folk or Irish song in four parts): new lower parts
    under the written bars, from the HMM, and the lower parts elsewhere as they were.

    `piece` is the source with the written melody spliced in; it comes back unchanged unless the
    source is a melody over exactly three lower parts.
    """
    lower = [i for i, t in enumerate(piece.tracks) if i != src.tracks[0] and t.notes]
    if src.four or len(lower) != 3:
        return piece
    req = MelodyRequest(
        key=src.controls.key, meter=piece.meter, bars=piece.bars, tempo_bpm=piece.tempo_bpm,
        style=src.controls.style, parts=4,
    )  # fmt: skip
    arranged = get_composer().arrange(piece.tracks[src.tracks[0]].notes, req).piece
    first, last = written.new_bars
    lo, hi = (first - 1) * piece.beats_per_bar, last * piece.beats_per_bar
    heights = {i: sum(n.pitch for n in piece.tracks[i].notes) / len(piece.tracks[i].notes)
               for i in lower}  # fmt: skip
    lower.sort(key=lambda i: -heights[i])
    voices = [
        [replace(n, velocity=piece.tracks[i].notes[0].velocity,
                 dur_beats=min(n.dur_beats, hi - n.start_beats))
         for n in t.notes if lo <= n.start_beats < hi]
        for i, t in zip(lower, arranged.tracks[1:4], strict=True)
    ]  # fmt: skip
    return splice(piece, lower, Written(voices, piece.bars, 0.0, 0, written.new_bars))


def finish(src: Source, written: Written, harmonised: bool = False,
           tempo_bpm: float | None = None, program: int | None = None) -> Composition:  # fmt: skip
    """The source with the written bars in place, as a composition.

    `harmonised`: the source is a song in four parts (its lower parts follow the new melody, see
    `reharmonise`, and its chords are named). `tempo_bpm` (MIDI, quarter notes) and `program`
    (General MIDI, for the tracks the model writes) replace the source's when given.
    """
    out = splice(src.piece, src.tracks, written)
    if harmonised:
        out = reharmonise(src, out, written)
    if tempo_bpm is not None:  # a tempo the producer named replaces the file's tempo map
        out = replace(out, tempo_bpm=tempo_bpm, tempos=[])
    if program is not None:
        out.tracks = [replace(t, program=program) if i in src.tracks else t
                      for i, t in enumerate(out.tracks)]  # fmt: skip
    voiced = four_voices(out) if src.four or harmonised else None
    return Composition(out, chords_of(voiced, src.controls.key) if voiced else None)
