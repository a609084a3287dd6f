"""The studio server: one `chroma run` for every producer on a machine (`cadenza server ...`).

`start` launches `chroma run` in its own session (it outlives the shell that started it), with
its log in `CADENZA_HOME/logs/` and a record of the process in `CADENZA_HOME/studio/server.json`.
On loopback (the default) Chroma listens on the configured port itself. Bound to any other
address, Chroma stays on loopback and Cadenza's token proxy (`token_proxy.py`) listens outside
and refuses every request without the studio token: Chroma 1.x's own server has no built-in
authentication. Every `cadenza` process then connects with `CADENZA_CHROMA_URL` (and
`CADENZA_CHROMA_TOKEN` when the server is exposed).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import CadenzaError
from assistant.store.chroma_server import free_port, wait_for_port

if TYPE_CHECKING:
    from assistant.config import Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ServerError(CadenzaError):
    """The studio server could not be started, stopped or reached."""


@dataclass
class ServerRecord:
    pid: int
    host: str
    port: int
    path: str
    started: str
    chroma_port: int  # equals port on loopback; Chroma's own loopback port behind the proxy
    proxy_pid: int | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"


def studio_dir(settings: Settings) -> Path:
    return settings.home / "studio"


def record_path(settings: Settings) -> Path:
    return studio_dir(settings) / "server.json"


def read_record(settings: Settings) -> ServerRecord | None:
    path = record_path(settings)
    if not path.is_file():
        return None
    try:
        return ServerRecord(**json.loads(path.read_text()))
    except (ValueError, TypeError):
        return None  # a half-written record from a killed start: treated as no server


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:  # a zombie child of this process counts as gone
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def running(settings: Settings) -> ServerRecord | None:
    """The record of a server that is up and answering, else None."""
    rec = read_record(settings)
    if rec is None or not alive(rec.pid) or (rec.proxy_pid and not alive(rec.proxy_pid)):
        return None
    return rec if wait_for_port(rec.port, 0.5, _connect_host(rec.host)) else None


def _connect_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "localhost") else ("::1" if host == "::" else host)


def token_path(settings: Settings) -> Path:
    return studio_dir(settings) / "token"


def studio_token(settings: Settings) -> str:
    """The token clients must send when the server listens beyond loopback (made once, 0600)."""
    if settings.chroma_token:
        return settings.chroma_token
    path = token_path(settings)
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
    return token


def _spawn(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env=env,
        )  # fmt: skip


def start(settings: Settings, wait_sec: float = 60.0) -> tuple[ServerRecord, bool]:
    """Start the studio server (or find it running); returns its record and whether it is new."""
    rec = running(settings)
    if rec is not None:
        return rec, False
    host, port = settings.server_host, settings.server_port
    path = settings.server_path or settings.home / "studio-store"
    path.mkdir(parents=True, exist_ok=True)
    logs = settings.home / "logs"
    exposed = host not in LOOPBACK
    chroma_port = free_port() if exposed else port
    if not exposed and wait_for_port(port, 0.2):
        raise ServerError(
            f"Port {port} on 127.0.0.1 is taken by another program. Choose another with "
            "CADENZA_SERVER_PORT=N."
        )
    chroma = Path(sys.executable).with_name("chroma")
    proc = _spawn(
        [
            str(chroma),
            "run",
            "--path",
            str(path),
            "--host",
            "127.0.0.1",
            "--port",
            str(chroma_port),
        ],
        logs / "chroma-server.log",
    )
    proxy = None
    if exposed:
        token = studio_token(settings)
        env = {**os.environ, "CADENZA_PROXY_TOKEN": token}
        proxy = _spawn(
            [sys.executable, "-m", "assistant.store.token_proxy", "--listen", f"{host}:{port}",
             "--upstream", f"127.0.0.1:{chroma_port}"],
            logs / "token-proxy.log", env,
        )  # fmt: skip
    ok = wait_for_port(chroma_port, wait_sec) and (
        proxy is None or wait_for_port(port, wait_sec, _connect_host(host))
    )
    if not ok:
        for p in (proxy, proc):
            if p is not None:
                p.kill()
        raise ServerError(
            f"The Chroma server did not come up within {wait_sec:.0f} s; see "
            f"{logs / 'chroma-server.log'}."
        )
    rec = ServerRecord(proc.pid, host, port, str(path), datetime.now(UTC).isoformat(
        timespec="seconds"), chroma_port, proxy.pid if proxy else None)  # fmt: skip
    record_path(settings).parent.mkdir(parents=True, exist_ok=True)
    tmp = record_path(settings).with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(rec), indent=1) + "\n")
    tmp.replace(record_path(settings))
    return rec, True


def stop(settings: Settings, wait_sec: float = 20.0) -> ServerRecord | None:
    """Stop the studio server; returns the record of what was stopped (None: nothing ran)."""
    rec = read_record(settings)
    if rec is None:
        return None
    for pid in (rec.proxy_pid, rec.pid):
        if pid and alive(pid):
            os.kill(pid, signal.SIGTERM)
    deadline = time.time() + wait_sec
    while time.time() < deadline and any(alive(p) for p in (rec.pid, rec.proxy_pid)):
        time.sleep(0.1)
    for pid in (rec.proxy_pid, rec.pid):
        if pid and alive(pid):
            os.kill(pid, signal.SIGKILL)
    record_path(settings).unlink(missing_ok=True)
    return rec


def status(settings: Settings) -> dict[str, Any]:
    """What `cadenza server status` prints: up or down, where, and what the store holds."""
    rec = read_record(settings)
    up = running(settings)
    out: dict[str, Any] = {"running": up is not None}
    if rec is None:
        return out
    out.update(asdict(rec), url=rec.url, exposed=rec.host not in LOOPBACK)
    path = Path(rec.path)
    if path.exists():
        out["store_mb"] = round(
            sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1
        )
    if up is not None:
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            client = chromadb.HttpClient(
                host="127.0.0.1", port=rec.chroma_port,
                settings=ChromaSettings(anonymized_telemetry=False),
            )  # fmt: skip
            out["collections"] = {c.name: c.count() for c in client.list_collections()}
        except Exception as exc:  # a server that answers the port but not the API
            out["error"] = str(exc)
    return out
