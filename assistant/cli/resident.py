"""The resident mode: a running chat or `cadenza serve` answers `cadenza ask` over a socket.

A cold `ask` pays for Python, the router and the engines; when a chat or `cadenza serve` is
already running for the same `CADENZA_HOME`, `ask` hands its message to that process instead
and prints the same reply (the same JSON lines with `--json`), in milliseconds for a question.

- The socket is `CADENZA_HOME/run/cadenza.sock`, in a folder created 0700, the socket itself
  0600; on Linux the server also refuses a peer of another user (SO_PEERCRED).
- The resident answers only a client with the same workspace and the same `CADENZA_*`
  settings (a relative file name means the same file); otherwise the client starts cold.
- Turns are serialised by the session itself (`Session.send` holds its turn lock), so a
  message from `ask` waits for the chat's own turn to finish and continues the same
  conversation; the store keeps its single writer (the resident holds it).
- `CADENZA_RESIDENT=0` makes `ask` start cold. A stale socket (its process gone) is removed.

The client half (`ask_resident`) imports only the standard library and platformdirs, so a warm
`ask` costs the interpreter's start and a round trip.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import struct
import sys
import threading
from pathlib import Path
from typing import Any

from assistant.cli.width import clamp, reply_width

SOCKET_NAME = "cadenza.sock"
CONNECT_TIMEOUT = 0.5


def home_dir() -> Path:
    """CADENZA_HOME as Settings resolves it, without importing Settings (pydantic)."""
    raw = os.environ.get("CADENZA_HOME")
    if raw:
        return Path(raw).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("cadenza", appauthor=False)).resolve()


def socket_path(home: Path) -> Path:
    return home / "run" / SOCKET_NAME


def context() -> dict[str, str]:
    """What must match between a client and the resident: workspace and CADENZA_* settings."""
    workspace = os.environ.get("CADENZA_WORKSPACE") or os.getcwd()
    own = ("CADENZA_RESIDENT", "CADENZA_WIDTH")  # the client's own: the width travels per request
    settings = sorted((k, v) for k, v in os.environ.items()
                      if k.startswith("CADENZA_") and k not in own)  # fmt: skip
    digest = hashlib.sha1(json.dumps(settings).encode()).hexdigest()
    return {"workspace": str(Path(workspace).expanduser().resolve()), "settings": digest}


# -- client -------------------------------------------------------------------------------
def ask_resident(message: str, json_out: bool) -> int | None:
    """Send `message` to a resident and print its reply; the exit code, or None to go cold."""
    if os.environ.get("CADENZA_RESIDENT", "1") == "0":
        return None
    path = socket_path(home_dir())
    if not path.exists():
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(CONNECT_TIMEOUT)
    try:
        conn.connect(str(path))
    except (ConnectionRefusedError, FileNotFoundError):
        with contextlib.suppress(OSError):
            path.unlink()  # nobody listens: a process that died without cleaning up
        conn.close()
        return None
    except OSError:
        conn.close()
        return None
    conn.settimeout(None)  # a long compose is waited for; events stream as they come
    with conn, conn.makefile("rwb") as stream:
        request = {"message": message, "width": reply_width(json_out), **context()}
        stream.write(json.dumps(request).encode() + b"\n")
        stream.flush()
        return _print_stream(stream, json_out)


def _print_stream(stream, json_out: bool) -> int | None:  # noqa: ANN001
    for raw in stream:
        item = json.loads(raw)
        if item.get("declined"):
            return None
        kind = item.get("event")
        if json_out:
            print(json.dumps(item, ensure_ascii=False), flush=True)
        elif kind == "ToolProgress" and item.get("message") and sys.stderr.isatty():
            print(f"  ... {item['message']}", file=sys.stderr, flush=True)
        elif kind == "StoreNote":
            print(item["text"], file=sys.stderr, flush=True)
        elif kind == "TurnDone":
            print(item["reply"], flush=True)
        if kind == "TurnDone":  # the resident stores the turn after this: no need to wait
            return 0 if item.get("ok") else 1
    return None  # the resident went away mid-turn: say nothing more, go cold


# -- server -------------------------------------------------------------------------------
class Resident:
    """Serves one session on the socket in a daemon thread; `close()` removes the socket."""

    def __init__(self, session: Any) -> None:  # a Session (not imported: keeps this light)
        self.session = session
        self.path = socket_path(session.settings.home)
        self.context = context()
        self._server: socket.socket | None = None

    def start(self) -> bool:
        """Listen, unless another live process already does (then this one stays quiet)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.path.parent, 0o700)
        if _alive(self.path):
            return False
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            server.bind(str(self.path))
        except OSError:
            server.close()
            return False  # a path too long for a socket, a read-only home: ask goes cold
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        server.listen(8)
        self._server = server
        threading.Thread(target=self._accept, name="resident", daemon=True).start()
        return True

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def _accept(self) -> None:
        while self._server is not None:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as stream:
            try:
                if not _same_user(conn):
                    return
                request = json.loads(stream.readline())
                if not isinstance(request, dict):
                    return
                if {k: request.get(k) for k in self.context} != self.context:
                    _send(stream, {"declined": "another workspace or other settings"})
                    return
            except (OSError, ValueError):
                return  # the client went away or sent nonsense: the next one is served
            listening = True
            message, width = str(request.get("message", "")), clamp(request.get("width"))
            for event in self.session.send(message, width=width):
                if listening:  # a client gone after the reply: the turn still finishes
                    try:
                        _send(stream, event.to_dict())
                    except OSError:
                        listening = False


def _send(stream, item: dict) -> None:  # noqa: ANN001
    stream.write(json.dumps(item, ensure_ascii=False, default=str).encode() + b"\n")
    stream.flush()


def _same_user(conn: socket.socket) -> bool:
    """On Linux, the peer's uid must be ours; elsewhere the socket's 0600 mode decides."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", creds)
    return uid == os.getuid()


def _alive(path: Path) -> bool:
    if not path.exists():
        return False
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(CONNECT_TIMEOUT)
    try:
        probe.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        probe.close()
