"""The `compose` tool end to end: real checkpoint, real files, read back by other libraries."""

from __future__ import annotations

import wave
from pathlib import Path

import pretty_midi
import pytest

from assistant.config import Settings
from assistant.core.runtime import Runtime
from models.composition.analysis import four_part_stats, pool
from models.composition.voicing import RANGES
from models.music.theory import parse_key
from tools.base import ToolContext


def call(settings: Settings, **args):  # noqa: ANN003, ANN201
    return Runtime().call("compose", args, ToolContext(settings=settings))


def bars_in(pm: pretty_midi.PrettyMIDI) -> float:
    ts = pm.time_signature_changes[0]
    beats = pm.time_to_tick(pm.get_end_time()) / pm.resolution
    return beats / (ts.numerator * 4 / ts.denominator)


def file_of(result, suffix: str) -> Path:  # noqa: ANN001
    return next(Path(f) for f in result.files if f.endswith(suffix))


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
def test_key_meter_and_bars_are_honoured_in_every_part(
    settings, key, mode, meter, bars, style
) -> None:  # noqa: ANN001, E501
    result = call(settings, key=key, mode=mode, meter=meter, bars=bars, style=style, seed=11,
                  audio=False)  # fmt: skip
    assert result.ok, result.error
    pm = pretty_midi.PrettyMIDI(str(file_of(result, ".mid")))
    assert [i.name for i in pm.instruments] == ["Soprano", "Alto", "Tenor", "Bass"]
    the_key = parse_key(key, mode)
    for inst, (lo, hi) in zip(pm.instruments, RANGES.values(), strict=True):
        assert all(n.pitch % 12 in the_key.scale_pcs() for n in inst.notes), inst.name
        assert (
            lo - 3 <= min(n.pitch for n in inst.notes) <= max(n.pitch for n in inst.notes) <= hi + 3
        )
    for inst in (pm.instruments[0], pm.instruments[3]):  # melody and bass end at home
        assert max(inst.notes, key=lambda n: n.start).pitch % 12 == the_key.tonic_pc
    ts = pm.time_signature_changes[0]
    assert f"{ts.numerator}/{ts.denominator}" == meter
    assert bars_in(pm) == pytest.approx(bars)
    assert result.data["chords"] and result.data["numerals"][-1] in ("I", "i")


def test_midi_and_musicxml_parse_back_with_music21(settings: Settings) -> None:
    from music21 import converter

    result = call(settings, key="A", mode="minor", meter="3/4", bars=8, seed=2, audio=False)
    assert result.ok, result.error
    midi = converter.parse(file_of(result, ".mid"))
    assert len(midi.parts) == 4
    score = converter.parse(file_of(result, ".musicxml"))
    assert [p.partName for p in score.parts] == ["Soprano", "Alto", "Tenor", "Bass"]
    for part in score.parts:
        assert len(part.getElementsByClass("Measure")) == 8
    first = score.parts[0].getElementsByClass("Measure")[0]
    assert first.timeSignature.ratioString == "3/4"
    assert first.keySignature.sharps == 0
    sounding = sorted(p.midi for n in score.parts[0].flatten().notes for p in n.pitches)
    pm = pretty_midi.PrettyMIDI(str(file_of(result, ".mid")))
    assert len(sounding) >= len(pm.instruments[0].notes) - 1  # ties may split, never lose notes


def test_wav_is_rendered_with_the_piece(settings: Settings) -> None:
    from models.music.render import available_renderer

    if available_renderer() is None:
        pytest.skip("no audio renderer in this environment (make setup installs tinysoundfont)")
    result = call(settings, key="D", bars=4, tempo=120, seed=5)
    assert result.ok, result.error
    with wave.open(str(file_of(result, ".wav"))) as w:
        seconds = w.getnframes() / w.getframerate()
    assert 8.0 <= seconds <= 8.0 + 2.5  # 4 bars of 4/4 at 120 bpm, plus the release tail
    assert set(result.song["files"]) == {"midi", "musicxml", "wav"}


