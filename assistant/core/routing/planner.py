"""Multi-step requests and clarifying questions with choices.

"analyse these lyrics, write music for them and tell me who'd like it" is three requests; each
step is routed in turn with the dialogue state the previous steps left (the lyrics read, the
song made), so their results feed each other. A message the router isn't sure about gets one
short question with numbered choices; "1", "the second" or the choice's own words answer it.
"""

from __future__ import annotations

import re

from models.intents.intent import shipped_intents
from models.music.vocabulary import ORDINALS, UNITS

MIN_CHOICE_P = 0.12
# "1", "one", "first", "the first", "the first one" pick the first choice (0), and so on.
ANSWERS = {
    form: n - 1
    for word, n in ORDINALS.items()
    if n <= 2
    for form in (str(n), next(k for k, v in UNITS.items() if v == n), word, f"the {word}",
                 f"the {word} one")
}  # fmt: skip
# Where one request ends and the next begins: "..., then ...", "... and then ...", "...; ...",
# or "... and <a verb that starts a request>".
STEP_SPLIT = re.compile(
    r"\s*(?:;|,?\s+and then\s+|,?\s+then\s+|,\s*and\s+|\s+and\s+(?=(?:tell|show|write|compose|"
    r"make|find|render|analy[sz]e|read|who|what|import|measure|give|bounce|play)\b)|,\s+"
    r"(?=(?:tell|show|write|compose|make|find|render|analy[sz]e|read|who|import|measure|give|"
    r"bounce|play)\b))",
    re.I,
)


# "keep going from loop7.mid but slower": after a file, a relative edit is a step of its own
# (the new piece, then the edit); "a sad but hopeful piece" stays one request.
BUT_EDIT = re.compile(
    r",?\s+but\s+(?=(?:(?:make it|a bit|a little|slightly|much)\s+)?(?:slower|faster|darker|"
    r"brighter|sadder|happier|shorter|longer|calmer|in (?:a )?(?:major|minor))\b)",
    re.I,
)


def labels() -> dict[str, str]:
    """How a choice is offered ("Do you want me to 1) compose a new piece or 2) ..."), by intent:
    each intent's `label` in its YAML. Intents without one (smalltalk, unclear) are never offered."""
    return {i.name: i.label for i in shipped_intents() if i.label}


def clauses(request: str) -> list[str]:
    """The request split into step clauses (one clause if it holds no step boundary)."""
    from assistant.core.routing.slots import PATH

    parts = []
    for part in STEP_SPLIT.split(request):
        parts += BUT_EDIT.split(part, maxsplit=1) if PATH.search(part) else [part]
    parts = [p.strip(" ,.:") for p in parts]
    return [p for p in parts if len(p) >= 3]


def choices_question(ranked: list[tuple[str, float]]) -> tuple[str, list[str]] | None:
    """'Do you want me to 1) ... or 2) ...?' from the two likeliest tool intents, if plausible."""
    offered = labels()
    options = [name for name, p in ranked if name in offered and p >= MIN_CHOICE_P][:2]
    if len(options) < 2:
        return None
    first, second = (offered[o] for o in options)
    return (
        f"I'm not sure what you'd like. Do you want me to 1) {first}, or 2) {second}? Say 1 or 2.",
        options,
    )


def pick_choice(text: str, options: list[str]) -> str | None:
    """The option an answer picks: '1', 'the second', or words of the option's label."""
    answer = re.sub(r"[^\w\s]", "", text.strip().lower())
    answer = re.sub(r"^(?:(?:yes|ok|okay|please|number|option)\s+)+", "", answer).strip()
    if answer in ANSWERS and ANSWERS[answer] < len(options):
        return options[ANSWERS[answer]]
    offered = labels()
    for option in options:
        label = offered.get(option, option)
        if answer and (answer in label or answer == option.replace("_", " ")):
            return option
    # "render it", "find it": the verb of exactly one choice
    words = set(answer.split())
    verbs = [o for o in options if offered.get(o, o).split()[0] in words]
    return verbs[0] if len(verbs) == 1 else None
