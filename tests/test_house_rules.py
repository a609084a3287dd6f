"""House rules a reviewer would otherwise check by eye (see ../shared/design.md, "Size").

- No module over 400 lines in `assistant/`, `tools/`, `models/`.
- No function over 60 lines, counted from its first statement after the docstring to its end:
  a tool's docstring is its schema (every parameter's help), so it is not counted.
Research-only models live in `benchmarks/`, outside these rules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "tools", "models")
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    first = body[0]
    if len(body) > 1 and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        first = body[1]  # skip the docstring
    return node.end_lineno - first.lineno + 1


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_over_400_lines(package: str) -> None:
    long = {str(p.relative_to(ROOT)): n for p in _modules()
            if p.relative_to(ROOT).parts[0] == package
            and (n := p.read_text().count("\n")) > MAX_MODULE_LINES}  # fmt: skip
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_function_over_60_lines(package: str) -> None:
    long = {}
    for path in _modules():
        if path.relative_to(ROOT).parts[0] != package:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and (n := _body_lines(node)) > MAX_FUNCTION_LINES:
                long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = n
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_engines_keep_no_benchmark_only_models() -> None:
    """Frame-level research models are benchmarks' business (benchmarks/frames/)."""
    assert not list((ROOT / "models").rglob("frames.py"))