def test_compound_meters_count_dotted_quarter_beats(settings: Settings) -> None:
    result = call(settings, key="D", meter="6/8", style="irish", tempo=120, bars=4, seed=1,
                  audio=False)  # fmt: skip
    pm = pretty_midi.PrettyMIDI(str(file_of(result, ".mid")))
    assert pm.get_tempo_changes()[1][0] == pytest.approx(180.0, abs=0.01)  # 120 dotted quarters
    assert "6/8 at 120 bpm" in result.summary


def test_same_seed_same_piece(settings: Settings) -> None:
    a, b = (call(settings, key="D", bars=16, seed=1234, audio=False) for _ in range(2))
    c = call(settings, key="D", bars=16, seed=1235, audio=False)
    notes = [
        [
            (i, n.pitch, n.start)
            for i, inst in enumerate(pretty_midi.PrettyMIDI(str(file_of(r, ".mid"))).instruments)
            for n in inst.notes
        ]
        for r in (a, b, c)
    ]
    assert notes[0] == notes[1]
    assert notes[0] != notes[2]


def test_melody_alone(settings: Settings) -> None:
    result = call(settings, key="C", parts=1, seed=9, audio=False)
    pm = pretty_midi.PrettyMIDI(str(file_of(result, ".mid")))
    assert [i.name for i in pm.instruments] == ["Melody"]
    assert (
        "four parts" not in result.summary
        and "chords" not in result.data
        or not result.data["chords"]
    )


def test_chorales_follow_the_voice_leading_rules(settings: Settings) -> None:
    """Ten chorales: no parallel fifths or octaves, and strong beats on chord tones."""
    stats = []
    for seed in range(10):
        result = call(settings, key="Eb", mode="major" if seed % 2 else "minor", bars=8,
                      seed=seed, audio=False)  # fmt: skip
        pm = pretty_midi.PrettyMIDI(str(file_of(result, ".mid")))
        beat = 60.0 / pm.get_tempo_changes()[1][0]
        voices = [[(n.pitch, n.start / beat, (n.end - n.start) / beat) for n in i.notes]
                  for i in pm.instruments]  # fmt: skip
        stats.append(
            four_part_stats(voices, parse_key("Eb", "major" if seed % 2 else "minor"), (4, 4))
        )
    figures = pool(stats)
    assert figures["parallels_per_100_pairs"] < 0.5
    assert figures["strong_beat_chord_tones"] > 0.9
    assert figures["pitch_in_scale"] == 1.0


def test_mood_drives_mode_and_tempo(settings: Settings) -> None:
    sad = call(settings, mood="sad", seed=3, audio=False)
    happy = call(settings, mood="energetic", seed=3, audio=False)
    assert sad.data["key"].endswith("minor") and happy.data["key"].endswith("major")
    assert sad.data["tempo"] < happy.data["tempo"]


def test_reply_shows_the_harmony(settings: Settings) -> None:
    result = call(settings, key="F", bars=4, seed=8, audio=False)
    assert "Chords: F" in result.summary
    lines = result.preview.splitlines()
    assert lines[1].startswith(" S ") and lines[4].startswith(" B ")
    assert "Bb" in result.preview or "A#" not in result.preview  # spelled for F major


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
        ({"parts": 3}, "1 or 4"),
        ({"colour": "red"}, "no option 'colour'"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(settings, args, message) -> None:  # noqa: ANN001
    result = call(settings, **args)
    assert not result.ok and message in result.error
    outputs = Path(settings.outputs_dir)
    assert not outputs.exists() or not any(outputs.iterdir())


def test_a_failure_midway_leaves_no_partial_files(settings, monkeypatch) -> None:  # noqa: ANN001
    import models.music.musicxml as musicxml

    def broken(piece, path):  # noqa: ANN001, ANN202
        raise OSError("disk full")

    monkeypatch.setattr(musicxml, "write_musicxml", broken)
    result = call(settings, key="C", bars=4, seed=1)
    assert not result.ok
    outputs = Path(settings.outputs_dir)
    assert not outputs.exists() or not list(outputs.iterdir())


def test_very_long_pieces_are_not_bounced_automatically(settings: Settings) -> None:
    result = call(settings, key="C", bars=200, tempo=40, seed=1)
    assert result.ok, result.error
    assert not any(f.endswith(".wav") for f in result.files)
    assert "say 'render it'" in result.summary
