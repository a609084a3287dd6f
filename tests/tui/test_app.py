"""The Textual chat driven with Pilot: send, tool cards, cancel, the songs panel, slash commands."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.core.session import Session
from assistant.tui.app import CadenzaApp, HelpScreen
from assistant.tui.widgets import ChatInput, ReplyMessage, SongItem, ToolCard, UserMessage

pytestmark = pytest.mark.slow


async def _wait_idle(app: CadenzaApp, pilot, timeout: float = 120.0) -> None:  # noqa: ANN001

    for _ in range(int(timeout * 10)):
        await pilot.pause(0.1)
        if not app.busy:
            return
    raise AssertionError("the turn did not finish")


async def _send(app: CadenzaApp, pilot, text: str) -> None:  # noqa: ANN001
    box = app.query_one(ChatInput)
    box.value = text
    await pilot.press("enter")
    await _wait_idle(app, pilot)


@pytest.mark.asyncio
async def test_send_a_message_see_a_tool_card_and_a_reply(settings: Settings) -> None:
    session = Session(settings.model_copy(update={"seed": 4}))
    app = CadenzaApp(session, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is app.query_one(ChatInput)
        await _send(app, pilot, "compose a short melody in G major")
        cards = list(app.query(ToolCard))
        assert len(cards) == 1 and cards[0].has_class("done")
        replies = list(app.query(ReplyMessage))
        assert replies and "G major" in replies[-1].reply and "MIDI: " in replies[-1].reply
        assert app.last_files and app.last_files[0].endswith(".mid")
        assert list(app.query(UserMessage))
        # history: up brings the message back
        await pilot.press("up")
        assert app.query_one(ChatInput).value == "compose a short melody in G major"
    session.close()


@pytest.mark.asyncio
async def test_slash_commands_songs_panel_and_help(settings: Settings) -> None:
    session = Session(settings.model_copy(update={"seed": 5}))
    app = CadenzaApp(session, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _send(app, pilot, "write a sad waltz in A minor")
        await _send(app, pilot, "write a bright jig in D")
        await _send(app, pilot, "/songs")
        assert app.query_one("#songs").display
        items = [i for i in app.query(SongItem) if i.song_id]
        assert len(items) == 2
        # the older song (listed second) becomes current
        await pilot.press("down", "enter")
        await pilot.pause(0.2)
        assert "waltz" in session.state.current.title
        await pilot.press("e")  # export the highlighted song's files
        await pilot.pause(0.3)
        assert any(p.suffix == ".mid" for p in (settings.workspace / "cadenza-exports").iterdir())
        await pilot.press("f2")
        assert not app.query_one("#songs").display
        await _send(app, pilot, "/export mixes")
        exported = list((settings.workspace / "mixes").iterdir())
        assert any(p.suffix == ".mid" for p in exported)
        await _send(app, pilot, "/export ../../outside")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await _send(app, pilot, "/clear")
        assert not list(app.query(ReplyMessage))
        await _send(app, pilot, "/resume")
        assert len(list(app.query(ReplyMessage))) >= 2
        await _send(app, pilot, "/nonsense")
    session.close()


@pytest.mark.asyncio
async def test_esc_cancels_a_running_tool(settings: Settings) -> None:
    import threading

    session = Session(settings)
    app = CadenzaApp(session, warm=False)
    started = threading.Event()
    real = session._progress

    def slow_progress(events, fraction, message):  # noqa: ANN001, ANN202
        started.set()
        import time

        time.sleep(0.5)  # a long tool: progress arrives slowly
        return real(events, fraction, message)

    session._progress = slow_progress
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.query_one(ChatInput)
        box.value = "compose a long chorale, 64 bars"
        await pilot.press("enter")
        for _ in range(600):
            await pilot.pause(0.05)
            if started.is_set():
                break
        await pilot.press("escape")
        await _wait_idle(app, pilot)
        card = app.query_one(ToolCard)
        assert card.has_class("failed")
        assert app.last_reply.startswith("Cancelled")  # said plainly, not "I couldn't do that"
    session.close()


@pytest.mark.asyncio
async def test_multiline_paste_is_kept(settings: Settings) -> None:
    from textual import events

    session = Session(settings, use_memory=False)
    app = CadenzaApp(session, warm=False)
    sent: list[str] = []
    app.run_turn = lambda text, width=None: sent.append(text)  # the turn itself is tested above
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.query_one(ChatInput)
        box.value = "what do these lyrics feel like?"
        box.post_message(events.Paste("I walk alone\nin the rain\nat night"))
        await pilot.pause(0.1)
        assert box.value.endswith("[3 lines pasted]")
        await pilot.press("enter")
        await pilot.pause(0.1)
    assert sent == ["what do these lyrics feel like?\nI walk alone\nin the rain\nat night"]




@pytest.mark.asyncio
async def test_requests_typed_while_models_load_are_queued_and_answered(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from assistant.core.routing.router import make_router

    gate = threading.Event()
    session = Session(settings.model_copy(update={"seed": 6}), use_memory=False)

    def slow_router(_settings):  # noqa: ANN001, ANN202
        gate.wait(60)
        return make_router(_settings)

    monkeypatch.setattr("assistant.core.routing.router.make_router", slow_router)
    app = CadenzaApp(session, warm=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is app.query_one(ChatInput)  # the input is ready at once
        for text in ("help", "compose a short melody in G major", "write a bright jig in D"):
            app.query_one(ChatInput).value = text
            await pilot.press("enter")
        await pilot.pause(0.2)
        status = str(app.query_one("#status").render())
        assert "loading the router" in status and "3 queued" in status
        await pilot.press("escape")  # nothing runs yet: the newest queued request is dropped
        assert app.queued == ["help", "compose a short melody in G major"]
        gate.set()
        await _wait_idle(app, pilot)
        replies = [r.reply for r in app.query(ReplyMessage)]
        assert len(replies) == 2
        assert "compose" in replies[0] and "G major" in replies[1]  # answered in order
        assert "ready" in str(app.query_one("#status").render())
    session.close()


def _status(app: CadenzaApp) -> str:
    return str(app.query_one("#status").render())


@pytest.mark.asyncio
async def test_enter_typed_before_the_chat_took_the_terminal_sends(settings: Settings) -> None:
    """Keys typed at once reach the terminal before Textual makes it raw, so the terminal turns
    Enter into a newline, which Textual reads as ctrl+j: it sends, it does not sit in the input."""
    session = Session(settings, use_memory=False)
    app = CadenzaApp(session, warm=False)
    sent: list[str] = []
    app.run_turn = lambda text, width=None: sent.append(text)  # the turn itself is tested above
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"help", "ctrl+j")
        await pilot.pause(0.1)
        assert app.query_one(ChatInput).value == ""
    assert sent == ["help"]


@pytest.mark.asyncio
async def test_a_reply_does_not_wait_for_the_store_and_the_status_says_it_opens(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from assistant.store import memory as store

    gate = threading.Event()
    real = store.Memory

    def slow_store(_settings):  # noqa: ANN001, ANN202
        gate.wait(60)
        return real(_settings)

    monkeypatch.setattr(store, "Memory", slow_store)
    session = Session(settings.model_copy(update={"seed": 6}))
    app = CadenzaApp(session, warm=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(1200):  # the router loads first (the real one), then the store opens
            await pilot.pause(0.05)
            if "opening the song store" in _status(app):
                break
        assert _status(app).endswith("opening the song store…")
        app.query_one(ChatInput).value = "compose a short melody in G major"
        await pilot.press("enter")
        for _ in range(1200):
            await pilot.pause(0.1)
            if app.last_reply:
                break
        assert "G major" in app.last_reply and not gate.is_set()  # answered, store still opening
        await pilot.pause(0.2)
        assert "saving to memory…" in _status(app)  # not "working…": the answer is there
        gate.set()
        await _wait_idle(app, pilot)
        assert _status(app).endswith("ready")
        assert [song.title for song in session.songs()]  # stored once the store was open
    session.close()


@pytest.mark.asyncio
async def test_a_streamed_reply_shows_each_paragraph_once(settings: Settings) -> None:
    from textual.widgets import Markdown

    session = Session(settings.model_copy(update={"seed": 8}), use_memory=False)
    app = CadenzaApp(session, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _send(app, pilot, "compose a short melody in G major")
        reply = list(app.query(ReplyMessage))[-1]
        prose = [str(m.source) for m in reply.query(Markdown)]
        assert prose and prose[0].startswith("Composed")
        assert len(prose) == len(set(prose)), prose  # the first paragraph was shown twice
    session.close()
