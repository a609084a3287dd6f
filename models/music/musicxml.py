"""Piece -> MusicXML (notation for Sibelius, MuseScore, Dorico...), via music21.

music21 does the engraving work we would otherwise get wrong: notes split at barlines with
ties, beams, tuplets for triplet rhythms. Our part is to hand it clean input: times quantised to
a grid it can notate (sixteenths or eighth-note triplets, chosen beat by beat), simultaneous
notes of one track merged into chords, overlapping notes in voices, a visible rest in every
silence, a triplet note or rest cut at the beats it crosses (MuseScore and LilyPond misread a
tuplet across a beat), and nothing past the last bar, so every part has exactly `piece.bars`
measures.

Measured on 2 cores: a 64-bar, 4-part chorale writes in 0.75-1.0 s (plus 0.3 s to import
music21 the first time), so a hand-written XML writer was not worth its edge cases.

Chord symbols (`piece.chords`) go above the top part as <harmony> elements, as on a lead sheet,
built from an explicit root, MusicXML kind and bass (music21 cannot parse figures such as
"Cm(maj7)", "Cmaj9", "C6/9", and reads "C13" with an eleventh): see HARMONY_KINDS. Notes sounding
under a chord take its spelling (Bb D F under Bb in C major, not A# D F).

The header and staves read as a musician expects: the song's title (no "Music21" composer),
the tempo in the beat the meter counts (dotted quarter = 112 in 6/8, not quarter = 168), each
staff's name and its abbreviation on later systems taken from the track's name, and one clef
rule for every engine: see models.music.score_marks.
"""

from __future__ import annotations

import os
from collections import defaultdict
from fractions import Fraction
from math import ceil, floor
from pathlib import Path
from typing import TYPE_CHECKING

from models.music.piece import CHORD_SYMBOL, ChordMark, Note, Piece, Track
from models.music.score_marks import (
    SOFTWARE,
    abbreviation,
    clef_name,
    heading,
    metronome_mark,
    staff_name,
    written_shift,
)
from models.music.theory import NOTE_PC, key_signature_name, pc_name
from models.music.xml_tidy import clean_header, forwards_for_hidden_rests

if TYPE_CHECKING:
    from music21 import harmony, stream

# Time points snap to sixteenths or eighth-note triplets, whichever fits a beat better.
# Fractions keep a triplet exactly 1/3 (music21 would read 0.333333 as 333333/1000000).
GRIDS_BEATS = (Fraction(1, 4), Fraction(1, 3))
EPS = 1e-6
MAX_VOICES = 4  # per staff: MuseScore drops a fifth ("too many voices")
Struck = tuple[float, float, dict[int, int]]  # start, duration (beats), {pitch: velocity}
# Chord-symbol suffix (as models.harmony.chords.SUFFIX writes it) -> MusicXML kind (music21's
# name for it) and the <degree> changes that make its tones ours: (type, degree, alter), an "add"
# alter counting from the major scale (add 9 alter -1 is the flat ninth). Every kind is one the
# MusicXML schema allows: music21's "suspended-fourth-seventh" is not, so 7sus4 is a dominant
# seventh with its third swapped for the fourth (no "add 7" either: MusicXML counts an added 7th
# from the dominant, music21 from the major scale). Our 13th chords leave out the eleventh.
# Suffixes not listed (from a MIDI file's markers) keep their text on the closest triad.
HARMONY_KINDS: dict[str, tuple[str, tuple[tuple[str, int, int], ...]]] = {
    "": ("major", ()), "m": ("minor", ()), "dim": ("diminished", ()), "aug": ("augmented", ()),
    "sus2": ("suspended-second", ()), "sus4": ("suspended-fourth", ()), "5": ("power", ()),
    "7": ("dominant-seventh", ()), "maj7": ("major-seventh", ()), "m7": ("minor-seventh", ()),
    "dim7": ("diminished-seventh", ()), "m7b5": ("half-diminished-seventh", ()),
    "m(maj7)": ("minor-major-seventh", ()), "7sus4": ("dominant-seventh", (("subtract", 3, 0), ("add", 4, 0))),
    "aug7": ("augmented-seventh", ()), "6": ("major-sixth", ()), "m6": ("minor-sixth", ()),
    "add9": ("major", (("add", 9, 0),)), "m(add9)": ("minor", (("add", 9, 0),)),
    "9": ("dominant-ninth", ()), "maj9": ("major-ninth", ()), "m9": ("minor-ninth", ()),
    "11": ("dominant-11th", ()), "m11": ("minor-11th", ()),
    "13": ("dominant-13th", (("subtract", 11, 0),)),
    "maj13": ("major-13th", (("subtract", 11, 0),)),
    "m13": ("minor-13th", (("subtract", 11, 0),)), "6/9": ("major-sixth", (("add", 9, 0),)),
    "7b9": ("dominant-seventh", (("add", 9, -1),)), "7#9": ("dominant-seventh", (("add", 9, 1),)),
    "7#11": ("dominant-seventh", (("add", 11, 1),)),
    "7b13": ("dominant-seventh", (("add", 13, -1),)),
}  # fmt: skip


