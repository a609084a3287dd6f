"""The harmony engine end to end on the committed checkpoint: bar structure, seeds, moods,
harmonic rhythm, style colour, typed progressions kept exactly, and bad requests refused."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict

import pytest

from models.errors import InputError
from models.harmony.chords import MINOR_FAMILIES, Chord, symbol
from models.harmony.engine import HarmonyRequest, get_engine
from models.harmony.parse import parse_progression
from models.harmony.styles import coloured
from models.music.theory import Key

C, A_MINOR = Key(0, "major"), Key(9, "minor")
SEEDS = range(40)
EXTENDED = {"7", "maj7", "min7", "dim7", "hdim7", "minmaj7", "7sus4", "aug7", "6", "min6", "9",
            "maj9", "min9", "11", "min11", "13", "maj13", "min13", "6/9", "7b9", "7#9", "7#11",
            "7b13", "add9", "madd9"}  # fmt: skip


@pytest.fixture(scope="module")
def engine():  # noqa: ANN201
    return get_engine()


def write(engine, **kw):  # noqa: ANN001, ANN003, ANN201
    return engine.write(HarmonyRequest(**kw))


def given(text: str, key: Key | None = None, **kw) -> HarmonyRequest:  # noqa: ANN003
    """A request for a typed progression, as the tool builds it."""
    prog = parse_progression(text, key)
    return HarmonyRequest(progression=prog.bars, key=prog.key, **kw)


def timeline(harmony) -> list[tuple[float, float, Chord]]:  # noqa: ANN001
    return [(s.start, s.length, s.chord) for s in harmony.segments]


def one_sentence(message: str) -> bool:
    """One sentence: a single line ending in a full stop, no full stop inside it."""
    return "\n" not in message and message.endswith(".") and not re.search(r"[.!?]\s", message)


# -- structure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["pop", "rock", "jazz", "lofi", "trap", "house", "bossanova",
                                   "funk", "punk", "reggae"])  # fmt: skip
@pytest.mark.parametrize("mode", ["major", "minor"])
def test_eight_bars_are_eight_contiguous_bars(engine, style: str, mode: str) -> None:  # noqa: ANN001
    for seed in (0, 7):
        h = write(engine, style=style, key=Key(2, mode), bars=8, seed=seed)
        assert len(h.bars) == 8 and h.bar_beats == 4.0
        segs = h.segments
        assert segs[0].start == 0.0
        for a, b in zip(segs, segs[1:], strict=False):
            assert a.length > 0 and a.start + a.length == pytest.approx(b.start), (a, b)
        assert segs[-1].start + segs[-1].length == pytest.approx(32.0)
        assert all(bar for bar in h.bars), "a bar without a chord"
        notes = h.chord_notes + h.bass_notes
        assert h.chord_notes and h.bass_notes
        assert min(n.start_beats for n in notes) >= 0.0
        assert max(n.start_beats + n.dur_beats for n in notes) <= 32.0 + 1e-6


@pytest.mark.parametrize(("meter", "beats"), [("3/4", 3), ("6/8", 3), ("2/4", 2)])
def test_other_meters_fill_their_bars(engine, meter: str, beats: int) -> None:  # noqa: ANN001
    h = write(engine, meter=meter, bars=6, seed=3)
    assert h.bar_beats == beats and len(h.bars) == 6
    assert h.segments[-1].start + h.segments[-1].length == pytest.approx(6 * beats)


def test_the_same_seed_writes_the_same_harmony_and_another_seed_differs(engine) -> None:  # noqa: ANN001
    args = {"style": "lofi", "mood": "dreamy", "bars": 8}
    first, again = write(engine, seed=11, **args), write(engine, seed=11, **args)
    assert timeline(first) == timeline(again)
    assert first.chord_notes == again.chord_notes and first.bass_notes == again.bass_notes
    for seed in (12, 13, 14):
        other = write(engine, seed=seed, **args)
        assert (timeline(other), other.chord_notes) != (timeline(first), first.chord_notes), seed


# -- what a request leans the progression to --------------------------------------------------


def minor_share(engine, mood: str, key: Key | None = None) -> float:  # noqa: ANN001
    """The share of beats on minor-family chords over 40 seeds."""
    total = minor = 0.0
    for seed in SEEDS:
        for seg in write(engine, mood=mood, key=key, bars=8, seed=seed).segments:
            total += seg.length
            minor += seg.length * (seg.chord.family in MINOR_FAMILIES)
    return minor / total


def test_sad_leans_to_minor_chords_more_than_happy(engine) -> None:  # noqa: ANN001
    sad, happy = minor_share(engine, "sad"), minor_share(engine, "happy")
    assert sad > happy + 0.2, (sad, happy)
    assert write(engine, mood="sad", seed=1).key == A_MINOR  # no key: the mood's mode
    assert write(engine, mood="happy", seed=1).key == C
    # in one key the mood still leans: sad has more minor chords than happy in C major
    assert minor_share(engine, "sad", C) > minor_share(engine, "happy", C)


def test_doubling_the_harmonic_rhythm_changes_chords_more_often(engine) -> None:  # noqa: ANN001
    counts = {rate: [len(write(engine, bars=8, seed=s, harmonic_rhythm=rate).segments)
                     for s in SEEDS] for rate in (0.5, 1.0, 2.0)}  # fmt: skip
    assert statistics.mean(counts[2.0]) > statistics.mean(counts[1.0]) * 1.5, counts
    assert statistics.mean(counts[0.5]) < statistics.mean(counts[1.0]), counts
    assert sum(a > b for a, b in zip(counts[2.0], counts[1.0], strict=True)) >= 0.9 * len(SEEDS)


def test_jazz_colours_learned_chords_with_sevenths_and_keeps_dominants_dominant(engine) -> None:  # noqa: ANN001
    qualities: Counter = Counter()
    dominants: Counter = Counter()
    for seed in range(20):
        for key in (C, Key(10, "major"), A_MINOR, Key(2, "minor")):
            h = write(engine, style="jazz", key=key, bars=8, seed=seed)
            for seg in h.segments:
                qualities[seg.chord.quality] += 1
                if (seg.chord.root - key.tonic_pc) % 12 == 7 and seg.chord.family in (
                    "maj", "7", "maj7",
                ):  # fmt: skip
                    dominants[seg.chord.quality] += 1
    extended = sum(n for q, n in qualities.items() if q in EXTENDED)
    assert extended / sum(qualities.values()) >= 0.85, qualities
    assert dominants and set(dominants) <= {"7", "9", "7b9", "13"}, dominants
    assert "maj7" not in dominants


@pytest.mark.parametrize(
    ("quality", "next_degree", "next_minor", "want"),
    [("maj", 0, False, "7"), ("maj", 0, True, "7b9"), ("7", 0, False, "9"),
     ("maj", 9, True, "7"), ("maj", None, False, "7")],
)  # fmt: skip
def test_jazz_colour_of_the_fifth_degree(quality, next_degree, next_minor, want) -> None:  # noqa: ANN001
    for mode in ("major", "minor"):
        got = coloured(quality, 7, "jazz", mode, next_degree, next_minor, next_degree is None)
        assert got == want and got != "maj7", (mode, got)


@pytest.mark.parametrize("style", ["soul", "rnb", "lofi", "house", "jazz", "gospel"])
def test_every_style_writes_in_every_key(engine, style: str) -> None:  # noqa: ANN001
    """Dbsus2 on the electric piano once found no voicing (ValueError)."""
    for tonic in range(12):
        for mode in ("major", "minor"):
            for seed in range(2):
                write(engine, style=style, key=Key(tonic, mode), bars=8, seed=seed)


# -- typed progressions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bars", "style"),
    [("Am F C G", 8, "pop"), ("Cmaj7 | Dm7 G7 | Em7 A7 | Dm7 G7", 8, "jazz"),
     ("C G/B Am F", 4, "lofi"), ("Dm Bb | F C", 5, "trap"), ("ii-V-I", 6, "soul"),
     ("1 5 6m 4", 4, "rock"), ("E B | C#m A | E B | A", 2, "disco")],
)  # fmt: skip
def test_a_typed_progression_is_played_exactly_and_loops_to_fill(
    engine,
    text: str,
    bars: int,
    style: str,  # noqa: ANN001
) -> None:
    prog = parse_progression(text)
    h = engine.write(given(text, bars=bars, style=style, seed=2))
    expected = []
    for b in range(bars):
        written = prog.bars[b % len(prog.bars)]
        expected += [(b * 4 + i * 4 / len(written), 4 / len(written), c)
                     for i, c in enumerate(written)]  # fmt: skip
    assert [(pytest.approx(s), pytest.approx(n), c) for s, n, c in timeline(h)] == expected
    assert not h.coloured and len(h.bars) == bars


def test_a_typed_chord_twice_in_a_row_is_struck_twice(engine) -> None:  # noqa: ANN001
    h = engine.write(given("C C G G", bars=4, seed=1))
    assert [s.start for s in h.segments] == [0.0, 4.0, 8.0, 12.0]


def test_double_harmonic_rhythm_on_a_typed_loop_plays_it_twice(engine) -> None:  # noqa: ANN001
    prog = parse_progression("Am F C G")
    h = engine.write(given("Am F C G", bars=4, harmonic_rhythm=2.0, seed=1))
    assert [c for _, _, c in timeline(h)] == list(prog.chords) * 2
    assert [(s, n) for s, n, _ in timeline(h)] == [(2.0 * i, 2.0) for i in range(8)]
    slow = engine.write(given("Am F C G", bars=8, harmonic_rhythm=0.5, seed=1))
    assert [(s, n) for s, n, _ in timeline(slow)] == [(8.0 * i, 8.0) for i in range(4)]


def test_recolour_gives_a_typed_progression_the_style_colour(engine) -> None:  # noqa: ANN001
    plain = engine.write(given("Dm G C", key=C, style="jazz", bars=3, seed=1))
    assert [symbol(s.chord, C) for s in plain.segments] == ["Dm", "G", "C"]
    again = engine.write(given("Dm G C", key=C, style="jazz", bars=3, seed=1, recolour=True))
    assert [symbol(s.chord, C) for s in again.segments] == ["Dm7", "G7", "C6/9"]


# -- bad requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [({"style": "zouk"}, "zouk"), ({"mood": "grumpy"}, "grumpy"),
     ({"instrument": "banjo"}, "banjo"), ({"rhythm": "shuffle"}, "shuffle"),
     ({"bass_style": "slapped"}, "slapped"), ({"bars": 0}, "0"), ({"bars": 257}, "257"),
     ({"meter": "5/4"}, "5/4"), ({"meter": "7/8"}, "7/8"), ({"parts": ("drums",)}, "bass")],
)  # fmt: skip
def test_bad_requests_are_one_clear_sentence(engine, args: dict, words: str) -> None:  # noqa: ANN001
    with pytest.raises(InputError) as err:
        engine.write(HarmonyRequest(seed=1, **args))
    message = str(err.value)
    assert words in message and one_sentence(message), message


# -- bugs found while writing these tests ------------------------------------------------------


def test_colour_never_leaves_the_same_chord_twice_in_a_row(engine) -> None:  # noqa: ANN001
    repeats = []
    for style in ("jazz", "lofi", "soul"):
        for seed in SEEDS:
            h = write(engine, style=style, bars=8, seed=seed)
            repeats += [(style, seed, a.start, symbol(a.chord, h.key))
                        for a, b in zip(h.segments, h.segments[1:], strict=False)
                        if a.chord == b.chord]  # fmt: skip
    assert not repeats, repeats[:5]


@pytest.mark.parametrize("style", ["trap", "rnb", "rock", "lofi", "jazz"])
def test_no_pitch_is_struck_again_while_it_still_sounds(engine, style: str) -> None:  # noqa: ANN001
    overlaps = []
    for seed in range(5):
        by_pitch = defaultdict(list)
        for n in write(engine, style=style, bars=8, seed=seed).chord_notes:
            by_pitch[n.pitch].append(n)
        for notes in by_pitch.values():
            notes.sort(key=lambda n: n.start_beats)
            overlaps += [(seed, a, b) for a, b in zip(notes, notes[1:], strict=False)
                         if a.start_beats + a.dur_beats > b.start_beats + 1e-6]  # fmt: skip
    assert not overlaps, overlaps[:3]
