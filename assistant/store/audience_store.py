"""The catalogue, listeners and segments in Chroma, next to the songs and turns of `memory.py`.

Three collections hold content vectors (see `models/audience/vectors.py`), which are computed
from features, never from text, so they are always passed explicitly. They are still created
with an embedding function of our own (`ContentEmbedding`), because Chroma falls back to its
default one (which downloads a model) when a collection has none.

- `catalog`: one entry per song (imported, or made in chat), metadata = `SongFeatures` plus its
  play statistics and "fans also like";
- `listeners`: one per listener, vector = taste (play-weighted mean of their songs), metadata =
  profile, activity, segment and their plays (`plays_json`, so the audience can be rebuilt from
  the store alone, including on a shared `chroma run` server);
- `segments`: one per segment, vector = cluster centre, metadata = size, places, taste words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.errors import StoreError
from models.audience.features import SongFeatures

if TYPE_CHECKING:
    from assistant.store.memory import Memory

CATALOG, LISTENERS, SEGMENTS = "catalog", "listeners", "segments"
CONTENT_EMBEDDING = "cadenza-content"
BATCH = 4000  # Chroma's largest batch is about 5,400
PAGE = 5000


@register_embedding_function
class ContentEmbedding(EmbeddingFunction[Documents]):
    """Marks collections whose vectors come from song features; text can't be embedded here."""

    def __init__(self) -> None:  # Chroma requires an explicit __init__ (nothing to configure)
        pass

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 (Chroma's signature)
        raise StoreError(
            "Catalogue vectors are computed from song features; pass embeddings explicitly."
        )

    @staticmethod
    def name() -> str:
        return CONTENT_EMBEDDING

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ContentEmbedding:
        return ContentEmbedding()


class AudienceStore:
    """Catalogue, listeners and segments over the Memory's Chroma client."""

    def __init__(self, memory: Memory) -> None:
        self.client = memory.client
        self.location = memory.location
        self.private_songs = bool(getattr(memory, "studio", False))  # chat songs stay out
        self.catalog = self._collection(CATALOG)
        self.listeners = self._collection(LISTENERS)
        self.segments = self._collection(SEGMENTS)
        self._segments: tuple | None = None  # read once per request (see `begin`)

    @classmethod
    def of(cls, memory: Memory) -> AudienceStore:
        """The store over this Memory, opened once per process (opening costs about 3 ms)."""
        store = memory.__dict__.get("_audience_store")
        if store is None:
            store = memory.__dict__["_audience_store"] = cls(memory)
        store.begin()
        return store

    def begin(self) -> None:
        """Start a request: segments are read again (another process may have rebuilt them)."""
        self._segments = None

    def _collection(self, name: str):  # noqa: ANN202 (chromadb's Collection type)
        from models.audience.vectors import DIM

        collection = self.client.get_or_create_collection(
            name,
            embedding_function=ContentEmbedding(),
            configuration={"hnsw": {"space": "cosine", "ef_search": 200}},
            metadata={"embedding": CONTENT_EMBEDDING, "dim": DIM},
        )
        if (collection.metadata or {}).get("dim") != DIM:
            raise StoreError(
                f"The '{name}' collection in {self.location} holds vectors of another version "
                f"({(collection.metadata or {}).get('dim')} dimensions, not {DIM}). Run "
                "`cadenza catalog rebuild` to recompute them."
            )
        return collection

    # -- catalogue --------------------------------------------------------------------------
    def upsert_songs(
        self,
        songs: list[SongFeatures],
        vectors: np.ndarray,
        extra: list[dict[str, Any]] | None = None,
    ) -> None:
        for start in range(0, len(songs), BATCH):
            chunk = songs[start : start + BATCH]
            metas = [s.to_metadata() for s in chunk]
            if extra is not None:
                for meta, more in zip(metas, extra[start : start + BATCH], strict=True):
                    meta.update(more)
            self.catalog.upsert(
                ids=[s.song_id for s in chunk],
                embeddings=vectors[start : start + BATCH].tolist(),
                metadatas=metas,
                documents=[s.summary() for s in chunk],
            )

    def catalog_entries(
        self, ids: list[str] | None = None, vectors: bool = True
    ) -> tuple[list[SongFeatures], np.ndarray, list[dict[str, Any]]]:
        """Songs (all, or these ids), their vectors and raw metadata, in a stable order."""
        include = ["metadatas", "embeddings"] if vectors else ["metadatas"]
        got = _get_all(self.catalog, include, ids)
        songs = [SongFeatures.from_metadata(m) for m in got["metadatas"]]
        vecs = np.asarray(got["embeddings"], dtype=np.float32) if vectors else np.zeros((0,))
        return songs, vecs, list(got["metadatas"])

    def song_hashes(self) -> dict[str, str]:
        got = _get_all(self.catalog, ["metadatas"], None)
        return {
            i: str(m.get("content_hash", ""))
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
        }

    def similar_songs(
        self, vector: np.ndarray, n: int, exclude: set[str] | None = None
    ) -> list[tuple[SongFeatures, float, dict[str, Any]]]:
        exclude = exclude or set()
        res = self.catalog.query(  # more results than songs is fine: Chroma returns them all
            query_embeddings=[vector.tolist()],
            n_results=n + len(exclude),
            include=["metadatas", "distances"],
        )
        out = []
        for meta, dist in zip(res["metadatas"][0], res["distances"][0], strict=True):
            song = SongFeatures.from_metadata(meta)
            if song.song_id not in exclude:
                out.append((song, 1.0 - float(dist), meta))
        return out[:n]

    # -- listeners and segments -------------------------------------------------------------
    def replace_listeners(self, ids: list[str], vectors: np.ndarray, metas: list[dict]) -> None:
        self.listeners = _replace(self.listeners, ids, vectors, metas)

    def replace_segments(self, ids: list[str], vectors: np.ndarray, metas: list[dict]) -> None:
        self.segments = _replace(self.segments, ids, vectors, metas)
        self._segments = None

    def listener_entries(self) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
        got = _get_all(self.listeners, ["metadatas", "embeddings"], None)
        vecs = np.asarray(got["embeddings"], dtype=np.float32)
        return list(got["ids"]), vecs, list(got["metadatas"])

    def segment_entries(self) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
        if self._segments is None:
            self._segments = self._read_segments()
        return self._segments

    def _read_segments(self) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
        got = _get_all(self.segments, ["metadatas", "embeddings"], None)
        vecs = np.asarray(got["embeddings"], dtype=np.float32)
        order = np.argsort([int(m.get("rank", 0)) for m in got["metadatas"]], kind="stable")
        return (
            [got["ids"][i] for i in order],
            vecs[order] if len(order) else vecs,
            [got["metadatas"][i] for i in order],
        )

    def counts(self) -> dict[str, int]:
        return {
            "songs": self.catalog.count(),
            "listeners": self.listeners.count(),
            "segments": self.segments.count(),
        }


def _get_all(collection, include: list[str], ids: list[str] | None) -> dict[str, list]:  # noqa: ANN001
    """Every entry (or these ids), read in pages so a 100k catalogue doesn't hit size limits."""
    out: dict[str, list] = {"ids": [], "metadatas": [], "embeddings": []}
    if ids is not None:
        for start in range(0, len(ids), PAGE):
            got = collection.get(ids=ids[start : start + PAGE], include=include)
            _extend(out, got, include)
        return out
    offset = 0
    while True:
        got = collection.get(limit=PAGE, offset=offset, include=include)
        _extend(out, got, include)
        if len(got["ids"]) < PAGE:
            return out
        offset += PAGE


def _extend(out: dict[str, list], got: Any, include: list[str]) -> None:
    out["ids"].extend(got["ids"])
    out["metadatas"].extend(got["metadatas"] if "metadatas" in include else [])
    if "embeddings" in include and got["embeddings"] is not None:
        out["embeddings"].extend(list(got["embeddings"]))


def _replace(collection, ids: list[str], vectors: np.ndarray, metas: list[dict]):  # noqa: ANN001, ANN202
    """Swap a collection's whole content: add the new entries, then delete the ones not kept.

    Upserting first and deleting the leftovers after means a reader (or a crash) between the
    two steps sees the new entries plus stale ones, never an empty audience.
    """
    for start in range(0, len(ids), BATCH):
        collection.upsert(
            ids=ids[start : start + BATCH],
            embeddings=vectors[start : start + BATCH].tolist(),
            metadatas=metas[start : start + BATCH],
        )
    keep = set(ids)
    stale = [i for i in _get_all(collection, [], None)["ids"] if i not in keep]
    for start in range(0, len(stale), BATCH):
        collection.delete(ids=stale[start : start + BATCH])
    return collection
