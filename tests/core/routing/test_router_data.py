"""Checks of the router's evaluation set (tests/router_data/requests.yaml), not of the router.

Accuracy is measured by benchmarks/router.py; these tests only keep the data well-formed.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assistant.store.songs import SONG_ARGS as MUSIC_ARGS
from models.intents.intent import load_intents
from models.music.vocabulary import INSTRUMENTS, MOODS, STYLE_WORDS

DATA = Path(__file__).resolve().parents[2] / "router_data" / "requests.yaml"
SLOT_NAMES = {*MUSIC_ARGS, "path", "track"}
INTENTS = {i.name for i in load_intents()} | {"unclear"}
VALID_VALUE = {
    "key": lambda v: isinstance(v, str) and re.fullmatch(r"[A-G][#b]?", v) is not None,
    "mode": lambda v: v in ("major", "minor"),
    "tempo": lambda v: isinstance(v, int) and 20 <= v <= 300,
    "bars": lambda v: isinstance(v, int) and 1 <= v <= 256,
    "meter": lambda v: isinstance(v, str) and re.fullmatch(r"\d{1,2}/\d{1,2}", v) is not None,
    "style": lambda v: v in set(STYLE_WORDS.values()),
    "mood": lambda v: v in MOODS,
    "instrument": lambda v: v in INSTRUMENTS,
    "parts": lambda v: v in (1, 4),
    "seed": lambda v: isinstance(v, int) and v >= 0,
    "path": lambda v: isinstance(v, str) and v.strip() == v and v != "",
    "track": lambda v: isinstance(v, str) and re.fullmatch(r"[\w#+-]{1,21}", v) is not None,
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip(" .!?")


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return yaml.safe_load(DATA.read_text())


def test_items_are_well_formed(items: list[dict]) -> None:
    assert len(items) >= 400
    for item in items:
        assert set(item) == {"text", "intent", "slots", "split"}, item
        assert isinstance(item["text"], str) and item["text"].strip(), item
        assert item["intent"] in INTENTS, item
        assert item["split"] in ("dev", "test"), item
        assert isinstance(item["slots"], dict), item


def test_slot_names_and_values_follow_the_extractor(items: list[dict]) -> None:
    for item in items:
        for name, value in item["slots"].items():
            assert name in SLOT_NAMES, (name, item["text"])
            assert VALID_VALUE[name](value), (name, value, item["text"])


def test_every_intent_has_enough_items_in_both_splits(items: list[dict]) -> None:
    per_intent = Counter(i["intent"] for i in items)
    assert set(per_intent) == INTENTS
    for intent, n in per_intent.items():
        assert n >= 20, (intent, n)
        splits = Counter(i["split"] for i in items if i["intent"] == intent)
        assert abs(splits["dev"] - splits["test"]) <= 1, (intent, splits)


def test_no_duplicates(items: list[dict]) -> None:
    texts = Counter(_norm(i["text"]) for i in items)
    assert [t for t, n in texts.items() if n > 1] == []


def test_no_item_is_an_exemplar(items: list[dict]) -> None:
    exemplars = {_norm(e) for intent in load_intents() for e in intent.examples}
    assert [i["text"] for i in items if _norm(i["text"]) in exemplars] == []


def test_heldout_requests_are_unseen_and_well_formed() -> None:
    heldout = yaml.safe_load((DATA.parent / "heldout.yaml").read_text())
    assert len(heldout) >= 80
    exemplars = {_norm(e) for intent in load_intents() for e in intent.examples}
    labelled = {_norm(i["text"]) for i in yaml.safe_load(DATA.read_text())}
    for item in heldout:
        assert set(item) == {"text", "intent"} and item["intent"] in INTENTS, item
        assert _norm(item["text"]) not in exemplars | labelled, item["text"]



# Short requests the helpers wrote that already were exemplars or labelled items when each set
# was committed ("undo", "help", "what key is it in?"): written independently, they coincide.
# A sentence copied from a fresh set into the exemplars would raise the count and fail.
COINCIDING = {"fresh.yaml": 34, "fresh2.yaml": 11, "fresh3.yaml": 20}


@pytest.mark.parametrize("name", sorted(COINCIDING))
def test_fresh_sets_are_unseen_and_well_formed(name: str) -> None:
    """Issue 22: the blind sets only measure; no exemplar is taken from them, and each item
    names a known intent (benchmarks/router_fresh.py reads them)."""
    data = yaml.safe_load((DATA.parent / name).read_text())
    turns = [t for c in data["conversations"] for t in c["turns"]]
    assert len(data["singles"]) >= 200 and len(data["conversations"]) >= 18
    exemplars = {_norm(e) for intent in load_intents() for e in intent.examples}
    labelled = {_norm(i["text"]) for i in yaml.safe_load(DATA.read_text())}
    for item in data["singles"] + turns:
        assert item["intent"] in INTENTS, item
        assert set(item) <= {"text", "intent", "slots", "args", "absent", "present", "ask_ok"}
    seen = [i["text"] for i in data["singles"] + turns if _norm(i["text"]) in exemplars | labelled]
    assert len(seen) <= COINCIDING[name], seen
