"""`help`: what Cadenza can do, listed from the registry itself."""

from __future__ import annotations

from tools.base import ToolContext, ToolResult, tool

EXAMPLES = [
    "write a slow, hopeful chorale in D major",
    "compose an irish jig in G, 16 bars",
    "harmonize melody.mid as a chorale",
    "let the neural model write a chorale  /  continue sketch.mid",
    "redo the last four bars, darker  /  keep going for 8 more bars",
    "just the melody, a folk song in E minor",
    "make it faster / same but in minor / darker / another version",
    "render it to audio",
    "find the sad waltz from yesterday",
    "what do these lyrics feel like:  (then paste the lyrics, and a line with just '.')",
    "analyse song.txt  /  now write music for them",
    "who should I pitch this track to?  /  share it with the studio",
]


@tool(cli_name="tools")
def help(ctx: ToolContext) -> ToolResult:  # noqa: A001 (the tool's public name is "help")
    """List what Cadenza can do, with example requests."""
    from tools import REGISTRY

    rows = [{"tool": t.name, "what": t.description} for t in REGISTRY.values()]
    text = "\n".join(f"- {r['tool']}: {r['what']}" for r in rows)
    examples = "\n".join(f'  "{e}"' for e in EXAMPLES)
    return ToolResult(
        summary="Here is what I can do, and some things to try.",
        data={"tools": rows, "examples": EXAMPLES},
        preview=f"{text}\n\nTry:\n{examples}",
    )
