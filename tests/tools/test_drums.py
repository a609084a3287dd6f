"""`drums` end to end: real checkpoint, real files read back by pretty_midi and mido, bad input
refused in a sentence with nothing written, and a beat asked for and edited in a chat."""

from __future__ import annotations

import re
from pathlib import Path

import mido
import pretty_midi
import pytest

from assistant.config import Settings
from assistant.core.events import collect_turn
from assistant.core.runtime import Runtime
from models.drums.engine import Beat, DrumRequest, write_beat
from models.drums.kit import GM_NOTE
from models.drums.song import to_piece
from models.drums.styles import STYLES
from models.music.midi_io import write_midi
from tests.helpers import turn
from tools.base import ToolContext

ROOT = Path(__file__).resolve().parents[2]
QUARTERS_PER_BAR = {"4/4": 4.0, "3/4": 3.0, "6/8": 3.0}


def call(settings: Settings, **args):  # noqa: ANN003, ANN201
    return Runtime().call("drums", {"audio": False, **args}, ToolContext(settings=settings))


def midi_of(files: list[str]) -> Path:
    return next(Path(f) for f in files if f.endswith(".mid"))


def notes(path: Path) -> list[tuple[int, float, int]]:
    """(pitch, start in quarter beats, velocity) of every note."""
    pm = pretty_midi.PrettyMIDI(str(path))
    return sorted((n.pitch, round(pm.time_to_tick(n.start) / pm.resolution, 4), n.velocity)
                  for inst in pm.instruments for n in inst.notes)  # fmt: skip


def beat_of(data: dict) -> Beat:
    """The beat a result's controls describe (the engine is seeded: the same beat)."""
    return write_beat(DrumRequest(
        data["style"], data["tempo"], bars=data["bars"], meter=data["meter"], seed=data["seed"],
        swing=data["swing"], humanize=data["humanize"], density=data["density"],
        hat_density=data["hat_density"], half_time=data["half_time"],
        double_time=data["double_time"], fills_every=data["fills_every"],
        without=tuple(data["without"]), only=tuple(data["only"]), add=tuple(data["add"]),
    ))  # fmt: skip


def outputs(settings: Settings) -> list[Path]:
    folder = settings.outputs_dir
    return sorted(folder.iterdir()) if folder.exists() else []


# -- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "meter", "tempo", "bars"),
    [("rock", "4/4", 120, 8), ("trap", "4/4", 145, 4), ("jazz", "3/4", 160, 6),
     ("funk", "6/8", 70, 5), ("reggae", "4/4", 78, 16), ("boom bap", "3/4", 90, 3)],
)  # fmt: skip
def test_the_midi_reads_back_with_pretty_midi_and_mido(
    settings: Settings, style: str, meter: str, tempo: int, bars: int
) -> None:
    result = call(settings, style=style, meter=meter, tempo=tempo, bars=bars, seed=11)
    assert result.ok, result.error
    path = midi_of(result.files)
    quarter_bpm = tempo * 1.5 if meter == "6/8" else tempo  # 6/8: dotted quarters asked
    total = bars * QUARTERS_PER_BAR[meter]

    pm = pretty_midi.PrettyMIDI(str(path))
    assert [i.is_drum for i in pm.instruments] == [True]
    assert pm.get_tempo_changes()[1] == pytest.approx([quarter_bpm], abs=0.01)
    [ts] = pm.time_signature_changes
    assert f"{ts.numerator}/{ts.denominator}" == meter
    drums = pm.instruments[0].notes
    assert {n.pitch for n in drums} <= set(GM_NOTE.values())
    assert max(pm.time_to_tick(n.start) for n in drums) / pm.resolution < total
    assert max(pm.time_to_tick(n.end) for n in drums) / pm.resolution <= total

    midi = mido.MidiFile(path)
    messages = [m for t in midi.tracks for m in t]
    assert {m.channel for m in messages if m.type in ("note_on", "note_off")} == {9}
    tempos = [mido.tempo2bpm(m.tempo) for m in messages if m.type == "set_tempo"]
    assert tempos == pytest.approx([quarter_bpm], abs=0.01)
    meters = [f"{m.numerator}/{m.denominator}" for m in messages if m.type == "time_signature"]
    assert meters == [meter]
    end = max(sum(m.time for m in t) for t in midi.tracks)
    assert end <= round(total * midi.ticks_per_beat)

    assert result.data["tempo"] == tempo and result.data["meter"] == meter
    assert result.data["bars"] == bars and sum(result.data["per_drum"].values()) == len(drums)
    assert f"{tempo} bpm" in result.summary and meter in result.summary
    assert not any(f.endswith(".musicxml") for f in result.files)  # a grid, not a score


