"""`cadenza catalog ...` and `cadenza audience ...`: the catalogue and listener tools as groups.

`catalog import DIR`, `audience import plays.csv --profiles listeners.csv` and `audience for
SONG` are the same tools the chat calls (generated from their schemas); `audience segments`
lists the segments.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from assistant.cli.tool_commands import make_command
from tools import REGISTRY

catalog_app = typer.Typer(help="The label's song catalogue.", no_args_is_help=True)
audience_app = typer.Typer(help="Listeners, segments and who a song can win.", no_args_is_help=True)


def add_groups(app: typer.Typer, run_tool: Callable) -> None:
    catalog_app.command("import")(make_command(REGISTRY["import_catalog"], run_tool))
    catalog_app.command("similar")(make_command(REGISTRY["similar_songs"], run_tool))
    audience_app.command("import")(make_command(REGISTRY["import_listeners"], run_tool))
    audience_app.command("for")(make_command(REGISTRY["find_audience"], run_tool))

    @audience_app.command("segments")
    def segments(
        json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """List the listener segments: size, activity, places and taste."""
        run_tool("find_audience", {"segment": "all"}, json_out)

    app.add_typer(catalog_app, name="catalog")
    app.add_typer(audience_app, name="audience")
