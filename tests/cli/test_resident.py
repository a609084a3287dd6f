"""`cadenza ask` answered by a running chat or `cadenza serve` over a private socket."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from assistant.cli.resident import Resident, ask_resident, socket_path
from assistant.core.events import TurnDone

CADENZA = str(Path(sys.executable).with_name("cadenza"))


@pytest.fixture
def short_home(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """A home with a short path: a Unix socket's path is limited to about 100 bytes."""
    with tempfile.TemporaryDirectory(prefix="cz-") as tmp:
        home, workspace = Path(tmp) / "h", Path(tmp) / "w"
        workspace.mkdir()
        monkeypatch.setenv("CADENZA_HOME", str(home))
        monkeypatch.setenv("CADENZA_WORKSPACE", str(workspace))
        yield home, workspace


@pytest.fixture
def resident(short_home, make_session):  # noqa: ANN001, ANN201
    home, workspace = short_home
    session = make_session(home=home, workspace=workspace)
    server = Resident(session)
    assert server.start()
    yield server
    server.close()


def _reply(session, message: str) -> str:  # noqa: ANN001
    return next(e.reply for e in session.send(message) if isinstance(e, TurnDone))


def test_ask_is_answered_by_the_resident_session(resident, capsys) -> None:  # noqa: ANN001
    assert ask_resident("help", json_out=False) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == _reply(resident.session, "help").strip()
    assert resident.session.state.turns == 2  # the same conversation went on


def test_json_lines_and_a_failed_turn_exit_1(resident, capsys) -> None:  # noqa: ANN001
    code = ask_resident("harmonize missing.mid", json_out=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and '"event": "TurnDone"' in lines[-1]
    assert code in (0, 1)


def test_socket_is_private(resident) -> None:  # noqa: ANN001
    assert stat.S_IMODE(resident.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(resident.path.stat().st_mode) == 0o600


def test_another_workspace_goes_cold(resident, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("CADENZA_WORKSPACE", str(tmp_path))
    assert ask_resident("help", json_out=False) is None
    monkeypatch.setenv("CADENZA_RESIDENT", "0")
    assert ask_resident("help", json_out=False) is None


def test_a_stale_socket_is_removed(short_home) -> None:  # noqa: ANN001
    home, _ = short_home
    path = socket_path(home)
    path.parent.mkdir(parents=True)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # the file stays, nobody listens
    assert path.exists()
    assert ask_resident("help", json_out=False) is None
    assert not path.exists()


def test_concurrent_clients_are_served_one_turn_at_a_time(resident, capsys) -> None:  # noqa: ANN001
    codes: list[int | None] = []
    threads = [threading.Thread(target=lambda: codes.append(ask_resident("help", False)))
               for _ in range(3)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [0, 0, 0]
    time.sleep(0.2)  # the last turn's bookkeeping runs after its reply
    assert resident.session.state.turns == 3


def test_a_second_resident_stays_quiet(resident, make_session, short_home) -> None:  # noqa: ANN001
    home, workspace = short_home
    other = Resident(make_session(home=home, workspace=workspace))
    assert not other.start()
    assert resident.path.exists()


def test_the_client_imports_nothing_heavy() -> None:
    code = ("import sys, assistant.cli.entry, assistant.cli.resident; "
            "print([m for m in ('numpy', 'pydantic', 'typer', 'assistant.core.session') "
            "if m in sys.modules])")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_cadenza_serve_answers_ask(short_home) -> None:  # noqa: ANN001
    home, workspace = short_home
    env = {**os.environ, "CADENZA_HOME": str(home), "CADENZA_WORKSPACE": str(workspace)}
    server = subprocess.Popen([CADENZA, "serve"], env=env, cwd=workspace, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert server.stdout is not None
        assert "Listening on" in server.stdout.readline()
        out = subprocess.run([CADENZA, "ask", "help"], env=env, cwd=workspace, text=True,
                             capture_output=True, timeout=60)  # fmt: skip
        assert out.returncode == 0 and "compose" in out.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not socket_path(home).exists()


def test_the_clients_width_lays_out_the_reply(resident, capsys, monkeypatch) -> None:  # noqa: ANN001
    """CADENZA_WIDTH (or the client's terminal) travels with the request: the resident lays the
    help out for the client's columns, and the setting does not make the resident decline."""
    monkeypatch.setenv("CADENZA_WIDTH", "50")
    assert ask_resident("help", json_out=False) == 0
    narrow = capsys.readouterr().out.splitlines()
    monkeypatch.setenv("CADENZA_WIDTH", "120")
    assert ask_resident("help", json_out=False) == 0
    wide = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in narrow if line.startswith("  ")) <= 50
    assert max(len(line) for line in wide) > 50 and len(wide) < len(narrow)
