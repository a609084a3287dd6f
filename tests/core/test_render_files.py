"""File lines in replies: one 'MIDI: /path' per file, or a stems folder once with its names."""

from __future__ import annotations

from assistant.core.reply import render_files


def test_a_song_lists_each_file_with_its_kind() -> None:
    text = render_files(["/o/song.mid", "/o/song.musicxml", "/o/song.wav"])
    assert text.splitlines() == ["MIDI: /o/song.mid", "MusicXML: /o/song.musicxml",
                                 "WAV: /o/song.wav"]  # fmt: skip


def test_stems_name_their_folder_once_so_no_line_wraps_inside_a_name() -> None:
    folder = "/home/producer/.local/share/cadenza/outputs/lofi-track-Amin-s3-stems"
    stems = [f"{folder}/lofi-track-Amin-s3-{part}.{ext}" for part in ("drums", "bass", "keys")
             for ext in ("mid", "wav")]  # fmt: skip
    lines = render_files(stems).splitlines()
    assert lines[0] == f"Folder: {folder}/"
    assert lines[1:] == [f"  {p.rsplit('/', 1)[1]}" for p in stems]
    assert max(len(line) for line in lines[1:]) < 76
