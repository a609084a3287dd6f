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


def add_groups(app: typer.Typer, run_tool: Callable, session: Callable) -> None:  # noqa: ANN001
    catalog_app.command("import")(make_command(REGISTRY["import_catalog"], run_tool))
    catalog_app.command("similar")(make_command(REGISTRY["similar_songs"], run_tool))
    audience_app.command("import")(make_command(REGISTRY["import_listeners"], run_tool))
    audience_app.command("for")(make_command(REGISTRY["find_audience"], run_tool))

    @audience_app.command("segments")
    def segments() -> None:
        """List the listener segments: size, activity, places and taste."""
        from assistant.core.audience_store import AudienceStore
        from models.audience.engine import ensure_audience, segments_of

        sess = session()
        try:
            if sess.memory is None:
                raise typer.Exit(_fail(sess.memory_error or "the store is not open"))
            store = AudienceStore.of(sess.memory)
            note = ensure_audience(store)
            for seg in segments_of(store)[0]:
                where = ", ".join(f"{c} {s * 100:.0f}%" for c, s in seg.countries[:3])
                print(f"{seg.rank + 1}. {seg.name}: {seg.size} listeners, "
                      f"{seg.active_share * 100:.0f}% active; {where}\n   {seg.profile}")  # fmt: skip
            if note:
                print(f"\n({note})")
        finally:
            sess.close()

    app.add_typer(catalog_app, name="catalog")
    app.add_typer(audience_app, name="audience")


def _fail(message: str) -> int:
    print(f"Error: {message}")
    return 1
