"""Stems for the DAW, shared by `track` and `export_stems`: one MIDI and one WAV per part and the
mix, all from bar 1 and of one length, and what the reply says about them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.music.piece import Piece
    from tools.base import ToolContext

# How each DAW takes the files in (from their manuals): the tip the reply gives.
DAW_TIPS = {
    "ableton": "In Ableton Live, drag the WAVs into Arrangement View at bar 1 with warping off "
               "(or the MIDI files onto MIDI tracks); set the song tempo to {tempo} bpm first.",
    "logic": "In Logic Pro, set the tempo to {tempo} bpm, then drag the WAVs (or the mix MIDI, "
             "which brings its tracks and markers) to bar 1.",
    "fl": "In FL Studio, set the tempo to {tempo} bpm and drag the WAVs into the Playlist at "
          "bar 1 (or the mix MIDI onto the Channel rack).",
    "reaper": "In Reaper, set the tempo to {tempo} bpm and drag the files to bar 1; the MIDI "
              "markers show the sections and chords.",
    "cubase": "In Cubase, import the mix MIDI (with markers) or drag the WAVs to bar 1 at "
              "{tempo} bpm.",
    "studio one": "In Studio One, set {tempo} bpm and drag the WAVs or the MIDI files to bar 1.",
    "bitwig": "In Bitwig Studio, set {tempo} bpm and drag the WAVs to bar 1 in the arranger.",
    "garageband": "In GarageBand, set {tempo} bpm and drag the WAVs (or the MIDI) to bar 1.",
}  # fmt: skip


def write_stems(ctx: ToolContext, piece: Piece, folder: Path, stem: str, tail: bool = True,
                audio: bool = True) -> tuple[dict[str, str], str | None]:  # fmt: skip
    """The stems' files by kind ("stem:keys:wav" -> path) and a note for the reply."""
    from models.music.stems import render_stems

    ctx.progress(0.9, "rendering stems")
    made = render_stems(piece, folder, stem, tail=tail, audio=audio)
    files: dict[str, str] = {"stems_folder": str(folder), "mix_midi": str(made.mix_midi)}
    if made.mix_wav:
        files["mix_wav"] = str(made.mix_wav)
    for s in made.stems:
        files[f"stem:{s.part}:midi"] = str(s.midi)
        if s.wav:
            files[f"stem:{s.part}:wav"] = str(s.wav)
    parts = ", ".join(s.part for s in made.stems)
    length = f", each {made.seconds:.2f} s long" if made.frames else ""
    note = f"Stems ({parts}){length}, from bar 1, in {folder}."
    if made.skipped:
        note += f" No stem for {', '.join(made.skipped)}: silent."
    if made.note:
        note += " " + made.note
    return files, note
