"""The generation engine's work on given pieces: read, continued, bars redone, harmony renewed,
and the model's voices arranged as a piece (`models/generation/rework.py`, `arrange.py`)."""

from __future__ import annotations

import pytest

from models.composition.engine import MelodyRequest, get_composer
from models.composition.harmony import Chord
from models.composition.mood import mood_params
from models.errors import InputError
from models.generation.arrange import arrange, chords_of, four_voices, new_controls
from models.generation.engine import Sampling, get_generator
from models.generation.pieces import Written
from models.generation.rework import (
    continue_piece,
    finish,
    redo_bars,
    reharmonise,
    shade,
    source_of,
    voices_of,
)
from models.music.piece import Note, Piece, Track
from models.music.theory import Key, parse_key

C_MAJOR = parse_key("C", "major")
# Two chords a bar, soprano to bass: I IV | V I | vi V | I (held).
PROGRESSION = [
    (72, 67, 64, 48), (72, 69, 65, 53), (71, 67, 62, 55), (72, 67, 64, 48),
    (72, 69, 64, 57), (74, 67, 62, 55), (72, 67, 64, 48), (72, 67, 64, 48),
]  # fmt: skip


def chorale(bars: int = 4) -> Piece:
    """A plain four-part chorale in C, half-note chords."""
    voices: list[list[Note]] = [[], [], [], []]
    for i, chord in enumerate(PROGRESSION[: bars * 2]):
        for v, pitch in enumerate(chord):
            voices[v].append(Note(pitch, 2.0 * i, 2.0, 70 + v))
    names = ("Soprano", "Alto", "Tenor", "Bass")
    tracks = [Track(n, 52, v) for n, v in zip(names, voices, strict=True)]
    return Piece(C_MAJOR, 100.0, (4, 4), bars, tracks)


def tune(shift: int = 0) -> list[Note]:
    """A 4-bar folk tune in C (quarters, a held tonic at the end), `shift` semitones up."""
    pitches = [72, 74, 76, 77, 79, 77, 76, 74, 76, 77, 79, 81]
    notes = [Note(p + shift, float(i), 1.0, 90) for i, p in enumerate(pitches)]
    return [*notes, Note(72 + shift, 12.0, 4.0, 90)]


def folk_song() -> Piece:
    """A melody over three lower parts from the HMM, as `compose` makes a folk song."""
    req = MelodyRequest(key=C_MAJOR, meter=(4, 4), bars=4, tempo_bpm=100.0, style="folk", parts=4)
    return get_composer().arrange(tune(), req).piece


def onsets(notes: list[Note], lo: float, hi: float, inside: bool) -> list[tuple[int, float]]:
    """(pitch, start) of the notes that start inside (or outside) beats [lo, hi)."""
    return [(n.pitch, n.start_beats) for n in notes if (lo <= n.start_beats < hi) == inside]


# -- reading a piece for the model -----------------------------------------------------------


def test_four_tracks_are_four_voices_unless_the_song_is_a_harmonised_melody() -> None:
    piece = chorale()
    piece.tracks.reverse()  # bass first in the file: the voices still come highest first
    assert voices_of(piece) == ([3, 2, 1, 0], True)
    assert voices_of(piece, "chorale") == ([3, 2, 1, 0], True)
    assert voices_of(piece, "folk") == ([3], False)  # a melody over HMM harmony


def test_a_file_of_drums_alone_or_in_a_foreign_meter_is_refused() -> None:
    drums = Piece(C_MAJOR, 100.0, (4, 4), 1, [Track("Kit", 0, [Note(36, 0.0, 1.0)], True)])
    with pytest.raises(InputError, match="no notes to continue"):
        voices_of(drums)
    odd = chorale()
    odd.meter = (5, 4)
    with pytest.raises(InputError, match=r"odd\.mid is in 5/4; the model writes .*4/4"):
        source_of(odd, name="odd.mid")


def test_a_source_takes_the_key_named_or_finds_it_and_the_style_from_its_texture() -> None:
    found = source_of(chorale())
    assert found.controls.key == C_MAJOR and found.controls.style == "chorale"
    assert found.four and found.controls.parts and found.octave == 0 and found.velocity == 73
    named = source_of(folk_song(), "G", "major", song_style="folk")
    assert named.controls.key == parse_key("G", "major") and named.controls.style == "folk"
    assert not named.four and named.tracks == [0] and named.others == 3
    assert named.given == [tune()]  # the top line of the melody track


def test_redo_is_darker_or_brighter_only_when_asked() -> None:
    controls = source_of(chorale()).controls
    assert shade(controls, 4) is None
    dark = shade(controls, 4, mood="sad")
    assert (dark.mode, dark.valence, dark.bars) == ("minor", "low", 4)
    bright = shade(controls, 4, mode="major")
    assert (bright.mode, bright.valence) == ("major", "high")


# -- the model's work put into the piece -----------------------------------------------------


def test_redone_bars_leave_every_note_outside_them_as_it_was() -> None:
    piece = chorale()
    src = source_of(piece)
    written = redo_bars(get_generator(), src, 2, 3, Sampling(0.9, 0.95, 3))
    assert written.new_bars == (2, 3) and len(written.voices) == 4
    out = finish(src, written).piece
    assert out.bars == 4 and len(out.tracks) == 4
    lo, hi = 4.0, 12.0
    for old, new, voice in zip(piece.tracks, out.tracks, written.voices, strict=True):
        assert onsets(new.notes, lo, hi, inside=False) == onsets(old.notes, lo, hi, inside=False)
        assert onsets(new.notes, lo, hi, inside=True) == [(n.pitch, n.start_beats) for n in voice]
        assert all(lo <= n.start_beats and n.start_beats + n.dur_beats <= hi for n in voice)
    assert [t.notes for t in out.tracks] != [t.notes for t in piece.tracks]


