"""`chords` and `bass` end to end: real checkpoint, files read back by pretty_midi, mido and
music21 with the chord symbols as typed, spelling, bad input refused with nothing written,
chord replacement, parts, the chart, and a bass locked to a drum file's kick."""

from __future__ import annotations

import json
import re
from pathlib import Path

import mido
import music21
import pretty_midi
import pytest
from typer.testing import CliRunner

from assistant.config import Settings
from assistant.core.runtime import Runtime
from models.harmony.chords import Chord
from models.harmony.parse import parse_progression
from models.music.midi_io import read_midi, write_midi
from models.music.piece import Note, Piece, Track
from models.music.theory import Key, parse_key
from tools.base import ToolContext

KICK, SNARE, HAT = 36, 38, 42


def call(settings: Settings, tool: str = "chords", **args):  # noqa: ANN003, ANN201
    return Runtime().call(tool, {"audio": False, **args}, ToolContext(settings=settings))


def file_of(result, suffix: str) -> Path:  # noqa: ANN001
    return next(Path(f) for f in result.files if f.endswith(suffix))


def outputs(settings: Settings) -> list[Path]:
    folder = settings.outputs_dir
    return sorted(folder.iterdir()) if folder.exists() else []


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and not re.search(r"[.!?]\s", message)


def bars_of_chords(text: str, key: Key | None = None) -> list[list[Chord]]:
    return [list(bar) for bar in parse_progression(text, key).bars]


