"""A token-checking reverse proxy in front of a loopback `chroma run` (Chroma 1.x has no auth).

`python -m assistant.store.token_proxy --listen HOST:PORT --upstream 127.0.0.1:N` with the token in
the CADENZA_PROXY_TOKEN environment variable (never on the command line, where `ps` shows it).
A request is forwarded only with `X-Chroma-Token: <token>` or `Authorization: Bearer <token>`
(compared in constant time); anything else gets 401 and never reaches Chroma.

Limits, so no client can hold the proxy: a request's head and body must arrive within
`REQUEST_DEADLINE` seconds (each read within `READ_TIMEOUT`), an idle kept-alive connection is
closed after `READ_TIMEOUT`, at most `MAX_CONNECTIONS` are served at once (more get 503), and a
`Content-Length` that is not a whole number up to `MAX_BODY` gets 400 or 413; each of these is a
short JSON answer and a log line, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import http.client
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_HEADERS = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
               "trailers", "transfer-encoding", "upgrade", "host", "content-length"}  # fmt: skip
MAX_BODY = 256 * 1024 * 1024
READ_TIMEOUT = 10.0  # seconds one read may wait (an idle or stalled client)
REQUEST_DEADLINE = 30.0  # seconds for a whole request head and body (a slowloris trickle)
MAX_CONNECTIONS = 64


class LimitedServer(ThreadingHTTPServer):
    """A threading server that serves at most `max_connections` clients at once."""

    daemon_threads = True

    def __init__(self, address, handler, max_connections: int = MAX_CONNECTIONS) -> None:  # noqa: ANN001
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request, client_address) -> None:  # noqa: ANN001
        if not self._slots.acquire(blocking=False):
            body = b'{"error":"the studio server is busy: too many connections"}'
            with contextlib.suppress(OSError):
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                                b"Content-Type: application/json\r\nContent-Length: "
                                + str(len(body)).encode() + b"\r\n\r\n" + body)  # fmt: skip
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """A client that went away mid-answer is a log line, not a traceback."""
        kind, exc = sys.exc_info()[:2]
        name = kind.__name__ if kind else "error"
        sys.stderr.write(f"{client_address[0]} connection ended: {name}: {exc}\n")

    def process_request_thread(self, request, client_address) -> None:  # noqa: ANN001
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def presented_token(headers) -> str:  # noqa: ANN001 (http.client's message type)
    token = headers.get("X-Chroma-Token") or ""
    auth = headers.get("Authorization") or ""
    if not token and auth.lower().startswith("bearer "):
        token = auth[7:]
    return token.strip()


def make_handler(token: str, upstream: tuple[str, int]) -> type[BaseHTTPRequestHandler]:
    expected = token.encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = READ_TIMEOUT  # every read of the socket; an idle connection is closed
        deadline = REQUEST_DEADLINE

        def handle_one_request(self) -> None:
            """One request, whose head and body must arrive before the deadline."""
            self.expired = False
            self._timer = threading.Timer(self.deadline, self._expire)
            self._timer.daemon = True
            self._timer.start()
            try:
                super().handle_one_request()
            finally:
                self._timer.cancel()

        def _expire(self) -> None:  # a client still sending its request: cut it off
            self.expired = self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def log_message(self, fmt: str, *args) -> None:  # noqa: ANN002
            sys.stderr.write(f"{self.address_string()} {fmt % args}\n")

        def _reply(self, code: int, body: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _forward(self) -> None:
            if self.expired:  # the head was cut off at the deadline: nothing to answer
                self.close_connection = True
                return
            if not hmac.compare_digest(presented_token(self.headers).encode(), expected):
                self._reply(401, b'{"error":"missing or wrong studio token"}',
                            [("Content-Type", "application/json")])  # fmt: skip
                return
            raw = (self.headers.get("Content-Length") or "0").strip()
            if not raw.isdigit() or len(raw) > 12:  # "abc", "-1", "1e9": never read as a size
                self.close_connection = True
                self._reply(400, b'{"error":"Content-Length must be a whole number"}', [])
                return
            length = int(raw)
            if length > MAX_BODY:
                self.close_connection = True
                self._reply(413, b'{"error":"request too large"}', [])
                return
            body = self.rfile.read(length) if length else None
            if self.expired or (length and (body is None or len(body) < length)):  # cut off
                self.close_connection = True
                return
            self._timer.cancel()  # the request is in; Chroma may take its time to answer
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            conn = http.client.HTTPConnection(*upstream, timeout=300)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_HEADERS]
                self._reply(resp.status, data, kept)
            except OSError as exc:
                self._reply(502, f'{{"error":"chroma is not answering: {exc}"}}'.encode(), [])
            finally:
                conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward  # noqa: N815

    return Handler


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
