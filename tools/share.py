"""`share_song`: on a studio server, let everyone find one of your songs (songs are private)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool


@tool(cli_name="share", cli_argument="song")
def share_song(
    ctx: ToolContext, song: Annotated[str | None, Field(max_length=300)] = None
) -> ToolResult:
    """Share one of your songs with everyone on the studio server (it is private until then).

    Args:
        song: A title or description of one of your songs (default: the current song).
    """
    from assistant.errors import StoreError
    from assistant.store.audience_store import AudienceStore
    from assistant.store.chat_songs import chat_features
    from models.audience.vectors import content_vectors

    memory = ctx.memory
    if memory is None:
        raise ToolError("The song memory is not open, so nothing can be shared.")
    if song:
        from tools.songs import best_first

        mine = [(s, sim) for s, sim in memory.recall_songs(song, n=20) if memory.owns(s.id)]
        mine = best_first(song, mine, strict=True)  # the title said or the key named, never a
        # near neighbour in another key
        if not mine or mine[0][1] < 0.45:
            raise ToolError(f"None of your songs matches '{song[:60]}'. Say 'list my songs'.")
        target = mine[0][0]
    else:
        target = ctx.state.current if ctx.state else None
        if target is None:
            raise ToolError("Which song? Make one first, or name it: 'share the hopeful chorale'.")
    try:
        memory.share_song(target)
    except StoreError as exc:
        raise ToolError(str(exc)) from exc
    store = AudienceStore.of(memory)
    features = chat_features(target)
    store.upsert_songs([features], content_vectors([features]))  # shared: now in the catalogue
    return ToolResult(
        summary=(
            f"Shared '{target.title}' with the studio: everyone using {memory.location} can find "
            "it and pitch it now. Your other songs and your conversations stay private."
        ),
        data={"song": target.id, "title": target.title, "owner": memory.user},
    )
