"""`cadenza`: the command-line front end.

Only typer and light modules are imported here; commands import the session, models and the
store when they run, so `cadenza --help` answers at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from assistant.cli.lazy_commands import LazyToolGroup, set_loader
from assistant.cli.server import server_app

app = typer.Typer(
    rich_markup_mode=None,
    cls=LazyToolGroup,  # tool commands are built when one runs (see lazy_commands)
    name="cadenza",
    help="Cadenza: a terminal assistant for music producers. Writes music, reads lyrics, "
    "finds listeners. Fully offline.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
train_app = typer.Typer(help="Retrain an engine's checkpoint from the real corpora.")
app.add_typer(train_app, name="train")
app.add_typer(server_app, name="server")


def _session(new: bool = False):  # noqa: ANN202
    from assistant.config import Settings
    from assistant.core.session import make_session
    from assistant.core.state import DialogueState

    return make_session(Settings(), state=DialogueState() if new else None)


def _print_events(events, json_out: bool) -> bool:  # noqa: ANN001
    """Print a turn; returns whether it succeeded."""
    from assistant.core.events import StoreNote, ToolProgress, TurnDone

    ok = True
    for event in events:
        if json_out:
            print(json.dumps(event.to_dict(), ensure_ascii=False, default=str), flush=True)
        elif isinstance(event, ToolProgress) and event.message and sys.stderr.isatty():
            print(f"  ... {event.message}", file=sys.stderr, flush=True)
        elif isinstance(event, StoreNote) and not json_out:
            print(event.text, file=sys.stderr, flush=True)
        if isinstance(event, TurnDone):
            ok = event.ok
            if not json_out:
                print(event.reply, flush=True)
    return ok


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context) -> None:
    """Start the chat when no command is given."""
    if ctx.invoked_subcommand is None:
        chat(new=False, resume=False, plain=False)


@app.command()
def chat(
    new: bool = typer.Option(False, "--new", help="Forget the current song and start afresh."),
    resume: bool = typer.Option(
        False, "--resume", help="Show the last turns of the conversation again (after a drop)."
    ),
    plain: bool = typer.Option(
        False, "--plain", help="Plain line mode instead of the full-screen UI."
    ),
) -> None:
    """Chat with Cadenza: the full-screen UI on a terminal, plain lines otherwise."""
    from assistant.cli.resident import Resident

    session = _session(new=new)
    resident = Resident(session)
    resident.start()  # `cadenza ask` in another terminal is answered by this chat
    try:
        if plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
            from assistant.cli.line_chat import run_line_chat

            run_line_chat(session, interactive=sys.stdin.isatty())
        else:
            from assistant.tui.app import run_tui

            run_tui(session, resume=resume)
    finally:
        resident.close()
        session.close()


@app.command()
def ask(
    message: str = typer.Argument(..., help="What you'd say in the chat."),
    json_out: bool = typer.Option(False, "--json", help="Print the events as JSON lines."),
) -> None:
    """Send one message, print the reply (continues the current conversation).

    When a chat or `cadenza serve` runs for the same CADENZA_HOME and folder, that process
    answers at once (CADENZA_RESIDENT=0 starts cold instead)."""
    from assistant.cli.resident import ask_resident

    code = ask_resident(message, json_out)
    if code is not None:
        raise typer.Exit(code)
    from assistant.cli.width import reply_width

    session = _session()
    try:
        ok = _print_events(session.send(message, width=reply_width(json_out)), json_out)
    finally:
        session.close()
    raise typer.Exit(0 if ok else 1)


@app.command()
def serve() -> None:
    """Keep Cadenza loaded for scripts: `cadenza ask` is answered by this process at once."""
    import signal
    import threading

    from assistant.cli.resident import Resident

    session = _session()
    resident = Resident(session)
    if not resident.start():
        typer.echo(f"Another Cadenza already answers on {resident.path}.", err=True)
        raise typer.Exit(1)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        session.warm()
        typer.echo(f"Listening on {resident.path}; Ctrl+C stops. `cadenza ask` is answered here.")
        while not stop.wait(0.5):
            pass
    finally:
        resident.close()
        session.close()


@app.command()
def route(
    message: str | None = typer.Argument(None, help="Message; omit to read lines from stdin."),
) -> None:
    """Print the tool call a message would make, as JSON, without running it."""
    from assistant.config import Settings
    from assistant.core.routing.router import make_router
    from assistant.core.state import DialogueState

    settings = Settings()
    router = make_router(settings)
    state = DialogueState.load(settings.state_path)
    lines = [message] if message is not None else (line.rstrip("\n") for line in sys.stdin)
    for line in lines:
        if not line.strip():
            continue
        print(json.dumps(router.route(line, state).to_dict(), ensure_ascii=False), flush=True)


@app.command(name="run")
def run_script_cmd(
    files: list[Path] = typer.Argument(..., help="Scripted conversation YAML files."),
    keep_home: bool = typer.Option(
        False, "--keep-home", help="Run against your CADENZA_HOME instead of a fresh temporary one."
    ),
) -> None:
    """Play scripted conversations and check their expectations (exit 1 if any fails)."""
    import tempfile

    from assistant.config import Settings
    from assistant.core.message import printable
    from assistant.core.script import load_script, run_script
    from assistant.core.session import make_session
    from assistant.core.state import DialogueState
    from assistant.errors import ScriptError

    failed = 0
    for path in files:
        try:
            data = load_script(path)
        except ScriptError as exc:
            print(printable(f"ERROR {exc}"))
            failed += 1
            continue
        with tempfile.TemporaryDirectory(prefix="cadenza-run-") as tmp:
            overrides: dict[str, Any] = {} if keep_home else {"home": Path(tmp)}
            if data.get("seed") is not None:
                overrides["seed"] = int(data["seed"])
            session = make_session(Settings(**overrides), state=DialogueState())
            try:
                report = run_script(data, session)
            finally:
                session.close()
        print(printable(
            f"{'PASS' if report.ok else 'FAIL'} {path} ({report.name}, {len(report.turns)} turns)"
        ))  # fmt: skip
        for failure in report.failures:
            print(printable(f"  - {failure}"))
        failed += not report.ok
    raise typer.Exit(1 if failed else 0)


@app.command()
def doctor(
    repair: bool = typer.Option(False, help="Repair what a killed process left behind."),
) -> None:
    """Check models, the store and optional system packages; say how to fix what's missing."""
    from assistant.cli.doctor import run_doctor

    raise typer.Exit(run_doctor(repair))


