"""A token-checking reverse proxy in front of a loopback `chroma run` (Chroma 1.x has no auth).

`python -m assistant.store.token_proxy --listen HOST:PORT --upstream 127.0.0.1:N` with the token in
the CADENZA_PROXY_TOKEN environment variable (never on the command line, where `ps` shows it).
A request is forwarded only with `X-Chroma-Token: <token>` or `Authorization: Bearer <token>`
(compared in constant time); anything else gets 401 and never reaches Chroma.
"""

from __future__ import annotations

import argparse
import hmac
import http.client
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_HEADERS = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
               "trailers", "transfer-encoding", "upgrade", "host", "content-length"}  # fmt: skip
MAX_BODY = 256 * 1024 * 1024


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
            if not hmac.compare_digest(presented_token(self.headers).encode(), expected):
                self._reply(401, b'{"error":"missing or wrong studio token"}',
                            [("Content-Type", "application/json")])  # fmt: skip
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._reply(413, b'{"error":"request too large"}', [])
                return
            body = self.rfile.read(length) if length else None
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
    server = ThreadingHTTPServer((host, int(port)), make_handler(token, (up_host, int(up_port))))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
