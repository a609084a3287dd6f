"""A conversation: `Session.send(text)` turns a message into tool calls and a reply, as events.

The session never raises from `send`: bad input, router failures, tool errors and store problems
all become a clear reply, and the conversation goes on. Models and the store load lazily, on the
first message that needs them (front ends may call `warm()` in the background).
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
import time
from collections.abc import Generator, Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.core import keeping
from assistant.core.events import (
    Event,
    ReplyDelta,
    RouteDecided,
    StoreNote,
    ToolFinished,
    ToolProgress,
    ToolStarted,
    TurnDone,
)
from assistant.core.message import clean_message, printable
from assistant.core.reply import render_smalltalk, render_tool_reply, templates
from assistant.core.runtime import Runtime
from assistant.core.state import DialogueState
from assistant.errors import CadenzaError, InputError, ModelError
from assistant.store.songs import Song
from tools.base import ToolContext, ToolResult

MEMORY_RETRY_SEC = 2.0  # after the store failed to open, wait this long before trying again

if TYPE_CHECKING:
    from assistant.core.llm_planner import LLMPlanner
    from assistant.core.routing.router import Route, Router
    from assistant.store.memory import Memory


class Session:
    """One conversation with its dialogue state, router, runtime and memory."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        state: DialogueState | None = None,
        router: Router | None = None,
        memory: Memory | None = None,
        use_memory: bool = True,
    ) -> None:
        self.settings = settings or Settings()
        self.settings.ensure_dirs()
        self.state = state if state is not None else DialogueState.load(self.settings.state_path)
        self.runtime = Runtime(error_log=self.settings.home / "logs" / "errors.log")
        self._use_memory = use_memory
        self._cancelled = threading.Event()
        self.memory_error: str | None = None
        if router is not None:
            self.__dict__["router"] = router
        self._memory: Memory | None = memory
        self._memory_retry_at = 0.0
        self._memory_lock = threading.Lock()  # the TUI warms the store in a background thread
        self._deferred = False
        self._turn_lock = threading.Lock()
        self.width = 80  # the columns a reply's previews may use; front ends set it
        self._turn_width: int | None = None  # a width for this turn only (`send(width=)`)

    # -- lazy parts -------------------------------------------------------------------------
    @cached_property
    def router(self) -> Router:
        from assistant.core.routing.router import make_router

        return make_router(self.settings)

    @property
    def memory(self) -> Memory | None:
        """The store, opened on first use; after a failure, tried again a moment later (a
        studio server that was restarted is picked up again without restarting Cadenza)."""
        if self._memory is not None or not self._use_memory:
            return self._memory
        from assistant.store.memory import Memory

        with self._memory_lock:
            if self._memory is not None or time.monotonic() < self._memory_retry_at:
                return self._memory
            try:
                self._memory = Memory(self.settings)
            except (CadenzaError, ModelError) as exc:
                self.memory_error = str(exc)
                self._memory_retry_at = time.monotonic() + MEMORY_RETRY_SEC
                return None
            self.memory_error = None
            return self._memory

    @cached_property
    def llm(self) -> LLMPlanner | None:
        """The optional LLM planner (only with `CADENZA_LLM_URL`)."""
        if not self.settings.llm_url:
            return None
        from assistant.core.llm_planner import LLMPlanner

        return LLMPlanner(self.settings)

    def _llm_route(self, message: str) -> Route | None:
        """The LLM planner's tool call, or None: no planner, or it failed (the router answers)."""
        if self.llm is None or self.state.pending:
            return None
        route = self.llm.route(message, self.state)
        if route is None and self.llm.last_error:
            self.runtime.log(f"LLM planner fell back to the router: {self.llm.last_error}")
        return route

    def warm(self) -> None:
        """Load the router and open the store now (front ends call this in the background)."""
        _ = self.router, self.memory

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()

    # -- one turn ---------------------------------------------------------------------------
    def send(self, text: str, width: int | None = None) -> Iterator[Event]:
        """Handle one message; yields events and never raises. One turn at a time: a message
        from another thread (`cadenza ask` through a running chat) waits for this one.
        `width`: the columns this turn's previews may use (default `self.width`)."""
        with self._turn_lock:
            self._turn_width = width
            try:
                yield from self._send(text)
            finally:
                self._turn_width = None

    def _send(self, text: str) -> Iterator[Event]:
        self._cancelled.clear()
        self._deferred = False  # a song of this turn waits for the store (see _keep_song)
        try:
            message = clean_message(text, self.settings.max_message_chars)
        except InputError as exc:
            yield from self._finish(str(exc), None, ok=False)
            return
        try:
            route = self._llm_route(message)
            steps = None if route or self.state.pending else self.router.plan(message)
            route = route or (None if steps else self.router.route(message, self.state))
        except Exception as exc:  # the router failing must not end the conversation
            yield from self._finish(f"I couldn't understand that message ({exc}).", None, ok=False)
            return
        if steps:
            self.state.pending = None
            yield from self._guarded(self._run_plan(steps, message), None, message)
            return
        assert route is not None
        # A question with choices waits for its answer ("1", "the second"); anything else clears it.
        self.state.pending = {"text": message, "intents": route.choices} if route.choices else None
        yield RouteDecided(route.tool, route.args, route.confidence, route.intent, route.question)
        if route.question:  # a question, or why it cannot be done as given (not ok)
            yield from self._finish(route.question, None, ok=not route.refused, user=message)
            return
        if route.intent == "undo":
            undone = keeping.undo(self.state, self.memory, self.memory_error)
            yield from self._finish(undone, None, ok=True, user=message)
            return
        if route.tool is None:
            yield from self._finish(render_smalltalk(message), None, ok=True, user=message)
            return
        yield from self._guarded(self._act(route, message), route.tool, message)

    def _guarded(self, turn: Iterator[Event], tool: str | None, message: str) -> Iterator[Event]:
        """A turn's events; a bug after the tool ran still ends the turn with a clear reply."""
        try:
            yield from turn
        except Exception as exc:
            self.runtime.log(f"turn failed after routing: {exc!r}")
            yield from self._finish(
                f"Something went wrong while finishing that ({exc}). Anything already written "
                "is on disk; ask again, or say 'help'.",
                tool,
                ok=False,
                user=message,
            )

    def call_tool(self, name: str, args: dict) -> Iterator[Event]:
        """Run one tool directly (the CLI's tool commands), with the same state and memory."""
        from assistant.core.routing.router import Route

        yield from self._act(Route(intent=name, tool=name, args=args, confidence=1.0), None)

    def _act(self, route: Route, message: str | None) -> Iterator[Event]:
        reply, result = yield from self._step(route)
        yield from self._finish(reply, route.tool, ok=result.ok, user=message, result=result)

    def _step(self, route: Route) -> Generator[Event, None, tuple[str, ToolResult]]:
        """Run one tool call; yields its events, returns its reply and result."""
        result: ToolResult | None = None
        for event in self._run_tool(route):
            if isinstance(event, ToolResult):
                result = event
            else:
                yield event
        assert result is not None
        cancelled = not result.ok and self._cancelled.is_set()  # asked for: not a failure
        reply = (result.error or "") if cancelled else render_tool_reply(route, result)
        if result.ok and result.song:
            reply += self._keep_song(route, result.song)
        if route.note:
            reply += f"\n\n{route.note}"
        if route.preface and result.ok:
            reply = f"{route.preface}\n\n{reply}"
        return reply, result

    def _keep_song(self, route: Route, song: dict) -> str:
        """Keep the song a tool made; bookkeeping can fail, but never the turn."""
        follow_up = route.intent == "modify" and self.state.current is not None
        parent = self.state.current.id if follow_up else None
        # Not open yet (a cold `ask`, a chat still warming): the song is kept in the
        # conversation now and stored right after the reply, so the answer waits for no store.
        defer = self._use_memory and self._memory is None and self.memory_error is None
        self._deferred = self._deferred or defer
        memory = None if defer else self.memory
        try:
            return keeping.keep_song(
                self.state, memory, self.memory_error, song, parent, defer=defer
            )
        except Exception as exc:  # a bug in bookkeeping: the files are written, say so and go on
            self.runtime.log(f"keeping the song failed: {exc!r}")
            return f"\n\n(The song's files are on disk, but I couldn't keep it in this conversation: {exc})"

    def _run_plan(self, steps: list[str], message: str) -> Iterator[Event]:
        """A multi-step request: each step routed with the state the steps before it left."""
        from assistant.core.routing.planner import labels

        parts, result, tool, ok, offered = [], None, None, True, labels()
        for n, step in enumerate(steps, start=1):
            route = self.router.route(step, self.state)
            yield RouteDecided(
                route.tool, route.args, route.confidence, route.intent, route.question
            )
            head = f"Step {n} of {len(steps)}: {offered.get(route.intent, route.intent)}."
            if route.question or route.tool is None:
                parts.append(f"{head}\n{route.question or 'There was nothing to do.'}")
                ok = False
                break
            reply, result = yield from self._step(route)
            tool = route.tool
            if n < len(steps):  # the next step is already asked for: no "Next:" hint
                reply = re.sub(r"\n\nNext: [^\n]*$", "", reply)
            parts.append(f"{head}\n{reply}")
            if not result.ok:
                ok = False
                break
        if not ok and n < len(steps):
            parts.append(f"I stopped at step {n} of {len(steps)}; the steps before it are done.")
        yield from self._finish("\n\n".join(parts), tool, ok=ok, user=message, result=result)

    def _run_tool(self, route: Route) -> Iterator[Event | ToolResult]:
        """Run the tool in a worker thread so progress events stream while it works."""
        name = route.tool or ""
        yield ToolStarted(name, route.args)
        events: queue.Queue[tuple[float, str]] = queue.Queue()
        ctx = ToolContext(
            settings=self.settings,
            state=self.state,
            width=self._turn_width or self.width,
            open_memory=lambda: self.memory,  # opened once, when a tool asks
            progress=lambda fraction, message="": self._progress(events, fraction, message),
        )
        box: dict[str, ToolResult] = {}
        worker = threading.Thread(
            target=lambda: box.setdefault("result", self.runtime.call(name, route.args, ctx)),
            name=f"tool-{name}",
            daemon=True,
        )
        worker.start()
        while worker.is_alive() or not events.empty():
            try:
                fraction, message = events.get(timeout=0.05)
            except queue.Empty:
                continue
            yield ToolProgress(name, fraction, message)
        worker.join()
        result = box["result"]
        yield ToolFinished(name, result.ok, result.data, result.error, list(result.files))
        yield result

    def cancel(self) -> None:
        """Ask the running tool to stop at its next progress report (the TUI's Esc)."""
        self._cancelled.set()

    def _progress(self, events: queue.Queue, fraction: float, message: str) -> None:
        if self._cancelled.is_set():
            raise Cancelled("Cancelled. Nothing half-made was kept; ask again when you're ready.")
        events.put((fraction, message))

    def select_song(self, song_id: str) -> Song | None:
        """Make a song of this conversation current again (the TUI's song panel)."""
        memory = self.memory
        song = memory.get_song(song_id) if memory is not None else None
        if song is not None:
            self.state.add_song(song)
            self.state.save(self.settings.state_path)
        return song

    def songs(self) -> list[Song]:
        """This conversation's songs, oldest first (those still in memory)."""
        memory = self.memory
        if memory is None:
            return []
        found = (memory.get_song(i) for i in self.state.song_ids)
        return [s for s in found if s is not None]

    def transcript(self, n: int = 40) -> list[dict]:
        """The last turns of this conversation, for `cadenza chat --resume`."""
        from assistant.core import transcript

        return transcript.read(self.settings.home, self.state.conversation_id, n)

    def _append_transcript(
        self, user: str | None, reply: str, tool: str | None, ok: bool, result: ToolResult | None
    ) -> None:
        from assistant.core import transcript

        entry = {"user": user, "reply": reply, "tool": tool, "ok": ok,
                 "files": list(result.files) if result else []}  # fmt: skip
        transcript.append(self.settings.home, self.state.conversation_id, entry)

    def _finish(
        self,
        reply: str,
        tool: str | None,
        ok: bool,
        user: str | None = None,
        result: ToolResult | None = None,
    ) -> Iterator[Event]:
        reply = printable(reply)  # names and titles from files may hold escape sequences
        for block in re.split(r"(?<=\n\n)", reply):  # the reply streams in block by block
            if block:
                yield ReplyDelta(block)
        self.state.turns += 1
        self._append_transcript(user, reply, tool, ok, result)
        try:
            self.state.save(self.settings.state_path)
        except OSError as exc:
            reply += f"\n(The conversation state could not be saved: {exc})"
        yield TurnDone(reply, tool, ok, result.to_dict() if result else None)
        if self._memory is not None:  # the store's work comes after the answer
            self._store_turn(self._memory, user, reply, tool)
        elif self._use_memory and self.state.unsaved:
            yield from self._store_after_reply(user, reply, tool)

    def _store_turn(self, memory: Memory, user: str | None, reply: str, tool: str | None) -> None:
        keeping.save_unsaved(self.state, memory)
        try:
            said = user if user is not None else f"[{tool} command]"
            memory.remember_turn(self.state.conversation_id, self.state.turns, said, reply, tool)
        except Exception:  # a turn log failing must not fail the turn
            pass

    def _store_after_reply(self, user: str | None, reply: str, tool: str | None):  # noqa: ANN202
        """Open the store once the producer has the answer, and save what waits for it."""
        memory = self.memory
        if memory is not None:
            self._store_turn(memory, user, reply, tool)
            with contextlib.suppress(OSError):  # the queue was saved with the reply
                self.state.save(self.settings.state_path)
        if self.state.unsaved and self._deferred:
            why = self.memory_error or "the store did not take it"
            yield StoreNote(printable(keeping.not_saved(why).strip()))


class Cancelled(CadenzaError):
    """The producer cancelled the running tool."""


def make_session(settings: Settings | None = None, **kwargs) -> Session:
    """The session a front end uses: settings built once and passed down."""
    return Session(settings or Settings(), **kwargs)


__all__ = ["Session", "clean_message", "make_session", "templates"]
