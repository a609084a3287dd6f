"""Stems and loops: one MIDI and WAV per track that line up in a DAW and sum to the mix; section
markers; MIDI that ends at the last bar line; the soundfont a producer chose."""

from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import pretty_midi
import pytest

from models.errors import InputError, ModelError
from models.music import render
from models.music.export import export_piece
from models.music.midi_io import read_midi, write_midi
from models.music.piece import ChordMark, Note, Piece, SectionMark, Track
from models.music.render import read_wav
from models.music.stems import part_name, part_names, render_stems
from models.music.theory import Key

needs_renderer = pytest.mark.skipif(
    render.available_renderer() is None, reason="no renderer (pip install --no-deps tinysoundfont)"
)
A_MINOR = Key(9, "minor")
RATE = 44100


def band(bars: int = 2, tempo: float = 120) -> Piece:
    """Drums, bass, chords and lead by hand; the lead rests through the last beat."""
    beats = bars * 4
    drums = [Note(36 if i % 2 == 0 else 38, float(i), 0.25, 100) for i in range(beats)]
    drums += [Note(42, i / 2, 0.25, 70) for i in range(beats * 2)]
    bass = [Note(33 + (5 if i % 2 else 0), 2.0 * i, 1.5, 90) for i in range(beats // 2)]
    chords = [Note(p, 4.0 * b, 4.0, 70) for b in range(bars) for p in (57, 60, 64)]
    lead = [Note(69 + (i % 3) * 2, float(i), 0.75, 95) for i in range(beats - 1)]
    return Piece(
        A_MINOR,
        tempo,
        (4, 4),
        bars,
        [
            Track("Drums", 0, sorted(drums, key=lambda n: n.start_beats), is_drum=True),
            Track("Bass", 33, bass),
            Track("Keys (electric piano)", 4, chords),
            Track("Lead", 80, lead),
        ],
        [ChordMark(4.0 * b, 4.0, "Am" if b % 2 == 0 else "F") for b in range(bars)],
        [SectionMark(0.0, "Intro"), SectionMark(4.0, "Drop")],
    )


def track_ticks(midi: mido.MidiFile) -> int:
    return max(sum(msg.time for msg in track) for track in midi.tracks)


def channels(midi: mido.MidiFile) -> set[int]:
    return {msg.channel for track in midi.tracks for msg in track if hasattr(msg, "channel")}


def test_part_names_are_sanitised_and_unique() -> None:
    assert part_name("Keys (electric piano)") == "keys"
    assert part_name("Lead Synth #2") == "lead-synth-2"
    assert part_name("Céllo") == "cello"
    assert part_name("(?)") == "track"
    names = part_names(["Guitar", "guitar", "Mix", "Bass"])
    assert names == ["guitar", "guitar-2", "mix-2", "bass"]


def test_sections_and_chords_round_trip_as_markers(tmp_path: Path) -> None:
    piece = band()
    piece.sections.append(SectionMark(7.0, "Fill"))  # after the lead's last note
    path = write_midi(piece, tmp_path / "song.mid")
    markers = [m.text for m in mido.MidiFile(str(path)).tracks[0] if m.type == "marker"]
    assert markers == ["Intro", "Am", "Drop", "F", "Fill"]  # a section before a chord at a tick
    back = read_midi(path)
    assert back.sections == piece.sections
    assert [(c.start_beats, c.dur_beats, c.text) for c in back.chords] == [
        (0.0, 4.0, "Am"),
        (4.0, 4.0, "F"),
    ]
    assert back.bars == 2


def test_midi_ends_at_the_last_bar_line_unless_a_note_rings_past(tmp_path: Path) -> None:
    short = Piece(A_MINOR, 100, (3, 4), 3, [Track("Lead", 0, [Note(60, 0, 1)])])
    midi = mido.MidiFile(str(write_midi(short, tmp_path / "short.mid")))
    assert [sum(m.time for m in t) for t in midi.tracks] == [9 * midi.ticks_per_beat] * 2
    assert all(t[-1].type == "end_of_track" for t in midi.tracks)
    long = Piece(A_MINOR, 100, (4, 4), 1, [Track("Lead", 0, [Note(60, 3, 2.5)])])
    midi = mido.MidiFile(str(write_midi(long, tmp_path / "long.mid")))
    assert track_ticks(midi) == int(5.5 * midi.ticks_per_beat)  # the note is never cut
    assert pretty_midi.PrettyMIDI(str(tmp_path / "long.mid")).instruments[0].notes[0].end == (
        pytest.approx(5.5 * 0.6)
    )


def test_a_missing_cadenza_soundfont_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADENZA_SOUNDFONT", str(tmp_path / "nope.sf2"))
    with pytest.raises(ModelError, match=r"CADENZA_SOUNDFONT is set to .*nope\.sf2"):
        render.soundfont_path()
    if render.available_renderer() is not None:
        with pytest.raises(ModelError, match="CADENZA_SOUNDFONT"):
            render_stems(band(), tmp_path / "out", "song")
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    bundled = render.bundled_soundfont_path()
    monkeypatch.setenv("CADENZA_SOUNDFONT", str(bundled))
    assert render.soundfont_path() == bundled
    monkeypatch.delenv("CADENZA_SOUNDFONT")
    assert render.soundfont_name() in {"FluidR3 GM", "TimGM6mb"}


@needs_renderer
def test_loop_stems_line_up_sum_to_the_mix_and_read_back(tmp_path: Path) -> None:
    piece = band()
    piece.tracks.append(Track("Pad", 89))  # no notes: skipped, not an error
    out = tmp_path / "out"
    got = render_stems(piece, out, "loop", tail=False)
    assert got.skipped == ["Pad"]
    assert [s.part for s in got.stems] == ["drums", "bass", "keys", "lead"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in got.files())
    frames = round(2 * 4 * 60 / 120 * RATE)
    mix, rate = read_wav(got.mix_wav)
    assert (rate, mix.shape, got.frames) == (RATE, (frames, 2), frames)
    stems = [read_wav(s.wav)[0] for s in got.stems]
    assert all(audio.shape == mix.shape for audio in stems)
    assert all(np.max(np.abs(audio)) > 0.01 for audio in stems)
    assert np.max(np.abs(np.sum(stems, axis=0) - mix)) <= 4 / 32768  # a few LSB of rounding
    assert 20 * np.log10(np.max(np.abs(mix))) == pytest.approx(-1.0, abs=0.05)
    for stem in got.stems:
        back = read_midi(stem.midi)
        assert (back.tempo_bpm, back.meter, back.key, back.bars) == (120, (4, 4), A_MINOR, 2)
        assert back.sections == piece.sections and [c.text for c in back.chords] == ["Am", "F"]
        assert [t.name for t in back.tracks] == [stem.track]
        pm = pretty_midi.PrettyMIDI(str(stem.midi))
        assert [i.is_drum for i in pm.instruments] == [stem.part == "drums"]
        assert pm.get_tempo_changes()[1][0] == pytest.approx(120)
        midi = mido.MidiFile(str(stem.midi))
        assert track_ticks(midi) == 2 * 4 * midi.ticks_per_beat
        assert (9 in channels(midi)) == (stem.part == "drums")


@needs_renderer
def test_stems_with_tail_share_one_length(tmp_path: Path) -> None:
    got = render_stems(band(bars=1), tmp_path, "song")
    frames = round((2.0 + render.TAIL_SEC) * RATE)
    lengths = {len(read_wav(p)[0]) for p in [got.mix_wav] + [s.wav for s in got.stems]}
    assert lengths == {frames} and got.frames == frames


@needs_renderer
def test_a_failure_midway_removes_every_file_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = render.write_wav, []

    def failing(audio: np.ndarray, path: Path, sample_rate: int) -> Path:
        calls.append(path.name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(audio, path, sample_rate)

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    monkeypatch.setattr(render, "write_wav", failing)
    with pytest.raises(OSError, match="disk full"):
        render_stems(band(), out, "song")
    assert calls == ["song-drums.wav", "song-bass.wav", "song-keys.wav"]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_no_notes_at_all_is_refused_and_audio_can_be_left_out(tmp_path: Path) -> None:
    empty = Piece(A_MINOR, 120, (4, 4), 1, [Track("Pad", 89)])
    with pytest.raises(InputError, match="no notes"):
        render_stems(empty, tmp_path, "song")
    got = render_stems(band(), tmp_path / "out", "song", audio=False)
    assert got.mix_wav is None and all(s.wav is None for s in got.stems)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "song-bass.mid", "song-drums.mid", "song-keys.mid", "song-lead.mid", "song-mix.mid",
    ]  # fmt: skip


@needs_renderer
def test_export_without_tail_is_exactly_the_loop(tmp_path: Path) -> None:
    files, _ = export_piece(band(), tmp_path / "loop.mid", musicxml=False, tail=False)
    assert len(read_wav(Path(files["wav"]))[0]) == round(4.0 * RATE)  # 2 bars at 120 bpm