def test_a_continuation_copies_every_given_note_through() -> None:
    piece = chorale()
    src = source_of(piece)
    written = continue_piece(get_generator(), src, 2, Sampling(0.9, 0.95, 2))
    assert written.new_bars == (5, 6)
    out = finish(src, written)
    assert out.piece.bars == 6 and out.chords  # four voices: their chords are named
    for old, new in zip(piece.tracks, out.piece.tracks, strict=True):
        assert [n for n in new.notes if n.start_beats < 16.0] == old.notes  # untouched
        added = [n for n in new.notes if n.start_beats >= 16.0]
        assert added and all(n.start_beats + n.dur_beats <= 24.0 + 1e-9 for n in added)


def test_a_harmonised_song_gets_new_lower_parts_under_its_new_bars_only() -> None:
    song = folk_song()
    src = source_of(song, "C", "major", "folk", song_style="folk")
    lo, hi = 4.0, 12.0  # bars 2-3
    new_melody = [n for n in tune(shift=-3) if lo <= n.start_beats < hi]
    written = Written([new_melody], 4, 0.0, 0, (2, 3))
    out = finish(src, written, harmonised=True)
    # What the HMM writes under the whole new melody, in bars 2-3.
    melody = [*onsets(song.tracks[0].notes, lo, hi, False), *[(n.pitch, n.start_beats)
              for n in new_melody]]  # fmt: skip
    assert sorted(onsets(out.piece.tracks[0].notes, 0, 16, True)) == sorted(melody)
    req = MelodyRequest(key=C_MAJOR, meter=(4, 4), bars=4, tempo_bpm=100.0, style="folk", parts=4)
    fresh = get_composer().arrange(out.piece.tracks[0].notes, req).piece
    changed = 0
    for i in (1, 2, 3):
        old, new = song.tracks[i].notes, out.piece.tracks[i].notes
        assert onsets(new, lo, hi, inside=False) == onsets(old, lo, hi, inside=False)
        assert onsets(new, lo, hi, inside=True) == onsets(fresh.tracks[i].notes, lo, hi, True)
        changed += onsets(new, lo, hi, True) != onsets(old, lo, hi, True)
    assert changed  # the new melody has new harmony under it
    assert out.chords and four_voices(out.piece) is not None
    # Not a harmonised song (or four voices of its own): the lower parts stay as they were.
    kept = finish(src, written)
    assert [t.notes for t in kept.piece.tracks[1:]] == [t.notes for t in song.tracks[1:]]
    assert kept.chords is None
    four = source_of(chorale())
    spliced = chorale()
    assert reharmonise(four, spliced, Written([[], [], [], []], 4, 0.0, 0, (2, 3))) is spliced


def test_a_new_tempo_and_instrument_go_to_the_tracks_the_model_writes() -> None:
    song = folk_song()
    src = source_of(song, "C", "major", "folk", song_style="folk")
    out = finish(src, Written([[]], 4, 0.0, 0, (4, 4)), tempo_bpm=150.0, program=40).piece
    assert out.tempo_bpm == 150.0
    assert [t.program for t in out.tracks] == [40, *(t.program for t in song.tracks[1:])]


# -- the model's voices as a new piece -------------------------------------------------------


def test_four_voices_are_a_chorale_with_their_chords_named_beat_by_beat() -> None:
    voices = [t.notes for t in chorale(1).tracks]
    assert chords_of(voices, C_MAJOR) == [
        (0.0, Chord(0, "M")), (1.0, Chord(0, "M")), (2.0, Chord(5, "M")), (3.0, Chord(5, "M")),
    ]  # fmt: skip
    in_a = chords_of([[Note(n.pitch + 9, n.start_beats, 1.0) for n in v] for v in voices],
                     parse_key("A", "major"))  # fmt: skip
    assert in_a[0] == (0.0, Chord(0, "M"))  # relative to the key's tonic
    made = arrange(voices, C_MAJOR, (4, 4), 1, 90.0, "chorale", 52, 4)
    assert [t.name for t in made.piece.tracks] == ["Soprano", "Alto", "Tenor", "Bass"]
    assert {t.program for t in made.piece.tracks} == {52} and made.piece.tempo_bpm == 90.0
    assert made.chords == chords_of(voices, C_MAJOR)


def test_a_melody_is_arranged_alone_or_over_hmm_harmony() -> None:
    alone = arrange([tune()], C_MAJOR, (4, 4), 4, 100.0, "folk", 73, 1)
    assert len(alone.piece.tracks) == 1 and alone.chords is None
    assert alone.piece.tracks[0].notes == tune()
    four = arrange([tune()], C_MAJOR, (4, 4), 4, 100.0, "folk", 73, 4, 80, 48)
    assert [t.program for t in four.piece.tracks] == [73, 48, 48, 48] and four.chords


def test_new_pieces_have_four_voices_only_as_chorales() -> None:
    calm, sad = mood_params("calm"), mood_params("sad")
    c = new_controls(C_MAJOR, (3, 4), "chorale", 4, sad)
    assert c.parts and c.valence == "low" and c.meter == (3, 4)
    assert not new_controls(Key(0, "major"), (4, 4), "folk", 4, calm).parts
    assert not new_controls(Key(0, "major"), (4, 4), "chorale", 1, calm).parts