@train_app.command("composition")
def train_composition() -> None:
    """Retrain the melody models and harmony HMMs from music21's corpus (about 90 s)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from models.train.composition import train
    from models.train.corpus import count_pieces

    columns = ("{task.description:<10}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        tasks = {
            phase: progress.add_task(phase, total=count_pieces(style))
            for phase, style in (("chorales", "chorale"), ("folk", "folk"), ("irish", "irish"))
        }

        def report(phase: str, n: int) -> None:
            progress.update(tasks[phase], completed=n)

        path = train(progress=report)
        for task in tasks.values():  # tunes that could not be read are not counted
            progress.update(task, completed=progress.tasks[task].total)
    print(f"Checkpoint written to {path}")


@train_app.command("router")
def train_router() -> None:
    """Retrain the router's intent classifier (MiniLM features, logistic regression; seconds)."""
    from models.train.router import train

    train()


@train_app.command("drums")
def train_drums() -> None:
    """Retrain the drum model from the Groove MIDI Dataset in data/groove/ (about 20 s)."""
    from models.train.drums import train

    train()


@train_app.command("harmony")
def train_harmony() -> None:
    """Retrain the chord and bass models from Billboard, POP909 and free-midi-chords (data/harmony/)."""
    from models.train.harmony import train

    train()


@train_app.command("lead")
def train_lead() -> None:
    """Retrain the pop lead-melody model from POP909's melodies and chords (about 20 s)."""
    from models.train.lead import train

    train()


