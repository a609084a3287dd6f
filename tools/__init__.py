"""The one registry of callable tools. A test asserts this exact set and a golden copy of schemas.

Tool modules import only light modules at import time; engines load inside the tool functions.
"""

from __future__ import annotations

from tools.audience import find_audience, similar_songs
from tools.audio import analyze_audio
from tools.base import Tool
from tools.catalog import import_catalog, import_listeners
from tools.compose import compose, harmonize
from tools.drums import drums
from tools.edit import edit_track
from tools.export import export_stems
from tools.generate import generate
from tools.harmony import bass, chords
from tools.help import help as help_tool
from tools.lyrics import analyze_lyrics
from tools.render import render_audio
from tools.share import share_song
from tools.song_info import song_info
from tools.songs import find_song
from tools.track import track

REGISTRY: dict[str, Tool] = {
    t.name: t
    for t in (
        compose, harmonize, generate, drums, chords, bass, track, edit_track, song_info,
        export_stems, analyze_lyrics, find_song, render_audio, find_audience, similar_songs, import_catalog, import_listeners, analyze_audio, share_song, help_tool,
    )
}  # fmt: skip
