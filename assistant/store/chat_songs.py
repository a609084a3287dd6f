"""Songs made in chat join the catalogue, so they get an audience before any plays.

The store's job, not a tool's: the session catalogues every song it keeps, and the audience
tools catalogue the current song on demand. On a studio server the catalogue is shared and a
song stays private until shared, so its features are computed but not stored there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.store.audience_store import AudienceStore
    from assistant.store.songs import Song
    from models.audience.features import SongFeatures


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
