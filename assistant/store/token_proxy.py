"""A token-checking reverse proxy in front of a loopback `chroma run` (Chroma 1.x has no auth).

`python -m assistant.store.token_proxy --listen HOST:PORT --upstream 127.0.0.1:N` with the token in
the CADENZA_PROXY_TOKEN environment variable (never on the command line, where `ps` shows it).
A request is forwarded only with `X-Chroma-Token: <token>` or `Authorization: Bearer <token>`
(compared in constant time); anything else gets 401 and never reaches Chroma.

Limits, so that no client can hold the proxy: a request's head (request line and headers, and the
wait for them on an idle kept-alive connection) must arrive within `HEAD_TIMEOUT` seconds in all,
and its body within `BODY_TIMEOUT` plus one second per `MIN_RATE` bytes; a connection that misses
its deadline is closed (idle and slowloris clients). At most `MAX_CONNECTIONS` clients are served
at once; one more gets 503 and is closed at once. A `Content-Length` that is not a whole number
(or is repeated, or comes with `Transfer-Encoding`) gets 400, one over `MAX_BODY` gets 413, and
the connection is closed. Each of these is a short JSON answer and a log line, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import http.client
import io
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_HEADERS = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
               "trailers", "transfer-encoding", "upgrade", "host", "content-length"}  # fmt: skip
MAX_BODY = 256 * 1024 * 1024  # bytes: a larger Content-Length gets 413
HEAD_TIMEOUT = 10.0  # seconds, in all, for a request line and headers (or an idle connection)
BODY_TIMEOUT = 10.0  # seconds for a request body (or an answer to be taken), plus the next ...
MIN_RATE = 64 * 1024  # ... one second per this many bytes, so large bodies on slow links fit
MAX_CONNECTIONS = 64  # clients served at once; one more gets 503
_LENGTH = re.compile(r"[0-9]{1,15}")  # ASCII digits only: str.isdigit() also passes "²"


class _DeadlineReader(io.RawIOBase):
    """A socket's reading side that gives up (TimeoutError) once `deadline` has passed.

    Each receive waits only for the time left, so a client trickling a byte at a time cannot
    stretch a request past its deadline; between reads the socket gets `write_timeout` back.
    """

    def __init__(self, sock: socket.socket, write_timeout: float) -> None:
        super().__init__()
        self.sock, self.write_timeout, self.deadline = sock, write_timeout, time.monotonic()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 (a writable buffer)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(left)
        try:
            return self.sock.recv_into(buffer)
        finally:
            self.sock.settimeout(self.write_timeout)


class LimitedServer(ThreadingHTTPServer):
    """A threading server that serves at most `max_connections` clients at once (more get 503)."""

    daemon_threads = True

    def __init__(self, address, handler, max_connections: int = MAX_CONNECTIONS) -> None:  # noqa: ANN001
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request, client_address) -> None:  # noqa: ANN001
        if not self._slots.acquire(blocking=False):
            sys.stderr.write(f"{client_address[0]} refused: too many connections at once\n")
            body = b'{"error":"The studio server is busy; try again shortly."}'
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                                b"Content-Type: application/json\r\nContent-Length: "
                                + str(len(body)).encode() + b"\r\n\r\n" + body)  # fmt: skip
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started (out of threads): give the slot back
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:  # noqa: ANN001
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """A client that went away is a log line; anything else keeps its traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            sys.stderr.write(f"{client_address[0]} connection ended: {exc!r}\n")
        else:
            super().handle_error(request, client_address)


def presented_token(headers) -> str:  # noqa: ANN001 (http.client's message type)
    token = headers.get("X-Chroma-Token") or ""
    auth = headers.get("Authorization") or ""
    if not token and auth.lower().startswith("bearer "):
        token = auth[7:]
    return token.strip()


def body_length(headers) -> int | str:  # noqa: ANN001 (http.client's message type)
    """The request body's size in bytes, or why the request's framing is refused."""
    if headers.get("Transfer-Encoding") is not None:
        return "Transfer-Encoding is not supported; send a Content-Length instead."
    values = headers.get_all("Content-Length") or []
    if len(values) > 1:
        return "Content-Length must be given once."
    raw = values[0].strip() if values else "0"
    if not _LENGTH.fullmatch(raw):
        return "Content-Length must be a whole number of bytes."
    return int(raw)


