"""`harmonize`: a producer's melody file in, four parts out; bad files are clear errors."""

from __future__ import annotations

from pathlib import Path

import pretty_midi
import pytest

from assistant.config import Settings
from assistant.core.runtime import Runtime
from models.composition.analysis import beat_grid, parallels
from tools.base import ToolContext

# "Ode to Joy" in D major, two phrases in quarter notes, 4/4 (the last note a half note).
ODE = [66, 66, 67, 69, 69, 67, 66, 64, 62, 62, 64, 66, 66, 64, 64,
       66, 66, 67, 69, 69, 67, 66, 64, 62, 62, 64, 66, 64, 62, 62]  # fmt: skip


def melody_file(folder: Path, name: str = "ode.mid", pitches=ODE, meter=(4, 4), octave=0,  # noqa: ANN001
                drums=False, tempo=100.0) -> Path:  # fmt: skip
    pm = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(*meter, 0.0))
    inst = pretty_midi.Instrument(program=0, is_drum=drums, name="lead")
    beat = 60.0 / tempo
    for i, p in enumerate(pitches):
        length = 2 if i == len(pitches) - 1 else 1
        inst.notes.append(pretty_midi.Note(90, p + octave, i * beat, (i + length) * beat - 0.01))
    pm.instruments.append(inst)
    path = folder / name
    pm.write(str(path))
    return path


def call(settings: Settings, **args):  # noqa: ANN003, ANN201
    return Runtime().call("harmonize", args, ToolContext(settings=settings))


def test_harmonises_a_melody_in_four_parts(settings: Settings, workspace: Path) -> None:
    melody_file(workspace)
    result = call(settings, file="ode.mid", audio=False)
    assert result.ok, result.error
    assert "D major (key found from the notes)" in result.summary
    pm = pretty_midi.PrettyMIDI(next(f for f in result.files if f.endswith(".mid")))
    assert [i.name for i in pm.instruments] == ["Soprano", "Alto", "Tenor", "Bass"]
    soprano = [n.pitch for n in pm.instruments[0].notes]
    assert soprano == [p + 12 for p in ODE] or soprano == ODE  # the tune itself, unchanged
    beat = 60.0 / 100.0
    voices = [[(n.pitch, n.start / beat, (n.end - n.start) / beat) for n in i.notes]
              for i in pm.instruments]  # fmt: skip
    found, pairs = parallels(beat_grid(voices))
    assert pairs > 40 and found == 0
    assert result.data["numerals"][0] == "I" and result.data["numerals"][-1] == "I"
    assert result.song["source"].endswith("ode.mid") and result.song["tool"] == "harmonize"


def test_low_melodies_move_up_to_the_soprano_and_the_key_can_be_named(settings, workspace) -> None:  # noqa: ANN001
    melody_file(workspace, octave=-24)
    result = call(settings, file=str(workspace / "ode.mid"), key="D", mode="major", audio=False)
    assert result.ok, result.error
    assert "moved 2 octaves up" in result.summary
    assert "key found" not in result.summary


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ws: (ws / "empty.mid").write_bytes(b"") and None or "empty.mid", "empty"),
        (lambda ws: (ws / "junk.mid").write_bytes(b"MThd\x00\x00garbage" * 20) and None
         or "junk.mid", "not a readable MIDI file"),
        (lambda ws: melody_file(ws, "five.mid", meter=(5, 4)).name, "is in 5/4"),
        (lambda ws: melody_file(ws, "drums.mid", drums=True).name, "no notes to harmonise"),
        (lambda ws: melody_file(ws, "one.mid", pitches=[60]).name, "at least two"),
        (lambda ws: "missing.mid", "no file"),
        (lambda ws: "../outside.mid", "outside the workspace"),
        (lambda ws: (ws / "notes.txt").write_text("C D E") and None or "notes.txt", "not a mid"),
    ],
)  # fmt: skip
def test_bad_melody_files_are_clear_errors_and_write_nothing(
    settings, workspace, make, message
) -> None:  # noqa: ANN001, E501
    melody_file(workspace.parent, "outside.mid")
    result = call(settings, file=make(workspace))
    assert not result.ok and message in result.error, result.error
    outputs = Path(settings.outputs_dir)
    assert not outputs.exists() or not any(outputs.iterdir())


