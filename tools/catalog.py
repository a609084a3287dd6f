"""`import_catalog` and `import_listeners`: the label's songs and listening data into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool
from tools.pieces import open_store


def input_folder(ctx: ToolContext, text: str) -> Path:
    """A folder inside the workspace or Cadenza's home (the same rule as for files)."""
    raw = text.strip().strip("'\"")
    if not raw or "\x00" in raw:
        raise ToolError("Give me the folder that holds your songs.")
    path = Path(raw).expanduser()
    path = (path if path.is_absolute() else ctx.settings.workspace / path).resolve()
    if not any(path.is_relative_to(r) for r in (ctx.settings.workspace, ctx.settings.home)):
        raise ToolError(
            f"{raw[:80]} is outside the workspace ({ctx.settings.workspace}); start Cadenza in "
            "a folder that holds it."
        )
    if not path.is_dir():
        raise ToolError(f"There is no folder at {raw[:80]}.")
    return path


@tool(cli_name="catalog-import", cli_argument="folder")
def import_catalog(
    ctx: ToolContext, folder: Annotated[str, Field(min_length=1, max_length=500)]
) -> ToolResult:
    """Import a folder of songs (MIDI, audio, lyrics matched by file name) into the catalogue.

    Args:
        folder: The folder to import, in the workspace; a tags.csv there (stem,title,artist,genre,mood) adds titles and tags.
    """
    from models.audience.catalog import import_folder
    from models.audience.engine import rebuild_audience

    path = input_folder(ctx, folder)
    store = open_store(ctx)
    report = import_folder(path, store, lambda f, m="": ctx.progress(0.9 * f, m))
    rebuilt = ""
    if report.imported and store.listeners.count():
        ctx.progress(0.92, "updating the segments")
        model = rebuild_audience(store)
        rebuilt = f" The {len(model.segments)} listener segments were updated with them."
    counts = store.counts()
    rate = report.files / report.seconds if report.seconds else 0.0
    summary = (
        f"Imported {report.imported} song(s) from {path} ({report.added} new, {report.updated} "
        f"updated, {report.unchanged} unchanged) in {report.seconds:.1f} s ({rate:.0f} files/s); "
        f"the catalogue now holds {counts['songs']} songs.{rebuilt}"
    )
    if report.failed:
        summary += (
            f" {len(report.failed)} file(s) could not be read and were skipped (listed below)."
        )
    preview = "\n".join(f"  skipped {name}: {why}" for name, why in report.failed[:20])
    return ToolResult(
        summary=summary,
        data={"folder": str(path), "added": report.added, "updated": report.updated,
              "unchanged": report.unchanged, "failed": report.failed, "seconds": report.seconds,
              "songs": counts["songs"]},
        preview=preview,
    )  # fmt: skip


@tool(cli_name="audience-import", cli_argument="plays")
def import_listeners(
    ctx: ToolContext,
    plays: Annotated[str, Field(min_length=1, max_length=500)],
    profiles: Annotated[str | None, Field(max_length=500)] = None,
) -> ToolResult:
    """Import the label's listening data (plays CSV, optional listener profiles CSV) and build segments.

    Args:
        plays: A CSV with listener_id,song_or_artist_id,plays,date.
        profiles: A CSV with listener_id,country,city,age_band,platform.
    """
    from models.audience.engine import import_listening

    plays_path = ctx.input_path(plays, (".csv",))
    profiles_path = ctx.input_path(profiles, (".csv",)) if profiles else None
    store = open_store(ctx)
    ctx.progress(0.2, "reading plays and building segments")
    info = import_listening(store, plays_path, profiles_path)
    summary = (
        f"Imported {info['rows']:,} play rows for {info['listeners']:,} listeners and found "
        f"{info['segments']} segments. Ask 'who should I pitch this to?' or 'describe segment 1'."
    )
    if info["skipped_count"]:
        summary += f" {info['skipped_count']} row(s) could not be read and were skipped."
    if info["unknown_songs"]:
        summary += (
            f" {info['unknown_songs']} song id(s) in the plays aren't in the catalogue; "
            "import those songs to count their listeners."
        )
    return ToolResult(summary=summary, data=info, preview="\n".join(info["skipped"][:10]))
