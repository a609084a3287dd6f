"""Adding a tool is four files: its module under `tools/`, its intent YAML under
`prompts/intents/`, its tests under `tests/tools/`, and its line in `tools.REGISTRY`. Each test
here fails, naming the tool and the file to add, when one of them is forgotten. (Two generated
files follow: `CADENZA_UPDATE_GOLDEN=1` rewrites the golden schemas, `cadenza train router`
retrains the intent classifier on the new exemplars.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from assistant.core.routing.readers import reader_for
from models.intents.intent import owner_of, shipped_intents
from tools import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
TOOL_NAMES = sorted(REGISTRY)


def _declared_tools() -> dict[str, Path]:
    """Every function decorated with `@tool` in tools/*.py: tool name -> module file."""
    found = {}
    for path in sorted((ROOT / "tools").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                call = deco if isinstance(deco, ast.Call) else None
                func = call.func if call else deco
                if isinstance(func, ast.Name) and func.id == "tool":
                    named = [a.value for a in (call.args if call else []) if isinstance(a, ast.Constant)]
                    found[named[0] if named else node.name] = path
    return found


def test_every_declared_tool_is_registered() -> None:
    missing = {name: str(p.relative_to(ROOT)) for name, p in _declared_tools().items()
               if name not in REGISTRY}  # fmt: skip
    assert not missing, f"declared with @tool but not in tools/__init__.py REGISTRY: {missing}"


@pytest.mark.parametrize("name", TOOL_NAMES)
def test_tool_has_an_intent(name: str) -> None:
    assert owner_of(name) is not None, (
        f"tool {name!r} has no intent: add prompts/intents/{name}.yaml with `tool: {name}`"
    )


@pytest.mark.parametrize("name", TOOL_NAMES)
def test_tool_has_a_label_a_hint_and_help(name: str) -> None:
    intent = owner_of(name)
    assert intent is not None, f"tool {name!r} has no intent YAML"
    where = f"prompts/intents/{intent.name}.yaml"
    assert intent.label, f"{where} has no `label` (how a clarifying question offers it)"
    assert intent.next.get(name, "").startswith("Next:"), f"{where} has no `next` hint for {name}"
    assert intent.help, f"{where} has no `help` example requests"


@pytest.mark.parametrize("name", TOOL_NAMES)
def test_tool_has_an_argument_reader(name: str) -> None:
    intent = owner_of(name)
    assert intent is not None and reader_for(intent) is not None, (
        f"tool {name!r} has no argument reader: say `reader: slots` in its intent YAML, or "
        "register one with @reader in assistant/core/routing/readers.py"
    )


@pytest.mark.parametrize("name", TOOL_NAMES)
def test_tool_has_tests(name: str) -> None:
    module = Path(REGISTRY[name].fn.__code__.co_filename).stem
    candidates = [ROOT / "tests" / "tools" / f"test_{stem}.py" for stem in (name, module)]
    found = [p for p in candidates if p.is_file() and name in p.read_text()]
    assert found, (
        f"tool {name!r} has no tests: add tests/tools/test_{module}.py (or test_{name}.py) "
        f"that call it"
    )


def test_intents_name_only_registered_tools() -> None:
    for intent in shipped_intents():
        unknown = set(intent.tools) - set(REGISTRY)
        assert not unknown, f"prompts/intents/{intent.name}.yaml names unknown tools {unknown}"


def test_core_names_no_tool_outside_routing() -> None:
    """The core reaches tools only through the router's readers and the registry."""
    for path in sorted((ROOT / "assistant" / "core").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in REGISTRY:
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} names {node.value!r}")
