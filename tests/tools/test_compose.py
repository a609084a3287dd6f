from __future__ import annotations

from pathlib import Path

import pretty_midi
import pytest

from assistant.config import Settings
from assistant.core.runtime import Runtime
from models.music.theory import parse_key
from tools.base import ToolContext


def call(settings: Settings, **args):  # noqa: ANN003, ANN201
    return Runtime().call("compose", args, ToolContext(settings=settings))


def bars_in(pm: pretty_midi.PrettyMIDI) -> float:
    ts = pm.time_signature_changes[0]
    beats = pm.time_to_tick(pm.get_end_time()) / pm.resolution
    return beats / (ts.numerator * 4 / ts.denominator)


@pytest.mark.parametrize(
    ("key", "mode", "meter", "bars", "style"),
    [
        ("G", "major", "4/4", 8, "chorale"),
        ("F#", "minor", "3/4", 16, "chorale"),
        ("Bb", "major", "6/8", 12, "irish"),
        ("E", "minor", "2/4", 5, "folk"),
        ("Db", "major", "12/8", 4, "irish"),
    ],
)
def test_key_meter_and_bars_are_honoured(settings, key, mode, meter, bars, style) -> None:  # noqa: ANN001
    result = call(settings, key=key, mode=mode, meter=meter, bars=bars, style=style, seed=11)
    assert result.ok, result.error
    pm = pretty_midi.PrettyMIDI(result.files[0])
    notes = pm.instruments[0].notes
    scale = parse_key(key, mode).scale_pcs()
    assert all(n.pitch % 12 in scale for n in notes)
    assert notes[-1].pitch % 12 == parse_key(key, mode).tonic_pc  # ends at home
    ts = pm.time_signature_changes[0]
    assert f"{ts.numerator}/{ts.denominator}" == meter
    assert bars_in(pm) == pytest.approx(bars)


def test_same_seed_same_piece(settings: Settings) -> None:
    a, b = (call(settings, key="D", bars=16, seed=1234) for _ in range(2))
    c = call(settings, key="D", bars=16, seed=1235)
    notes = [
        [(n.pitch, n.start) for n in pretty_midi.PrettyMIDI(r.files[0]).instruments[0].notes]
        for r in (a, b, c)
    ]
    assert notes[0] == notes[1]
    assert notes[0] != notes[2]


def test_mood_drives_mode_and_tempo(settings: Settings) -> None:
    sad = call(settings, mood="sad", seed=3)
    happy = call(settings, mood="energetic", seed=3)
    assert sad.data["key"].endswith("minor") and happy.data["key"].endswith("major")
    assert sad.data["tempo"] < happy.data["tempo"]


def test_output_parses_with_music21(settings: Settings) -> None:
    from music21 import converter

    result = call(settings, key="A", mode="minor", meter="3/4", bars=8, seed=2)
    score = converter.parse(result.files[0])
    assert len(score.flatten().notes) == result.data["notes"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"key": "H#"}, "not a key I know"),
        ({"bars": 0}, "at least 1"),
        ({"bars": 10_000}, "at most 256"),
        ({"meter": "7/4"}, "must be one of"),
        ({"mood": "purple"}, "don't know the mood"),
        ({"instrument": "theremin-9000"}, "don't know the instrument"),
        ({"tempo": 5}, "at least 30"),
        ({"colour": "red"}, "no option 'colour'"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(settings, args, message) -> None:  # noqa: ANN001
    result = call(settings, **args)
    assert not result.ok and message in result.error
    outputs = Path(settings.outputs_dir)
    assert not outputs.exists() or not any(outputs.iterdir())
