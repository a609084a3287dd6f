"""Voicings (chord tones, range, voice leading, rootless jazz, playable guitar shapes) and
basslines (range, chord changes, the last note, locking to a kick, walking)."""

from __future__ import annotations

import random
import statistics

import pytest

from models.harmony.bass import BASS_STYLES, LOCKS, bassline
from models.harmony.chords import QUALITIES, Chord, symbol
from models.harmony.engine import HarmonyRequest, get_engine
from models.harmony.parse import parse_progression
from models.harmony.voicing import INSTRUMENTS, TUNING, guitar_shape, voice
from models.music.theory import Key

C = Key(0, "major")
KEYBOARDS = [n for n, i in INSTRUMENTS.items() if i.kind != "guitar"]
# Chords whose 3rd and 7th every voicing must keep (the guide tones).
GUIDE_QUALITIES = ["maj", "min", "dim", "aug", "7", "maj7", "min7", "dim7", "hdim7", "minmaj7",
                   "aug7", "6", "min6", "add9", "9", "maj9", "min9", "6/9", "7b9", "7#9", "7#11",
                   "7b13", "7sus4", "sus4", "sus2", "11", "min11", "13", "maj13", "min13"]  # fmt: skip
FOUR_ON_THE_FLOOR = {bar: [0.0, 1.0, 2.0, 3.0] for bar in range(8)}
BOOM_BAP = {bar: [0.0, 1.75, 2.5] for bar in range(8)}
PROGRESSION = "Am F | C/E G | Dm7 G7 | C | F Fm | C/G G7 | Am | F"


def guide_tones(chord: Chord) -> set[int]:
    """The pitch classes of the chord's 3rd and 7th (a dim7's 7th is its 6th semitone 9)."""
    out = set()
    for iv in chord.intervals:
        if iv in (3, 4, 10, 11) or (chord.quality == "dim7" and iv == 9):
            out.add((chord.root + iv) % 12)
    return out


def upper(notes: tuple[int, ...], name: str, with_root: bool, rootless: bool) -> tuple[int, ...]:
    """The upper voices: without the left hand's (or the cellos') bass note, which plays when
    no bass part does (`with_root`) and the voicing keeps its root."""
    kind = INSTRUMENTS[name].kind
    return notes[1:] if kind in ("spread", "keys") and with_root and not rootless else notes


def voiced(name: str, chords: list[Chord], rootless: bool = False, with_root: bool = False):  # noqa: ANN201
    return voice(chords, INSTRUMENTS[name], rootless, with_root)


def moves(voicings: list[tuple[int, ...]]) -> list[int]:
    """Total semitones the voices move between consecutive voicings (sorted, voice by voice)."""
    return [sum(abs(a - b) for a, b in zip(sorted(x), sorted(y), strict=True))
            for x, y in zip(voicings, voicings[1:], strict=False)]  # fmt: skip


# -- voicings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", KEYBOARDS)
@pytest.mark.parametrize("rootless", [False, True])
def test_voicings_keep_the_guide_tones_and_the_range(name: str, rootless: bool) -> None:
    inst = INSTRUMENTS[name]
    for quality in GUIDE_QUALITIES:
        for root in range(12):
            chord = Chord(root, quality)
            [notes] = voiced(name, [chord], rootless, with_root=True)
            tops = upper(notes, name, True, rootless)
            assert guide_tones(chord) <= {p % 12 for p in tops}, (symbol(chord, C), notes)
            assert all(inst.low <= p <= inst.high for p in tops), (symbol(chord, C), notes)
            assert len(tops) == len(set(tops)), (symbol(chord, C), notes)  # no unisons
            assert {p % 12 for p in tops} <= set(chord.pcs) | {(root + 2) % 12}
            if tops != notes:  # the left hand: the bass note in C2..B2
                assert 36 <= notes[0] <= 47 and notes[0] % 12 == chord.bass_pc
                assert notes[0] <= tops[0]


def test_a_slash_chord_puts_its_bass_in_the_left_hand() -> None:
    for chord in parse_progression("C/E G/B Am/G F/C").chords:
        [notes] = voiced("piano", [chord], with_root=True)
        assert notes[0] % 12 == chord.bass_pc and 36 <= notes[0] <= 47


