"""The one registry of callable tools. A test asserts this exact set and a golden copy of schemas.

Tool modules import only light modules at import time; engines load inside the tool functions.
"""

from __future__ import annotations

from tools.base import Tool
from tools.compose import compose, harmonize
from tools.help import help as help_tool
from tools.lyrics import analyze_lyrics
from tools.render import render_audio
from tools.songs import find_song

REGISTRY: dict[str, Tool] = {
    t.name: t for t in (compose, harmonize, analyze_lyrics, find_song, render_audio, help_tool)
}

# Tool names the router may produce whose engines land in later releases. Calling one gives a
# clear "not available yet" result, never a crash.
PLANNED: dict[str, str] = {
    "generate": "the neural generation engine",
    "find_audience": "audience insights",
    "similar_songs": "catalogue lookalikes",
    "import_catalog": "catalogue import",
    "analyze_audio": "audio analysis",
}
