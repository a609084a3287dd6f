"""Real outside MIDI files (tests/data/real: POP909 songs and music21 corpus pieces, annotated in
corpus.yaml): notes read at their written beats under a tempo map, the tempo map kept and
written back, the melody track a musician would pick, and the key of the notes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import mido
import pretty_midi
import pytest
import yaml

from models.composition.melody_input import top_line
from models.errors import InputError
from models.music.keyfinder import piece_key
from models.music.melody_track import choose_melody
from models.music.midi_io import read_midi, write_midi
from models.music.piece import Track
from models.music.theory import Key, estimate_key

REAL = Path(__file__).resolve().parents[2] / "data" / "real"
CORPUS = yaml.safe_load((REAL / "corpus.yaml").read_text())
FILES = sorted(CORPUS)


def key_of(name: str) -> Key:
    tonic, mode = name.split()
    from models.music.theory import parse_key

    return parse_key(tonic, mode)


def same(a: Key, b: Key) -> bool:
    return (a.tonic_pc, a.mode) == (b.tonic_pc, b.mode)


def raw_onsets(path: Path) -> list[float]:
    """Every note-on's tick over ticks per quarter note, straight from the file's bytes."""
    midi = mido.MidiFile(str(path))
    out = []
    for track in midi.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0 and msg.channel != 9:
                out.append(tick / midi.ticks_per_beat)
    return sorted(out)


@pytest.mark.parametrize("name", FILES)
def test_notes_are_read_at_their_written_beats(name: str) -> None:
    piece = read_midi(REAL / name)
    want = CORPUS[name]
    onsets = sorted(n.start_beats for t in piece.tracks if not t.is_drum for n in t.notes)
    assert onsets == pytest.approx(raw_onsets(REAL / name), abs=1e-5)
    assert piece.bars == want["bars"]
    assert len(piece.tempos) == want["tempo_changes"]


def test_a_tempo_map_moves_notes_off_their_beats_when_read_with_the_first_tempo_only() -> None:
    """What the reader did before: seconds over the first tempo's beat. On a POP909 song with a
    tempo map most notes then land away from their written position, and the bar count drifts."""
    path = REAL / "pop909-002.mid"
    pm = pretty_midi.PrettyMIDI(str(path))
    beat = 60.0 / pm.get_tempo_changes()[1][0]
    naive = sorted(n.start / beat for inst in pm.instruments for n in inst.notes)
    written = raw_onsets(path)
    off = sum(abs(a - b) > 0.05 for a, b in zip(naive, written, strict=True)) / len(written)
    assert off > 0.5  # the bug this reader fixes
    assert read_midi(path).bars == CORPUS["pop909-002.mid"]["bars"]


@pytest.mark.parametrize("name", ["pop909-002.mid", "bach-bwv846-prelude.mid"])
def test_the_tempo_map_is_written_back(name: str, tmp_path: Path) -> None:
    piece = read_midi(REAL / name)
    out = write_midi(piece, tmp_path / name)
    again = read_midi(out)
    assert [(m.start_beats, m.bpm) for m in again.tempos] == pytest.approx(
        [(m.start_beats, m.bpm) for m in piece.tempos], abs=1.1 / 960
    )
    # Every note sounds when it did in the original file, through the tempo map.
    before = sorted(n.start for i in pretty_midi.PrettyMIDI(str(REAL / name)).instruments
                    for n in i.notes)  # fmt: skip
    after = sorted(n.start for i in pretty_midi.PrettyMIDI(str(out)).instruments for n in i.notes)
    assert after == pytest.approx(before, abs=0.01)
    assert piece.duration_sec == pytest.approx(again.duration_sec, abs=0.05)


@pytest.mark.parametrize("name", FILES)
def test_the_melody_track_is_the_one_a_musician_would_pick(name: str) -> None:
    piece = read_midi(REAL / name)
    index, track_name = CORPUS[name]["melody"]
    choice = choose_melody(piece)
    assert choice.index == index and piece.tracks[index].name == track_name
    assert track_name in choice.how


def test_the_highest_track_is_not_taken_for_the_melody() -> None:
    """POP909's BRIDGE lies above its MELODY; the named track wins. Without names, the line
    that sounds through the song still wins over the higher, intermittent bridge."""
    piece = read_midi(REAL / "pop909-020.mid")
    mean = [sum(n.pitch for n in t.notes) / len(t.notes) for t in piece.tracks]
    assert max(range(3), key=lambda i: mean[i]) == 1  # BRIDGE is the highest on average
    unnamed = replace(piece, tracks=[Track("", t.program, t.notes, t.is_drum)
                                     for t in piece.tracks])  # fmt: skip
    assert choose_melody(unnamed).index == 0


def test_a_producer_can_name_another_track() -> None:
    piece = read_midi(REAL / "pop909-002.mid")
    assert choose_melody(piece, "bridge").index == 1
    assert choose_melody(piece, "3").index == 2
    assert choose_melody(piece, "melody").index == 0
    with pytest.raises(InputError, match="no flute track.*MELODY, BRIDGE, PIANO"):
        choose_melody(piece, "flute")


@pytest.mark.parametrize("name", FILES)
def test_the_key_found_from_the_notes_is_the_annotated_key(name: str) -> None:
    piece = read_midi(REAL / name)
    found = piece_key(piece)
    assert same(found.key, key_of(CORPUS[name]["key"])), (found.key.name, found.confidence)
    assert 0.0 < found.confidence <= 1.0
    signature = CORPUS[name]["signature"]
    assert (piece.signature is None) == (signature is None)
    if signature:
        assert same(piece.signature, key_of(signature))


def test_the_notes_win_over_a_key_signature_that_names_the_relative_major() -> None:
    """Beethoven's Adagio in D minor carries one flat, which a MIDI file can only call F major."""
    piece = read_midi(REAL / "beethoven-op18no1-adagio.mid")
    found = piece_key(piece)
    assert found.signature.name == "F major" and found.key.name == "D minor"
    assert found.overrides_signature


