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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from assistant.core.generate_slots import generate_args, wants_generation
from assistant.core.messages import (
    LYRIC_WORDS,
    apply_changes,
    audience_args,
    compose_segment,
    lyrics_arg,
    read_message,
    song_position,
    split_payload,
    tool_args,
)
from assistant.core.planner import choices_question, clauses, pick_choice
from assistant.core.slots import Slots, extract_slots

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.core.state import DialogueState, Song
    from models.embeddings.encoder import MiniLM
    from models.intents.classifier import IntentClassifier

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
MUSIC_ARGS = (
    "key", "mode", "tempo", "bars", "meter", "style", "mood", "instrument", "parts", "seed",
)  # fmt: skip
# Which slots each tool takes straight from the message.
TOOL_SLOTS: dict[str, tuple[str, ...]] = {
    "compose": MUSIC_ARGS,
    "harmonize": ("key", "mode", "tempo", "style", "instrument", "path"),
    "render_audio": ("path",),
    "generate": (*MUSIC_ARGS, "path"),
    "analyze_lyrics": ("path",),
    "analyze_audio": ("path",),
}
AUDIENCE_TOOLS = ("find_audience", "similar_songs", "import_catalog")
GENERIC_SONG_WORDS = {
    "song",
    "track",
    "tune",
    "piece",
    "one",
    "thing",
    "melody",
    "new",
    "latest",
    "last",
}
# Tools that cannot act without a file, and the question to ask for it.
NEEDS_FILE = {
    "harmonize": "Which MIDI file holds your melody? Put it in the workspace and say, for "
    "example, 'harmonize melody.mid'.",
    "analyze_audio": "Which audio file? Put it in the workspace and say, for example, "
    "'analyse mix.wav'.",
}
FOLDER_QUESTION = (
    "Which folder holds your songs? Say, for example, 'import my songs from ./masters' "
    "(MIDI, audio and lyric files are matched by name), or give a plays .csv for listening data."
)
LYRICS_QUESTION = (
    "Which lyrics? Paste them on the lines after your request, or give me a .txt or .lrc file "
    "in the workspace (for example 'analyse song.txt')."
)
# "music for these lyrics", "what do they feel like again": the lyrics read last time.
CHOICES = (
    "compose music (or write and continue it with the neural model), harmonise a melody file, "
    "change the current song, render it to audio, "
    "read lyrics, find a song you made, or find the listeners a song can win"
)


TORN_TOP, TORN_SECOND = 0.5, 0.2  # below / above these, the two likeliest intents are a choice
NEAREST_MIN = 0.45  # the exemplar router's threshold (mean cosine of the two best exemplars)
CUE_BONUS = 0.12  # added to an intent's score when the message opens with one of its cues


@dataclass(frozen=True)
class Intent:
    name: str
    tool: str | None
    description: str
    examples: tuple[str, ...]
    cues: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Route:
    """The router's decision for one message."""

    intent: str
    tool: str | None
    args: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.0  # the best intent's score, capped at 1
    question: str | None = None  # ask this instead of calling a tool
    choices: list[str] = field(default_factory=list)  # intents a clarifying question offers

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "args": self.args,
            "confidence": round(self.confidence, 3),
            "intent": self.intent,
            **({"question": self.question} if self.question else {}),
        }


