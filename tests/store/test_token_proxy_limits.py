"""The studio's token proxy cannot be held by a client (issue 25 item 7): idle and slowloris
connections are closed, connections past the cap get 503, and a bad Content-Length gets 400 at
once (`abc` dropped the connection with a traceback; `-1` hung)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from assistant.store import token_proxy

TOKEN = "t" * 24


class Upstream(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def proxy(capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[str, int]]:
    upstream = HTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    handler = token_proxy.make_handler(TOKEN, upstream.server_address[:2])
    handler.timeout, handler.deadline = 0.5, 1.0  # the limits, scaled down for a test
    server = token_proxy.LimitedServer(("127.0.0.1", 0), handler, max_connections=3)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[:2]
    server.shutdown()
    upstream.shutdown()
    assert "Traceback" not in capsys.readouterr().err


def _get(address: tuple[str, int], extra: bytes = b"") -> bytes:
    with socket.create_connection(address, timeout=5) as conn:
        conn.sendall(b"GET /api/v2/heartbeat HTTP/1.1\r\nHost: x\r\nX-Chroma-Token: "
                     + TOKEN.encode() + b"\r\nConnection: close\r\n" + extra + b"\r\n")  # fmt: skip
        return _read_all(conn)


def _read_all(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def test_an_authorised_request_is_forwarded(proxy) -> None:  # noqa: ANN001
    reply = _get(proxy)
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"ok")


@pytest.mark.parametrize("length", [b"abc", b"-1", b"1e9", b"99999999999999999"])
def test_a_bad_content_length_gets_400_at_once(proxy, length: bytes) -> None:  # noqa: ANN001
    started = time.monotonic()
    reply = _get(proxy, b"Content-Length: " + length + b"\r\n")
    assert reply.startswith(b"HTTP/1.1 400") and b"whole number" in reply
    assert time.monotonic() - started < 0.5


def test_idle_and_slowloris_connections_are_closed(proxy) -> None:  # noqa: ANN001
    idle = socket.create_connection(proxy, timeout=5)
    slow = socket.create_connection(proxy, timeout=5)
    started = time.monotonic()
    slow.sendall(b"GET / HTTP/1.1\r\n")
    for _ in range(8):  # a header byte every 0.3 s: each read is in time, the request never is
        try:
            slow.sendall(b"X")
        except OSError:
            break
        time.sleep(0.3)
    assert _read_all(idle) == b""  # closed by the proxy after the read timeout
    with pytest.raises(OSError):  # cut off at the request deadline, before its end
        slow.sendall(b"more\r\n")
        slow.sendall(b"more\r\n")
        assert _read_all(slow) == b""
        raise OSError("closed")
    assert time.monotonic() - started < 4
    idle.close()
    slow.close()


def test_past_the_cap_a_connection_gets_503_and_service_comes_back(proxy) -> None:  # noqa: ANN001
    held = [socket.create_connection(proxy, timeout=5) for _ in range(3)]
    time.sleep(0.1)
    with socket.create_connection(proxy, timeout=5) as extra:
        assert _read_all(extra).startswith(b"HTTP/1.1 503")
    for conn in held:
        conn.close()
    time.sleep(0.2)
    assert _get(proxy).startswith(b"HTTP/1.1 200")
