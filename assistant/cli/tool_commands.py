"""One CLI command per registered tool, generated from its schema: same names, same arguments.

`cadenza compose --key G --bars 8` calls exactly what the chat calls for "compose ... in G".
"""

from __future__ import annotations

import enum
import inspect
import types
import typing
from typing import Any, Literal

import typer

from tools import REGISTRY
from tools.base import Tool


def _param(name: str, annotation: Any, default: Any, help_: str | None, positional: bool):
    """A typer parameter for one schema field: Literal -> choice, Optional -> not required."""
    kind = annotation
    choices = None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        kind = args[0] if len(args) == 1 else str
    if typing.get_origin(kind) is typing.Annotated:
        kind = typing.get_args(kind)[0]
    if typing.get_origin(kind) is Literal:
        # typer shows an Enum as a list of choices; the command unwraps `.value` again.
        choices = [str(c) for c in typing.get_args(kind)]
        kind = enum.Enum(f"{name.title()}Choice", {c: c for c in choices}, type=str)
        if default not in (..., None):
            default = kind(str(default))
    elif typing.get_origin(kind) is list:  # --without ride --without crash
        kind = list[str]
    elif kind not in (int, float, str, bool):
        kind = str
    required = default is ...
    info_kwargs: dict[str, Any] = {"help": help_}
    if positional:
        info = typer.Argument(... if required else default, **info_kwargs)
    else:
        flag = "--" + name.replace("_", "-")
        if kind is bool:  # --audio / --no-audio
            flag = f"{flag}/--no-{name.replace('_', '-')}"
        info = typer.Option(... if required else default, flag, **info_kwargs)
    hint = kind if required or default is not None else (kind | None)
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=info, annotation=hint)


def _literal_values(annotation: Any) -> tuple[Any, ...]:
    """The values of a Literal annotation, looking inside Optional and Annotated."""
    kind = annotation
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        kind = args[0] if len(args) == 1 else None
    if typing.get_origin(kind) is typing.Annotated:
        kind = typing.get_args(kind)[0]
    return typing.get_args(kind) if typing.get_origin(kind) is Literal else ()


def make_command(tool: Tool, run_tool) -> typing.Callable[..., None]:  # noqa: ANN001
    """A function whose signature typer reads; calling it runs the tool through a session."""
    params = []
    originals: dict[str, dict[str, Any]] = {}  # choice text -> the Literal's value (1, "4/4")
    for name, field in tool.args_model.model_fields.items():
        literal = _literal_values(field.annotation)
        if literal:
            originals[name] = {str(v): v for v in literal}
        default = ... if field.is_required() else field.default
        params.append(
            _param(name, field.annotation, default, field.description, name == tool.cli_argument)
        )
    params.append(
        inspect.Parameter(
            "json_out",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(False, "--json", help="Print the result as JSON."),
            annotation=bool,
        )
    )

    def command(**kwargs: Any) -> None:
        json_out = kwargs.pop("json_out")
        args = {
            k: (originals[k][v.value] if isinstance(v, enum.Enum) else v)
            for k, v in kwargs.items()
            if v is not None
        }
        run_tool(tool.name, args, json_out)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__doc__ = tool.description
    command.__name__ = tool.cli_name.replace("-", "_")
    return command


def add_tool_commands(app: typer.Typer, run_tool) -> None:  # noqa: ANN001
    for tool in REGISTRY.values():
        app.command(name=tool.cli_name, rich_help_panel="Tools")(make_command(tool, run_tool))
