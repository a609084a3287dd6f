"""`find_song`: find a song made earlier by its description, and make it current."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool

When = Literal["today", "this morning", "earlier", "yesterday", "last night", "last week"]
KEY_NAMED = re.compile(r"\b([A-Ga-g])\s?(#|♯|b|♭|-?\s?sharp|-?\s?flat)?\s+(major|minor)\b", re.I)


def named_key(query: str) -> tuple[str, str] | None:
    """('G', 'major') when the words name a key, so 'in G major' never picks a song in A."""
    m = KEY_NAMED.search(query)
    if not m:
        return None
    acc = (m.group(2) or "").replace("-", "").replace(" ", "").lower()
    sign = {"#": "#", "♯": "#", "sharp": "#", "b": "b", "♭": "b", "flat": "b"}.get(acc, "")
    return m.group(1).upper() + sign, m.group(3).lower()


def best_first(query: str, matches: list, strict: bool = False) -> list:  # noqa: ANN001
    """The (song, similarity) matches with the ones that fit what the words name exactly first:
    a title said in full, then the key named ('in G major'), then the rest in the store's order
    of similarity; with `strict`, songs in another key than the one named are dropped (sharing
    a near neighbour is sharing the wrong song)."""
    key = named_key(query)
    if key is not None:
        keyed = [(s, sim) for s, sim in matches if (s.key, (s.mode or "").lower()) == key]
        matches = keyed if strict else keyed + [m for m in matches if m not in keyed]
    said = query.strip().strip("'\"").lower()
    exact = [(s, sim) for s, sim in matches if s.title.lower() == said]
    return exact + [m for m in matches if m not in exact]


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
    matches, wide = [], max(limit, 20)  # wide enough that the song in the named key is there
    if window:
        matches = ctx.memory.recall_songs(query, n=wide, since_ts=window[0], until_ts=window[1])
    note = ""
    if not matches:  # no time phrase, or nothing in that window: search all songs
        matches = ctx.memory.recall_songs(query, n=wide)
        if window and matches:
            note = f"Nothing was made {when}; these are the closest songs from any time. "
    if not matches:
        raise ToolError(
            "You haven't made any songs yet. Try 'compose a hopeful chorale in D major'."
        )
    matches = best_first(query, matches)[:limit]
    key = named_key(query)
    if key and (matches[0][0].key, (matches[0][0].mode or "").lower()) != key:
        note += f"None of your songs is in {' '.join(key)}; this is the closest. "
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