def test_the_same_seed_writes_the_same_beat_through_the_tool(settings: Settings) -> None:
    args = {"style": "funk", "tempo": 100, "bars": 8, "seed": 42}
    first, again = call(settings, **args), call(settings, **args)
    other = call(settings, **{**args, "seed": 43})
    assert first.ok and again.ok and other.ok
    assert midi_of(first.files) != midi_of(again.files)  # a new file, not an overwrite
    assert notes(midi_of(first.files)) == notes(midi_of(again.files))
    assert first.preview == again.preview and first.data == again.data
    assert notes(midi_of(other.files)) != notes(midi_of(first.files))
    assert "seed 42" in first.summary


@pytest.mark.parametrize(
    ("said", "name"),
    [("boom bap", "boombap"), ("Drum and Bass", "dnb"), ("lo-fi", "lofi"), ("hip hop", "hiphop"),
     ("reggaeton", "reggaeton"), ("bossa nova", "bossanova")],
)  # fmt: skip
def test_style_names_as_producers_say_them(settings: Settings, said: str, name: str) -> None:
    result = call(settings, style=said, bars=2, seed=1)
    assert result.ok, result.error
    assert result.data["style"] == name and result.data["tempo"] == STYLES[name].tempo[1]
    assert STYLES[name].label in result.summary


def test_fills_and_controls_are_reported(settings: Settings) -> None:
    result = call(settings, style="rock", bars=8, seed=3, fills_every=4, swing=0.5, humanize=0.0,
                  without=["ride"], add=["shaker"])  # fmt: skip
    assert result.ok, result.error
    assert result.data["fills"] == [4, 8]  # bars as a producer counts them
    assert "fills in bars 4, 8" in result.summary and "quantised" in result.summary
    assert "swing 50%" in result.summary and "no ride" in result.summary
    assert "ride" not in result.data["per_drum"] and result.data["per_drum"]["shaker"] == 8 * 16
    pm = pretty_midi.PrettyMIDI(str(midi_of(result.files)))
    crash = [pm.time_to_tick(n.start) / pm.resolution for n in pm.instruments[0].notes
             if n.pitch == GM_NOTE["crash"]]  # fmt: skip
    assert 16.0 in crash  # the downbeat of bar 5, after the fill
    assert "|bar 4 fill" in result.preview
    assert call(settings, style="rock", bars=8, seed=3, fills_every=0).data["fills"] == []


def test_the_doc_a_style_rule_reply_points_to_exists(settings: Settings) -> None:
    result = call(settings, style="trap", bars=1, seed=1)
    [doc] = re.findall(r"see (docs/[\w./-]+\.md)", result.summary)
    assert (ROOT / doc).is_file()


# -- bad input, through a session ---------------------------------------------------------------


BAD = [  # arguments, words the reply must have
    ({"style": "zouk"}, "I don't know zouk drums yet; the nearest I have is"),
    ({"style": "rock", "bars": 0}, "bars must be at least 1"),
    ({"style": "rock", "bars": 10000}, "at most 256"),
    ({"style": "rock", "tempo": 0}, "tempo must be at least 40"),
    ({"style": "rock", "tempo": 999}, "tempo must be at most 300"),
    ({"style": "rock", "meter": "5/4"}, "'5/4'"),
    ({"style": "rock", "half_time": True, "double_time": True}, "half-time or double-time"),
    ({"style": "rock", "without": ["cowbell"]}, "I don't have a cowbell in the kit"),
    ({"style": "rock", "add": ["cowbell"]}, "I don't have a cowbell in the kit"),
    ({"style": "rock", "meter": "3/4", "half_time": True}, "Half- and double-time are 4/4 feels"),
]