@pytest.mark.parametrize("key", [C, Key(7, "major"), Key(3, "major"), Key(9, "major")])
def test_pop_changes_move_by_steps_not_in_parallel_blocks(key: Key) -> None:
    chords = list(parse_progression("I-V-vi-IV", key).chords)
    led = voiced("piano", chords * 2)
    naive = [tuple(60 + (c.root - 60) % 12 + iv for iv in c.intervals) for c in chords * 2]
    assert statistics.mean(moves(led)) <= 6, led
    assert statistics.mean(moves(naive)) > statistics.mean(moves(led)) + 3
    assert max(abs(a[-1] - b[-1]) for a, b in zip(led, led[1:], strict=False)) <= 5  # the top


@pytest.mark.parametrize("name", ["piano", "electric piano", "organ", "synth"])
def test_jazz_rootless_voicings_leave_the_root_to_the_bass(name: str) -> None:
    chords = [Chord(r, q) for q in ("maj7", "min7", "7", "9", "min9", "6/9") for r in range(12)]
    for chord, notes in zip(chords, voiced(name, chords, rootless=True), strict=True):
        assert chord.root not in {p % 12 for p in notes}, (symbol(chord, C), notes)
        assert guide_tones(chord) <= {p % 12 for p in notes}, (symbol(chord, C), notes)


def test_jazz_comping_in_the_engine_is_rootless_over_a_walking_bass() -> None:
    h = get_engine().write(HarmonyRequest(style="jazz", bars=8, seed=4))
    assert h.bass_style == "walking"
    for seg in h.segments:
        notes = [n.pitch for n in h.chord_notes
                 if seg.start - 1e-6 <= n.start_beats < seg.start + seg.length - 1e-6]  # fmt: skip
        if seg.chord.quality in ("maj7", "min7", "7", "9"):
            assert notes and seg.chord.root not in {p % 12 for p in notes}, seg


COMMON_GUITAR = ["C", "G", "D", "A", "E", "Am", "Em", "Dm", "F", "Bb", "B7", "F#m", "Cmaj7", "G7",
                 "D7", "A7", "E7", "Bm", "C#m", "Fmaj7", "Am7", "Dm7", "Em7", "Gsus4", "Dsus2",
                 "Cadd9", "Eb", "Ab", "Cm", "Fm", "Gm", "C/E", "D/F#", "G/B", "Am/G", "F#m7b5",
                 "E7#9", "Db", "Abmaj7", "Bm7b5"]  # fmt: skip


def check_shape(text: str) -> None:
    chord = parse_progression(text).chords[0]
    shape = guitar_shape(chord.pcs, chord.bass_pc)
    strings = [s for s, _ in shape]
    frets = [p - TUNING[s] for s, p in shape]
    assert len(strings) == len(set(strings)) and all(0 <= s < 6 for s in strings), (text, shape)
    assert all(0 <= f <= 12 for f in frets), (text, frets)
    fretted = [f for f in frets if f > 0]
    assert not fretted or max(fretted) - min(fretted) <= 3, (text, frets)  # four frets
    assert len(shape) >= 4, (text, shape)
    pitches = [p for _, p in shape]
    assert min(pitches) % 12 == chord.bass_pc, (text, shape)  # the lowest note is the bass
    assert guide_tones(chord) <= {p % 12 for p in pitches}, (text, shape)
    assert {p % 12 for p in pitches} <= set(chord.pcs) | {chord.bass_pc}, (text, shape)


@pytest.mark.parametrize("text", COMMON_GUITAR)
def test_guitar_shapes_are_playable(text: str) -> None:
    check_shape(text)


@pytest.mark.parametrize("text", ["Bbmaj7", "Ebmaj7", "Bbmaj9", "B7#9", "C13"])
def test_guitar_shapes_never_sound_below_their_bass(text: str) -> None:
    check_shape(text)


def test_the_guitar_in_the_engine_plays_real_shapes() -> None:
    prog = parse_progression("G D Em C | Am7 D7 G")
    h = get_engine().write(HarmonyRequest(progression=prog.bars, key=prog.key, bars=2,
                                          instrument="acoustic guitar", seed=1))  # fmt: skip
    assert h.instrument == "acoustic guitar"
    assert {n.pitch for n in h.chord_notes} <= set(range(40, 77))


# -- bass ----------------------------------------------------------------------------------------


