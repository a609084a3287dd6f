"""`find_song`: find a song made earlier by its description, and make it current."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool

When = Literal["today", "this morning", "earlier", "yesterday", "last night", "last week"]


def time_window(when: str | None, now: datetime | None = None) -> tuple[float, float] | None:
    """(since, until) timestamps for a time phrase, in local time."""
    if not when:
        return None
    now = now or datetime.now().astimezone()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    windows = {
        "today": (midnight, now),
        "this morning": (midnight, midnight + timedelta(hours=12)),
        "earlier": (midnight, now),
        "yesterday": (midnight - timedelta(days=1), midnight),
        "last night": (midnight - timedelta(hours=6), midnight + timedelta(hours=6)),
        "last week": (now - timedelta(days=7), now),
    }
    since, until = windows[when]
    return since.timestamp(), until.timestamp()


@tool(cli_name="find-song", cli_argument="query")
def find_song(
    ctx: ToolContext,
    query: Annotated[str, Field(min_length=1, max_length=300)],
    when: When | None = None,
    limit: Annotated[int, Field(ge=1, le=20)] = 5,
    position: Annotated[int, Field(ge=-50, le=50)] | None = None,
) -> ToolResult:
    """Find songs you made earlier by description and make the best match the current song.

    Args:
        query: Words describing the song, such as "hopeful chorale".
        when: When it was made, such as yesterday or last week.
        limit: How many matches to list.
        position: A song of this conversation by its place: 1 the first, 2 the second, -2 the one before the current song.
    """
    if ctx.memory is None:
        raise ToolError("The song memory is not open, so earlier songs can't be searched.")
    if position:
        return _by_position(ctx, position)
    window = time_window(when)
    matches = []
    if window:
        matches = ctx.memory.recall_songs(query, n=limit, since_ts=window[0], until_ts=window[1])
    note = ""
    if not matches:  # no time phrase, or nothing in that window: search all songs
        matches = ctx.memory.recall_songs(query, n=limit)
        if window and matches:
            note = f"Nothing was made {when}; these are the closest songs from any time. "
    if not matches:
        raise ToolError(
            "You haven't made any songs yet. Try 'compose a hopeful chorale in D major'."
        )
    best, score = matches[0]
    rows = [
        {
            "id": s.id,
            "title": s.title,
            "details": ", ".join(
                x
                for x in (
                    f"{s.tempo} bpm" if s.tempo else "",
                    f"{s.bars} bars" if s.bars else "",
                    s.meter or "",
                )
                if x
            ),
            "created": s.created,
            "similarity": round(sim, 3),
            "files": s.files,
        }
        for s, sim in matches
    ]
    import textwrap

    table = "\n".join(
        textwrap.fill(f"{i}. {r['title']}, {r['details']} ({r['created'][:16].replace('T', ' ')}, "
                      f"match {r['similarity']:.2f})", ctx.width, subsequent_indent="   ")
        for i, r in enumerate(rows, start=1)
    )  # fmt: skip
    return ToolResult(
        summary=f"{note}The best match is '{best.title}' from {best.created[:10]}; it is now the current song.",
        data={"matches": rows, "current": best.id},
        files=list(best.files.values()),
        preview=table,
        song={**best.__dict__, "existing": True},
    )


def _by_position(ctx: ToolContext, position: int) -> ToolResult:
    """'the second one': a song of this conversation by its place in it."""
    ids = ctx.state.song_ids if ctx.state else []
    index = position - 1 if position > 0 else len(ids) + position
    if not 0 <= index < len(ids):
        raise ToolError(
            f"This conversation has {len(ids)} song(s), so there is no "
            f"{'song number ' + str(position) if position > 0 else 'earlier one'}."
        )
    song = ctx.memory.get_song(ids[index]) if ctx.memory else None
    if song is None:
        raise ToolError("That song is no longer in memory.")
    return ToolResult(
        summary=f"Song {index + 1} of this conversation is '{song.title}'; it is now the current song.",
        data={"current": song.id, "position": index + 1},
        files=list(song.files.values()),
        song={**song.__dict__, "existing": True},
    )
