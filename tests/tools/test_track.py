"""`track`, `edit_track`, `song_info` and `export_stems` end to end through the runtime: files read
back by read_midi, pretty_midi, mido and music21; edits that leave every other part note for
note; stems that line up for a DAW; bad input refused in a sentence."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import mido
import music21
import pretty_midi
import pytest

from assistant.config import Settings
from assistant.core.runtime import Runtime
from assistant.errors import ToolError
from models.arrangement.edit import segments_of
from models.music.midi_io import read_midi, write_midi
from models.music.piece import Note, Piece, Track
from models.music.render import available_renderer
from models.music.theory import Key
from tools import REGISTRY
from tools.base import ToolContext, ToolResult

WIDTH = 80
PARTS = ["Drums", "Bass (finger bass)", "Keys (electric piano)", "Lead (vibraphone)"]


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and not re.search(r"[.!?]\s", message)


def file_of(result: ToolResult, suffix: str) -> Path:
    return next(Path(f) for f in result.files if f.endswith(suffix))


def fits(text: str) -> None:
    too_wide = [line for line in text.split("\n") if len(line) > WIDTH]
    assert not too_wide, too_wide


def by_track(path: Path) -> dict[str, list[tuple[int, float, float]]]:
    """Each track's notes as read back: (pitch, start, duration) in beats, to 3 decimals."""
    piece = read_midi(path)
    return {t.name: [(n.pitch, round(n.start_beats, 3), round(n.dur_beats, 3)) for n in t.notes]
            for t in piece.tracks}  # fmt: skip


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ToolContext:
    """One Cadenza home and workspace for the module, so the track is written once."""
    root = tmp_path_factory.mktemp("track-tools")
    (root / "workspace").mkdir()
    return ToolContext(settings=Settings(home=root / "home", workspace=root / "workspace"))


def call(ctx: ToolContext, tool: str, **args) -> ToolResult:  # noqa: ANN003
    return Runtime().call(tool, {"audio": False, **args}, ctx)


@pytest.fixture(scope="module")
def made(ctx: ToolContext) -> ToolResult:
    """A 4-bar lo-fi track: drums, finger bass, electric piano keys and a vibraphone lead."""
    result = call(ctx, "track", genre="lofi", bars=4, seed=1)
    assert result.ok, result.error
    return result


@pytest.fixture(scope="module")
def midi(made: ToolResult) -> Path:
    return file_of(made, ".mid")


def edit(ctx: ToolContext, midi: Path, **args) -> ToolResult:  # noqa: ANN003
    return call(ctx, "edit_track", file=str(midi), seed=2, **args)


# -- track -------------------------------------------------------------------------------------


def test_the_track_reads_back_as_written(made: ToolResult, midi: Path) -> None:
    piece = read_midi(midi)
    assert [t.name for t in piece.tracks] == PARTS
    assert [(int(t.program), t.is_drum) for t in piece.tracks] == [(0, True), (33, False),
                                                                   (4, False), (11, False)]  # fmt: skip
    assert piece.bars == 4 and piece.meter == (4, 4)
    assert piece.tempo_bpm == pytest.approx(82, abs=0.01) and piece.key.name == "D minor"
    assert max(n.start_beats + n.dur_beats for n in piece.all_notes()) <= 16 + 1e-3
    assert [m.text for m in piece.chords] == made.data["chords"] and len(piece.chords) >= 4
    assert [(p["name"], p["notes"]) for p in made.data["parts"]] == [
        (t.name, len(t.notes)) for t in piece.tracks]  # fmt: skip
    assert made.data["key"] == "D" and made.data["mode"] == "minor" and made.data["bars"] == 4