def bass_of(style: str, kicks=None, text: str = PROGRESSION, seed: int = 1, meter: str = "4/4"):  # noqa: ANN001, ANN201
    prog = parse_progression(text)
    return get_engine().write(HarmonyRequest(progression=prog.bars, key=prog.key,
                                             bars=len(prog.bars), bass_style=style, seed=seed,
                                             kicks=kicks, parts=("bass",), meter=meter))  # fmt: skip


def bass_range(style: str) -> range:
    return range(24, 44) if style == "808" else range(28, 53)


@pytest.mark.parametrize("style", BASS_STYLES)
def test_every_bass_note_is_in_the_bass_range(style: str) -> None:
    """Octaves once reached G3 (55), above the bass's E3."""
    for seed in range(4):
        for kicks in (None, FOUR_ON_THE_FLOOR, BOOM_BAP):
            notes = bass_of(style, kicks, seed=seed).bass_notes
            assert notes and all(n.pitch in bass_range(style) for n in notes), (
                seed,
                sorted({n.pitch for n in notes if n.pitch not in bass_range(style)}),
            )


@pytest.mark.parametrize("style", [s for s in BASS_STYLES if s != "offbeat"])
@pytest.mark.parametrize("kicks", [None, FOUR_ON_THE_FLOOR, BOOM_BAP])
def test_every_chord_change_plays_the_chords_bass_note(style: str, kicks) -> None:  # noqa: ANN001
    for seed in range(3):
        h = bass_of(style, kicks, seed=seed)
        onsets = {round(n.start_beats, 4): n.pitch for n in h.bass_notes}
        for seg in h.segments:
            pitch = onsets.get(round(seg.start, 4))
            assert pitch is not None and pitch % 12 == seg.chord.bass_pc, (seg, pitch)


def test_the_offbeat_bass_plays_the_chords_bass_between_the_beats() -> None:
    for kicks in (None, FOUR_ON_THE_FLOOR, BOOM_BAP):
        h = bass_of("offbeat", kicks)
        for n in h.bass_notes:
            assert n.start_beats % 1 == 0.5
            chord = next(s.chord for s in h.segments
                         if s.start <= n.start_beats < s.start + s.length)  # fmt: skip
            assert n.pitch % 12 == chord.bass_pc


ENDS_ELSEWHERE = ()


@pytest.mark.parametrize(
    "style",
    [pytest.param(s, marks=ENDS_ELSEWHERE) if s in ("rootfifth", "walking") else s
     for s in BASS_STYLES],
)  # fmt: skip
def test_the_line_ends_on_the_last_chords_bass_at_the_final_barline(style: str) -> None:
    for kicks in (None, FOUR_ON_THE_FLOOR, BOOM_BAP):
        h = bass_of(style, kicks)
        last, end = h.bass_notes[-1], h.segments[-1].start + h.segments[-1].length
        assert last.pitch % 12 == h.segments[-1].chord.bass_pc, (kicks, last)
        assert last.start_beats + last.dur_beats == pytest.approx(end), (kicks, last)
        assert max(n.start_beats + n.dur_beats for n in h.bass_notes[:-1]) <= end + 0.125


@pytest.mark.parametrize("style", sorted(LOCKS))
@pytest.mark.parametrize("kicks", [FOUR_ON_THE_FLOOR, BOOM_BAP], ids=["four", "boombap"])
def test_locking_styles_play_on_the_kick_or_a_chord_change(style: str, kicks) -> None:  # noqa: ANN001
    for seed in range(3):
        h = bass_of(style, kicks, seed=seed)
        changes = {round(s.start, 4) for s in h.segments}
        for n in h.bass_notes:
            bar, beat = divmod(n.start_beats, 4.0)
            assert round(n.start_beats, 4) in changes or beat in kicks[int(bar)], (seed, n)
        on_kicks = [n for n in h.bass_notes if n.start_beats % 4.0 in kicks[0]]
        assert len(on_kicks) >= len(h.bass_notes) / 2


@pytest.mark.parametrize("kicks", [FOUR_ON_THE_FLOOR, BOOM_BAP], ids=["four", "boombap"])
def test_the_offbeat_bass_avoids_the_kicks(kicks) -> None:  # noqa: ANN001
    notes = bass_of("offbeat", kicks).bass_notes
    assert notes
    for n in notes:
        bar, beat = divmod(n.start_beats, 4.0)
        assert beat not in kicks[int(bar)], n