def test_the_melody_alone_misleads_the_plain_profile_where_the_whole_file_does_not() -> None:
    """Before, harmonise read the key from the highest track's top line only."""
    piece = read_midi(REAL / "pop909-020.mid")
    bridge = top_line(piece.tracks[1].notes)  # the highest track's top line
    old, _ = estimate_key([n.pitch for n in bridge], [n.dur_beats for n in bridge])
    assert old.name == "C major"  # the bridge's notes alone read as the relative major
    assert same(piece_key(piece).key, key_of("A minor"))


def test_a_loop_plays_the_tempo_map_each_time_round_and_a_cut_keeps_its_part() -> None:
    from models.arrangement.edit import cut, looped

    piece = read_midi(REAL / "bach-bwv846-prelude.mid")  # a ritardando in its last bar
    twice = looped(piece, 2)
    assert twice.duration_sec == pytest.approx(2 * piece.duration_sec)
    assert [(m.start_beats, m.bpm) for m in twice.tempos][2:5] == [(131.25, 30.0), (136.0, 72.0),
                                                                  (266.0, 66.0)]  # fmt: skip
    assert cut(piece, 10).tempos == [] and cut(piece, 10).duration_sec == pytest.approx(40 * 60 / 72)


def test_the_score_marks_the_tempo_map_where_the_midi_changes_tempo(tmp_path: Path) -> None:
    import music21

    from models.music.musicxml import write_musicxml

    piece = read_midi(REAL / "bach-bwv846-prelude.mid")
    score = music21.converter.parse(str(write_musicxml(piece, tmp_path / "p.musicxml")))
    marks = [(float(m.getOffsetInHierarchy(score)), m.number)
             for m in score.recurse().getElementsByClass("MetronomeMark")]  # fmt: skip
    assert marks == [(0.0, 72), (130.0, 66), (130.75, 48), (131.25, 30)]