def test_pretty_midi_and_mido_read_it(midi: Path) -> None:
    pm = pretty_midi.PrettyMIDI(str(midi))
    assert [(i.name, i.program, i.is_drum) for i in pm.instruments] == [
        ("Drums", 0, True), ("Bass (finger bass)", 33, False), ("Keys (electric piano)", 4, False),
        ("Lead (vibraphone)", 11, False)]  # fmt: skip
    assert pm.get_tempo_changes()[1] == pytest.approx([82], abs=0.01)
    assert pm.get_end_time() <= 4 * 4 * 60 / 82 + 1e-3
    [ts] = pm.time_signature_changes
    assert (ts.numerator, ts.denominator) == (4, 4)
    mid = mido.MidiFile(str(midi))
    channels = {}
    for track in mid.tracks:
        on = {m.channel for m in track if m.type == "note_on"}
        if on:
            channels[track.name] = on
    assert channels.pop("Drums") == {9}  # General MIDI drums: channel 10
    assert len(channels) == 3 and all(9 not in c and len(c) == 1 for c in channels.values())


def test_music21_reads_the_musicxml(made: ToolResult, midi: Path) -> None:
    score = music21.converter.parse(str(file_of(made, ".musicxml")))
    assert [p.partName for p in score.parts] == PARTS
    flat = score.flatten()
    assert [str(k) for k in flat.getElementsByClass("KeySignature")][:1] == ["d minor"]
    assert {t.ratioString for t in flat.getElementsByClass("TimeSignature")} == {"4/4"}
    assert [round(m.number) for m in flat.getElementsByClass("MetronomeMark")][:1] == [82]
    assert all(len(p.getElementsByClass("Measure")) == 4 for p in score.parts)
    symbols = [c.figure for c in flat.getElementsByClass("ChordSymbol")]
    assert len(symbols) == len(read_midi(midi).chords)
    lead = read_midi(midi).tracks[3]
    sounding = [n for n in score.parts[3].flatten().notes if not (n.tie and n.tie.type != "start")]
    assert [n.pitch.midi for n in sounding] == [n.pitch for n in lead.notes]


def test_the_reply_names_key_tempo_genre_and_parts(made: ToolResult) -> None:
    text = made.summary
    assert "D minor" in text and "82 bpm" in text and "lo-fi hip hop" in text and "4-bar" in text
    for word in ("drums", "finger bass", "electric piano", "vibraphone"):
        assert word in text, word
    assert "seed 1" in text
    fits(made.preview)
    lines = made.preview.split("\n")
    assert [line.split()[0] for line in lines[1:5]] == ["Drums", "Bass", "Keys", "Lead"]
    assert "Chords:" in made.preview


def test_the_song_record(made: ToolResult, midi: Path) -> None:
    song = made.song
    assert song["tool"] == "track" and song["genre"] == "lofi"
    assert song["key"] == "D" and song["mode"] == "minor" and song["tempo"] == 82
    assert song["bars"] == 4 and song["seed"] == 1 and song["files"]["midi"] == str(midi)
    assert Path(song["files"]["musicxml"]).is_file()


def test_a_song_through_the_tool(ctx: ToolContext) -> None:
    result = call(ctx, "track", genre="house", song=True, bars=16, seed=3)
    assert result.ok, result.error
    assert "Form: Intro" in result.summary and "Outro" in result.summary
    fits(result.preview)
    piece = read_midi(file_of(result, ".mid"))
    assert piece.bars == 16 and piece.sections[0].name == "Intro"
    assert [s["name"] for s in result.data["sections"]][-1] == "Outro"


def test_a_folk_track_through_the_tool(ctx: ToolContext) -> None:
    result = call(ctx, "track", genre="folk", bars=4, seed=1)
    assert result.ok, result.error
    assert "folk" in result.summary and "flute" in result.summary


def test_a_lead_instrument_asked(ctx: ToolContext) -> None:
    result = call(ctx, "track", genre="lofi", bars=2, seed=1, instruments=["lead=flute"])
    assert result.ok, result.error
    assert result.data["parts"][-1]["program"] == 73


def test_no_note_is_doubled_in_the_file(ctx: ToolContext) -> None:
    result = call(ctx, "track", genre="lofi", bars=2, seed=2)
    for name, notes in by_track(file_of(result, ".mid")).items():
        onsets = [(p, s) for p, s, _ in notes]
        assert len(onsets) == len(set(onsets)), name


