"""`generate` end to end with the committed checkpoint: new pieces, continuations, rewrites."""

from __future__ import annotations

from pathlib import Path

import pretty_midi
import pytest

from assistant.config import Settings
from assistant.core.runtime import Runtime
from models.composition.analysis import four_part_stats, pool
from models.generation.engine import Sampling, get_generator
from models.generation.pieces import Controls, generate
from models.music.theory import parse_key
from tests.helpers import turn
from tools.base import ToolContext
from tools.generate import redo_range


def call(settings: Settings, **args):  # noqa: ANN003, ANN201
    return Runtime().call("generate", args, ToolContext(settings=settings))


def midi_of(result) -> Path:  # noqa: ANN001
    return next(Path(f) for f in result.files if f.endswith(".mid"))


def notes(path: Path) -> list[list[tuple[int, float, float]]]:
    """Each track's notes as (pitch, start beat, end beat), to a 1/1000 beat."""
    pm = pretty_midi.PrettyMIDI(str(path))

    def beat(t: float) -> float:
        return round(pm.time_to_tick(t) / pm.resolution, 3)

    return [
        sorted((n.pitch, beat(n.start), beat(n.end)) for n in inst.notes) for inst in pm.instruments
    ]


def test_same_seed_same_piece_and_another_seed_another() -> None:
    gen = get_generator()
    c = Controls(parse_key("E", "minor"), (3, 4), "folk", False)
    a = generate(gen, c, 8, Sampling(0.9, 0.95, 4))
    b = generate(gen, c, 8, Sampling(0.9, 0.95, 4))
    other = generate(gen, c, 8, Sampling(0.9, 0.95, 5))
    assert a.voices == b.voices and a.logp == b.logp
    assert a.voices != other.voices


@pytest.mark.parametrize(
    ("key", "mode", "meter", "bars", "style", "parts"),
    [
        ("D", "major", "4/4", 8, "chorale", 4),
        ("F#", "minor", "3/4", 6, "chorale", 4),
        ("Bb", "major", "6/8", 12, "irish", 1),
        ("E", "minor", "2/4", 5, "folk", 4),
    ],
)
def test_a_new_piece_has_the_key_meter_and_bars_asked_for(
    settings, key, mode, meter, bars, style, parts
) -> None:  # noqa: ANN001
    result = call(settings, key=key, mode=mode, meter=meter, bars=bars, style=style, parts=parts,
                  seed=7, audio=False)  # fmt: skip
    assert result.ok, result.error
    assert "neural model" in result.summary and str(midi_of(result)) in result.files
    pm = pretty_midi.PrettyMIDI(str(midi_of(result)))
    ts = pm.time_signature_changes[0]
    assert f"{ts.numerator}/{ts.denominator}" == meter
    assert len(pm.instruments) == parts
    beats_per_bar = ts.numerator * 4 / ts.denominator
    end_beats = max(pm.time_to_tick(n.end) for i in pm.instruments for n in i.notes) / pm.resolution
    assert (bars - 1) * beats_per_bar < end_beats <= bars * beats_per_bar + 1e-6
    tonic = parse_key(key, mode)
    scale = tonic.scale_pcs()
    assert all(n.pitch % 12 in scale for i in pm.instruments for n in i.notes)
    assert result.song["tool"] == "generate" and result.song["seed"] == 7


def test_neural_chorales_avoid_parallels_like_bach() -> None:
    gen = get_generator()
    key = parse_key("G", "major")
    stats = []
    for seed in range(4):
        w = generate(gen, Controls(key, (4, 4), "chorale", True), 8, Sampling(0.9, 0.95, seed))
        voices = [[(n.pitch, n.start_beats, n.dur_beats) for n in v] for v in w.voices]
        stats.append(four_part_stats(voices, key, (4, 4)))
    pooled = pool(stats)
    assert pooled["parallels_per_100_pairs"] < 0.51  # Bach's own rate in the corpus
    assert pooled["strong_beat_chord_tones"] > 0.8


@pytest.fixture(scope="module")
def bach_midi(tmp_path_factory) -> Path:  # noqa: ANN001
    """A real chorale (BWV 66.6 from music21's corpus), written to MIDI by music21 itself."""
    from music21 import corpus

    path = tmp_path_factory.mktemp("bach") / "bwv66.mid"
    corpus.parse("bach/bwv66.6").write("midi", fp=str(path))
    return path


