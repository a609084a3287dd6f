"""`render_audio`: bounce a MIDI file (by default the current song) to a WAV file."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.base import ToolContext, ToolError, ToolResult, tool

if TYPE_CHECKING:
    from assistant.store.songs import Song

SAMPLE_RATE = 44100


@tool(cli_name="render", cli_argument="file")
def render_audio(ctx: ToolContext, file: str | None = None) -> ToolResult:
    """Render a MIDI file, by default the current song, to a WAV file you can listen to.

    Args:
        file: A .mid file in the workspace (default: the current song).
    """
    from models.music.render import available_renderer, render_wav, wav_info

    song = _current_song(ctx) if file is None else None
    if file is not None:
        midi = ctx.input_path(file, (".mid", ".midi"))
        current = ctx.state.current if ctx.state else None
        if current and _same_file(current.files.get("midi"), midi):
            song = current  # the producer named the current song's own file
    else:
        midi = _song_midi(song)
    renderer = available_renderer()
    fresh = _fresh_wav(song, midi)
    if fresh is not None:  # compose already bounced it: hand that file over, don't make a copy
        info = wav_info(fresh)
        return ToolResult(
            summary=f"'{song.title}' is already rendered: {_duration(info.duration_sec)} of "
            f"{info.sample_rate / 1000:g} kHz WAV, made with the MIDI file.",
            data={"duration_sec": round(info.duration_sec, 2), "sample_rate": info.sample_rate,
                  "renderer": None, "peak_dbfs": info.peak_dbfs, "source": str(midi)},
            files=[str(fresh)],
        )  # fmt: skip
    ctx.progress(0.1, f"rendering with {renderer or 'no renderer'}")
    wav = ctx.output_path(midi.stem, ".wav")
    render_wav(midi, wav, SAMPLE_RATE)
    ctx.progress(0.9, "checking the audio")
    info = wav_info(wav)
    name = f"'{song.title}'" if song else midi.name
    result = ToolResult(
        summary=f"Rendered {name} to audio: {_duration(info.duration_sec)} of "
        f"{info.sample_rate / 1000:g} kHz stereo WAV ({renderer}, General MIDI soundfont).",
        data={
            "duration_sec": round(info.duration_sec, 2),
            "sample_rate": info.sample_rate,
            "renderer": renderer,
            "peak_dbfs": info.peak_dbfs,
            "source": str(midi),
        },
        files=[str(wav)],
    )
    if song is not None:
        result.song = _with_wav(ctx, song, wav)
    return result


def _current_song(ctx: ToolContext) -> Song:
    current = ctx.state.current if ctx.state else None
    if current is None:
        raise ToolError(
            "There is no current song to render. Compose one first ('compose a melody in C'), "
            "or give me a MIDI file: 'render tune.mid'."
        )
    return current


def _song_midi(song: Song) -> Path:
    path = song.files.get("midi")
    if not path:
        raise ToolError(
            f"'{song.title}' has no MIDI file to render. Give me a MIDI file: 'render tune.mid'."
        )
    if not Path(path).is_file():
        raise ToolError(
            f"The MIDI file of '{song.title}' is gone ({path}). Say 'another version' to make "
            "it again, or give me a MIDI file: 'render tune.mid'."
        )
    return Path(path)


def _fresh_wav(song: Song | None, midi: Path) -> Path | None:
    """The song's WAV when it exists and is not older than its MIDI file."""
    wav = Path(song.files["wav"]) if song and song.files.get("wav") else None
    try:
        if wav and wav.is_file() and wav.stat().st_mtime >= midi.stat().st_mtime:
            return wav
    except OSError:
        pass
    return None


def _same_file(a: str | None, b: Path) -> bool:
    try:
        return a is not None and Path(a).resolve() == b.resolve()
    except OSError:
        return False


def _with_wav(ctx: ToolContext, song: Song, wav: Path) -> dict[str, Any]:
    """The song's attribute table with the WAV added; the same song stays current.

    The session keeps an `existing` song as it is (no new id, no new memory entry), so the
    stored copy is updated here; a store problem never fails the render.
    """
    from assistant.store.songs import Song as SongType

    data = {**asdict(song), "files": {**song.files, "wav": str(wav)}}
    try:
        memory = ctx.memory
        if memory is not None:
            memory.remember_song(SongType(**data))
    except Exception:  # the WAV is on disk; memory catching up is a nicety
        pass
    return {**data, "existing": True}


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d} min" if minutes else f"{seconds:.1f} s"
