"""Multi-step requests and clarifying questions with numbered choices."""

from __future__ import annotations

import pytest

from assistant.core.routing.planner import choices_question, clauses, pick_choice
from assistant.core.routing.router import Router
from assistant.core.state import DialogueState


def test_clauses_split_at_step_boundaries() -> None:
    assert clauses("analyse these lyrics, write music for them and tell me who'd like it") == [
        "analyse these lyrics", "write music for them", "tell me who'd like it",
    ]  # fmt: skip
    assert clauses("compose a jig; then render it") == ["compose a jig", "render it"]
    assert clauses("write a slow and sad waltz") == ["write a slow and sad waltz"]
    assert clauses("make it faster and darker") == ["make it faster and darker"]


def test_choices_are_offered_and_answered() -> None:
    asked = choices_question([("unclear", 0.5), ("render_audio", 0.3), ("find_song", 0.15)])
    assert asked is not None
    question, options = asked
    assert options == ["render_audio", "find_song"] and "1) render a song to audio" in question
    assert choices_question([("compose", 0.9), ("help", 0.05)]) is None
    assert pick_choice("2", options) == "find_song"
    assert pick_choice("the first one", options) == "render_audio"
    assert pick_choice("Find a song", options) == "find_song"
    assert pick_choice("yes, number 1!", options) == "render_audio"
    assert pick_choice("compose something else", options) is None


TORN = ("hear the chorale", "let me listen to the chorale", "listen to the chorale")


@pytest.mark.slow
def test_router_plans_and_asks(settings) -> None:  # noqa: ANN001
    from models.embeddings.encoder import get_encoder

    router = Router(get_encoder(), settings.cache_dir)
    steps = router.plan(
        "read these lyrics and then compose music for them:\nI walk alone\nin the rain"
    )
    assert steps == ["read these lyrics:\nI walk alone\nin the rain", "compose music for them"]
    assert router.plan("write a slow and sad waltz in A minor") is None
    assert router.plan("compose a jig, compose a reel") is None  # one kind of request

    # Torn between playing the chorale and finding it: which wording sits exactly between the
    # two moves a little with every retrain, so one of these must.
    torn = [(text, route) for text in TORN if set((route := router.route(text)).choices) ==
            {"find_song", "render_audio"}]  # fmt: skip
    assert torn, [router.route(text) for text in TORN]
    text, route = torn[0]
    assert route.tool is None and "1) " in route.question and "2) " in route.question
    state = DialogueState(pending={"text": text, "intents": route.choices})
    n = route.choices.index("render_audio") + 1
    answered = router.route(str(n), state)
    assert answered.intent == "render_audio" and answered.confidence == 1.0
