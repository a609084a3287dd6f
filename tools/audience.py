"""`find_audience` and `similar_songs`: who a song can win and why, and its lookalikes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool

if TYPE_CHECKING:
    import numpy as np

    from assistant.core.audience_store import AudienceStore
    from assistant.core.state import Song
    from models.audience.features import SongFeatures

SONG_FILES = (".mid", ".midi", ".wav", ".flac", ".ogg", ".mp3", ".aiff", ".aif", ".m4a")


def open_store(ctx: ToolContext) -> AudienceStore:
    from assistant.core.audience_store import AudienceStore

    memory = ctx.memory
    if memory is None:
        raise ToolError("The catalogue store is not open, so audiences can't be looked up.")
    return AudienceStore.of(memory)


def chat_features(song: Song) -> SongFeatures:
    """A song made in chat, as a catalogue entry (its attribute table plus its MIDI file)."""
    from models.audience.features import SongFeatures, midi_features, mood_into

    features = SongFeatures(
        song_id=f"chat-{song.id}", title=song.title, origin="chat", files=dict(song.files),
        tempo_bpm=song.tempo, key=song.key, mode=song.mode, meter=song.meter, style=song.style,
        mood=song.mood, instruments=[song.instrument] if song.instrument else [],
        genres=[song.style] if song.style else [],
    )  # fmt: skip
    midi = song.files.get("midi")
    if midi and Path(midi).is_file():
        midi_features(Path(midi), features)
        features.tempo_bpm = song.tempo or features.tempo_bpm
        features.key, features.mode = song.key or features.key, song.mode or features.mode
    return mood_into(features)


def catalogue_chat_song(store: AudienceStore, song: Song) -> SongFeatures:
    """Add (or refresh) a chat song in the catalogue: it gets an audience before any plays.

    On a studio server the catalogue is shared and a song is private until shared, so its
    features are only computed, never stored there.
    """
    from models.audience.vectors import content_vectors

    features = chat_features(song)
    if not store.private_songs:
        store.upsert_songs([features], content_vectors([features]))
    return features


def resolve_song(
    ctx: ToolContext, store: AudienceStore, text: str | None
) -> tuple[SongFeatures, np.ndarray]:
    """The song a request is about: the current one, a catalogue title or id, or a file."""
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


def bar(fit: float, width: int = 10) -> str:
    filled = int(round(fit / 100 * width))
    return "█" * filled + "░" * (width - filled)


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