def load_intents(folder: Path = PROMPTS_DIR / "intents") -> list[Intent]:
    intents = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        cues = tuple(re.compile(c, re.I) for c in data.get("cues") or ())
        intents.append(
            Intent(
                data["intent"],
                data.get("tool"),
                data.get("description", ""),
                tuple(str(e) for e in data["examples"]),  # YAML reads "12345" as a number
                cues,
            )
        )
    return intents


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
        self.intents = load_intents()
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
        text, payload, quoted, probe = read_message(text)
        ranked = self.classify(probe)
        intent, score = ranked[0]
        score = min(score, 1.0)
        slots = extract_slots(text)
        if slots.problems:  # an impossible key or mode: say so rather than guess
            return Route(intent.name, None, {}, score, question=" ".join(slots.problems))
        if score < self.min_confidence or intent.name == "unclear" or self._torn(ranked):
            asked = choices_question([(i.name, p) for i, p in ranked])
            if asked and intent.name != "unclear" and len(message) < 300:
                return Route("unclear", None, {}, score, question=asked[0], choices=asked[1])
            question = f"I'm not sure what you'd like. I can {CHOICES}."
            return Route("unclear", None, {}, score, question=question)
        return self._decide(intent, score, text, payload, quoted, probe, slots, state)

    def _torn(self, ranked: list[tuple[Intent, float]]) -> bool:
        """Two tool intents both plausible and neither sure: ask rather than guess."""
        if self.classifier is None or len(ranked) < 2:
            return False
        (first, p1), (second, p2) = ranked[0], ranked[1]
        return p1 < TORN_TOP and p2 >= TORN_SECOND and None not in (first.tool, second.tool)

    def route_as(self, text: str, name: str, state: DialogueState | None) -> Route:
        """Route a message as the intent the producer chose."""
        text, payload, quoted, probe = read_message(text)
        return self._decide(
            self._by_name[name], 1.0, text, payload, quoted, probe, extract_slots(text), state
        )

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
        for step in steps:
            intent, p = self.classify(read_message(step)[3])[0]
            if intent.tool is None or p < max(self.min_confidence, 0.4):
                return None
            names.append(intent.name)
        if len(set(names)) < 2:
            return None
        if payload:
            first = next((i for i, n in enumerate(names) if n in ("analyze_lyrics", "compose")), 0)
            steps[first] = f"{steps[first]}:\n{payload}"
        return steps

    def _decide(
        self,
        intent: Intent,
        score: float,
        text: str,
        payload: str | None,
        quoted: re.Match[str] | None,
        probe: str,
        slots: Slots,
        state: DialogueState | None,
    ) -> Route:
        """The tool call (or the question) for a message whose intent is known."""
        if intent.name == "unclear":
            return Route(
                "unclear",
                None,
                {},
                score,
                question=f"I'm not sure what you'd like. I can {CHOICES}.",
            )
        if intent.name == "modify" and state and state.current and wants_generation(text):
            intent = next(i for i in self.intents if i.name == "generate")  # "add 8 more bars"
        elif intent.name == "modify":
            return self._modify(text, slots, state, score)
        if intent.name == "find_song":
            title = re.search(r"[\"“]([^\"”]{3,})[\"”]", text)  # a quoted title
            query = title.group(1) if title else slots.song_ref or text
            args = {"query": query, **({"when": slots.when} if slots.when else {})}
            if (position := song_position(text)) is not None:
                args["position"] = position  # "the second one": this conversation's second song
            return Route(intent.name, "find_song", args, score)
        if intent.tool is None:
            return Route(intent.name, None, {}, score)
        if intent.tool in AUDIENCE_TOOLS:
            tool, args = audience_args(intent.tool, text, slots.values.get("path"), state)
            if tool in ("find_audience", "similar_songs") and "song" not in args:
                ref = slots.song_ref or ""
                if ref and set(ref.split()) - GENERIC_SONG_WORDS and "segment" not in args:
                    args["song"] = ref  # "the waltz", "the jig from yesterday"
            if tool == "import_catalog" and not args:
                return Route(intent.name, None, {}, score, question=FOLDER_QUESTION)
            return Route(intent.name, tool, args, score)
        if quoted and (
            intent.tool == "analyze_lyrics"
            or (intent.tool == "compose" and LYRIC_WORDS.search(text))
        ):
            # 'music for these words: "..."': the quote is the lyrics, not part of the request.
            payload = quoted.group(1)
            text = probe
            slots = extract_slots(text)
        wanted = TOOL_SLOTS.get(intent.tool, ())
        args = tool_args(intent.tool, {k: v for k, v in slots.values.items() if k in wanted})
        segment = compose_segment(text, state) if intent.tool == "compose" else None
        if segment:
            args["segment"] = segment
        elif intent.tool in ("analyze_lyrics", "compose"):
            lyrics = lyrics_arg(intent.tool, text, payload, slots, state)
            if lyrics:
                args["lyrics"] = lyrics
            elif intent.tool == "analyze_lyrics":
                return Route(intent.name, None, {}, score, question=LYRICS_QUESTION)
        if intent.tool == "generate":
            args = generate_args(text, args, state)
        if intent.tool == "share_song":
            ref = slots.song_ref or ""
            if ref and set(ref.split()) - GENERIC_SONG_WORDS:
                args = {"song": ref}  # "share the hopeful chorale"
        if intent.tool in NEEDS_FILE and "file" not in args:
            return Route(intent.name, None, {}, score, question=NEEDS_FILE[intent.tool])
        return Route(intent.name, intent.tool, args, score)

    def _modify(self, text: str, slots: Slots, state: DialogueState | None, score: float) -> Route:
        current: Song | None = state.current if state else None
        if current is None:
            return Route(
                "modify",
                None,
                {},
                score,
                question="There is no current song to change yet. Try 'compose a melody in C major' first.",
            )
        args = current.args()
        changes = apply_changes(text, args)
        said = {k: v for k, v in slots.values.items() if k in MUSIC_ARGS}
        if not changes and not said and score < 1.0:
            question = (
                f"What should I change about '{current.title}'? For example: faster, in minor, "
                "16 bars, for strings, or another version."
            )
            return Route("modify", None, {}, score, question=question)
        if "tempo" in changes and slots.tempo_word:  # "slow it down": relative, not "slow" = 66
            said.pop("tempo", None)
        args.update(changes)
        args.update(said)
        return Route("modify", current.tool, tool_args(current.tool, args), score)


def make_router(settings: Settings) -> Router:
    """The router a session or `cadenza route` uses: the shared encoder, the settings' cache."""
    from models.embeddings.encoder import get_encoder

    return Router(get_encoder(), settings.cache_dir, settings.router_min_confidence)
