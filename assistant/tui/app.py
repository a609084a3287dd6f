"""The Textual chat: a thin front end over `Session` that works at 80x24 over SSH.

Messages go to `Session.send` in a worker thread; its events come back with
`call_from_thread` and become widgets (tool cards with progress, replies, errors). Models load
in the background after the first frame, with their state in the status line, so the input is
ready at once. Keys are in the footer; F1 shows them all with the slash commands.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, ListView, Static

from assistant.tui.help import HelpScreen
from assistant.tui.play import Player
from assistant.tui.widgets import (
    ChatInput,
    ReplyMessage,
    SongItem,
    SongList,
    ToolCard,
    UserMessage,
    song_card,
)

if TYPE_CHECKING:
    from assistant.core.events import Event
    from assistant.core.session import Session

class CadenzaApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Cadenza"
    AUTO_FOCUS = "ChatInput"
    BINDINGS = [
        Binding("ctrl+q", "quit", "quit"),
        Binding("f1", "help", "help"),
        Binding("f2", "songs", "songs"),
        Binding("f5", "play", "play"),
        Binding("escape", "cancel", "cancel", show=False),
        Binding("ctrl+y", "copy", "copy path"),
        Binding("ctrl+t", "theme", "theme"),
        Binding("ctrl+l", "clear", "clear", show=False),
        Binding("pageup", "scroll_log(-1)", "scroll up", show=False),
        Binding("pagedown", "scroll_log(1)", "scroll down", show=False),
    ]

    def __init__(self, session: Session, resume: bool = False, warm: bool = True) -> None:
        super().__init__()
        self.session = session
        self.resume = resume
        self.warm_models = warm
        self.busy = False  # a turn runs or requests wait in the queue
        self.ready = not warm  # the router is loaded: turns can run
        self.queued: list[str] = []  # requests typed before the models were ready, in order
        self.loading = ""
        self.last_files: list[str] = []
        self.last_reply = ""
        self._card: ToolCard | None = None
        self._reply: ReplyMessage | None = None  # the reply streaming in
        self._in_turn = False
        self._replied = False  # the turn's reply is shown; its memory bookkeeping runs
        self.player = Player()

    def compose(self) -> ComposeResult:
        yield Static("Cadenza · loading models…", id="status")
        with Horizontal(id="main"):
            yield VerticalScroll(id="log")
            with Vertical(id="songs"):
                yield Static("Songs (Enter: make current)\nr render · e export · p play",
                             classes="panel-title")  # fmt: skip
                yield SongList(id="song-list")
        yield ChatInput(id="input")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#songs").display = False
        self.query_one("#log", VerticalScroll).anchor()  # the end of a reply stays in view
        self._say('Try "write a slow, hopeful chorale in D major" or "who are my listeners?".')
        if self.resume:
            self.show_transcript()
        if self.warm_models:
            self.warm()
        else:
            self._status("ready")

    # -- background work ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="warm")
    def warm(self) -> None:
        """Load the router, then open the store; what is loading shows in the status line.

        Requests typed meanwhile wait in `queued` and run, in order, once the router is ready
        (a turn does not wait for the store: a new song is stored right after its reply)."""
        steps = (("loading the router", lambda: self.session.router),
                 ("opening the song store", lambda: self.session.memory))  # fmt: skip
        try:
            for n, (what, load) in enumerate(steps):
                self.call_from_thread(self._loading, what)
                load()
                if n == 0:
                    self.call_from_thread(self._router_ready)
            self.call_from_thread(self._loading, "")
        except Exception as exc:  # the first message will report it properly
            self.call_from_thread(self._router_ready)
            self.call_from_thread(self._status, f"models not loaded ({exc})")

    def _loading(self, what: str) -> None:
        self.loading = what
        self._show_state()

    def _router_ready(self) -> None:
        self.ready = True
        self._next()

    def _show_state(self) -> None:
        waiting = f" · {len(self.queued)} queued" if self.queued else ""
        if self._in_turn and self._replied:
            self._status(f"saving to memory…{waiting}")
        elif self._in_turn:
            self._status(f"working… (Esc cancels){waiting}")
        elif self.loading:
            self._status(f"{self.loading}…{waiting}")
        else:
            self._status(f"ready{waiting}")

    def _next(self) -> None:
        """Start the next queued request, if the models are ready and nothing runs."""
        if self._in_turn or not self.ready or not self.queued:
            self.busy = self._in_turn or bool(self.queued)
            self._show_state()
            return
        self._in_turn = self.busy = True
        self._show_state()
        self.run_turn(self.queued.pop(0), self.reply_width())

    def reply_width(self) -> int:
        """The columns a reply's previews get: the conversation's width inside its padding and
        scrollbar (narrower while the songs panel is open), so tables are laid out to fit."""
        return max(40, self.query_one("#log", VerticalScroll).scrollable_content_region.width)

    @work(thread=True, exclusive=True, group="turn")
    def run_turn(self, text: str, width: int | None = None) -> None:
        for event in self.session.send(text, width=width):
            self.call_from_thread(self.show_event, event)
        self.call_from_thread(self._done)

    # -- events -> widgets --------------------------------------------------------------------
    def show_event(self, event: Event) -> None:
        from assistant.core.events import (
            ReplyDelta,
            ToolFinished,
            ToolProgress,
            ToolStarted,
            TurnDone,
        )

        log = self.query_one("#log", VerticalScroll)
        if isinstance(event, ToolStarted):
            self._card = ToolCard(event.tool)
            log.mount(self._card)
        elif isinstance(event, ToolProgress) and self._card is not None:
            self._card.progress(event.fraction, event.message)
        elif isinstance(event, ToolFinished) and self._card is not None:
            self._card.finish(event.ok, event.error, event.files)
            self.last_files = list(event.files) or self.last_files
        elif isinstance(event, ReplyDelta):
            if self._reply is None:
                self._reply = ReplyMessage()
                log.mount(self._reply)
            self._reply.append(event.text)
        elif isinstance(event, TurnDone):
            self._replied = True
            self._show_state()
            self.last_reply = event.reply
            streamed, self._reply = self._reply, None
            if streamed is None:
                log.mount(ReplyMessage(event.reply, event.ok))
            else:
                if len(event.reply) > len(streamed.reply):  # a note added after streaming
                    streamed.append(event.reply[len(streamed.reply) :])
                streamed.set_class(not event.ok, "error")
        log.scroll_end(animate=False)

    def _done(self) -> None:
        self._in_turn = self._replied = False
        self._card = None
        if self.query_one("#songs").display:
            self.refresh_songs()
        self._next()

    def _say(self, text: str) -> None:
        log = self.query_one("#log", VerticalScroll)
        log.mount(Static(text, classes="note"))
        log.scroll_end(animate=False)

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(f"Cadenza · {text}")

    # -- input ----------------------------------------------------------------------------------
    @on(ChatInput.Sent)
    def on_sent(self, message: ChatInput.Sent) -> None:
        text = message.text.strip()
        if text.startswith("/"):
            self.slash(text)
            return
        self.query_one("#log", VerticalScroll).mount(UserMessage(text))
        self.queued.append(text)  # runs now, or when the models are ready / the turn ends
        if self._in_turn or not self.ready:
            self._say("Queued: it runs when " + ("the models are ready." if not self.ready
                      else "the current request is done.") + " Esc drops it.")  # fmt: skip
        self._next()

    def slash(self, text: str) -> None:
        command, _, arg = text.partition(" ")
        actions = {
            "/quit": self.exit, "/exit": self.exit, "/clear": self.action_clear,
            "/songs": self.action_songs, "/resume": self.show_transcript,
        }  # fmt: skip
        if command in actions:
            actions[command]()
        elif command == "/help":
            self.on_sent(ChatInput.Sent("help"))
        elif command == "/export":
            self.export(arg.strip())
        elif command == "/play":
            self.action_play()
        else:
            self._say(f"Unknown command {command}. F1 lists the commands.")

    def export(self, folder: str = "") -> None:
        """Copy the current song's files into a folder of the workspace."""
        song = self.session.state.current
        if song is None or not song.files:
            self._say("There is no current song to export yet.")
            return
        workspace = self.session.settings.workspace
        target = (workspace / (folder or "cadenza-exports")).resolve()
        if not target.is_relative_to(workspace):
            self._say(f"Export folders must be inside the workspace ({workspace}).")
            return
        target.mkdir(parents=True, exist_ok=True)
        copied = [
            shutil.copy2(p, target / Path(p).name) for p in song.files.values() if Path(p).is_file()
        ]
        self._say("Exported:\n" + "\n".join(str(p) for p in copied))

    def show_transcript(self) -> None:
        turns = self.session.transcript()
        if not turns:
            self._say("No earlier turns in this conversation.")
            return
        log = self.query_one("#log", VerticalScroll)
        self._say(f"The last {len(turns)} turn(s) of this conversation:")
        for turn in turns:
            if turn.get("user"):
                log.mount(UserMessage(turn["user"]))
            log.mount(ReplyMessage(turn.get("reply", ""), turn.get("ok", True)))
        log.scroll_end(animate=False)

    # -- actions --------------------------------------------------------------------------------
    def get_system_commands(self, screen):  # noqa: ANN001, ANN201
        """Ctrl+P: Cadenza's own actions, each with its key, then Textual's (theme, quit...)."""
        from textual.app import SystemCommand

        def say(text: str):  # noqa: ANN202
            return lambda: self.on_sent(ChatInput.Sent(text))

        for title, what, run in (
            ("New song", "start a request for a new song in the input", self.new_song),
            ("Play", "F5 · play the current song's WAV (again: stop)", self.action_play),
            ("Render", "render the current song to WAV ('render it')", say("render it")),
            ("Export stems", "one MIDI and one WAV per part, for a DAW", say("export stems")),
            ("Export files", "/export · copy the song's files to the workspace", self.export),
            ("Songs", "F2 · the songs panel", self.action_songs),
            ("Help", "F1 · keys and commands", self.action_help),
            ("What can Cadenza do", "/help · the tools, with examples", say("help")),
            ("Switch theme", "Ctrl+T · light / dark", self.action_theme),
            ("Resume", "/resume · show the last turns again", self.show_transcript),
            ("Clear", "Ctrl+L · clear the screen", self.action_clear),
            ("Quit", "Ctrl+Q · leave", self.action_quit),
        ):
            yield SystemCommand(title, what, run)

    def new_song(self) -> None:
        box = self.query_one(ChatInput)
        box.value, box.cursor_position = "write a ", len("write a ")
        box.focus()

    def action_play(self) -> None:
        """F5 and /play: play the current song's WAV, or stop what plays."""
        if self.player.stop():
            self._say("Stopped.")
            return
        song = self.session.state.current
        if song is None:
            self._say("There is no current song to play yet: make one, or pick one with F2.")
            return
        wav = song.files.get("wav")
        said = self.player.play(song.title, wav)
        if wav and wav in said:  # not played here: Ctrl+Y copies the WAV's path, as it says
            self.last_files = [wav, *(p for p in self.last_files if p != wav)]
        self._say(said)

    def on_unmount(self) -> None:
        self.player.stop()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_cancel(self) -> None:
        if self._in_turn:
            self.session.cancel()
            self._status("cancelling…")
        elif self.queued:  # nothing runs yet (models loading): the newest request is dropped
            dropped = self.queued.pop()
            self._say(f"Dropped the queued request: {dropped[:60]}")
            self._next()

    def action_copy(self) -> None:
        text = self.last_files[0] if self.last_files else self.last_reply
        if text:
            self.copy_to_clipboard(text)  # OSC 52: reaches the local clipboard over SSH
            self.notify(f"Copied: {text[:60]}")

    def action_scroll_log(self, direction: int) -> None:
        log = self.query_one("#log", VerticalScroll)
        log.scroll_page_down() if direction > 0 else log.scroll_page_up()

    def action_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_clear(self) -> None:
        self.query_one("#log", VerticalScroll).remove_children()

    def action_songs(self) -> None:
        panel = self.query_one("#songs")
        panel.display = not panel.display
        if panel.display:
            self.refresh_songs()
            self.query_one("#song-list", ListView).focus()
        else:
            self.query_one(ChatInput).focus()

    def refresh_songs(self) -> None:
        songs = self.session.songs()
        current = self.session.state.current.id if self.session.state.current else None
        view = self.query_one("#song-list", ListView)
        view.clear()
        counts: dict[str, int] = {}
        ordinals = []  # a second song of the same name is '#2'
        for song in songs:
            counts[song.title] = counts.get(song.title, 0) + 1
            ordinals.append(counts[song.title])
        for song, ordinal in reversed(list(zip(songs, ordinals, strict=True))):
            card = song_card(song, ordinal, song.id == current)
            view.append(SongItem(song.id, card, song.id == current))
        if not songs:
            view.append(SongItem("", "(no songs yet)"))
        self.call_after_refresh(setattr, view, "index", 0)  # the newest song is highlighted

    @on(ListView.Selected, "#song-list")
    def on_song_selected(self, event: ListView.Selected) -> None:
        item = event.item
        if isinstance(item, SongItem) and item.song_id:
            song = self.session.select_song(item.song_id)
            if song is not None:
                self._say(
                    f"'{song.title}' is the current song. Files: " + ", ".join(song.files.values())
                )
                self.refresh_songs()

    @on(SongList.Act)
    def on_song_act(self, event: SongList.Act) -> None:
        """r / e in the songs panel: make the song current, then render or export it."""
        if self.busy:
            self._say("Still working on the last request; Esc cancels it.")
            return
        if self.session.select_song(event.song_id) is not None:
            self.on_sent(ChatInput.Sent(event.command))
            self.refresh_songs()


def run_tui(session: Session, resume: bool = False) -> None:
    CadenzaApp(session, resume=resume).run()
