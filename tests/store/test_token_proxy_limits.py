"""The studio's token proxy cannot be held by a client: idle and slowloris connections are closed
at their deadline, connections past the cap get 503, and a malformed `Content-Length` gets 400 at
once (`abc` dropped the connection with a traceback in the log; `-1` hung)."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.store import token_proxy

TOKEN = "t" * 24
HEAD_TIMEOUT = 1.0  # the limits, scaled down so that each test takes a second or two
BODY_TIMEOUT = 0.5
CAP = 3


class Upstream(BaseHTTPRequestHandler):
    """A stand-in for Chroma: answers `<method> <path> <body>`."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        data = f"{self.command} {self.path} ".encode() + body
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer  # noqa: N815

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def proxy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[str, int]]:
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setattr(token_proxy, "HEAD_TIMEOUT", HEAD_TIMEOUT)
    monkeypatch.setattr(token_proxy, "BODY_TIMEOUT", BODY_TIMEOUT)
    monkeypatch.setattr(token_proxy, "MIN_RATE", 10**9)
    handler = token_proxy.make_handler(TOKEN, upstream.server_address[:2])
    server = token_proxy.LimitedServer(("127.0.0.1", 0), handler, max_connections=CAP)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server.server_address[:2]
    server.shutdown()
    server.server_close()
    upstream.shutdown()
    upstream.server_close()
    assert "Traceback" not in capsys.readouterr().err


def _request(address: tuple[str, int], head: bytes, body: bytes = b"") -> bytes:
    """Send one request and read until the proxy closes (a hang fails after 5 s)."""
    with socket.create_connection(address, timeout=5) as conn:
        conn.sendall(head + b"\r\n" + body)
        return _read_all(conn)


def _head(extra: bytes = b"", method: bytes = b"GET", token: str = TOKEN) -> bytes:
    return (method + b" /api/v2/heartbeat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"X-Chroma-Token: " + token.encode() + b"\r\n" + extra)  # fmt: skip


def _read_all(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def _closed_by_peer(conn: socket.socket, wait: float) -> bool:
    """Whether the proxy has closed `conn` (EOF or reset) within `wait` seconds; data is skipped."""
    until = time.monotonic() + wait
    while select.select([conn], [], [], max(0.0, until - time.monotonic()))[0]:
        try:
            if conn.recv(65536) == b"":
                return True
        except ConnectionResetError:
            return True
    return False


def test_an_authorised_request_is_forwarded(proxy) -> None:  # noqa: ANN001
    reply = _request(proxy, _head())
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"GET /api/v2/heartbeat ")
    reply = _request(proxy, _head(b"Content-Length: 5\r\n", b"POST"), b"hello")
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"POST /api/v2/heartbeat hello")


def test_a_wrong_token_gets_401_and_never_reaches_chroma(proxy) -> None:  # noqa: ANN001
    started = time.monotonic()
    reply = _request(proxy, _head(token="wrong-token-wrong-token"))
    assert reply.startswith(b"HTTP/1.1 401") and b"heartbeat" not in reply
    assert time.monotonic() - started < 0.5  # the client's `Connection: close` is kept


@pytest.mark.parametrize(
    "length", [b"abc", b"-1", b"+5", b"1e9", b"5 5", b"\xb2", b"9" * 20, b"5\r\nContent-Length: 6"]
)
def test_a_malformed_content_length_gets_400_at_once(proxy, length: bytes) -> None:  # noqa: ANN001
    started = time.monotonic()
    reply = _request(proxy, _head(b"Content-Length: " + length + b"\r\n", b"POST"), b"hello!")
    assert time.monotonic() - started < 0.5
    assert reply.startswith(b"HTTP/1.1 400") and b"Content-Length must be" in reply
    assert b"Connection: close" in reply
    assert _request(proxy, _head()).startswith(b"HTTP/1.1 200")  # the proxy serves on


def test_a_content_length_over_the_cap_gets_413_at_once(proxy) -> None:  # noqa: ANN001
    started = time.monotonic()
    too_big = str(token_proxy.MAX_BODY + 1).encode()
    reply = _request(proxy, _head(b"Content-Length: " + too_big + b"\r\n", b"POST"))
    assert reply.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 0.5


def test_an_idle_connection_is_closed_after_the_head_timeout(proxy) -> None:  # noqa: ANN001
    with socket.create_connection(proxy, timeout=5) as idle:
        started = time.monotonic()
        assert _closed_by_peer(idle, HEAD_TIMEOUT + 2)
        assert HEAD_TIMEOUT * 0.8 < time.monotonic() - started < HEAD_TIMEOUT + 1


def test_an_idle_kept_alive_connection_is_closed_too(proxy) -> None:  # noqa: ANN001
    with socket.create_connection(proxy, timeout=5) as conn:
        conn.sendall(_head().replace(b"Connection: close", b"Connection: keep-alive") + b"\r\n")
        assert conn.recv(65536).startswith(b"HTTP/1.1 200")
        assert _closed_by_peer(conn, HEAD_TIMEOUT + 2)


def _trickle(conn: socket.socket, first: bytes, limit: float) -> float:
    """Send `first`, then a byte every 0.1 s until the proxy closes; the seconds that took."""
    started = time.monotonic()
    conn.sendall(first)
    while time.monotonic() - started < limit:
        try:
            conn.sendall(b"X")
        except OSError:
            break
        if _closed_by_peer(conn, 0.1):
            break
    return time.monotonic() - started


def test_a_slowloris_head_is_closed_at_its_deadline(proxy) -> None:  # noqa: ANN001
    with socket.create_connection(proxy, timeout=5) as slow:
        took = _trickle(slow, b"GET / HTTP/1.1\r\nX-Slow: ", limit=4)
    assert HEAD_TIMEOUT * 0.8 < took < HEAD_TIMEOUT + 1


def test_a_slow_body_is_closed_at_its_deadline(proxy) -> None:  # noqa: ANN001
    with socket.create_connection(proxy, timeout=5) as slow:
        took = _trickle(slow, _head(b"Content-Length: 1000\r\n", b"POST") + b"\r\n", limit=4)
    assert BODY_TIMEOUT * 0.8 < took < BODY_TIMEOUT + 1


def test_past_the_cap_a_connection_gets_503_and_service_comes_back(proxy) -> None:  # noqa: ANN001
    held = [socket.create_connection(proxy, timeout=5) for _ in range(CAP)]
    started = time.monotonic()
    with socket.create_connection(proxy, timeout=5) as extra:
        reply = _read_all(extra)
    assert time.monotonic() - started < 0.5
    assert reply.startswith(b"HTTP/1.1 503") and reply.endswith(b'try again shortly."}')
    for conn in held:
        conn.close()
    deadline = time.monotonic() + 2
    while (reply := _request(proxy, _head())).startswith(b"HTTP/1.1 503"):
        assert time.monotonic() < deadline, "the slots were not given back"
        time.sleep(0.05)
    assert reply.startswith(b"HTTP/1.1 200")
