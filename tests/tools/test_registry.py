"""The registry is the interface: its exact names and schemas are reviewed through this test.

After an intended change, regenerate the golden file with
`CADENZA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/tools/test_registry.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tools import REGISTRY

GOLDEN = Path(__file__).with_name("golden_schemas.json")
PRODUCT_TOOLS = {
    "compose", "generate", "analyze_lyrics", "find_audience", "similar_songs",
    "import_catalog", "analyze_audio", "render_audio", "help",
}  # fmt: skip


def test_exact_tool_names() -> None:
    """The names are the golden file's: a new or renamed tool shows up in review there."""
    assert set(REGISTRY) == set(json.loads(GOLDEN.read_text()))
    assert set(REGISTRY) >= PRODUCT_TOOLS  # every product tool is there


def test_golden_schemas() -> None:
    schemas = {name: tool.json_schema() for name, tool in sorted(REGISTRY.items())}
    if os.environ.get("CADENZA_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(schemas, indent=2, sort_keys=True) + "\n")
    assert schemas == json.loads(GOLDEN.read_text())


def test_every_parameter_is_documented() -> None:
    for tool in REGISTRY.values():
        assert tool.description
        for name, field in tool.args_model.model_fields.items():
            assert field.description, f"{tool.name}.{name} has no help in its docstring"