class ProxyHandler(BaseHTTPRequestHandler):
    """Checks the token, keeps the limits and relays one request at a time to Chroma."""

    protocol_version = "HTTP/1.1"
    expected: bytes = b""  # the studio token; make_handler sets it, and the rest below
    upstream: tuple[str, int] = ("127.0.0.1", 8000)
    head_timeout, body_timeout, min_rate = HEAD_TIMEOUT, BODY_TIMEOUT, MIN_RATE
    timeout = HEAD_TIMEOUT  # the socket never blocks without a limit

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # replaced by a reader that keeps each request's deadline
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, self.body_timeout))

    def handle_one_request(self) -> None:
        self.rfile.raw.deadline = time.monotonic() + self.head_timeout
        super().handle_one_request()  # a missed deadline: a log line, the connection closed

    def log_message(self, fmt: str, *args) -> None:  # noqa: ANN002
        sys.stderr.write(f"{self.address_string()} {fmt % args}\n")

    def _reply(self, code: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.connection.settimeout(self.body_timeout + len(body) / self.min_rate)
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self, code: int, reason: str) -> None:
        self.close_connection = True  # whatever the client sends next is not a request
        body = ('{"error":"' + reason.replace('"', "'") + '"}').encode()
        self._reply(code, body, [("Content-Type", "application/json"), ("Connection", "close")])

    def _read_body(self, length: int) -> bytes | None:
        """The body, read within its deadline (TimeoutError past it); None if cut short."""
        if not length:
            return b""
        self.rfile.raw.deadline = time.monotonic() + self.body_timeout + length / self.min_rate
        body = self.rfile.read(length)
        return body if len(body) == length else None

    def _forward(self) -> None:
        length = body_length(self.headers)
        if isinstance(length, str):
            self._refuse(400, length)
            return
        if length > MAX_BODY:
            self._refuse(413, f"The request body is over {MAX_BODY} bytes.")
            return
        token = presented_token(self.headers).encode()
        if not self.expected or not hmac.compare_digest(token, self.expected):  # unset: none pass
            closing = [("Connection", "close")] if length else []  # its body is not read
            self.close_connection = self.close_connection or bool(length)
            self._reply(401, b'{"error":"missing or wrong studio token"}',
                        [("Content-Type", "application/json"), *closing])  # fmt: skip
            return
        body = self._read_body(length)
        if body is None:  # the client closed before its body was in: nobody to answer
            self.close_connection = True
            return
        self._relay(body or None)

    def _relay(self, body: bytes | None) -> None:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        conn = http.client.HTTPConnection(*self.upstream, timeout=300)
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_HEADERS]
        except OSError as exc:
            self._reply(502, f'{{"error":"chroma is not answering: {exc}"}}'.encode(), [])
            return
        finally:
            conn.close()
        self._reply(resp.status, data, kept)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward  # noqa: N815


def make_handler(token: str, upstream: tuple[str, int]) -> type[BaseHTTPRequestHandler]:
    """A handler for `token` and `upstream`, with the limits as the module has them now."""
    limits = {"head_timeout": HEAD_TIMEOUT, "body_timeout": BODY_TIMEOUT, "min_rate": MIN_RATE}
    attrs = {"expected": token.encode(), "upstream": upstream, "timeout": HEAD_TIMEOUT, **limits}
    return type("Handler", (ProxyHandler,), attrs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="HOST:PORT to listen on")
    parser.add_argument("--upstream", required=True, help="HOST:PORT of chroma run")
    args = parser.parse_args()
    token = os.environ.get("CADENZA_PROXY_TOKEN", "")
    if len(token) < 16:
        sys.exit("CADENZA_PROXY_TOKEN must hold the studio token (16 characters or more).")
    host, port = args.listen.rsplit(":", 1)
    up_host, up_port = args.upstream.rsplit(":", 1)
    server = LimitedServer((host, int(port)), make_handler(token, (up_host, int(up_port))))
    server.serve_forever()


if __name__ == "__main__":
    main()
