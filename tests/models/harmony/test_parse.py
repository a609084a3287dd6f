"""Progressions as producers type them: chord symbols, Roman numerals, Nashville numbers."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from models.errors import InputError
from models.harmony.chords import QUALITIES, Chord, roman, symbol
from models.harmony.parse import find_progression, infer_key, parse_progression
from models.music.theory import Key, parse_key

C, A_MINOR = Key(0, "major"), Key(9, "minor")
KEYS = st.builds(Key, st.integers(0, 11), st.sampled_from(["major", "minor"]))
CHORDS = st.builds(
    Chord, st.integers(0, 11), st.sampled_from(sorted(QUALITIES)), st.integers(0, 11)
)


def bars(text: str, key: Key | None = None, **kw: int) -> list[list[tuple[int, str, int]]]:
    """Each bar as (root pc, quality, bass) per chord."""
    progression = parse_progression(text, key, **kw)
    return [[(c.root, c.quality, c.bass) for c in bar] for bar in progression.bars]


def names(text: str, key: Key | None = None) -> list[str]:
    """The chord symbols of a progression, spelled in its key."""
    progression = parse_progression(text, key)
    return [symbol(c, progression.key) for c in progression.chords]


# --- chord symbols -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "root", "quality", "bass"),
    [
        ("Am", 9, "min", 0), ("F", 5, "maj", 0), ("Bb/D", 10, "maj", 4), ("C/D", 0, "maj", 2),
        ("F#m7b5", 6, "hdim7", 0), ("C#dim7", 1, "dim7", 0), ("Gsus4", 7, "sus4", 0),
        ("G7sus4", 7, "7sus4", 0), ("Eb6", 3, "6", 0), ("Am6", 9, "min6", 0),
        ("Cadd9", 0, "add9", 0), ("D9", 2, "9", 0), ("Fmaj9", 5, "maj9", 0), ("Em9", 4, "min9", 0),
        ("A7b9", 9, "7b9", 0), ("E7#9", 4, "7#9", 0), ("C5", 0, "5", 0), ("Caug", 0, "aug", 0),
        ("C+", 0, "aug", 0), ("Cm(maj7)", 0, "minmaj7", 0), ("CmM7", 0, "minmaj7", 0),
        ("C°", 0, "dim", 0), ("Cdim", 0, "dim", 0), ("Cø7", 0, "hdim7", 0), ("CΔ7", 0, "maj7", 0),
        ("CΔ", 0, "maj7", 0), ("C-7", 0, "min7", 0), ("C-", 0, "min", 0), ("C6/9", 0, "6/9", 0),
        ("C6/9/E", 0, "6/9", 4), ("Db13", 1, "13", 0), ("CMaj7", 0, "maj7", 0),
        ("CM7", 0, "maj7", 0), ("Cmin7", 0, "min7", 0), ("Csus", 0, "sus4", 0),
        ("Cm7-5", 0, "hdim7", 0), ("C7(b9)", 0, "7b9", 0), ("Cmadd9", 0, "madd9", 0),
        ("Am7", 9, "min7", 0), ("G7", 7, "7", 0), ("Cmaj7", 0, "maj7", 0), ("B♭", 10, "maj", 0),
        ("F♯m", 6, "min", 0), ("am", 9, "min", 0), ("bb", 10, "maj", 0), ("Cb", 11, "maj", 0),
        ("E#", 5, "maj", 0), ("Ab/Eb", 8, "maj", 7), ("D/F#", 2, "maj", 4),
    ],
)  # fmt: skip
def test_chord_symbols(text: str, root: int, quality: str, bass: int) -> None:
    assert bars(text) == [[(root, quality, bass)]]


@pytest.mark.parametrize(
    "text",
    ["Am F C G", "am f c g", "Am, F, C, G", "Am-F-C-G", "Am -> F -> C -> G", "Am – F – C – G",
     "Am → F → C → G", "| Am | F | C | G |", "Am F C G.", "(Am F C G)", "Am - F - C - G"],
)  # fmt: skip
def test_separators(text: str) -> None:
    progression = parse_progression(text)
    assert progression.notation == "symbols"
    assert [(c.root, c.quality) for c in progression.chords] == [
        (9, "min"), (5, "maj"), (0, "maj"), (7, "maj")
    ]  # fmt: skip
    assert len(progression.bars) == 4


def test_bars_as_written_else_one_chord_a_bar() -> None:
    assert bars("Cmaj7 | Dm7 G7") == [[(0, "maj7", 0)], [(2, "min7", 0), (7, "7", 0)]]
    assert bars("|: Am | F :|") == [[(9, "min", 0)], [(5, "maj", 0)]]
    assert len(bars("Am F C G E F")) == 6
    assert bars("C F G C", beats_per_bar=3) == [[(0, "maj", 0)], [(5, "maj", 0)],
                                                 [(7, "maj", 0)], [(0, "maj", 0)]]  # fmt: skip


def test_repeat_marks() -> None:
    assert names("Am F x2") == ["Am", "F", "Am", "F"]
    assert names("Am F (x2) C G 2x") == ["Am", "F", "Am", "F", "C", "G", "C", "G"]
    assert bars("| Am | F G | x2") == [[(9, "min", 0)], [(5, "maj", 0), (7, "maj", 0)]] * 2


def test_spelling_follows_the_key() -> None:
    f_major = parse_key("F")
    assert names("Bb", f_major) == ["Bb"]
    assert names("A#", f_major) == ["Bb"]
    assert names("A# C F", f_major) == ["Bb", "C", "F"]
    assert names("Bb/D F", f_major) == ["Bb/D", "F"]


@settings(max_examples=300, deadline=None)
@given(CHORDS, KEYS)
def test_symbol_round_trip(chord: Chord, key: Key) -> None:
    assert parse_progression(symbol(chord, key)).chords == (chord,)


# --- Roman numerals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("ii-V-I", parse_key("Bb"), ["Cm", "F", "Bb"]),
        ("ii7-V7-Imaj7", C, ["Dm7", "G7", "Cmaj7"]),
        ("ii7-V7-Imaj7", None, ["Dm7", "G7", "Cmaj7"]),
        ("V7/V I", C, ["D7", "C"]),
        ("V/vi vi", C, ["E", "Am"]),
        ("vii°7/V V", C, ["F#dim7", "G"]),
        ("i-VI-III-VII", A_MINOR, ["Am", "F", "C", "G"]),
        ("i-VI-III-VII", None, ["Cm", "Ab", "Eb", "Bb"]),
        ("I-V-vi-IV", None, ["C", "G", "Am", "F"]),
        ("I V vi IV", parse_key("G"), ["G", "D", "Em", "C"]),
        ("I–V–vi–IV", C, ["C", "G", "Am", "F"]),
        ("bVII bVI I", C, ["Bb", "Ab", "C"]),
        ("#iv° V", C, ["F#dim", "G"]),
        ("vii° i", A_MINOR, ["G#dim", "Am"]),
        ("vii°7 i", A_MINOR, ["G#dim7", "Am"]),
        ("iiø7 V7 i", A_MINOR, ["Bm7b5", "E7", "Am"]),
        ("viiø7 I", C, ["Bm7b5", "C"]),
        ("bVII bVI i", A_MINOR, ["G", "F", "Am"]),  # flats against major: natural minor's own
        ("V i", A_MINOR, ["E", "Am"]),  # V is as written
        ("I6 IV", C, ["C6", "F"]),  # an added sixth, not a first inversion
        ("IV/3 V/5 V7/7", C, ["F/A", "G/D", "G7/F"]),  # the chord tone in the bass
        ("bII7 i", A_MINOR, ["Bb7", "Am"]),
        ("I+ IV iv", C, ["Caug", "F", "Fm"]),
    ],
)
def test_roman_numerals(text: str, key: Key | None, expected: list[str]) -> None:
    progression = parse_progression(text, key)
    assert progression.notation == "roman"
    assert [symbol(c, progression.key) for c in progression.chords] == expected


def test_roman_default_key() -> None:
    assert parse_progression("I-V-vi-IV").key == C
    assert parse_progression("i-iv-V").key == Key(0, "minor")
    assert parse_progression("ii-V-i").key == C  # only a progression that starts on i is minor


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 11),
    st.sampled_from(["maj", "min", "dim", "aug", "sus2", "sus4", "7", "maj7", "min7", "dim7",
                     "hdim7"]),
    KEYS,
    st.integers(0, 3),
)  # fmt: skip
def test_roman_round_trip(root: int, quality: str, key: Key, inversion: int) -> None:
    """roman() back to the chord, but for a minor key's diminished chord on its flat seventh:
    roman() writes it 'vii°', which a minor key reads as the leading tone's (the brief's rule)."""
    assume(not (key.mode == "minor" and (root - key.tonic_pc) % 12 == 10 and "dim" in quality))
    tones = sorted({i % 12 for i in QUALITIES[quality]})
    chord = Chord(root, quality, tones[inversion % len(tones)])
    assert parse_progression(roman(chord, key), key).chords == (chord,)


# --- Nashville numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("1 5 6m 4", parse_key("G"), ["G", "D", "Em", "C"]),
        ("1-4-5", None, ["C", "F", "G"]),
        ("6- 4 1 5", None, ["Am", "F", "C", "G"]),
        ("2m7 5 1", parse_key("Bb"), ["Cm7", "F", "Bb"]),
        ("1 b7 4 1", parse_key("D"), ["D", "C", "G", "D"]),
        ("4/1 1", C, ["F/C", "C"]),
        ("1 5/7 6m", C, ["C", "G/B", "Am"]),
        ("1maj7 4Δ7 57", C, ["Cmaj7", "Fmaj7", "G7"]),
        ("1m b6 b7", A_MINOR, ["Am", "F", "G"]),  # major-scale degrees, even in minor
        ("2-7", None, ["D", "B"]),  # a dash between numbers separates them
    ],
)
def test_nashville_numbers(text: str, key: Key | None, expected: list[str]) -> None:
    progression = parse_progression(text, key)
    assert progression.notation == "nashville"
    assert progression.key == (key or C)
    assert [symbol(c, progression.key) for c in progression.chords] == expected


# --- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Am F C G", "A minor"), ("C G Am F", "C major"), ("Dm Bb F C", "D minor"),
        ("Dm7 G7 Cmaj7", "C major"), ("Em C G D", "E minor"), ("G D Em C", "G major"),
        ("Am Dm E Am", "A minor"), ("Cm Ab Eb Bb", "C minor"), ("F#m D A E", "F# minor"),
        ("Bb F Gm Eb", "Bb major"), ("G7 C", "C major"), ("A7 D7 E7", "A major"),
    ],
)  # fmt: skip
def test_infer_key(text: str, key: str) -> None:
    assert parse_progression(text).key.name == key
    assert infer_key(list(parse_progression(text).chords)).name == key


def test_a_given_key_that_fits_wins() -> None:
    assert parse_progression("Am F C G", C).key == C  # the relative major: no contradiction
    assert parse_progression("Am F C G", parse_key("G")).key == parse_key("G")  # one tone off
    assert parse_progression("C Bb F C", C).key == C  # a borrowed bVII
    assert parse_progression("Db", C).key == C  # one chord says little of a key (a Neapolitan)
    assert parse_progression("F#7", C).chords == (Chord(6, "7"),)


def test_a_contradicting_key_is_refused() -> None:
    with pytest.raises(InputError) as err:
        parse_progression("Am F C G", parse_key("F#"))
    assert str(err.value).startswith("Am F C G sits in A minor, not in ")
    assert "leave the key out" in str(err.value)
    with pytest.raises(InputError, match="^Those chords sit in A minor"):
        parse_progression("Am F C G Am F C G Am", parse_key("F#"))


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Hm7 C", "'Hm7' is not a chord I can read"), ("C#b F", "'C#b'"), ("C## D", "'C##'"),
        ("Am ii F", "'ii' is a Roman numeral but the rest are chord symbols"),
        ("ii V 1", "'1' is a Nashville number but the rest are Roman numerals"),
        ("I64", "'I64'"), ("Vi IV", "'Vi'"), ("Cm6/9", "'Cm6/9'"), ("IV/2", "'IV/2'"),
        ("", "no chords"), ("  | |  ", "no chords"), (" ".join(["C"] * 257), "257 chords"),
        ("| Am F C G E |", "'Am F C G E' has 5 chords"), ("x2 Am", "'x2' repeats nothing"),
        ("Am x0", "'x0'"), ("Am x999", "'x999'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_sentence(text: str, named: str) -> None:
    with pytest.raises(InputError) as err:
        parse_progression(text)
    message = str(err.value)
    assert named in message
    assert "\n" not in message and message.endswith(".")


def test_hm7_message_in_full() -> None:
    with pytest.raises(InputError) as err:
        parse_progression("Hm7")
    assert str(err.value) == (
        "'Hm7' is not a chord I can read: write chords like Am, F, Cmaj7 or Bb/D, Roman numerals "
        "like ii-V-I, or Nashville numbers like 1-5-6m-4."
    )


def test_too_many_chords_for_the_beats() -> None:
    with pytest.raises(InputError, match="more than its 3 beats"):
        parse_progression("C F G C | C", beats_per_bar=3)
    with pytest.raises(InputError, match="at least one beat"):
        parse_progression("C", beats_per_bar=0)


# --- finding a progression in a message ----------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "found"),
    [
        ("a bassline under Dm Bb F C", "Dm Bb F C"),
        ("play me a ii-V-I with jazz voicings", "ii-V-I"),
        ("chords: Am F C G in A minor", "Am F C G"),
        ("make a progression using 1 5 6m 4", "1 5 6m 4"),
        ("write a I-V-vi-IV for the chorus", "I-V-vi-IV"),
        ("can you voice Cmaj7 | Dm7 G7 | Cmaj7 for piano?", "Cmaj7 | Dm7 G7 | Cmaj7"),
        ("give me a bass line for Am-F-C-G at 90 bpm", "Am-F-C-G"),
        ("What key is Em C G D in?", "Em C G D"),
        ("I want something like vi IV I V but darker", "vi IV I V"),
        ("reharmonize 1-4-5 with sevenths", "1-4-5"),
        ("try i-VI-III-VII in A minor", "i-VI-III-VII"),
        ("in Am F C G please", "Am F C G"),
        ("in C, C G Am F", "C G Am F"),
        ("I love the Dm7 G7 Cmaj7 turnaround", "Dm7 G7 Cmaj7"),
        ("Play C, G, Am, F on guitar.", "C, G, Am, F"),
        ("use the chords E - A - B7 - E", "E - A - B7 - E"),
        ('make a lofi loop over "Fmaj7 Em7 Dm7 Cmaj7"', "Fmaj7 Em7 Dm7 Cmaj7"),
        ("I'm thinking Bb F Gm Eb for the verse", "Bb F Gm Eb"),
        ("chords → Am → F → C → G", "Am → F → C → G"),
        ("can I get a vi–IV–I–V", "vi–IV–I–V"),
        ("the 2 5 1 in Bb", "2 5 1"),
        ("Am F C G x2 then Dm", "Am F C G x2"),
        ("am f c g on piano", "am f c g"),
        ("Can I have I IV V in G?", "I IV V"),
        ("Eb Bb Cm Ab and then Fm", "Eb Bb Cm Ab"),
        ("a i-iv-v in minor", "i-iv-v"),
        ("B♭ E♭ F over a trap beat", "B♭ E♭ F"),
        ("a tune in D dorian, Dm G Dm G", "Dm G Dm G"),
        ("try Am F C G instead", "Am F C G"),
    ],
)
def test_find_progression(message: str, found: str) -> None:
    assert find_progression(message) == found
    parse_progression(found)  # what it finds, the parser reads


@pytest.mark.parametrize(
    "message",
    [
        "make me a trap beat", "a sad song in A minor", "I am happy", "write a song in C",
        "A lo-fi beat", "A bassline in C", "make it sound like a D-beat",
        "write a 12 bar blues in A", "bars 1-4 need more energy", "count 1 2 3 4 then drop",
        "add hats on beats 2 and 4", "give me a 4/4 beat at 120 bpm",
        "a song in Eb major with strings", "I need a B-side for my EP", "Am I doing this right?",
        "the form is A B A B", "it should be in the key of G, with a bridge",
        "write a drill beat in F# minor at 140", "my bpm is 128 and key is D",
        "a C-pop ballad", "send a dm to my friend", "I am a producer",
        "give me 3, 4, 5 variations", "Part I, II and III", "so I, I guess", "i v i",
        "write a song in C a bit sad", "", "   ", "make the second chord Em instead of C",
        "use Fmaj7 instead of F", "change chord 2 to F", "make chord 3 a Dm7", "swap F and G",
        "play it in D dorian",
    ],
)  # fmt: skip
def test_no_progression_in_message(message: str) -> None:
    assert find_progression(message) is None