def test_track_bad_input_is_one_sentence(ctx: ToolContext) -> None:
    for args, words in [({"genre": "polka"}, "polka"), ({"instruments": ["kazoo"]}, "kazoo"),
                        ({"bars": 0}, "bars")]:  # fmt: skip
        result = call(ctx, "track", seed=1, **args)
        assert not result.ok and words in result.error, result.error
        assert "\n" not in result.error and "unexpectedly" not in result.error


# -- edit_track --------------------------------------------------------------------------------


def unchanged(before: dict, after: dict, names: list[str]) -> None:
    for name in names:
        assert after[name] == before[name], f"{name} changed"


def test_add_a_pad_of_strings(ctx: ToolContext, midi: Path) -> None:
    before = by_track(midi)
    result = edit(ctx, midi, action="add", part="pad", instrument="strings")
    assert result.ok, result.error
    after = by_track(file_of(result, ".mid"))
    assert list(after) == [*PARTS, "Pad (strings)"]
    unchanged(before, after, PARTS)
    pad = read_midi(file_of(result, ".mid")).tracks[-1]
    assert pad.program == 48 and len(pad.notes) >= 4
    assert max(n.start_beats + n.dur_beats for n in pad.notes) <= 16 + 1e-3
    assert "unchanged, note for note" in result.summary
    assert result.song["tool"] == "edit_track"


def test_remove_the_bass(ctx: ToolContext, midi: Path) -> None:
    before = by_track(midi)
    result = edit(ctx, midi, action="remove", part="bass")
    assert result.ok, result.error
    after = by_track(file_of(result, ".mid"))
    assert list(after) == ["Drums", "Keys (electric piano)", "Lead (vibraphone)"]
    unchanged(before, after, list(after))
    assert [m.text for m in read_midi(file_of(result, ".mid")).chords] == [
        m.text for m in read_midi(midi).chords]  # fmt: skip


def test_swap_the_keys_to_organ(ctx: ToolContext, midi: Path) -> None:
    before = by_track(midi)
    result = edit(ctx, midi, action="swap", part="keys", instrument="organ")
    assert result.ok, result.error
    after = by_track(file_of(result, ".mid"))
    assert list(after) == ["Drums", "Bass (finger bass)", "Keys (organ)", "Lead (vibraphone)"]
    unchanged(before, after, ["Drums", "Bass (finger bass)", "Lead (vibraphone)"])
    assert after["Keys (organ)"] == before["Keys (electric piano)"]  # same notes, new sound
    assert read_midi(file_of(result, ".mid")).tracks[2].program == 16


def test_change_the_drums_busier_and_simpler(ctx: ToolContext, midi: Path) -> None:
    before = by_track(midi)
    busy = edit(ctx, midi, action="change", part="drums", density=0.85, genre="lofi")
    simple = edit(ctx, midi, action="change", part="drums", density=0.15, genre="lofi")
    assert busy.ok and simple.ok, (busy.error, simple.error)
    assert "busier" in busy.summary and "simpler" in simple.summary
    b, s = by_track(file_of(busy, ".mid")), by_track(file_of(simple, ".mid"))
    for after in (b, s):
        assert list(after) == PARTS
        unchanged(before, after, PARTS[1:])
        assert after["Drums"] != before["Drums"]
        assert max(st + d for _, st, d in after["Drums"]) <= 16 + 1e-3
    assert len(b["Drums"]) > len(s["Drums"])


def test_transpose_to_b_flat(ctx: ToolContext, midi: Path) -> None:
    before = by_track(midi)
    result = edit(ctx, midi, action="transpose", key="Bb")
    assert result.ok, result.error
    assert "D minor to Bb minor (-4 semitones)" in result.summary
    moved = read_midi(file_of(result, ".mid"))
    after = by_track(file_of(result, ".mid"))
    assert moved.key.name == "Bb minor"
    assert after["Drums"] == before["Drums"]
    for name in PARTS[1:]:
        assert after[name] == [(p - 4, s, d) for p, s, d in before[name]], name
    roots = [seg.chord.root for seg in segments_of(read_midi(midi))]
    assert [seg.chord.root for seg in segments_of(moved)] == [(r - 4) % 12 for r in roots]


