"""Natural language -> a tool call: intent by nearest exemplars (MiniLM), arguments from slots.

Intents and their exemplars live in `prompts/intents/*.yaml`. A message is embedded once and
compared with every exemplar; an intent's score is the mean of its two best similarities. Below
`router_min_confidence` the router asks instead of guessing. Follow-ups ("make it faster",
"same but in minor") start from the current song's attribute table and change only what the
message names.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.core.routing import track_readers  # noqa: F401 (registers the track readers)
from assistant.core.routing.planner import choices_question, clauses, pick_choice
from assistant.core.routing.readers import INTENT_READERS, reader_for
from assistant.core.routing.rescue import is_release_plan, rescued_intent, vague_request
from assistant.core.routing.route import Request, Route
from assistant.core.routing.shape import shaped_intent
from assistant.core.routing.slots import extract_slots
from models.intents.intent import Intent, shipped_intents
from models.intents.message import read_message, split_payload

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.core.state import DialogueState
    from models.embeddings.encoder import MiniLM
    from models.intents.classifier import IntentClassifier

__all__ = ["Route", "Router", "make_router"]

TORN_TOP, TORN_SECOND = 0.5, 0.2  # below / above these, the two likeliest intents are a choice
NEAREST_MIN = 0.45  # the exemplar router's threshold (mean cosine of the two best exemplars)
CUE_BONUS = 0.12  # added to an intent's score when the message opens with one of its cues


class Router:
    """Classifies intents and fills arguments. Embeddings of the exemplars are cached on disk."""

    def __init__(
        self,
        encoder: MiniLM,
        cache_dir: Path | None = None,
        min_confidence: float | None = None,
        classifier: IntentClassifier | None | str = "committed",
    ):
        self.encoder = encoder
        self.intents = list(shipped_intents())  # read once per process
        self._by_name = {i.name: i for i in self.intents}
        self.classifier_problem: str | None = None
        self.classifier = self._classifier() if classifier == "committed" else classifier
        tuned = self.classifier.config.get("min_confidence") if self.classifier else None
        # Probabilities and exemplar similarities live on different scales: each its own default.
        self.min_confidence = (
            min_confidence if min_confidence is not None else (tuned or NEAREST_MIN)
        )
        self._cache_dir = cache_dir
        self._matrix: np.ndarray | None = None
        self._known: frozenset[str] | None = None  # English words (the encoder's vocabulary)
        if self.classifier is None:
            self._exemplars()

    def _classifier(self) -> IntentClassifier | None:
        """The committed classifier, if it was trained on these intents; else exemplars alone."""
        from assistant.errors import CheckpointError
        from models.intents.classifier import cached_classifier, intents_fingerprint

        try:
            model = cached_classifier()
        except CheckpointError as exc:
            self.classifier_problem = str(exc)
            return None
        if model.fingerprint != intents_fingerprint(self.intents):
            self.classifier_problem = (
                "The intent classifier was trained on other exemplars; retrain it with "
                "`cadenza train router` (nearest exemplars are used meanwhile)."
            )
            return None
        return model

    def _exemplars(self) -> np.ndarray:
        if self._matrix is None:
            texts, labels = [], []
            for i, intent in enumerate(self.intents):
                texts += intent.examples
                labels += [i] * len(intent.examples)
            self._labels_arr = np.array(labels)
            self._matrix = self._exemplar_vectors(texts, self._cache_dir)
        return self._matrix

    def _exemplar_vectors(self, texts: list[str], cache_dir: Path | None) -> np.ndarray:
        key = hashlib.sha1(("\n".join(texts) + self.encoder.fingerprint).encode()).hexdigest()[:16]
        path = cache_dir / f"intents-{key}.npy" if cache_dir else None
        if path and path.exists():
            try:
                return np.load(path)
            except (OSError, ValueError):
                pass  # a damaged cache is rebuilt below
        vectors = self.encoder.encode(texts)
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        return vectors

    def classify(self, text: str) -> list[tuple[Intent, float]]:
        """Intents with probabilities from the trained classifier, best first."""
        if self.classifier is None:
            return self.classify_nearest(text)
        x = self.classifier.features(self.encoder.encode([text]), [text], self.intents)
        probs = self.classifier.probabilities(x)[0]
        ranked = sorted(zip(self.classifier.labels, probs, strict=True), key=lambda lp: -lp[1])
        return [(self._by_name[label], float(p)) for label, p in ranked]

    def classify_nearest(self, text: str) -> list[tuple[Intent, float]]:
        """Intents by exemplar similarity plus a bonus for a cue (the fallback, and a baseline).

        MiniLM weighs nouns over verbs ("make a jig" sits close to "open the jig"), so the verb
        a message opens with is added as a small, data-driven prior.
        """
        sims = self._exemplars() @ self.encoder.encode([text])[0]
        scores = []
        for i, intent in enumerate(self.intents):
            top = np.sort(sims[self._labels_arr == i])[-2:]
            bonus = CUE_BONUS if any(c.search(text) for c in intent.cues) else 0.0
            scores.append((intent, float(top.mean()) + bonus))
        return sorted(scores, key=lambda s: s[1], reverse=True)

    def route(self, text: str, state: DialogueState | None = None) -> Route:
        pending = state.pending if state is not None else None
        if pending and (choice := pick_choice(text, pending.get("intents", []))):
            return self.route_as(pending["text"], choice, state)  # the answer to our question
        message = text
        text, payload, quoted, probe = self.read(text)
        ranked = self.classify(probe)
        intent, score = ranked[0]
        score = min(score, 1.0)
        slots = extract_slots(text)
        if slots.problems:  # an impossible key, mode or number: say so rather than guess
            return Route(intent.name, None, {}, score, question=" ".join(slots.problems),
                         refused=True)  # fmt: skip
        if vague := vague_request(text, slots):  # "surprise me": a pick, said as one
            return Route("track", "track", {"genre": vague[0]}, score, preface=vague[1])
        req = Request(intent, score, text, payload, quoted, probe, slots, state)
        if (shaped := self._shaped(req)) is not None:  # "whats the chord progression": song_info
            return self._decide(req.as_intent(shaped))
        if score < self.min_confidence or intent.name == "unclear" or self._torn(ranked):
            if rescued := rescued_intent(text, slots, state):  # "whats the tempo", "transpose to Bb"
                return self._decide(req.as_intent(self._by_name[rescued]))
            asked = choices_question([(i.name, p) for i, p in ranked])
            if asked and intent.name != "unclear" and len(message) < 300:
                return Route("unclear", None, {}, score, question=asked[0], choices=asked[1])
            return INTENT_READERS["unclear"](self._request("unclear", score, message, state))
        return self._decide(req)

    def _shaped(self, req: Request) -> Intent | None:
        """The intent the message's shape decides over the classifier's (`shape.py`), if any."""
        if req.intent.name != "find_audience" and is_release_plan(req.text):  # "we drop it Friday"
            return self._by_name["find_audience"]
        name = shaped_intent(req.text, req.slots, req.state, req.intent.name, req.payload)
        return self._by_name[name] if name else None

    def _torn(self, ranked: list[tuple[Intent, float]]) -> bool:
        """Two tool intents both plausible and neither sure: ask rather than guess."""
        if self.classifier is None or len(ranked) < 2:
            return False
        (first, p1), (second, p2) = ranked[0], ranked[1]
        return p1 < TORN_TOP and p2 >= TORN_SECOND and None not in (first.tool, second.tool)

    def route_as(self, text: str, name: str, state: DialogueState | None) -> Route:
        """Route a message as the intent the producer chose."""
        return self._decide(self._request(name, 1.0, text, state))

    def read(self, message: str) -> tuple[str, str | None, re.Match[str] | None, str]:
        """`read_message`, with typos and shorthand of the request line read as meant."""
        from assistant.core.routing.spelling import normalise, vocabulary_words

        if self._known is None:
            self._known = vocabulary_words(self.encoder.tokenizer)
        text, payload, quoted, probe = read_message(message)
        return normalise(text, self._known), payload, quoted, normalise(probe, self._known)

    def _request(self, name: str, score: float, message: str, state: DialogueState | None) -> Request:
        text, payload, quoted, probe = self.read(message)
        return Request(self._by_name[name], score, text, payload, quoted, probe,
                       extract_slots(text), state)  # fmt: skip

    def plan(self, text: str) -> list[str] | None:
        """The steps of a multi-step request, or None when it is one request.

        Each clause must read as a different tool request on its own; lyrics pasted under the
        message go with the first step that reads them.
        """
        request, payload = split_payload(text)
        steps = clauses(request)
        if len(steps) < 2 or len(steps) > 5:
            return None
        names = []
        for n, step in enumerate(steps):
            intent, p = self.classify(self.read(step)[3])[0]
            # A later step may change what the steps before it made ("... and make it darker").
            acts = intent.tool is not None or (n > 0 and intent.name == "modify")
            if not acts or p < max(self.min_confidence, 0.4):
                return None
            names.append(intent.name)
        if len(set(names)) < 2:
            return None
        if payload:
            reads = [i for i, n in enumerate(names) if "lyrics" in self._by_name[n].slots]
            first = reads[0] if reads else 0
            steps[first] = f"{steps[first]}:\n{payload}"
        return steps

    def _decide(self, req: Request) -> Route:
        """The tool call (or the question) for a message whose intent is known: a lookup."""
        read = reader_for(req.intent)
        if read is None:  # smalltalk, undo: the session answers these itself
            return Route(req.intent.name, None, {}, req.score)
        return read(req)


def make_router(settings: Settings) -> Router:
    """The router a session or `cadenza route` uses: the shared encoder, the settings' cache."""
    from models.embeddings.encoder import get_encoder

    return Router(get_encoder(), settings.cache_dir, settings.router_min_confidence)