def write_musicxml(piece: Piece, path: Path) -> Path:
    """Write a piece as MusicXML, one part per track. Atomic: a crash leaves no partial file."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter, ScoreExporter

    score = GeneralObjectExporter().fromGeneralObject(to_music21(piece))  # makeNotation
    exporter = ScoreExporter(score)
    root = exporter.parse()
    clean_header(root)
    forwards_for_hidden_rests(root)
    data = exporter.asBytes()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)  # never leave a half-written file under the final name
    finally:
        tmp.unlink(missing_ok=True)
    return path


def to_music21(piece: Piece) -> stream.Score:
    """A music21 Score of the piece: key, meter and tempo on every part, notes quantised."""
    from music21 import metadata, stream

    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = heading(piece)  # <work-title>
    score.metadata.add("software", SOFTWARE)
    tracks = piece.tracks or [Track("Music")]
    # Chord symbols go above the top pitched staff (a lead sheet's), never over the drums.
    chords_on = next((i for i, t in enumerate(tracks) if not t.is_drum), 0)
    for index, track in enumerate(tracks):
        score.insert(0, _part(piece, track, first=index == 0, chords=index == chords_on))
    return score


def _part(piece: Piece, track: Track, first: bool, chords: bool) -> stream.Part:
    from music21 import clef, key, meter, stream

    part = stream.Part()
    inst = _instrument(track)
    part.partName, part.partAbbreviation = inst.partName, inst.partAbbreviation
    part.insert(0, inst)
    part.insert(0, getattr(clef, clef_name(track, written_shift(inst)))())
    signature = key_signature_name(piece.key)  # as the MIDI file's: at most 7 sharps or flats
    tonic = signature[:-1] if piece.key.mode == "minor" else signature
    part.insert(0, key.Key(tonic.replace("b", "-"), piece.key.mode))
    part.insert(0, meter.TimeSignature(f"{piece.meter[0]}/{piece.meter[1]}"))
    if first:  # the tempo marks of the score (a file's tempo map too), above the top part
        part.insert(0, metronome_mark(piece.tempo_bpm, piece.meter))
        for mark in piece.tempos:
            part.insert(mark.start_beats, metronome_mark(mark.bpm, piece.meter))
    symbols = _chord_symbols(piece) if chords else []  # above the staff, as on a lead sheet
    _write_notes(part, piece, track, symbols)
    return part


def _exact(beats: float) -> Fraction:
    """A quantised time as an exact fraction (0.3333333 -> 1/3)."""
    return Fraction(beats).limit_denominator(48)


def _chord_symbols(piece: Piece) -> list[tuple[Fraction, harmony.ChordSymbol]]:
    """(time, symbol) of each chord mark that is a chord symbol, on the sixteenth or triplet
    grid point nearest its start (the grids the notes are written on)."""
    end, out = _exact(piece.total_beats), []
    for mark in piece.chords:
        points = [Fraction(round(mark.start_beats * n), n) for n in (4, 3)]
        at = min(points, key=lambda t: abs(t - Fraction(mark.start_beats)))  # ties: sixteenth
        symbol = chord_symbol(mark.text)
        if symbol is not None and 0 <= at < end:
            out.append((at, symbol))
    return out


def _write_notes(part: stream.Part, piece: Piece, track: Track,
                 symbols: list[tuple[Fraction, harmony.ChordSymbol]]) -> None:  # fmt: skip
    """The track's notes, in voices where they overlap. Every silence of the first voice is a
    visible rest (music21 would fill gaps with hidden rests, and a score would show nothing
    there); later voices' silences are hidden (written as <forward>: see xml_tidy). The chord
    symbols go in the first voice, cut (tied, for a note) where a chord changes, so each symbol
    stands over a note or rest of its own: LilyPond hangs a symbol on the next note, and
    ignores the <offset> music21 gives a symbol in the middle of a note."""
    from music21 import chord, note, stream, tie

    end = _exact(piece.total_beats)
    groups = _chords(quantise(track.notes, piece.total_beats))
    changes = sorted({at for at, _ in symbols})
    for number, line in enumerate(_voices(groups) or [[]]):
        voice = stream.Voice()  # even one: else music21 puts the symbols in a voice of rests
        cuts = changes if number == 0 else []
        for start, dur, pitches in line:
            spelled = {} if track.is_drum else _mark_names(piece.chords, start)
            names = [_spell(p, piece, spelled) for p in sorted(pitches)]
            spans = _spans(_exact(start), _exact(start + dur), cuts)
            for index, (at, stop) in enumerate(spans):  # tied across the cuts
                element = note.Note(names[0]) if len(names) == 1 else chord.Chord(names)
                element.quarterLength = stop - at
                element.volume.velocity = max(pitches.values())
                if len(spans) > 1:
                    last = index == len(spans) - 1
                    element.tie = tie.Tie("start" if index == 0 else "stop" if last else "continue")
                voice.insert(at, element)
        for gap_start, gap_stop in _gaps(line, end):  # to the final barline, too
            for at, stop in _spans(gap_start, gap_stop, cuts):
                rest = note.Rest(quarterLength=stop - at)
                # A silent later voice shows nothing, but in a triplet beat: MuseScore wants
                # the whole group, LilyPond fails on a bracket that ends on a hidden rest.
                rest.style.hideObjectOnPrint = number > 0 and not _triplet(at, stop)
                voice.insert(at, rest)
        for at, symbol in symbols if number == 0 else []:
            voice.insert(at, symbol)
        part.insert(0, voice)


def _voices(groups: dict[tuple[float, float], dict[int, int]]) -> list[list[Struck]]:
    """The track's chords (start, dur, pitches) in at most four voices (MuseScore's limit per
    staff) that never overlap: each goes to the first voice free by its start. With four busy,
    the voice that frees first has its chord cut short where the new one starts, or, struck
    together, takes the new pitches into it: a dense piano part still reads (the MIDI keeps
    every note's length)."""
    voices: list[list[Struck]] = []
    for (start, dur), pitches in sorted(groups.items()):
        free = next((v for v in voices if v[-1][0] + v[-1][1] <= start + EPS), None)
        if free is None and len(voices) < MAX_VOICES:
            voices.append([(start, dur, pitches)])
            continue
        if free is None:
            free = min(voices, key=lambda v: v[-1][0] + v[-1][1])
            at, length, held = free[-1]
            if at >= start - EPS:  # struck together: one chord
                free[-1] = (at, max(length, dur), {**held, **pitches})
                continue
            free[-1] = (at, start - at, held)
        free.append((start, dur, pitches))
    return voices


def _gaps(line: list[Struck], end: Fraction) -> list[tuple[Fraction, Fraction]]:
    """The silent stretches of a voice, from the first beat to `end`."""
    out, covered = [], Fraction(0)
    for start, dur, _ in line:
        at, stop = _exact(start), _exact(start + dur)
        if at > covered:
            out.append((covered, at))
        covered = max(covered, stop)
    return out + [(covered, end)] if covered < end else out


def _spans(start: Fraction, stop: Fraction,
           cuts: list[Fraction] | tuple = ()) -> list[tuple[Fraction, Fraction]]:  # fmt: skip
    """How a note or rest from `start` to `stop` is written: cut at the `cuts` inside it (chord
    changes), and where a triplet time point starts or ends a piece, that piece cut at the
    beats it crosses (its part in its first beat, the whole beats, its part in its last beat),
    so each triplet group stays inside one beat under its own bracket (MuseScore and LilyPond
    misread a triplet note across a beat)."""
    points = sorted({start, stop} | {c for c in cuts if start < c < stop})
    out = []
    for a, b in zip(points, points[1:], strict=False):
        if not _triplet(a, b):  # sixteenths: as it is
            out.append((a, b))
            continue
        beats = sorted({a, b} | {Fraction(x) for x in (ceil(a), floor(b)) if a < x < b})
        out += zip(beats, beats[1:], strict=False)
    return out


def _triplet(start: Fraction, stop: Fraction) -> bool:
    """Whether a span starts or ends off the sixteenth grid (on a triplet)."""
    return (start * 4).denominator != 1 or (stop * 4).denominator != 1


def _instrument(track: Track):  # noqa: ANN202 (music21 type, imported lazily)
    from music21 import instrument

    if track.is_drum:
        inst = instrument.UnpitchedPercussion()
    else:
        try:
            inst = instrument.instrumentFromMidiProgram(track.program)
        except Exception:  # music21 knows most, not all, GM programs
            inst = instrument.Instrument()
            inst.midiProgram = track.program
    # The staff's name on the first system and its abbreviation on the later ones both come
    # from the track's name (music21's own would read "Ch" under "Soprano", "Samp" under "Lead").
    name = staff_name(track.name, inst)
    inst.partName = name
    inst.partAbbreviation = inst.instrumentAbbreviation = abbreviation(name, inst)
    return inst


def chord_symbol(text: str) -> harmony.ChordSymbol | None:
    """A music21 chord symbol for our symbol text: root, MusicXML kind, degrees and bass, with
    the text shown as written. None for a text that is not a chord symbol ("Chorus")."""
    from music21 import harmony

    match = CHORD_SYMBOL.match(text.strip())
    if not match:
        return None
    root, suffix, bass = match.groups()
    kind, degrees = HARMONY_KINDS.get(suffix, (_closest_kind(suffix), ()))
    symbol = harmony.ChordSymbol(
        root=_m21(root), bass=_m21(bass) if bass else None, kind=kind, kindStr=suffix
    )
    for change, degree, alter in degrees:
        symbol.addChordStepModification(harmony.ChordStepModification(change, degree, alter))
    return symbol


def _closest_kind(suffix: str) -> str:
    """The kind a suffix we have no entry for starts from ('m7add11' -> minor, '7alt' ->
    dominant seventh, 'maj7#11' -> major seventh); its text is shown as written."""
    if suffix.startswith(("dim", "°")):
        return "diminished"
    if suffix.startswith(("aug", "+")):
        return "augmented"
    if suffix.startswith("maj"):
        return "major-seventh" if suffix[3:4].isdigit() else "major"
    if suffix.startswith(("m", "-")):
        return "minor"
    return "dominant-seventh" if suffix[:1] in ("7", "9", "1") else "major"


def _m21(name: str) -> str:
    """'Bb' -> 'B-', music21's flat; sharps stay."""
    return name[0] + name[1:].replace("b", "-")


def _mark_names(marks: list[ChordMark], start: float) -> dict[int, str]:
    """Pitch class -> name, as the chord mark sounding at `start` spells its tones."""
    for mark in reversed(marks):  # the latest mark that has begun and not ended
        if mark.start_beats - EPS <= start < mark.start_beats + mark.dur_beats - EPS:
            return {pc % 12: name for pc, name in mark.names if _pc(name) == pc % 12}
    return {}


def _pc(name: str) -> int | None:
    """'Bb' -> 10, 'B#' -> 0; None for a name that is not a pitch."""
    if not name or name[0] not in NOTE_PC or name[1:].strip("#b"):
        return None
    return (NOTE_PC[name[0]] + name.count("#") - name.count("b")) % 12


def _spell(pitch: int, piece: Piece, chord_names: dict[int, str] | None = None) -> str:
    """MIDI number -> music21 pitch name: as the chord over it spells it (Bb under a Bb chord
    in C major), else for the key (Bb, not A#, in F major). B#3 and Cb4 are MIDI 60 and 59:
    the octave is the letter's, so it is counted from the pitch without its accidental."""
    name = (chord_names or {}).get(pitch % 12) or pc_name(pitch, piece.key)
    alter = name.count("#") - name.count("b")
    return _m21(name) + str((pitch - alter) // 12 - 1)


def _chords(notes: list[Note]) -> dict[tuple[float, float], dict[int, int]]:
    """Group notes that start and end together: (start, dur) -> {pitch: velocity}."""
    groups: dict[tuple[float, float], dict[int, int]] = defaultdict(dict)
    for n in notes:
        groups[(n.start_beats, n.dur_beats)][n.pitch] = n.velocity
    return groups


def quantise(notes: list[Note], end_beats: float) -> list[Note]:
    """Snap starts and ends to a notatable grid; clip at `end_beats`; no same-pitch overlaps.

    Each beat uses sixteenths or eighth-note triplets, whichever moves its time points less
    (ties go to sixteenths), so straight and swung passages both come out readable.
    """
    points = [t for n in notes for t in (n.start_beats, n.start_beats + n.dur_beats)]
    grid = _grid_per_beat(points)

    end = Fraction(end_beats).limit_denominator(48)

    def snap(t: float) -> Fraction:
        step = grid.get(floor(t + EPS), GRIDS_BEATS[0])
        return round(Fraction(t) / step) * step

    kept: list[tuple[int, Fraction, Fraction, int]] = []  # pitch, start, stop, velocity
    last: dict[int, int] = {}  # pitch -> index in kept of its latest note
    for n in sorted(notes, key=lambda n: (n.start_beats, n.pitch)):
        start = max(snap(n.start_beats), Fraction(0))
        if start >= end or not 0 <= n.pitch <= 127:
            continue
        step = grid.get(floor(start), GRIDS_BEATS[0])
        stop = min(max(snap(n.start_beats + n.dur_beats), start + step), end)
        prev = last.get(n.pitch)
        if prev is not None and kept[prev][2] > start:  # the same key struck again
            if kept[prev][1] >= start:
                continue  # a duplicate of a note already there
            kept[prev] = (n.pitch, kept[prev][1], start, kept[prev][3])  # cut the old one
        last[n.pitch] = len(kept)
        kept.append((n.pitch, start, stop, n.velocity))
    return [Note(p, float(a), float(b - a), v) for p, a, b, v in kept]


def _grid_per_beat(points: list[float]) -> dict[int, Fraction]:
    """For each beat that has time points, the grid step that fits them best."""
    by_beat: dict[int, list[float]] = defaultdict(list)
    for t in points:
        by_beat[floor(t + EPS)].append(t)
    grid = {}
    for beat, times in by_beat.items():
        errors = [sum(abs(t - round(t / s) * float(s)) for t in times) for s in GRIDS_BEATS]
        grid[beat] = GRIDS_BEATS[0] if errors[0] <= errors[1] + EPS else GRIDS_BEATS[1]
    return grid
