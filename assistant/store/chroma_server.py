"""A `chroma run` server on loopback: started, waited for, stopped (tests, benchmarks, studio).

The server's request log is verbose, so it goes to a file. Readiness is a TCP connect to the
port (the server is up in about a second).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout_sec: float = 60.0, host: str = "127.0.0.1") -> bool:
    deadline = time.time() + timeout_sec
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.1)
    return False


@contextmanager
def chroma_run(path: Path, log_path: Path, port: int | None = None) -> Iterator[str]:
    """`chroma run --path PATH` on 127.0.0.1; yields its URL and stops it afterwards."""
    port = port or free_port()
    chroma = Path(sys.executable).with_name("chroma")
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=30)