@pytest.mark.parametrize(
    ("text", "meter"),
    [("Dm7 G7 | Cmaj7 | Em7 A7 | Dm7 G7 | Cmaj7 A7 | Dm7 | G7 | Cmaj7", "4/4"),
     ("Dm7 | G7 | Cmaj7 | A7", "3/4"),
     pytest.param("Fmaj7 | Bbmaj7 | Gm7 C7 | Fmaj7", "4/4")],
)  # fmt: skip
def test_walking_bass_is_quarters_with_a_half_step_into_each_change(text: str, meter: str) -> None:
    for seed in range(4):
        h = bass_of("walking", text=text, seed=seed, meter=meter)
        notes, beats = h.bass_notes, h.bar_beats
        end = h.segments[-1].start + h.segments[-1].length
        assert [n.start_beats for n in notes] == [float(b) for b in range(int(end))]
        assert all(0.5 <= n.dur_beats <= 1.0 for n in notes)
        by_beat = {n.start_beats: n.pitch for n in notes}
        for prev, seg in zip(h.segments, h.segments[1:], strict=False):
            if prev.length >= 2:
                before, at = by_beat[seg.start - 1], by_beat[seg.start]
                assert abs(before - at) == 1, (seed, seg, before, at)
                assert at % 12 == seg.chord.bass_pc
        assert beats in (3.0, 4.0)


@pytest.mark.parametrize("style", sorted(LOCKS))
def test_a_bar_with_an_empty_kick_list_plays_only_the_changes(style: str) -> None:
    kicks = {0: [0.0, 2.5], 1: [], 2: [0.0, 2.5], 3: []}
    notes = bassline([(0.0, 8.0, Chord(9, "min")), (8.0, 8.0, Chord(5, "maj"))], style, 4.0,
                     random.Random(1), kicks)  # fmt: skip
    assert [n.start_beats for n in notes if n.start_beats % 8 >= 4] == []


def test_jazz_chords_without_a_bass_still_sound_their_roots() -> None:
    h = get_engine().write(HarmonyRequest(style="jazz", bars=4, seed=1, parts=("chords",)))
    for seg in h.segments:
        notes = [n.pitch for n in h.chord_notes
                 if seg.start - 1e-6 <= n.start_beats < seg.start + seg.length - 1e-6]  # fmt: skip
        assert min(notes) % 12 == seg.chord.bass_pc, (symbol(seg.chord, h.key), notes)


@pytest.mark.parametrize("name", KEYBOARDS)
def test_every_chord_can_be_voiced_on_every_keyboard(name: str) -> None:
    failed = []
    for quality in QUALITIES:
        for root in range(12):
            for rootless in (False, True):
                try:
                    voiced(name, [Chord(root, quality)], rootless)
                except ValueError:
                    failed.append((symbol(Chord(root, quality), C), rootless))
    assert not failed, failed


@pytest.mark.parametrize("quality", ["11", "min11", "13", "maj13", "min13"])
def test_three_voice_keyboards_keep_the_seventh_of_eleventh_and_thirteenth_chords(
    quality: str,
) -> None:
    for name in ("piano", "clavinet"):
        for rootless in (False, True):
            [notes] = voiced(name, [Chord(7, quality)], rootless)
            assert guide_tones(Chord(7, quality)) <= {p % 12 for p in notes}, (name, notes)


@pytest.mark.parametrize(("name", "text"), [("guitar", "A"), ("guitar", "Am"), ("guitar", "D"),
                                            ("strings", "Bsus2")])  # fmt: skip
def test_no_voicing_sounds_the_same_pitch_twice(name: str, text: str) -> None:
    [notes] = voiced(name, list(parse_progression(text).chords), with_root=True)
    assert len(notes) == len(set(notes)), notes


def test_the_808_glides_only_into_a_new_pitch() -> None:
    notes = bassline([(0.0, 8.0, Chord(9, "min")), (8.0, 8.0, Chord(7, "maj"))], "808", 4.0,
                     random.Random(1))  # fmt: skip
    for a, b in zip(notes, notes[1:], strict=False):
        if a.pitch == b.pitch:
            assert a.start_beats + a.dur_beats <= b.start_beats + 1e-6, (a, b)