def test_tempo_keeps_every_note_on_its_beat(ctx: ToolContext, midi: Path) -> None:
    result = edit(ctx, midi, action="tempo", tempo=100)
    assert result.ok, result.error
    piece = read_midi(file_of(result, ".mid"))
    assert piece.tempo_bpm == pytest.approx(100, abs=0.01) and result.data["tempo"] == 100
    assert by_track(file_of(result, ".mid")) == by_track(midi)
    assert piece.duration_sec == pytest.approx(16 * 60 / 100, abs=0.01)


def test_loop_twice(ctx: ToolContext, midi: Path) -> None:
    before = by_track(midi)
    result = edit(ctx, midi, action="loop", times=2)
    assert result.ok, result.error
    looped = read_midi(file_of(result, ".mid"))
    assert looped.bars == 8 and result.data["bars"] == 8
    after = by_track(file_of(result, ".mid"))
    for name in PARTS:
        assert len(after[name]) == 2 * len(before[name]), name
        assert after[name][: len(before[name])] == before[name]
        again = [(p, s - 16, d) for p, s, d in after[name][len(before[name]) :]]
        assert [p for p, _, _ in again] == [p for p, _, _ in before[name]], name
        assert [x for _, s, d in again for x in (s, d)] == pytest.approx(  # rounded to 3 places
            [x for _, s, d in before[name] for x in (s, d)], abs=2e-3)  # fmt: skip
    assert len(looped.chords) == 2 * len(read_midi(midi).chords)


def test_length_two_bars(ctx: ToolContext, midi: Path) -> None:
    before = by_track(midi)
    result = edit(ctx, midi, action="length", bars=2)
    assert result.ok, result.error
    short = read_midi(file_of(result, ".mid"))
    assert short.bars == 2
    after = by_track(file_of(result, ".mid"))
    for name in PARTS:
        assert [(p, s) for p, s, _ in after[name]] == [(p, s) for p, s, _ in before[name] if s < 8]
        assert all(s + d <= 8 + 1e-3 for _, s, d in after[name]), name


def test_an_unknown_part_names_the_parts_it_has(ctx: ToolContext, midi: Path) -> None:
    result = edit(ctx, midi, action="remove", part="the banjo")
    assert not result.ok and one_sentence(result.error), result.error
    assert "banjo" in result.error and all(name in result.error for name in PARTS)
    with pytest.raises(ToolError, match="banjo"):
        REGISTRY["edit_track"](ctx, action="swap", file=str(midi), part="banjo",
                               instrument="organ", audio=False)  # fmt: skip


def test_a_part_named_with_the(ctx: ToolContext, midi: Path) -> None:
    result = edit(ctx, midi, action="remove", part="the bass")
    assert result.ok, result.error


def test_too_long_a_loop_is_refused(ctx: ToolContext) -> None:
    long = ctx.settings.workspace / "twenty-bars.mid"
    write_midi(Piece(Key(0, "major"), 120.0, (4, 4), 20,
                     [Track("Piano", 0, [Note(60, 4.0 * b, 4.0) for b in range(20)])]), long)  # fmt: skip
    files = sorted(ctx.settings.outputs_dir.iterdir())
    result = edit(ctx, long, action="loop", times=16)
    assert not result.ok and "320 bars" in result.error and "256" in result.error
    assert one_sentence(result.error), result.error
    assert sorted(ctx.settings.outputs_dir.iterdir()) == files  # nothing written
    too_long = edit(ctx, long, action="length", bars=300)
    assert not too_long.ok and "256" in too_long.error


def test_edit_bad_input(ctx: ToolContext, midi: Path) -> None:
    for args, words in [({"action": "transpose"}, "Which key"), ({"action": "tempo"}, "Which tempo"),
                        ({"action": "swap", "part": "keys"}, "Which instrument"),
                        ({"action": "swap", "part": "drums", "instrument": "organ"}, "Drums"),
                        ({"action": "add", "part": "drums"}, "already has drums"),
                        ({"action": "add", "part": "kazoo"}, "kazoo")]:  # fmt: skip
        result = edit(ctx, midi, **args)
        assert not result.ok and words in result.error, (args, result.error)
        assert "unexpectedly" not in result.error
    outside = call(ctx, "edit_track", action="loop", file="/etc/hosts.mid")
    assert not outside.ok and "outside the workspace" in outside.error


