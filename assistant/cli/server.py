"""`cadenza server start|stop|status`: the studio's shared Chroma server."""

from __future__ import annotations

import json

import typer

server_app = typer.Typer(
    help="The studio server: one Chroma store for every producer on this machine.",
    no_args_is_help=True,
)


def _settings():  # noqa: ANN202
    from assistant.config import Settings

    settings = Settings()
    settings.ensure_dirs()
    return settings


@server_app.command("start")
def start() -> None:
    """Start the studio server (CADENZA_SERVER_HOST, _PORT and _PATH say where)."""
    from assistant.store.studio import LOOPBACK, ServerError
    from assistant.store.studio import start as start_server

    settings = _settings()
    try:
        rec, new = start_server(settings)
    except ServerError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    verb = "Started" if new else "Already running:"
    typer.echo(f"{verb} the studio server at {rec.url} (pid {rec.pid}, store {rec.path}).")
    typer.echo(f"Every producer sets:  export CADENZA_CHROMA_URL={rec.url}")
    if rec.host not in LOOPBACK:
        token_file = settings.home / "studio" / "token"
        typer.echo(
            f"It listens on {rec.host}, so every request needs the studio token (in {token_file}, "
            "readable by you alone). Give it to each producer as CADENZA_CHROMA_TOKEN, and put "
            "TLS in front (an SSH tunnel or a reverse proxy) before it leaves a trusted network."
        )


@server_app.command("stop")
def stop() -> None:
    """Stop the studio server."""
    from assistant.store.studio import stop as stop_server

    rec = stop_server(_settings())
    typer.echo(f"Stopped the studio server (pid {rec.pid})." if rec else "No studio server runs.")


@server_app.command("status")
def status(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Is the studio server up, where, and what its store holds."""
    from assistant.store.studio import status as server_status

    info = server_status(_settings())
    if json_out:
        typer.echo(json.dumps(info, indent=1))
    elif not info["running"]:
        extra = f" (the last one ran at {info['url']})" if "url" in info else ""
        typer.echo(
            f"The studio server is not running{extra}. Start it with `cadenza server start`."
        )
    else:
        typer.echo(f"Running at {info['url']} (pid {info['pid']}) since {info['started']}.")
        typer.echo(f"Store: {info['path']} ({info.get('store_mb', 0)} MB)")
        for name, count in sorted(info.get("collections", {}).items()):
            typer.echo(f"  {name}: {count}")
    raise typer.Exit(0 if info["running"] else 1)
