"""Every test gets its own CADENZA_HOME, and any network access beyond loopback fails."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from assistant.config import Settings

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:  # noqa: ANN001
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real):  # noqa: ANN001, ANN202
    def connect(self, address):  # noqa: ANN001, ANN202
        if not _is_local(address):
            raise RuntimeError(f"Network access in a test: {address!r}. Cadenza must work offline.")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded(_real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))


@pytest.fixture(autouse=True)
def cadenza_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cadenza-home"
    monkeypatch.setenv("CADENZA_HOME", str(home))
    (tmp_path / "workspace").mkdir()
    monkeypatch.setenv("CADENZA_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.delenv("CADENZA_CHROMA_URL", raising=False)
    monkeypatch.delenv("CADENZA_SEED", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return home


@pytest.fixture
def settings(cadenza_home: Path) -> Settings:
    return Settings(home=cadenza_home, workspace=cadenza_home.parent / "workspace")


@pytest.fixture
def workspace(cadenza_home: Path) -> Path:
    """The folder input files are read from in this test."""
    return cadenza_home.parent / "workspace"


@pytest.fixture(scope="session")
def router(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The real MiniLM router, loaded once for the whole run."""
    from assistant.core.routing.router import Router
    from models.embeddings.encoder import get_encoder

    return Router(get_encoder(), tmp_path_factory.mktemp("router-cache"))


@pytest.fixture
def make_session(router, settings):  # noqa: ANN001, ANN201
    """Sessions that share the loaded router; each closes its store at the end of the test."""
    from assistant.core.session import Session

    made = []

    def make(**overrides):  # noqa: ANN003, ANN202
        s = Session(settings.model_copy(update=overrides) if overrides else settings, router=router)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _free_port() -> int:
    from assistant.store.chroma_server import free_port

    return free_port()


@pytest.fixture
def chroma_server(tmp_path: Path):  # noqa: ANN201
    from assistant.store.chroma_server import chroma_run

    with chroma_run(tmp_path / "srv", tmp_path / "chroma.log") as url:
        yield url
