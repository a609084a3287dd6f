"""`analyze_audio`: tempo, key, loudness, brightness and energy of an audio file."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from models.music.vocabulary import AUDIO_SUFFIXES
from tools.base import ToolContext, ToolResult, tool

AUDIO_FILES = AUDIO_SUFFIXES


@tool(cli_name="analyze-audio", cli_argument="file")
def analyze_audio(
    ctx: ToolContext, file: Annotated[str, Field(min_length=1, max_length=500)]
) -> ToolResult:
    """Measure an audio file: tempo, key and mode, loudness, brightness, onset rate, energy.

    Args:
        file: A WAV, FLAC, OGG, MP3 or AIFF file in the workspace.
    """
    from models.audience.audio import MAX_ANALYSED_SEC, read_audio_features

    path = ctx.input_path(file, AUDIO_FILES)
    ctx.progress(0.1, "decoding and measuring (the first run compiles the audio code)")
    features = read_audio_features(path)
    data = {"file": str(path), **features.to_dict()}
    cut = (
        f" Only the first {MAX_ANALYSED_SEC / 60:.0f} minutes were analysed."
        if features.analysed_sec < features.duration_sec - 0.5
        else ""
    )
    sure = f", tempo confidence {features.tempo_confidence:.2f}" if features.tempo_bpm else ""
    key = f"{features.key} {features.mode}" if features.key else "no clear key"
    lines = [
        f"tempo        {features.tempo_words} (pulse clarity {features.beat_strength:.2f}{sure})",
        f"key          {key} (confidence {features.key_confidence:.2f})",
        f"loudness     {features.loudness_db:.1f} dBFS (dynamic range {features.dynamic_range_db:.1f} dB)",
        f"brightness   {features.brightness_hz:.0f} Hz spectral centroid",
        f"onsets       {features.onset_rate:.1f} per second",
        f"energy       {features.energy:.2f}    danceability {features.danceability:.2f}  (0..1 proxies)",
    ]
    return ToolResult(
        summary=f"{path.name}: {features.describe()}, {features.duration_sec:.1f} s long.{cut}",
        data=data,
        preview="\n".join(lines),
    )
