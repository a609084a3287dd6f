"""`help`: every registered tool, and example requests taken from the intents' YAML."""

from __future__ import annotations

from assistant.core.events import collect_turn
from assistant.core.state import DialogueState
from models.intents.intent import owner_of, shipped_intents
from tests.helpers import turn
from tools import REGISTRY
from tools.help import examples


def test_help_lists_every_tool_and_the_examples(make_session) -> None:  # noqa: ANN001
    _, done = collect_turn(make_session().call_tool("help", {}))
    assert done.ok and done.tool == "help", done.reply
    data = done.result["data"]
    assert [row["tool"] for row in data["tools"]] == list(REGISTRY)  # registry order, none missing
    assert all(row["what"] == REGISTRY[row["tool"]].description for row in data["tools"])
    assert data["examples"] == examples()
    flat = " ".join(done.reply.split())  # long lines wrap at a space, within 80 columns
    for name, tool in REGISTRY.items():
        assert f"- {name}: {' '.join(tool.description.split())}" in flat
    for example in examples():
        assert " ".join(f'"{example}"'.split()) in flat
    tries = done.result["preview"].split("Try:\n")[1].splitlines()
    assert max(len(line) for line in tries) <= 80 and len(tries) > len(examples())
    assert done.reply.index("Try:") > done.reply.index("- help:")  # tools first, then examples
    assert "Next: try one of the requests above" in done.reply


def test_examples_come_from_the_intents_yaml() -> None:
    tries = examples()
    assert tries[0] == owner_of("compose").help[0]  # the first thing to try: write a piece
    assert len(tries) == len(set(tries))  # an intent with two tools is listed once
    for name in REGISTRY:
        if name != "help":
            assert set(owner_of(name).help) <= set(tries), name
    assert not set(owner_of("help").help) & set(tries)  # "help" doesn't suggest itself
    toolless = [line for i in shipped_intents() if not i.tools for line in i.help]
    assert toolless and tries[-len(toolless) :] == toolless  # "make it faster", "undo": last
    assert "undo" in tries


def test_the_first_example_is_a_compose_request(router) -> None:  # noqa: ANN001
    route = router.route(examples()[0], DialogueState())
    assert route.tool == "compose" and route.question is None
    assert route.args.get("key") == "D" and route.args.get("mood") == "hopeful"


def test_asking_what_cadenza_can_do(make_session) -> None:  # noqa: ANN001
    route, done = turn(make_session(), "what can you do?")
    assert route.tool == "help" and done.ok, done.reply
    assert done.result["data"]["examples"] == examples()
