"""The optional LLM planner against a real HTTP server on loopback, speaking the OpenAI API.

The endpoint is a boundary we don't own, so a small local server stands in for it; the
built-in router is tested everywhere else, and here as the fallback.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from assistant.config import Settings
from assistant.core.session import Session
from tests.conftest import _free_port
from tests.helpers import turn


class FakeOpenAI(BaseHTTPRequestHandler):
    reply: dict = {}
    seen: list = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.seen.append(body)
        data = json.dumps(FakeOpenAI.reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


def _tool_call(name: str, args: dict) -> dict:
    call = {"type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
    return {"choices": [{"message": {"role": "assistant", "tool_calls": [call]}}]}


@pytest.fixture
def endpoint():  # noqa: ANN201
    server = HTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeOpenAI.seen = []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


@pytest.mark.slow
def test_a_valid_tool_call_is_used_and_anything_else_falls_back(
    settings: Settings, endpoint: str
) -> None:
    session = Session(settings.model_copy(update={"llm_url": endpoint, "seed": 3}))
    try:
        FakeOpenAI.reply = _tool_call(
            "compose", {"key": "E", "mode": "minor", "bars": 4, "style": "folk"}
        )
        route, done = turn(session, "something sad and short in E minor, folky")
        assert route.tool == "compose" and route.args["key"] == "E" and done.ok
        sent = FakeOpenAI.seen[-1]
        assert {t["function"]["name"] for t in sent["tools"]} >= {"compose", "find_audience"}
        assert sent["messages"][-1]["content"].startswith("something sad")

        FakeOpenAI.reply = _tool_call("compose", {"bars": 9999})  # fails the schema
        route, done = turn(session, "render it")
        assert route.tool == "render_audio"  # the built-in router answered
        FakeOpenAI.reply = _tool_call("rm_rf", {})  # no such tool
        route, _ = turn(session, "make it faster")
        assert route.tool == "compose" and route.intent == "modify"
        FakeOpenAI.reply = {"choices": [{"message": {"content": "Hello!"}}]}
        route, done = turn(session, "hi there")
        assert route.tool is None and done.ok
        assert "LLM planner fell back" in (settings.home / "logs" / "errors.log").read_text()
    finally:
        session.close()


def test_an_unreachable_endpoint_falls_back(settings: Settings) -> None:
    from assistant.core.llm_planner import LLMPlanner, check

    down = settings.model_copy(
        update={"llm_url": f"http://127.0.0.1:{_free_port()}/v1", "llm_timeout_sec": 2}
    )
    planner = LLMPlanner(down)
    assert planner.route("compose a jig", None) is None
    assert "Error" in (planner.last_error or "")
    assert check(planner)[0] is False


def test_off_by_default(settings: Settings) -> None:
    assert settings.llm_url is None
    assert Session(settings, use_memory=False).llm is None
