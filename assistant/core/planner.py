"""Multi-step requests and clarifying questions with choices.

"analyse these lyrics, write music for them and tell me who'd like it" is three requests; each
step is routed in turn with the dialogue state the previous steps left (the lyrics read, the
song made), so their results feed each other. A message the router isn't sure about gets one
short question with numbered choices; "1", "the second" or the choice's own words answer it.
"""

from __future__ import annotations

import re

# How a choice is offered ("Do you want me to 1) compose a new piece or 2) ...").
CHOICE_LABELS = {
    "compose": "compose a new piece",
    "generate": "write it with the neural engine",
    "harmonize": "harmonise a melody file",
    "modify": "change the current song",
    "undo": "go back to the previous version",
    "render_audio": "render a song to audio",
    "find_song": "find a song you made",
    "analyze_lyrics": "read lyrics and say what they feel like",
    "analyze_audio": "measure an audio file",
    "find_audience": "find the listeners a song can win",
    "similar_songs": "find similar songs in the catalogue",
    "import_catalog": "import songs or listening data",
    "help": "show what I can do",
}
NOT_A_CHOICE = {"unclear", "smalltalk"}
MIN_CHOICE_P = 0.12
ORDINALS = {"1": 0, "one": 0, "first": 0, "the first": 0, "2": 1, "two": 1, "second": 1,
            "the second": 1, "the first one": 0, "the second one": 1}  # fmt: skip
# Where one request ends and the next begins: "..., then ...", "... and then ...", "...; ...",
# or "... and <a verb that starts a request>".
STEP_SPLIT = re.compile(
    r"\s*(?:;|,?\s+and then\s+|,?\s+then\s+|,\s*and\s+|\s+and\s+(?=(?:tell|show|write|compose|"
    r"make|find|render|analy[sz]e|read|who|what|import|measure|give|bounce|play)\b)|,\s+"
    r"(?=(?:tell|show|write|compose|make|find|render|analy[sz]e|read|who|import|measure|give|"
    r"bounce|play)\b))",
    re.I,
)


def clauses(request: str) -> list[str]:
    """The request split into step clauses (one clause if it holds no step boundary)."""
    parts = [p.strip(" ,.:") for p in STEP_SPLIT.split(request)]
    return [p for p in parts if len(p) >= 3]


def choices_question(ranked: list[tuple[str, float]]) -> tuple[str, list[str]] | None:
    """'Do you want me to 1) ... or 2) ...?' from the two likeliest tool intents, if plausible."""
    options = [name for name, p in ranked if name not in NOT_A_CHOICE and p >= MIN_CHOICE_P]
    options = [o for o in options if o in CHOICE_LABELS][:2]
    if len(options) < 2:
        return None
    first, second = (CHOICE_LABELS[o] for o in options)
    return (
        f"I'm not sure what you'd like. Do you want me to 1) {first}, or 2) {second}? Say 1 or 2.",
        options,
    )


def pick_choice(text: str, options: list[str]) -> str | None:
    """The option an answer picks: '1', 'the second', or words of the option's label."""
    answer = re.sub(r"[^\w\s]", "", text.strip().lower())
    answer = re.sub(r"^(?:(?:yes|ok|okay|please|number|option)\s+)+", "", answer).strip()
    if answer in ORDINALS and ORDINALS[answer] < len(options):
        return options[ORDINALS[answer]]
    for option in options:
        label = CHOICE_LABELS.get(option, option)
        if answer and (answer in label or answer == option.replace("_", " ")):
            return option
    # "render it", "find it": the verb of exactly one choice
    words = set(answer.split())
    verbs = [o for o in options if CHOICE_LABELS.get(o, o).split()[0] in words]
    return verbs[0] if len(verbs) == 1 else None
