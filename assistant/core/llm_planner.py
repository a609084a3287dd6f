"""An optional LLM planner: any OpenAI-compatible chat endpoint (OpenAI, Ollama, llama.cpp...).

Off by default. With `CADENZA_LLM_URL` set (for Ollama: `http://127.0.0.1:11434/v1`), each
message is first sent to `{url}/chat/completions` with the same tool schemas the registry
derives from the tools' signatures; a reply that calls one tool with arguments that pass the
schema becomes the route. Anything else (no tool call, an unknown tool, invalid arguments, a
timeout, a refused connection, a malformed answer) falls back to the built-in router, and the
reason is kept in `last_error` for `cadenza doctor` and the logs. Only the standard library is
used, and nothing is sent anywhere but the configured URL.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.core.routing.router import Route
    from assistant.core.state import DialogueState

SYSTEM = (
    "You are the planner of Cadenza, a music assistant for producers. Call exactly one of the "
    "tools for the producer's message, with arguments taken only from what they said and the "
    "context given. If no tool fits, answer in one short sentence without calling a tool."
)


class LLMPlanner:
    def __init__(self, settings: Settings) -> None:
        self.url = (settings.llm_url or "").rstrip("/")
        self.model = settings.llm_model
        self.api_key = settings.llm_api_key
        self.timeout = settings.llm_timeout_sec
        self.last_error: str | None = None

    def route(self, message: str, state: DialogueState | None) -> Route | None:
        """The LLM's tool call as a Route, or None (with `last_error`) to use the built-in router."""
        try:
            answer = self._ask(self._messages(message, state))
            route = self._to_route(answer)
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"[:300]
            return None
        self.last_error = None if route else "the model answered without a valid tool call"
        return route

    def _messages(self, message: str, state: DialogueState | None) -> list[dict[str, str]]:
        context = "No song yet."
        if state is not None and state.current is not None:
            song = state.current
            context = f"The current song: {song.describe()} (made with {song.tool}, {song.args()})."
        return [
            {"role": "system", "content": f"{SYSTEM}\n{context}"},
            {"role": "user", "content": message},
        ]

    def _ask(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        from tools import REGISTRY

        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "tools": [{"type": "function", "function": t.json_schema()} for t in REGISTRY.values()],
        }
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            f"{self.url}/chat/completions", json.dumps(body).encode(), headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            return json.loads(response.read(2_000_000))

    def _to_route(self, answer: dict[str, Any]) -> Route | None:
        from pydantic import ValidationError

        from assistant.core.routing.router import Route
        from tools import REGISTRY

        calls = answer["choices"][0]["message"].get("tool_calls") or []
        if len(calls) != 1:
            return None
        function = calls[0]["function"]
        name, raw = function["name"], function.get("arguments") or "{}"
        args = json.loads(raw) if isinstance(raw, str) else dict(raw)
        if name not in REGISTRY or not isinstance(args, dict):
            return None
        try:
            REGISTRY[name].validate(args)
        except ValidationError:
            return None
        return Route(intent=name, tool=name, args=args, confidence=1.0)


def check(planner: LLMPlanner) -> tuple[bool, str]:
    """Whether the endpoint answers (for `cadenza doctor`)."""
    try:
        urllib.request.urlopen(f"{planner.url}/models", timeout=planner.timeout).close()  # noqa: S310
    except (OSError, urllib.error.URLError) as exc:
        return False, f"{planner.url} does not answer ({exc})"
    return True, f"{planner.url}, model {planner.model}"