# -- song_info ---------------------------------------------------------------------------------


def test_song_info(ctx: ToolContext, made: ToolResult, midi: Path) -> None:
    result = Runtime().call("song_info", {"file": str(midi)}, ctx)
    assert result.ok, result.error
    data = result.data
    assert data["key"] == "D minor" and data["tempo"] == 82 and data["meter"] == "4/4"
    assert data["bars"] == 4 and data["chords"] == [c for c in data["chords"] if c]
    assert len(data["chords"]) == 4
    assert [(p["name"], p["role"]) for p in data["parts"]] == [
        ("Drums", "drums"), ("Bass (finger bass)", "bass"), ("Keys (electric piano)", "chords"),
        ("Lead (vibraphone)", "lead")]  # fmt: skip
    assert [p["notes"] for p in data["parts"]] == [p["notes"] for p in made.data["parts"]]
    for word in ("D minor", "82 bpm", "4 bars", *PARTS):
        assert word in result.summary, word
    assert result.files == []
    fits(result.preview)


def test_song_info_writes_the_chords_as_text(ctx: ToolContext, midi: Path) -> None:
    result = Runtime().call("song_info", {"file": str(midi), "chords_text": True}, ctx)
    assert result.ok, result.error
    [path] = [Path(f) for f in result.files]
    lines = path.read_text().splitlines()
    assert lines[0].startswith(midi.stem) and "D minor" in lines[0]
    assert lines[1:] == [f"bar {b + 1}: {c}" for b, c in enumerate(result.data["chords"])]
    assert path.name in result.summary


# -- export_stems ------------------------------------------------------------------------------


def test_export_stems_for_ableton_as_a_loop(ctx: ToolContext, midi: Path) -> None:
    result = Runtime().call("export_stems", {"file": str(midi), "folder": "stems/lofi",
                                             "daw": "ableton", "loop": True}, ctx)  # fmt: skip
    assert result.ok, result.error
    folder = ctx.settings.workspace / "stems" / "lofi"
    assert result.data["folder"] == str(folder.resolve())
    assert result.data["stems"] == ["bass", "drums", "keys", "lead"]
    assert "Ableton" in result.summary and "82 bpm" in result.summary
    mids = sorted(p.name for p in folder.glob("*.mid"))
    assert mids == sorted(f"{midi.stem}-{p}.mid" for p in ("mix", "drums", "bass", "keys", "lead"))
    whole = by_track(midi)
    for part, name in zip(("drums", "bass", "keys", "lead"), PARTS, strict=True):
        stem = by_track(folder / f"{midi.stem}-{part}.mid")
        assert stem == {name: whole[name]}, part
    if available_renderer() is None:
        assert not list(folder.glob("*.wav"))
        return
    wavs = sorted(folder.glob("*.wav"))
    assert len(wavs) == 5
    exact = 4 * 4 * 60 / 82 * 44100
    for path in wavs:
        with wave.open(str(path)) as w:
            assert w.getframerate() == 44100
            assert abs(w.getnframes() - exact) <= 1, (path.name, w.getnframes(), exact)


def test_export_stems_outside_the_workspace_is_refused(ctx: ToolContext, midi: Path) -> None:
    result = call(ctx, "export_stems", file=str(midi), folder="/etc")
    assert not result.ok and "outside the workspace" in result.error
    assert one_sentence(result.error), result.error
    up = call(ctx, "export_stems", file=str(midi), folder="../../elsewhere")
    assert not up.ok and "outside the workspace" in up.error


def test_an_unknown_daw_is_one_sentence(ctx: ToolContext, midi: Path) -> None:
    result = call(ctx, "export_stems", file=str(midi), daw="Pro Tools")
    assert not result.ok and "Pro Tools" in result.error and one_sentence(result.error)
    logic = call(ctx, "export_stems", file=str(midi), daw="Logic Pro", folder="stems/logic")
    assert logic.ok and "Logic Pro" in logic.summary and "82 bpm" in logic.summary
