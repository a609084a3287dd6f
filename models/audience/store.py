"""What the audience engine needs from a store: the few methods it calls, as a Protocol.

The engine names no assistant type; the assistant's Chroma-backed store (`AudienceStore` in
assistant/store/audience_store.py) has these members, and a test can pass anything that does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from models.audience.features import SongFeatures


class AudienceStore(Protocol):
    """The catalogue, listeners and segments, as the audience engine reads and writes them."""

    location: str  # names the store in cache keys (a folder or a server URL)
    catalog: Any  # the catalogue collection: `.get(where=..., limit=...)` and `.delete(where=...)`

    def upsert_songs(
        self,
        songs: list[SongFeatures],
        vectors: np.ndarray,
        extra: list[dict[str, Any]] | None = None,
    ) -> None: ...

    def catalog_entries(
        self, ids: list[str] | None = None, vectors: bool = True
    ) -> tuple[list[SongFeatures], np.ndarray, list[dict[str, Any]]]: ...

    def song_hashes(self) -> dict[str, str]: ...

    def replace_listeners(
        self, ids: list[str], vectors: np.ndarray, metas: list[dict]
    ) -> None: ...

    def replace_segments(self, ids: list[str], vectors: np.ndarray, metas: list[dict]) -> None: ...

    def listener_entries(self) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]: ...

    def segment_entries(self) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]: ...