def test_in_a_conversation(make_session, workspace: Path) -> None:  # noqa: ANN001
    from tests.helpers import turn

    melody_file(workspace, "hook.mid")
    session = make_session()
    _, done = turn(session, "harmonize hook.mid as a chorale")
    assert done.tool == "harmonize" and done.ok, done.reply
    assert "hook-harmonised-D-major.mid" in done.reply
    _, faster = turn(session, "make it faster")
    assert faster.tool == "harmonize" and faster.ok, faster.reply
    assert "at 120 bpm" in faster.reply


@pytest.mark.parametrize("style", ["pop", "jazz"])
def test_a_melody_gets_pop_chords_and_a_bass_under_it(settings: Settings, workspace: Path,
                                                       style: str) -> None:  # fmt: skip
    """A producer's style: chords from the learned model that fit the tune, voiced in the style,
    a bass, and the melody itself untouched on its own track."""
    from models.harmony.parse import parse_progression
    from models.music.midi_io import read_midi

    melody_file(workspace)
    result = call(settings, file="ode.mid", style=style, audio=False)
    assert result.ok, result.error
    assert "D major (key found from the notes)" in result.summary and "bass" in result.summary
    piece = read_midi(next(f for f in result.files if f.endswith(".mid")))
    names = [t.name for t in piece.tracks]
    assert names[0] == "Melody" and names[-1] == "Bass" and names[1].startswith("Chords")
    assert [n.pitch for n in piece.tracks[0].notes] == ODE  # at the pitch it was written
    assert piece.chords and piece.bars == 8
    key = piece.key
    chords = parse_progression(" ".join(m.text for m in piece.chords), key).chords
    assert chords[0].root == 2 and chords[-1].root == 2  # it starts and ends on D
    # on each beat, the melody's note is a chord tone or a step from one (no clashes held)
    beat_notes = {round(n.start_beats): n.pitch % 12 for n in piece.tracks[0].notes}
    held = [m for m in piece.chords]
    inside = 0
    for beat, pc in beat_notes.items():
        mark = next(m for m in held if m.start_beats <= beat < m.start_beats + m.dur_beats)
        chord = parse_progression(mark.text, key).chords[0]
        inside += pc in chord.pcs
    assert inside / len(beat_notes) >= 0.6
    assert result.song["tool"] == "harmonize" and "|" in result.preview


def test_a_line_wider_than_a_soprano_is_moved_into_range_not_a_crash(
    settings: Settings, workspace: Path
) -> None:
    """A piano sonata's top line can span MIDI 44-76: the notes a soprano can't sing move by
    octaves into C4-G5, and the reply says how many (it crashed in the voicing before)."""
    wide = [44, 48, 51, 56, 60, 63, 68, 72, 76, 72, 68, 63, 60, 56, 51, 48]
    melody_file(workspace, "wide.mid", pitches=wide)
    result = call(settings, file="wide.mid", key="Ab", mode="major", audio=False)
    assert result.ok, result.error
    assert "notes moved by octaves into C4-G5" in result.summary
    pm = pretty_midi.PrettyMIDI(result.files[0])
    soprano = pm.instruments[0].notes
    assert all(60 <= n.pitch <= 79 for n in soprano)
    assert [n.pitch % 12 for n in soprano] == [p % 12 for p in wide]  # the tune's notes, kept


def test_a_soprano_no_voicing_fits_under_is_one_sentence() -> None:
    from models.composition.harmony import Chord
    from models.composition.voicing import voice_chords
    from models.errors import InputError

    with pytest.raises(InputError, match=r"^No four-part voicing fits under a soprano note"):
        voice_chords([Chord(0, "M"), Chord(7, "M")], [72, 20], 0)