def marks_by_bar(midi: Path, bar_beats: float = 4.0) -> list[list[str]]:
    """The chord symbols of the MIDI file's markers, bar by bar."""
    piece = read_midi(midi)
    bars: list[list[str]] = [[] for _ in range(piece.bars)]
    for mark in piece.chords:
        bars[int(mark.start_beats // bar_beats)].append(mark.text)
    return bars


def xml_symbols_by_bar(path: Path) -> list[list[music21.harmony.ChordSymbol]]:
    score = music21.converter.parse(str(path))
    measures = score.parts[0].getElementsByClass(music21.stream.Measure)
    return [list(m.getElementsByClass(music21.harmony.ChordSymbol)) for m in measures]


def same_chord(symbol: music21.harmony.ChordSymbol, chord: Chord) -> bool:
    """Root, bass and chord tones (so the quality) of a MusicXML chord symbol."""
    return (symbol.root().pitchClass == chord.root and symbol.bass().pitchClass == chord.bass_pc
            and {p.pitchClass for p in symbol.pitches} == set(chord.pcs) | {chord.bass_pc})  # fmt: skip


# -- files and chord symbols ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key", "symbols"),
    [("Am F C G", None, ["Am", "F", "C", "G"]),
     ("ii-V-I", "Bb", ["Cm", "F", "Bb"]),
     ("1 5 6m 4", "G", ["G", "D", "Em", "C"]),
     ("Cmaj7 | Dm7 G7 | F#m7b5 B7 | Em7 | C/E | Bb | Fm6 | Gsus4", None,
      ["Cmaj7", "Dm7 G7", "F#m7b5 B7", "Em7", "C/E", "Bb", "Fm6", "Gsus4"])],
)  # fmt: skip
def test_typed_chords_come_back_from_midi_and_musicxml(
    settings: Settings, typed: str, key: str | None, symbols: list[str]
) -> None:
    result = call(settings, progression=typed, key=key, seed=1)
    assert result.ok, result.error
    assert result.data["chords"] == symbols
    # chord symbols are kept as written for good; numerals may take a later style's colour
    assert result.data["typed"] is (parse_progression(typed).notation == "symbols")
    assert result.data["bars"] == len(symbols)
    midi, xml = file_of(result, ".mid"), file_of(result, ".musicxml")

    pm = pretty_midi.PrettyMIDI(str(midi))
    names = [i.name for i in pm.instruments]
    assert names == ["Chords (piano)", "Bass"] and not any(i.is_drum for i in pm.instruments)
    total = len(symbols) * 4.0
    ends = [pm.time_to_tick(n.end) / pm.resolution for i in pm.instruments for n in i.notes]
    assert max(ends) <= total + 1e-6
    markers = [m.text for t in mido.MidiFile(midi).tracks for m in t if m.type == "marker"]
    assert markers == " ".join(symbols).split()

    assert marks_by_bar(midi) == [bar.split() for bar in symbols]
    expected = bars_of_chords(" | ".join(symbols), parse_key(key) if key else None)
    by_bar = xml_symbols_by_bar(xml)
    assert len(by_bar) == len(symbols)
    for bar, want in zip(by_bar, expected, strict=True):
        assert len(bar) == len(want), (bar, want)
        for got, chord in zip(bar, want, strict=True):
            assert same_chord(got, chord), (got.figure, chord)


@pytest.mark.parametrize("style", ["pop", "jazz"])
def test_bb_in_f_major_is_never_a_sharp(settings: Settings, style: str) -> None:
    result = call(settings, progression="F Bb C7 F", key="F", style=style, seed=2)
    assert result.ok, result.error
    text = result.summary + result.preview + json.dumps(result.data)
    assert "Bb" in result.preview and "A#" not in text
    midi, xml = file_of(result, ".mid"), file_of(result, ".musicxml")
    assert [m.text for m in read_midi(midi).chords] == ["F", "Bb", "C7", "F"]
    roots = [s.root().name for bar in xml_symbols_by_bar(xml) for s in bar]
    assert roots == ["F", "B-", "C", "F"]
    score = music21.converter.parse(str(xml))
    spelled = {p.name for n in score.recurse().notes for p in n.pitches if p.pitchClass == 10}
    assert spelled == {"B-"}, spelled  # the notes under Bb and C7 too


def test_roman_numerals_in_a_colour_style_take_its_colour(settings: Settings) -> None:
    result = call(settings, progression="ii-V-I", key="Bb", style="jazz", seed=1)
    assert result.ok, result.error
    assert result.data["chords"] == ["Cm7", "F7", "Bb6/9"]
    assert "your numerals, with jazz colour" in result.summary
    plain = call(settings, progression="Cm F Bb", key="Bb", style="jazz", seed=1)
    assert plain.data["chords"] == ["Cm", "F", "Bb"]  # typed symbols are kept as written


def test_the_cli_prints_the_result_as_json(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.cli.app import app

    monkeypatch.chdir(workspace)
    out = CliRunner().invoke(app, ["bass", "Dm Bb F C", "--style", "funk", "--no-audio",
                                   "--json", "--seed", "5"])  # fmt: skip
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["ok"] and data["data"]["play"] == "bass" and data["data"]["bass_style"] == "funk"
    assert data["data"]["chords"] == ["Dm", "Bb", "F", "C"] and data["data"]["seed"] == 5
    pm = pretty_midi.PrettyMIDI(next(f for f in data["files"] if f.endswith(".mid")))
    assert [i.name for i in pm.instruments] == ["Bass"]


# -- bad input ---------------------------------------------------------------------------------


BAD = [  # arguments, words the error must have
    ({"progression": "Hm7 F C"}, "'Hm7' is not a chord I can read"),
    ({"progression": "C#b G"}, "'C#b' is not a chord I can read"),
    ({"progression": " ".join(["Am F C G"] * 125)}, "500 chords"),
    ({"progression": "Am F C G", "key": "F#"}, "A minor"),
    ({"progression": "Am F C G", "replace": ["9=IV"]}, "4 chords"),
    ({"progression": "Am F C G", "replace": ["2=Hm"]}, "'Hm'"),
    ({"progression": "Am F | C G Em Dm F"}, "more than its 4 beats"),
    ({"replace": ["2=IV"]}, "no progression to change"),
    ({"progression": "Am F C G", "style": "zouk"}, "zouk"),
    ({"progression": "Am F C G", "instrument": "banjo"}, "banjo"),
    ({"progression": "Am F C G", "bass_style": "slapped"}, "slapped"),
    ({"progression": "Am F C G", "bars": 0}, "bars"),
]


def test_bad_input_is_one_clear_sentence_and_writes_nothing(settings: Settings) -> None:
    for args, words in BAD:
        result = call(settings, seed=1, **args)
        assert not result.ok, args
        assert words in result.error and one_sentence(result.error), (args, result.error)
        assert "unexpectedly" not in result.error and "Traceback" not in result.error
        assert outputs(settings) == [], (args, outputs(settings))
    assert call(settings, progression="Am F C G", seed=1).ok  # and the tool goes on


def test_a_key_contradiction_names_the_key_as_typed(settings: Settings) -> None:
    """The key as the producer typed it, not its enharmonic (once 'Gb major')."""
    result = call(settings, progression="Am F C G", key="F#", seed=1)
    assert not result.ok and "F# major" in result.error, result.error


@pytest.mark.parametrize("empty", ["", "   ", " | "])
def test_an_empty_progression_is_one_clear_sentence(settings: Settings, empty: str) -> None:
    """Typing nothing as the progression is bad input, not a request for a learned one (that
    is leaving the progression out)."""
    result = call(settings, progression=empty, seed=3)
    assert not result.ok and "no chords in it" in result.error and one_sentence(result.error)
    assert outputs(settings) == []


def test_no_progression_is_a_learned_one(settings: Settings) -> None:
    result = call(settings, seed=3)
    assert result.ok, result.error
    assert result.data["typed"] is False and result.data["bars"] == 8
    assert "learned from pop and rock songs" in result.summary


# -- edits: replace, parts, chart --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "change", "before", "after"),
    [("C G Am F", "2=IV", ["C", "G", "Am", "F"], ["C", "F", "Am", "F"]),
     ("C | C | G | Am", "2=IV", ["C", "C", "G", "Am"], ["C", "C", "F", "Am"]),
     ("C G Am F", "4=G7", ["C", "G", "Am", "F"], ["C", "G", "Am", "G7"]),
     ("Am F C G", "1=Dm", ["Am", "F", "C", "G"], ["Dm", "F", "C", "G"])],
)  # fmt: skip
def test_replace_changes_exactly_that_chord(
    settings: Settings, typed: str, change: str, before: list[str], after: list[str]
) -> None:
    plain = call(settings, progression=typed, seed=4)
    changed = call(settings, progression=typed, replace=[change], seed=4)
    assert plain.ok and changed.ok, (plain.error, changed.error)
    assert plain.data["chords"] == before and changed.data["chords"] == after
    assert changed.data["key"] == plain.data["key"]
    marks = [m.text for m in read_midi(file_of(changed, ".mid")).chords]
    assert marks == after


@pytest.mark.parametrize(("play", "names"), [("bass", ["Bass"]), ("chords", ["Chords (piano)"]),
                                             ("both", ["Chords (piano)", "Bass"])])  # fmt: skip
def test_play_picks_the_tracks(settings: Settings, play: str, names: list[str]) -> None:
    result = call(settings, progression="Am F C G", play=play, seed=1)
    assert result.ok, result.error
    pm = pretty_midi.PrettyMIDI(str(file_of(result, ".mid")))
    assert [i.name for i in pm.instruments] == names
    assert all(i.notes for i in pm.instruments)
    if play == "chords":  # the left hand plays the roots instead of a bass part
        lows = sorted({n.pitch for n in pm.instruments[0].notes if n.pitch < 48})
        assert {p % 12 for p in lows} == {9, 5, 0, 7}
    assert [m.text for m in read_midi(file_of(result, ".mid")).chords] == ["Am", "F", "C", "G"]


def test_chart_writes_the_bars_as_text(settings: Settings) -> None:
    result = call(settings, progression="Am F | C G | Dm7 | E7", chart=True, bars=8, seed=1)
    assert result.ok, result.error
    text = file_of(result, ".txt").read_text()
    lines = text.splitlines()
    assert lines[0] == "A minor, 4/4, 8 bars"
    assert lines[1:] == ["| Am F | C G | Dm7 | E7 |", "| Am F | C G | Dm7 | E7 |"]
    assert not any(f.endswith(".txt") for f in call(settings, progression="Am F", seed=1).files)


def preview_bars(preview: str) -> list[str]:
    """The chord-symbol rows of a chart (every other line), cell by cell."""
    rows = [line for line in preview.splitlines() if line.startswith("|")][::2]
    return [cell.strip() for row in rows for cell in row.strip("|").split("|")]


@pytest.mark.parametrize(
    ("args", "bars"),
    [({"progression": "Cmaj7/E A7b9 Dm9 G13 | F#m7b5 B7b9 | Em7 A7 | Dm7 G7 | C | Am | F | G"
                      " | Cm(maj7) Cm7 | F7sus4 Bb13 | Ebmaj7 | Abmaj7 | Dm7b5 | G7b9 | Cm | Cm"},
      16),
     ({"style": "jazz", "bars": 16, "seed": 4}, 16), ({"style": "pop", "bars": 16}, 16),
     ({"progression": "Am F C G", "bars": 12, "harmonic_rhythm": 2.0}, 12)],
)  # fmt: skip
def test_the_reply_chart_fits_80_columns_and_shows_every_bar(
    settings: Settings, args: dict, bars: int
) -> None:
    result = call(settings, **{"seed": 2, **args})
    assert result.ok, result.error
    assert all(len(line) <= 80 for line in result.preview.splitlines()), result.preview
    assert len(result.data["chords"]) == bars
    assert preview_bars(result.preview) == result.data["chords"]


def test_a_long_chart_says_how_many_bars_it_left_out(settings: Settings) -> None:
    result = call(settings, progression="Am F C G", bars=20, seed=1)
    assert len(preview_bars(result.preview)) == 16
    assert result.preview.splitlines()[-1] == "... 4 more bars in the files."


# -- the bass locked to a drum file ------------------------------------------------------------


def kicks_of(midi: Path) -> set[float]:
    pm = pretty_midi.PrettyMIDI(str(midi))
    return {round(pm.time_to_tick(n.start) / pm.resolution * 4) / 4
            for i in pm.instruments if i.is_drum for n in i.notes if n.pitch in (35, 36)}  # fmt: skip


def bass_onsets(midi: Path) -> list[float]:
    pm = pretty_midi.PrettyMIDI(str(midi))
    [bass] = [i for i in pm.instruments if i.name == "Bass"]
    return [round(pm.time_to_tick(n.start) / pm.resolution, 4) for n in bass.notes]


@pytest.mark.parametrize("drum_style", ["rock", "house", "boom bap"])
def test_the_bass_locks_to_the_kick_of_a_drum_file(settings: Settings, drum_style: str) -> None:
    drums = call(settings, "drums", style=drum_style, bars=4, tempo=96, seed=3)
    assert drums.ok, drums.error
    beat = file_of(drums, ".mid")
    result = call(settings, "bass", progression="Dm Bb F C", drums=str(beat), seed=1)
    assert result.ok, result.error
    assert "locks to the kick of" in result.summary and result.data["drums"] == str(beat)
    midi = file_of(result, ".mid")
    pm = pretty_midi.PrettyMIDI(str(midi))
    assert [i.name for i in pm.instruments if not i.is_drum] == ["Bass"]
    [drum_track] = [i for i in pm.instruments if i.is_drum]
    assert len(drum_track.notes) == len(pretty_midi.PrettyMIDI(str(beat)).instruments[0].notes)
    assert pm.get_tempo_changes()[1] == pytest.approx([96], abs=0.01)
    kicks, onsets = kicks_of(beat), bass_onsets(midi)
    on_kick = [t for t in onsets if t in kicks]
    assert len(on_kick) / len(onsets) >= 0.8, (sorted(kicks), onsets)
    assert result.data["bars"] == 4


def drum_file(folder: Path, kick_bars: set[int], bars: int = 4) -> Path:
    """A 4/4 beat with snare and hats in every bar and a kick (beats 1 and 3.5) only in some."""
    notes = []
    for bar in range(bars):
        t = bar * 4.0
        notes += [Note(HAT, t + i / 2, 0.25, 70) for i in range(8)]
        notes += [Note(SNARE, t + 1, 0.25, 100), Note(SNARE, t + 3, 0.25, 100)]
        if bar in kick_bars:
            notes += [Note(KICK, t, 0.25, 110), Note(KICK, t + 2.5, 0.25, 100)]
    piece = Piece(Key(0, "major"), 90.0, (4, 4), bars, [Track("Drums", 0, notes, is_drum=True)])
    return write_midi(piece, folder / "beat.mid")


def test_the_bass_locks_to_a_hand_made_drum_file(settings: Settings, workspace: Path) -> None:
    beat = drum_file(workspace, {0, 1, 2, 3})
    result = call(settings, "bass", progression="Am F C G", drums=str(beat), seed=2)
    assert result.ok, result.error
    onsets = bass_onsets(file_of(result, ".mid"))
    assert set(onsets) <= {0.0, 2.5, 4.0, 6.5, 8.0, 10.5, 12.0, 14.5}, onsets
    assert result.data["tempo"] == 90


@pytest.mark.parametrize("bass_style", ["pop", "808", "rootfifth"])
def test_a_bar_without_a_kick_plays_only_its_chord_change(
    settings: Settings, workspace: Path, bass_style: str
) -> None:
    beat = drum_file(workspace, {0, 2})
    result = call(settings, "bass", progression="Am F C G", drums=str(beat), seed=2,
                  bass_style=bass_style)  # fmt: skip
    assert result.ok, result.error
    onsets = bass_onsets(file_of(result, ".mid"))
    assert set(onsets) <= {0.0, 2.5, 4.0, 8.0, 10.5, 12.0}, onsets


def test_driving_eighths_keep_driving_over_a_beat_with_the_kicks_accented(
    settings: Settings, workspace: Path
) -> None:
    beat = drum_file(workspace, {0, 2})
    result = call(settings, "bass", progression="Am F C G", drums=str(beat), seed=2,
                  bass_style="eighths")  # fmt: skip
    assert result.ok, result.error
    onsets = bass_onsets(file_of(result, ".mid"))
    assert sorted(set(onsets)) == [b / 2 for b in range(32)]  # every eighth of the 4 bars


@pytest.mark.parametrize(("typed", "args"), [("Cm Ab Eb Bb", {"style": "rnb"}),
                                             ("E B C#m A", {"instrument": "rhodes"}),
                                             ("Ab5 F5 C5 G5", {})])  # fmt: skip
def test_typed_triads_play_on_every_instrument(settings: Settings, typed: str, args: dict) -> None:
    """A Cm or B triad on the 4-voice electric piano once found no voicing (ValueError)."""
    result = call(settings, progression=typed, seed=1, **args)
    assert result.ok, result.error


# -- bugs a producer would meet -------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "key"), [("F# C# D#m B", None), ("F# C# D#m B", "F#"),
                                            ("C# G# A#m F#", None)])  # fmt: skip