def test_bad_input_gets_a_clear_sentence_and_writes_nothing(make_session, settings) -> None:  # noqa: ANN001
    session = make_session()
    for args, words in BAD:
        _, done = collect_turn(session.call_tool("drums", {**args, "audio": False}))
        assert not done.ok and done.tool == "drums", (args, done.reply)
        assert words in done.reply, (args, done.reply)
        assert "\n" not in done.reply and "Traceback" not in done.reply, done.reply
        assert "unexpectedly" not in done.reply, done.reply
        assert outputs(settings) == [], (args, outputs(settings))
    assert session.state.current is None
    _, zouk = collect_turn(session.call_tool("drums", {"style": "zouk"}))
    nearest = re.search(r"the nearest I have is (.+?) \(or (.+?)\)\.", zouk.reply)
    labels = {s.label for s in STYLES.values()}
    assert nearest and set(nearest.groups()) <= labels, zouk.reply
    _, fine = collect_turn(session.call_tool("drums", {"style": "rock", "bars": 1, "audio": False}))
    assert fine.ok and len(outputs(settings)) == 1  # the session goes on


# -- in a chat ----------------------------------------------------------------------------------


@pytest.fixture
def no_audio(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chat asks for no WAV; bouncing one is the audio tests' business (and slow)."""
    monkeypatch.setattr("models.music.render.available_renderer", lambda: None)


def test_a_trap_beat_in_a_chat_then_edits_of_it(make_session, no_audio) -> None:  # noqa: ANN001
    session = make_session(seed=7)
    route, done = turn(session, "trap at 145 with hat rolls")
    assert route.tool == "drums" and done.tool == "drums" and done.ok, done.reply
    assert route.args["style"] == "trap" and route.args["tempo"] == 145
    midi = midi_of(done.result["files"])
    assert str(midi) in done.reply
    tempi = pretty_midi.PrettyMIDI(str(midi)).get_tempo_changes()[1]
    assert tempi == pytest.approx([145], abs=0.01)
    assert "Kick" in done.reply and "|bar 1" in done.reply and "trap beat" in done.reply
    hats = next(line for line in done.result["preview"].splitlines() if line.startswith("Hat "))
    assert "r" in hats[8:]  # the hat rolls

    route, done = turn(session, "more swing")
    assert route.tool == done.tool == "drums" and done.ok, done.reply
    assert route.args["swing"] > STYLES["trap"].swing and done.result["data"]["swing"] > 0
    assert route.args["tempo"] == 145 and route.args["style"] == "trap" and route.args["seed"] == 7
    swing = route.args["swing"]

    route, done = turn(session, "no fills")
    assert route.tool == done.tool == "drums" and done.ok, done.reply
    assert route.args["fills_every"] == 0 and route.args["swing"] == swing
    assert done.result["data"]["fills"] == []
    assert "fill" not in done.result["preview"].splitlines()[0]  # the grid's header
    assert "no fills (seed 7)" in done.reply

    route, done = turn(session, "make the hats busier")
    assert route.tool == done.tool == "drums" and done.ok, done.reply
    assert route.args["hat_density"] > 0.5 and done.result["data"]["hat_density"] > 0.5
    assert route.args["fills_every"] == 0 and route.args["tempo"] == 145


def test_a_rock_beat_half_timed_then_humanised_less(make_session, no_audio, tmp_path: Path) -> None:  # noqa: ANN001
    session = make_session(seed=3)
    route, done = turn(session, "a rock beat at 120, 8 bars")
    assert route.tool == done.tool == "drums" and done.ok, done.reply
    assert route.args["style"] == "rock" and route.args["bars"] == 8

    route, done = turn(session, "half-time it")
    assert route.tool == done.tool == "drums" and done.ok, done.reply
    assert route.args["half_time"] is True and route.args["double_time"] is False
    assert "half-time" in done.result["summary"]
    beat = beat_of(done.result["data"])  # the beat the file holds, rebuilt from its controls
    piece = write_midi(to_piece(beat), tmp_path / "again.mid")
    assert notes(piece) == notes(midi_of(done.result["files"]))
    for bar in range(8):
        if bar not in beat.fills:
            snares = {h.step for h in beat.hits if h.bar == bar and h.name == "snare"}
            assert 8 in snares and not snares & {4, 12}, (bar, sorted(snares))

    route, done = turn(session, "humanise it less")
    assert route.tool == done.tool == "drums" and done.ok, done.reply
    assert route.args["humanize"] < STYLES["rock"].humanize and route.args["half_time"] is True
    assert f"humanised {route.args['humanize']:.0%}" in done.reply
