"""`analyze_lyrics`: what a song's lyrics feel like, line by line, section by section."""

from __future__ import annotations

from typing import Any, Literal

from tools.base import ToolContext, ToolError, ToolResult, tool

LYRIC_FILES = (".txt", ".lrc")


def looks_like_path(text: str) -> bool:
    """One line that names a .txt or .lrc file (the lyrics themselves span lines)."""
    raw = text.strip().strip("'\"")
    return "\n" not in raw and raw.lower().endswith(LYRIC_FILES) and len(raw) < 500


def read_lyrics(ctx: ToolContext, lyrics: str) -> tuple[str, str | None]:
    """(text, source path or None): a .txt/.lrc path in the workspace, or the text itself."""
    from models.lyrics.song import MAX_BYTES, LyricError

    if not looks_like_path(lyrics):
        return lyrics, None
    path = ctx.input_path(lyrics, LYRIC_FILES)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise LyricError(
            f"{path.name} is {size / 1e6:.1f} MB, far more than a song; the limit is "
            f"{MAX_BYTES // 1000} KB. Give me one song at a time."
        )
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise LyricError(f"{path.name} is not a text file (it holds binary data).")
    try:
        return data.decode("utf-8-sig"), str(path)
    except UnicodeDecodeError:
        return data.decode("latin-1"), str(path)


def analyse_text(ctx: ToolContext, lyrics: str, model: str | None, explain: bool = True):
    """Read and analyse lyrics; returns (analysis, source path)."""
    from models.lyrics.engine import get_model
    from models.lyrics.song import analyse

    text, source = read_lyrics(ctx, lyrics)
    ctx.progress(0.2, "loading the lyric model")
    engine = get_model(model)
    ctx.progress(0.5, "reading the lines")
    return analyse(text, engine, explain_words=explain), source


def describe_song(song: dict[str, Any]) -> str:
    ranked = song["top_emotions"]
    floor = max(0.05, 0.3 * ranked[0]["p"]) if ranked else 1.0
    emotions = ", ".join(e["emotion"] for e in ranked if e["p"] >= floor)
    feel = {"happy": "bright and energetic", "angry": "tense and agitated", "sad": "low and heavy",
            "relaxed": "calm and warm", "neutral": "even, close to neutral"}[song["quadrant"]]  # fmt: skip
    v, a = song["circumplex"]
    return f"{feel} ({song['quadrant']}: valence {v:+.2f}, arousal {a:+.2f} on -1..1)" + (
        f", with {emotions}" if emotions else ""
    )


@tool(cli_name="lyrics", cli_argument="lyrics")
def analyze_lyrics(
    ctx: ToolContext,
    lyrics: str,
    model: Literal["minilm", "bilstm", "ensemble"] | None = None,
    explain: bool = True,
) -> ToolResult:
    """Read lyrics and say what they feel like: per line, per section and for the whole song.

    Args:
        lyrics: The lyrics as text, or the path of a .txt or .lrc file in the workspace.
        model: minilm (fine-tuned MiniLM), bilstm (sentencepiece + BiLSTM) or ensemble (the
            two averaged). Default: the best on the benchmark (see the README).
        explain: Find the words that drive each judgement.
    """
    from models.lyrics.preview import draw_arc, line_table

    if not lyrics or not lyrics.strip():
        raise ToolError("Paste the lyrics, or give me the path of a .txt or .lrc file.")
    result, source = analyse_text(ctx, lyrics, model, explain)
    song = result["song"]
    chorus = next((s for s in result["sections"] if s["kind"] == "chorus" and "valence" in s), None)
    parts = [f"These lyrics feel {describe_song(song)}."]
    if song["words"]:
        parts.append(f"The words doing the most work: {', '.join(song['words'][:5])}.")
    if chorus and len(result["sections"]) > 1:
        parts.append(f"The chorus reads {describe_song(chorus)}.")
    if result["skipped"]:
        parts.append(
            f"I skipped {len(result['skipped'])} line(s) that are not English "
            "(only English is supported so far)."
        )
    where = f" ({source})" if source else ""
    summary = f"Read {song['lines']} lines in {song['sections']} section(s){where}. " + " ".join(
        parts
    )
    arc, table = draw_arc(result, width=ctx.width), line_table(result, width=ctx.width)
    preview = "\n\n".join(p for p in (arc, table) if p)
    if ctx.state is not None:  # "now write music for them"
        ctx.state.lyrics = source or lyrics
        ctx.state.segment = None  # "music for them" now means these lyrics
    return ToolResult(summary=summary, data=result, preview=preview)
