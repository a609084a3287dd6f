"""`find_audience` and `similar_songs`: who a song can win and why, and its lookalikes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from models.music.vocabulary import AUDIO_SUFFIXES, MIDI_SUFFIXES
from tools.base import ToolContext, ToolError, ToolResult, tool
from tools.pieces import open_store

if TYPE_CHECKING:
    import numpy as np

    from assistant.store.audience_store import AudienceStore
    from models.audience.features import SongFeatures

SONG_FILES = (*MIDI_SUFFIXES, *AUDIO_SUFFIXES)


def resolve_song(
    ctx: ToolContext, store: AudienceStore, text: str | None
) -> tuple[SongFeatures, np.ndarray]:
    """The song a request is about: the current one, a catalogue title or id, or a file."""
    from assistant.store.chat_songs import catalogue_chat_song
    from models.audience.vectors import content_vectors

    if not text:
        current = ctx.state.current if ctx.state else None
        if current is None:
            raise ToolError(
                "Which song? Make one first ('compose a sad waltz'), or name one from the "
                "catalogue ('who would like Late rain vigil?')."
            )
        songs, vecs, _ = store.catalog_entries([f"chat-{current.id}"])
        if songs:
            return songs[0], vecs[0]
        features = catalogue_chat_song(store, current)
        return features, content_vectors([features])[0]
    if text.strip().lower().endswith(SONG_FILES):
        return _file_song(ctx, text)
    found = find_in_catalog(store, text)
    if found is not None:
        return found
    memory = ctx.memory
    made = memory.recall_songs(text, n=1) if memory is not None else []
    if made and made[0][1] >= 0.5:  # "the waltz": a song made in chat
        features = catalogue_chat_song(store, made[0][0])
        return features, content_vectors([features])[0]
    raise ToolError(
        f"I can't find '{text[:60]}' in the catalogue. Some titles: {', '.join(sample_titles(store))}."
    )


def _file_song(ctx: ToolContext, text: str) -> tuple[SongFeatures, np.ndarray]:
    from models.audience.catalog import read_song
    from models.audience.vectors import content_vectors

    path = ctx.input_path(text, SONG_FILES)
    kind = "midi" if path.suffix.lower() in (".mid", ".midi") else "audio"
    features = read_song(f"file-{path.stem}", {kind: path}, {"title": path.stem}, None)
    return features, content_vectors([features])[0]


def find_in_catalog(store: AudienceStore, text: str) -> tuple[SongFeatures, np.ndarray] | None:
    """By id, then by title (any case), then by a title containing the words."""
    text = text.strip().strip("'\"")
    songs, vecs, _ = store.catalog_entries([text])
    if songs:
        return songs[0], vecs[0]
    for variant in dict.fromkeys((text, text.capitalize(), text.title(), text.lower())):
        got = store.catalog.get(
            where={"title": variant}, include=["metadatas", "embeddings"], limit=1
        )
        if got["ids"]:
            return _entry(got)
    for variant in dict.fromkeys((text, text.capitalize(), text.title(), text.lower())):
        got = store.catalog.get(
            where_document={"$contains": variant}, include=["metadatas", "embeddings"], limit=1
        )
        if got["ids"]:
            return _entry(got)
    return None


def _entry(got: dict[str, Any]) -> tuple[SongFeatures, np.ndarray]:
    import numpy as np

    from models.audience.features import SongFeatures

    return SongFeatures.from_metadata(got["metadatas"][0]), np.asarray(
        got["embeddings"][0], dtype=np.float32
    )


def sample_titles(store: AudienceStore, n: int = 4) -> list[str]:
    got = store.catalog.get(limit=n, include=["metadatas"])
    return [str(m.get("title")) for m in got["metadatas"]] or ["(the catalogue is empty)"]


def parse_release(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise ToolError(
            f"'{text[:20]}' is not a date I can read; write it as YYYY-MM-DD."
        ) from None


@tool(cli_name="find-audience", cli_argument="song")
def find_audience(
    ctx: ToolContext,
    song: Annotated[str | None, Field(max_length=300)] = None,
    segment: Annotated[str | None, Field(max_length=200)] = None,
    release_date: Annotated[str | None, Field(max_length=20)] = None,
    limit: Annotated[int, Field(ge=1, le=20)] = 5,
) -> ToolResult:
    """Find the listener segments and listeners a song can win, and explain why they fit.

    Args:
        song: A catalogue title or id, or a MIDI/audio file (default: the current song).
        segment: Describe a segment instead ("late-night study crowd", "segment 2"): the songs that fit it and what to write for it.
        release_date: The planned release date (YYYY-MM-DD), for the playlist pitch deadline.
        limit: How many listeners and lookalike songs to list.
    """
    from tools.audience_report import segment_report, song_report

    store = open_store(ctx)
    from models.audience.engine import ensure_audience

    note = ensure_audience(store, ctx.progress)
    if segment:
        return segment_report(ctx, store, segment, limit, note)
    features, vector = resolve_song(ctx, store, song)
    return song_report(ctx, store, features, vector, parse_release(release_date), limit, note)


@tool(cli_name="similar", cli_argument="song")
def similar_songs(
    ctx: ToolContext,
    song: Annotated[str | None, Field(max_length=300)] = None,
    limit: Annotated[int, Field(ge=1, le=20)] = 5,
) -> ToolResult:
    """Find the catalogue songs most like a song, and the songs its fans also play.

    Args:
        song: A catalogue title or id, or a MIDI/audio file (default: the current song).
        limit: How many songs to list.
    """
    from models.audience.engine import ensure_audience
    from tools.audience_report import similar_report

    store = open_store(ctx)
    note = ensure_audience(store, ctx.progress)
    features, vector = resolve_song(ctx, store, song)
    return similar_report(store, features, vector, limit, note)
