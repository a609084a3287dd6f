"""`export_stems`: the current song out to a DAW: stems (one MIDI and one WAV per part, from bar
1, one length), the mix, in a folder the producer names, with the DAW's import tip."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool


@tool(cli_name="stems", cli_argument="file")
def export_stems(
    ctx: ToolContext,
    file: Annotated[str, Field(max_length=500)],
    folder: Annotated[str, Field(max_length=300)] | None = None,
    daw: Annotated[str, Field(max_length=20)] | None = None,
    loop: bool = False,
    audio: bool = True,
) -> ToolResult:
    """Export a song's stems for a DAW: one MIDI and one WAV per part plus the mix, from bar 1.

    Args:
        file: The song's MIDI file.
        folder: Where to write them, inside the workspace (default: a folder next to the song).
        daw: The DAW they are for (Ableton, Logic, FL Studio, Reaper, Cubase, Studio One,
            Bitwig, GarageBand): the reply says how to bring them in.
        loop: Cut every WAV exactly at the last bar line (no ring-out), for a seamless loop.
        audio: Also render WAVs (when an audio renderer is installed); else MIDI stems only.
    """
    from models.music.midi_io import read_midi
    from models.music.vocabulary import MIDI_SUFFIXES
    from tools.stems_io import DAW_TIPS, write_stems

    path = ctx.input_path(file, MIDI_SUFFIXES)
    piece = read_midi(path)
    target = _folder(ctx, folder, path)
    tip = None
    if daw:
        name = daw.lower().replace("live", "").replace("pro", "").replace("studio", "").strip()
        name = {"fl": "fl", "fruity loops": "fl", "fruityloops": "fl"}.get(name, name)
        name = "studio one" if daw.lower().startswith("studio one") else name
        if name not in DAW_TIPS:
            raise ToolError(f"I don't know the DAW '{daw[:20]}'; the stems are plain MIDI and WAV "
                            "that any DAW takes: name none and I'll write them.")  # fmt: skip
        tempo = round(piece.tempo_bpm / (1.5 if piece.meter == (6, 8) else 1.0))
        tip = DAW_TIPS[name].format(tempo=tempo)
    files, note = write_stems(ctx, piece, target, path.stem, tail=not loop, audio=audio)
    stems = sorted(k.split(":")[1] for k in files if k.endswith(":midi"))
    summary = f"Exported {path.name} as {len(stems)} stems and the mix. {note}"
    if loop:
        summary += " The WAVs are cut exactly at the last bar line, so they loop cleanly."
    if tip:
        summary += " " + tip
    return ToolResult(summary=summary, files=[v for k, v in files.items() if k != "stems_folder"],
                      data={"folder": str(target), "stems": stems, "daw": daw, "loop": loop})  # fmt: skip


def _folder(ctx: ToolContext, folder: str | None, source: Path) -> Path:
    """The folder asked, inside the workspace or Cadenza's home (never outside them)."""
    if not folder:
        return ctx.settings.outputs_dir / f"{source.stem}-stems"
    raw = folder.strip().strip("'\"")
    if not raw or "\x00" in raw or re.search(r"[\r\n]", raw):
        raise ToolError("Give me a folder name such as ./stems.")
    candidate = Path(raw).expanduser()
    if not candidate.is_absolute():
        candidate = ctx.settings.workspace / candidate
    resolved = candidate.resolve()
    if not any(resolved.is_relative_to(r) for r in (ctx.settings.workspace, ctx.settings.home)):
        raise ToolError(f"{raw[:80]} is outside the workspace ({ctx.settings.workspace}); "
                        "name a folder inside it.")  # fmt: skip
    if resolved.exists() and not resolved.is_dir():
        raise ToolError(f"{raw[:80]} is a file, not a folder.")
    return resolved
