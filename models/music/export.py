"""Write a piece in every format a producer opens: MIDI, MusicXML and (when possible) WAV.

All files share one stem next to each other. MIDI and MusicXML always succeed or raise; WAV needs
a renderer, so its absence is reported as a note, never as a failure of the whole request. If a
later file fails, the earlier ones are removed: a request leaves all of its files or none.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models.music.piece import Piece

AUTO_AUDIO_MAX_SEC = 600  # longer pieces are bounced only when asked ("render it"): ~100 MB


def export_piece(
    piece: Piece,
    midi_path: Path,
    audio: bool = True,
    progress: Callable[[float, str], None] = lambda fraction, message="": None,
    musicxml: bool = True,
    tail: bool = True,
) -> tuple[dict[str, str], str | None]:
    """Files written ({"midi": ..., "musicxml": ..., "wav": ...}) and a note about audio.

    `musicxml=False` for a drum track alone: a step grid and the MIDI say more than a score.
    `tail=False` for a loop: the WAV is exactly the piece's length, with no ring-out after the
    last bar line (the MIDI always ends at the last bar line)."""
    from models.music.midi_io import write_midi
    from models.music.musicxml import write_musicxml
    from models.music.render import available_renderer, render_wav

    written: dict[str, str] = {}
    try:
        progress(0.7, "writing MIDI")
        written["midi"] = str(write_midi(piece, midi_path))
        if musicxml:
            progress(0.75, "writing MusicXML")
            written["musicxml"] = str(write_musicxml(piece, midi_path.with_suffix(".musicxml")))
        note = None
        if audio and available_renderer() is None:
            note = (
                "No audio renderer is installed, so there is no WAV: `pip install --no-deps "
                "tinysoundfont` (or the Debian fluidsynth package) adds one."
            )
        elif audio and piece.duration_sec > AUTO_AUDIO_MAX_SEC:
            minutes = piece.duration_sec / 60
            note = (
                f"It lasts {minutes:.0f} minutes, so I didn't bounce a WAV automatically (about "
                f"{minutes * 10.6:.0f} MB); say 'render it' if you want one."
            )
        elif audio:
            progress(0.85, "rendering audio")
            wav = render_wav(midi_path, midi_path.with_suffix(".wav"),
                             min_duration_sec=piece.duration_sec, tail=tail)  # fmt: skip
            written["wav"] = str(wav)
    except BaseException:
        for path in written.values():
            Path(path).unlink(missing_ok=True)
        raise
    return written, note
