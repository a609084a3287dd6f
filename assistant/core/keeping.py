"""Keeping songs: what the session does with a song a tool made, and going back a version.

A new song becomes current, is remembered in the store and joins the catalogue; while the store
is down it waits in the state ("unsaved") and goes in when the store answers. None of this may
end a turn: the session calls `keep_song` under a guard, and every store failure becomes a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.store.songs import Song

if TYPE_CHECKING:
    from assistant.core.state import DialogueState
    from assistant.store.memory import Memory


def keep_song(
    state: DialogueState, memory: Memory | None, memory_error: str | None, data: dict,
    parent: str | None, defer: bool = False,
) -> str:
    """Make a new or recalled song current and store it; returns a note if the store failed.

    `parent` is the song a follow-up ("make it faster") was made from. With `defer` (the store
    is not open yet) the song waits in the queue that the session saves after the reply.
    """
    from assistant.core.message import printable

    data = dict(data)
    if isinstance(data.get("title"), str):  # a title made from a file name is kept printable
        data["title"] = printable(data["title"])
    existing = data.pop("existing", False)
    parent = data.pop("parent", None) or parent  # a tool that reworked the current song
    if not existing:
        data.update(id=Song.new_id(), parent=parent)
    song = Song.from_dict(data)
    state.add_song(song)
    if existing:
        return ""
    if memory is None:
        if defer:
            state.unsaved.append(song)
            return ""
        if not memory_error:
            return ""
        state.unsaved.append(song)
        return not_saved(memory_error)
    try:
        memory.remember_song(song)
    except Exception as exc:
        state.unsaved.append(song)
        return not_saved(str(exc))
    return catalogue(memory, song)


def not_saved(why: str) -> str:
    return (
        f"\n\n(Not saved to memory yet: {why}) The file is safe on disk, and the song is "
        "saved to memory as soon as the store answers again."
    )


def save_unsaved(state: DialogueState, memory: Memory) -> None:
    """Songs made while the store was down go in now, oldest first; the rest wait."""
    while state.unsaved:
        try:
            memory.remember_song(state.unsaved[0])
        except Exception:
            return
        catalogue(memory, state.unsaved.pop(0))


def catalogue(memory: Memory, song: Song) -> str:
    """Songs made in chat join the catalogue, so they get an audience before any plays.

    On a studio server the catalogue is shared, so a song joins it only when shared.
    """
    from assistant.store.audience_store import AudienceStore
    from assistant.store.chat_songs import catalogue_chat_song

    if getattr(memory, "studio", False):
        return ""
    try:
        catalogue_chat_song(AudienceStore.of(memory), song)
    except Exception as exc:  # the song itself is saved; only its catalogue entry failed
        return f"\n\n(Not added to the catalogue: {exc})"
    return ""


def undo(state: DialogueState, memory: Memory | None, memory_error: str | None) -> str:
    """Make the version the current song was made from current again."""
    from assistant.core.reply import render_files

    current = state.current
    if current is None:
        return "There is nothing to undo yet: no song has been made in this conversation."
    if current.parent is None:
        return f"'{current.title}' is the first version; there is no earlier one to go back to."
    parent = memory.get_song(current.parent) if memory is not None else None
    if parent is None:
        why = f" ({memory_error})" if memory_error else ""
        return f"I can't find the version before '{current.title}' in memory{why}."
    state.add_song(parent)
    files = render_files(list(parent.files.values())) if parent.files else ""
    return "\n\n".join(
        p for p in (f"Back to the earlier version: {parent.describe()}.", files) if p
    )
