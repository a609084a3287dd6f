"""`help`: what Cadenza can do, listed from the registry and the intents themselves."""

from __future__ import annotations

from tools.base import ToolContext, ToolResult, tool


def examples() -> list[str]:
    """Example requests, tool by tool in registry order, then the intents that call no tool
    ("make it faster", "undo"): each intent's `help` lines in `prompts/intents/`."""
    from models.intents.intent import owner_of, shipped_intents
    from tools import REGISTRY

    seen: list[str] = []
    owners = [owner_of(name) for name in REGISTRY]
    toolless = [i for i in shipped_intents() if not i.tools]
    for intent in [*owners, *toolless]:
        if intent is not None and intent.name != "help" and intent.name not in seen:
            seen.append(intent.name)
    by_name = {i.name: i for i in shipped_intents()}
    return [line for name in seen for line in by_name[name].help]


@tool(cli_name="tools")
def help(ctx: ToolContext) -> ToolResult:  # noqa: A001 (the tool's public name is "help")
    """List what Cadenza can do, with example requests."""
    import textwrap

    from tools import REGISTRY

    rows = [{"tool": t.name, "what": t.description} for t in REGISTRY.values()]
    text = "\n".join(textwrap.fill(f"- {r['tool']}: {r['what']}", ctx.width,
                                   subsequent_indent="  ") for r in rows)  # fmt: skip
    tries = examples()
    # One request per line, wrapped at a space where a line of alternatives is wider than the
    # room (the "  /  " between alternatives breaks like any other space).
    listed = "\n".join(textwrap.fill(f'"{e}"', ctx.width, initial_indent="  ",
                                      subsequent_indent="   ") for e in tries)  # fmt: skip
    return ToolResult(
        summary="Here is what I can do, and some things to try.",
        data={"tools": rows, "examples": tries},
        preview=f"{text}\n\nTry:\n{listed}",
    )