@train_app.command("lyrics")
def train_lyrics(
    model: str = typer.Option("all", help="minilm, bilstm, ensemble (of the two) or all."),
    epochs: int | None = typer.Option(None, help="Epochs (default: 4 for minilm, 6 for bilstm)."),
) -> None:
    """Retrain the lyric-emotion models on GoEmotions, EmoBank and Poem Sentiment (resumable)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from assistant.config import Settings
    from models.train.lyrics import train_bilstm, train_ensemble, train_minilm

    if model not in ("minilm", "bilstm", "ensemble", "all"):
        raise typer.BadParameter("choose minilm, bilstm, ensemble or all")
    work = Settings().home / "cache" / "lyrics-train"
    columns = ("{task.description:<22}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        tasks: dict[str, int] = {}

        def report(phase: str, done: int, total: int) -> None:
            name = phase.split(" epoch")[0]
            if name not in tasks:
                tasks[name] = progress.add_task(phase, total=total)
            progress.update(tasks[name], completed=done, total=total, description=phase)

        if model in ("minilm", "all"):
            path = train_minilm(work, report, epochs=epochs or 4)
            progress.console.print(f"Checkpoint written to {path}")
        if model in ("bilstm", "all"):
            path = train_bilstm(work, report, epochs=epochs or 6)
            progress.console.print(f"Checkpoint written to {path}")
        if model in ("ensemble", "all"):
            path = train_ensemble(report)
            progress.console.print(f"Checkpoint written to {path}")
    print(f"Interrupted runs resume from {work}; delete it to start over.")


@train_app.command("generation")
def train_generation(
    steps: int = typer.Option(
        2000, help="Optimiser steps of 16 x 512 tokens (2000: about 1 h on 2 cores)."
    ),
    fresh: bool = typer.Option(False, help="Start over instead of resuming an interrupted run."),
) -> None:
    """Retrain the neural generation model on music21's corpus (resumable; about 1 h on 2 cores)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from assistant.config import Settings
    from models.train.generation import TrainConfig, train

    work = Settings().home / "cache" / "generation-train"
    if fresh and (work / "state.pt").exists():
        (work / "state.pt").unlink()  # the corpus cache stays: it depends only on the data
    columns = ("{task.description:<10}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        tasks: dict[str, int] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done, total=total)

        path = train(work, report, TrainConfig(steps=steps), log=progress.console.print)
    print(f"Checkpoint written to {path}. Interrupted runs resume from {work}.")


def _with_progress(events):  # noqa: ANN001, ANN202
    """Pass events through, drawing a progress bar on a terminal (catalogue imports, renders)."""
    from assistant.core.events import ToolProgress

    if not sys.stderr.isatty():
        yield from events
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("working", total=1.0)
        for event in events:
            if isinstance(event, ToolProgress):
                progress.update(task, completed=event.fraction, description=event.message[:50])
            yield event


def _run_tool(name: str, args: dict[str, Any], json_out: bool) -> None:
    from assistant.cli.width import reply_width
    from assistant.core.events import collect_turn

    session = _session()
    session.width = reply_width(json_out)
    try:
        _, done = collect_turn(_with_progress(session.call_tool(name, args)))
    finally:
        session.close()
    if json_out:
        print(
            json.dumps(
                {**(done.result or {}), "reply": done.reply}, ensure_ascii=False, default=str
            )
        )
    else:
        print(done.reply)
    raise typer.Exit(0 if done.ok else 1)


def tool_commands():  # noqa: ANN201 (a click group)
    """Every tool as a command, and the catalogue and audience groups (imports the tools)."""
    from assistant.cli.audience import add_groups
    from assistant.cli.tool_commands import add_tool_commands

    tools = typer.Typer(add_completion=False)
    add_tool_commands(tools, _run_tool)
    add_groups(tools, _run_tool)
    return typer.main.get_command(tools)


set_loader(tool_commands)


def main() -> None:
    if sys.argv[1:2] != ["train"]:  # training keeps the libraries' thread defaults
        from models.threads import one_thread_by_default

        one_thread_by_default()
    app()
