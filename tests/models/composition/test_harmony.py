"""Harmony HMM, voice-leading and the statistics that measure them, on small exact cases."""

from __future__ import annotations

import numpy as np
import pytest

from models.composition.analysis import beat_grid, chord_tone_rate, parallels, pitch_class_entropy
from models.composition.harmony import Chord, HarmonyHMM, Slot, label_chord, melody_slots
from models.composition.melody_input import fit_octave, top_line
from models.composition.voicing import RANGES, candidates, voice_chords
from models.music.piece import Note
from models.music.theory import estimate_key, midi_name, parse_key, pc_name

I, II, IV, V, V7, VI = (Chord(0, "M"), Chord(2, "m"), Chord(5, "M"), Chord(7, "M"),  # noqa: E741
                        Chord(7, "7"), Chord(9, "m"))  # fmt: skip


@pytest.mark.parametrize(
    ("degrees", "bass", "expected"),
    [
        ({0, 4, 7}, 0, I),
        ({4, 7, 0}, 4, I),  # first inversion is still I
        ({7, 11, 2, 5}, 7, V7),
        ({2, 5, 9}, 2, II),
        ({11, 2, 5}, 2, Chord(11, "d")),
        ({0}, 0, None),  # a unison is no chord
    ],
)
def test_chord_labels(degrees, bass, expected) -> None:  # noqa: ANN001
    assert label_chord(degrees, bass) == expected


def test_numerals() -> None:
    assert [c.numeral("major") for c in (I, II, V7, Chord(11, "d"))] == ["I", "ii", "V7", "vii°"]
    assert Chord(3, "M").numeral("minor") == "III" and Chord(7, "M").numeral("minor") == "V"


def toy_hmm() -> HarmonyHMM:
    """I-IV-V-I cadences, the melody on chord tones."""
    prog = [I, IV, V, I] * 6
    tones = {I: 0, IV: 5, V: 7}
    pieces = [(prog, [Slot(tones[c], ()) for c in prog])] * 20
    return HarmonyHMM.fit("major", pieces)


def test_viterbi_follows_the_melody_and_ends_at_home() -> None:
    hmm = toy_hmm()
    slots = melody_slots([(60, 0, 1), (65, 1, 1), (67, 2, 1), (67, 3, 1)], 0, 1.0, 4)
    assert hmm.viterbi(slots) == [I, IV, V, I]
    restored = HarmonyHMM.from_json(hmm.to_json())
    assert restored.viterbi(slots) == hmm.viterbi(slots)


def test_melody_slots_weigh_onsets_and_later_notes() -> None:
    slots = melody_slots([(62, 0.0, 0.5), (64, 0.5, 0.5), (67, 2.0, 2.0)], 0, 1.0, 4)
    assert slots[0] == Slot(2, ((4, 0.5),))
    assert slots[1] == Slot(None, ())  # a rest
    assert slots[2].onset == 7 and slots[3].onset == 7  # a held note sounds in both


def test_voicing_is_complete_in_range_and_free_of_parallels() -> None:
    chords = [I, IV, V7, I, VI, II, V, I]
    soprano = [72, 72, 71, 72, 72, 74, 74, 72]
    voiced = voice_chords(chords, soprano, 0)
    assert voiced[:, 0].tolist() == soprano
    for row, chord in zip(voiced, chords, strict=True):
        pcs = {int(p) % 12 for p in row}
        assert {chord.degrees[0], chord.degrees[1]} <= pcs  # root and third always there
        assert sorted(row.tolist(), reverse=True) == row.tolist()  # no crossing
        for pitch, (lo, hi) in zip(row, RANGES.values(), strict=True):
            assert lo <= pitch <= hi
        assert list(row % 12).count(11) <= 1  # the leading tone is never doubled
    found, pairs = parallels(voiced)
    assert pairs == 42 and found == 0


def test_voicing_never_fails_even_for_an_awkward_soprano() -> None:
    voicings, costs = candidates(V7, 0, 57)  # below the soprano range
    assert len(voicings) >= 1 and np.isfinite(costs).all()


def test_parallels_are_counted_only_for_similar_motion() -> None:
    up_in_fifths = np.array([[67, 60], [69, 62]])
    oblique = np.array([[72, 60], [60, 60]])  # an octave leap over a held note
    contrary = np.array([[67, 60], [62, 67]])
    assert parallels(up_in_fifths) == (1, 1)
    assert parallels(oblique) == (0, 1)
    assert parallels(contrary) == (0, 1)


def test_statistics_on_a_tiny_chorale() -> None:
    key = parse_key("C")
    voices = [[(72, 0, 1), (71, 1, 1)], [(67, 0, 1), (67, 1, 1)], [(64, 0, 1), (62, 1, 1)],
              [(48, 0, 1), (55, 1, 1)]]  # fmt: skip
    assert beat_grid(voices).tolist() == [[72, 67, 64, 48], [71, 67, 62, 55]]
    # In 2/4 both beats are strong: C over a C chord, then B over a G chord.
    assert chord_tone_rate(voices, key, (2, 4)) == (2, 2)
    assert pitch_class_entropy([60, 62, 64, 65]) == pytest.approx(2.0)


def test_key_estimation_and_spelling() -> None:
    ode_end = [66, 66, 67, 69, 69, 67, 66, 64, 62, 62, 64, 66, 64, 62, 62]
    assert estimate_key(ode_end, [1.0] * len(ode_end))[0] == parse_key("D")
    a_minor = [69, 71, 72, 74, 76, 72, 69, 68, 69]
    assert estimate_key(a_minor, [1.0] * len(a_minor))[0] == parse_key("A", "minor")
    assert pc_name(1, parse_key("D", "minor")) == "C#"  # the leading tone of D minor
    assert midi_name(70, parse_key("F")) == "Bb4"
    assert pc_name(5, parse_key("F#", "minor")) == "E#"


def test_user_melodies_become_one_clean_line() -> None:
    notes = [Note(60, 0.02, 1.0), Note(64, 0.0, 0.5), Note(62, 0.49, 2.0), Note(65, 1.0, 1.0)]
    line = top_line(notes)
    assert [(n.pitch, n.start_beats, n.dur_beats) for n in line] == [
        (64, 0.0, 0.5), (62, 0.5, 0.5), (65, 1.0, 1.0)
    ]  # fmt: skip
    assert fit_octave([40, 45, 47]) == 24 and fit_octave([67, 72]) == 0