def _into_workspace(settings: Settings, path: Path) -> str:
    target = settings.workspace / path.name
    target.write_bytes(path.read_bytes())
    return path.name


def test_continuing_a_real_midi_keeps_every_given_note(settings, bach_midi) -> None:  # noqa: ANN001
    name = _into_workspace(settings, bach_midi)
    result = call(settings, file=name, extend=4, seed=2, audio=False)
    assert result.ok, result.error
    assert "exactly as they were" in result.summary
    before, after = notes(settings.workspace / name), notes(midi_of(result))
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        end = max(n[1] for n in old) if old else 0
        assert [n for n in new if n[1] <= end] == old  # the chorale as Bach wrote it
        assert len(new) > len(old)  # and every voice goes on


def test_redoing_bars_changes_only_those_bars(settings, bach_midi) -> None:  # noqa: ANN001
    name = _into_workspace(settings, bach_midi)
    result = call(settings, file=name, redo="3-4", mood="sad", seed=3, audio=False)
    assert result.ok, result.error
    assert "bars 3-4" in result.summary and "darker" in result.summary
    bar = 4.0
    before, after = notes(settings.workspace / name), notes(midi_of(result))
    for old, new in zip(before, after, strict=True):
        outside = [n for n in old if not 2 * bar <= n[1] < 4 * bar]
        kept = [n for n in new if not 2 * bar <= n[1] < 4 * bar]
        assert [n[:2] for n in kept] == [n[:2] for n in outside]  # held notes may be cut
    assert before != after


def test_redo_and_extend_the_current_song_in_a_chat(make_session, settings) -> None:  # noqa: ANN001
    session = make_session(seed=5)
    route, done = turn(session, "let the neural model write an 8 bar chorale in F")
    assert route.tool == "generate" and "Generated" in done.reply, done.reply
    first = session.state.current
    route, done = turn(session, "redo the last two bars, darker")
    assert route.args["redo"] == "last 2", route.args
    assert "Rewrote bars 7-8" in done.reply and "darker" in done.reply, done.reply
    assert session.state.current.parent == first.id
    assert (
        notes(Path(first.files["midi"]))[0][:6]
        == notes(Path(session.state.current.files["midi"]))[0][:6]
    )
    route, done = turn(session, "keep going for 4 more bars")
    assert route.args["extend"] == 4, route.args
    assert "by 4 bars" in done.reply and "bars 9-12" in done.reply, done.reply
    assert session.state.current.bars == 12


def test_bad_requests_get_clear_errors(settings) -> None:  # noqa: ANN001
    (settings.workspace / "broken.mid").write_bytes(b"MThd not really")
    bad = call(settings, file="broken.mid", extend=4)
    assert not bad.ok and "not a readable MIDI file" in bad.error
    bad = call(settings, file="../outside.mid", extend=4)
    assert not bad.ok and "outside" in bad.error.lower()
    bad = call(settings, extend=4)  # no file and no current song
    assert not bad.ok and "Which MIDI file" in bad.error
    made = call(settings, bars=4, style="folk", parts=1, seed=1, audio=False)
    name = _into_workspace(settings, midi_of(made))
    bad = call(settings, file=name, redo="6-9")
    assert not bad.ok and "4 bars" in bad.error
    bad = call(settings, file=name, redo="the chorus")
    assert not bad.ok and "bars 5-8" in bad.error


@pytest.mark.parametrize(
    ("text", "total", "want"),
    [("5-8", 16, (5, 8)), ("8 to 5", 16, (5, 8)), ("last 4", 16, (13, 16)),
     ("first 2", 8, (1, 2)), ("3", 4, (3, 3))],
)  # fmt: skip
def test_bar_ranges_read_as_a_producer_says_them(text, total, want) -> None:  # noqa: ANN001
    assert redo_range(text, total) == want


def test_pieces_end_on_the_tonic() -> None:
    gen = get_generator()
    key = parse_key("A", "minor")
    ends = 0
    for seed in range(6):
        w = generate(gen, Controls(key, (3, 4), "folk", False), 6, Sampling(0.9, 0.95, seed))
        last = max(w.voices[0], key=lambda n: n.start_beats)
        ends += last.pitch % 12 == key.tonic_pc
    assert ends >= 5