def test_sharp_keys_keep_the_spelling_typed(
    settings: Settings, typed: str, key: str | None
) -> None:
    result = call(settings, progression=typed, key=key, seed=1)
    assert result.ok, result.error
    assert result.data["chords"] == typed.split()
    assert [m.text for m in read_midi(file_of(result, ".mid")).chords] == typed.split()


def test_the_808_notes_keep_their_length_in_the_file(settings: Settings) -> None:
    result = call(settings, progression="Am | G", style="trap", seed=1)
    assert result.ok, result.error
    pm = pretty_midi.PrettyMIDI(str(file_of(result, ".mid")))
    [bass] = [i for i in pm.instruments if i.name == "Bass"]
    lengths = [(pm.time_to_tick(n.end) - pm.time_to_tick(n.start)) / pm.resolution
               for n in bass.notes]  # fmt: skip
    assert min(lengths) >= 0.5, lengths


def test_a_bar_with_more_chords_than_the_meters_beats_is_refused(settings: Settings) -> None:
    result = call(settings, progression="Am F C G | Em", meter="3/4", seed=1)
    assert not result.ok and "more than its 3 beats" in (result.error or ""), result.data
    assert outputs(settings) == []


def test_a_quality_change_keeps_the_root_and_the_rest(settings: Settings) -> None:
    result = call(settings, progression="C G Am F", replace=["2=~min", "4=~7"], seed=1)
    assert result.ok, result.error
    assert result.data["chords"] == ["C", "Gm", "Am", "F7"]
    bad = call(settings, progression="C G Am F", replace=["2=~blue"], seed=1)
    assert not bad.ok and one_sentence(bad.error) and "blue" in bad.error
