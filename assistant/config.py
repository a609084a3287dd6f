"""One Settings object, built once and passed down (never read from globals deep in the code).

Every field can be set from the environment with the ``CADENZA_`` prefix, e.g.
``CADENZA_HOME=/srv/cadenza`` or ``CADENZA_CHROMA_URL=http://127.0.0.1:8765``.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path(user_data_dir("cadenza", appauthor=False))


class Settings(BaseSettings):
    """Cadenza's configuration."""

    model_config = SettingsConfigDict(env_prefix="CADENZA_", extra="ignore")

    home: Path = Field(
        default_factory=_default_home,
        description="Where Cadenza keeps its store, conversations and outputs.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a shared `chroma run` server (http://host:port). "
        "Unset: an embedded store under `home`.",
    )
    chroma_token: str | None = Field(
        default=None,
        description="Studio token sent to a shared server that listens beyond loopback "
        "(`cadenza server start` prints it; on the server machine it is read from "
        "`home/studio/token`).",
    )
    server_host: str = Field(
        default="127.0.0.1",
        description="Where `cadenza server start` listens. Any address but loopback puts "
        "Cadenza's token proxy in front of Chroma.",
    )
    server_port: int = Field(default=8765, ge=1, le=65535, description="The studio server's port.")
    server_path: Path | None = Field(
        default=None, description="The studio server's store (default: `home/studio-store`)."
    )
    max_message_chars: int = Field(
        default=16000,
        ge=100,
        description="Longer chat messages are refused with a clear message (paste lyrics as a file).",
    )
    router_min_confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Below this intent confidence the assistant asks instead of acting "
        "(default: the threshold tuned with the intent classifier).",
    )
    workspace: Path = Field(
        default_factory=Path.cwd,
        description="Input files (melodies, lyrics, audio) are read only from inside this folder "
        "or from `home`; default: the folder Cadenza was started in.",
    )
    llm_url: str | None = Field(
        default=None,
        description="Optional LLM planner: an OpenAI-compatible endpoint (Ollama: "
        "http://127.0.0.1:11434/v1). Unset (the default): the built-in router alone.",
    )
    llm_model: str = Field(default="llama3.1", description="The model the LLM planner asks.")
    llm_api_key: str | None = Field(default=None, description="Bearer token for the LLM endpoint.")
    llm_timeout_sec: float = Field(
        default=8.0, gt=0, le=120, description="After this the built-in router answers instead."
    )
    tool_time_limit_sec: float = Field(
        default=900.0,
        gt=0,
        description="A tool still working after this long is stopped at its next progress "
        "report, with a clear message (what it finished is kept).",
    )
    output_dir: Path | None = Field(
        default=None,
        description="Where tools write their files (default: `home/outputs`). Tools never write "
        "anywhere else; names from chat text are sanitised and cannot leave it.",
    )
    seed: int | None = Field(
        default=None, description="Fixed seed for every tool call (tests, reproducible demos)."
    )

    @field_validator("home", "workspace", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def outputs_dir(self) -> Path:
        """Every file a tool writes goes under here."""
        return self.output_dir.expanduser().resolve() if self.output_dir else self.home / "outputs"

    @property
    def store_dir(self) -> Path:
        """The embedded Chroma store."""
        return self.home / "store"

    @property
    def cache_dir(self) -> Path:
        """Derived data that can be rebuilt (exemplar embeddings...)."""
        return self.home / "cache"

    @property
    def state_path(self) -> Path:
        """The dialogue state shared by `cadenza ask` calls and chats (current song...)."""
        return self.home / "state.json"

    def ensure_dirs(self) -> None:
        """Create the folders Cadenza writes to. The home is private (0700): its songs, turns,
        state, store and outputs are no other OS user's to read, whatever the umask."""
        import os

        from models import cache

        for path in (self.home, self.outputs_dir, self.cache_dir):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.home.stat().st_uid == os.getuid() and self.home.stat().st_mode & 0o077:
            self.home.chmod(0o700)  # a home made before this rule, or by a loose umask
        cache.use(self.cache_dir)  # engines keep their fast-loading tables here
