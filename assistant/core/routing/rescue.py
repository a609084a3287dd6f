"""When the classifier is unsure, the shape of a message can still make its intent plain.

Rules written from how producers talk about the song they are working on (documented, not
learned): with a current song, a question about one of its properties ("whats the tempo",
"how many bars is this") is a question about it, and a change verb with a value or a relative
edit ("transpose to B flat", "take it up a fifth") is an edit of it. They apply only where the
classifier would otherwise ask or answer "not sure".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.core.routing.messages import apply_changes

if TYPE_CHECKING:
    from assistant.core.routing.slots import Slots
    from assistant.core.state import DialogueState

PROPERTY = (r"(?:key|tempo|bpm|speed|bars?|measures?|long|length|chords?|progression|"
            r"instruments?|parts?|meter|time signature|in it|in there|playing)")  # fmt: skip
SONG_QUESTION = re.compile(
    rf"^\s*(?:so\s+)?(?:what'?s|whats|what is|what|how|which|tell me|remind me)\b[^.!]*\b{PROPERTY}\b",
    re.I,
)
CHANGE_VERB = re.compile(
    r"^\s*(?:(?:ok|okay|now|and|can you|could you|pls|please)[\s,]+)*(?:transpose|modulate|"
    r"move|shift|take|bring|put|change|switch|turn|make|knock|bump|drop|set)\b",
    re.I,
)
# A release of the song, not "the bass drops after the intro" or "drop it down a semitone".
RELEASE = re.compile(
    r"\b(?:release|releasing|put (?:it |this |the \w+ )?out|launch|premiere|come out|comes out|"
    r"go live|wait(?:ed|ing)? (?:till|until|for)|hold (?:it |off )?(?:till|until))\b|\b(?:we|i|they)(?:'re|'m| are| am| will|'ll)?\s+(?:drop|dropping)\b|"
    r"\bdrop(?:ping)?\s+(?:it|this|the (?:song|track|single|album|ep|record))\b"
    r"(?!\s+(?:down|up|by|an?|half|to|from|in (?:minor|major)))",
    re.I,
)
AUDIENCE = re.compile(r"\b(?:who(?:'d|'ll| would| will)?|reach|listeners|audience|fans|crowd)\b",
                      re.I)  # fmt: skip
WHEN_Q = re.compile(r"\b(?:when|best time|what day|which day|what date|how soon|before|after)\b",
                    re.I)  # fmt: skip
FOLDER_TASK = re.compile(r"\b(?:catalog(?:ue)?|index|import|scan)\b", re.I)
ATTRIBUTES = {"key", "mode", "tempo", "meter", "bars", "mood", "instrument"}


def rescued_intent(text: str, slots: Slots, state: DialogueState | None) -> str | None:
    """The intent a message's shape makes plain about the current song, or None."""
    if is_release_plan(text):
        return "find_audience"
    if titled := titled_intent(text):  # "who'd vibe with Paper Lanterns"
        return titled
    if "path" in slots.values and FOLDER_TASK.search(text) and "." not in slots.values["path"]:
        return "import_catalog"  # "put everything under bounces/2024 in the catalogue"
    current = state.current if state is not None else None
    if current is None or "path" in slots.values:
        return None
    if SONG_QUESTION.search(text):
        return "song_info"
    if CHANGE_VERB.search(text) and (
        ATTRIBUTES & set(slots.values) or apply_changes(text, current.args())
    ):
        return "modify"
    return None


# "surprise me", "make something that slaps", "idk just make something": nothing named at all.
VAGUE = re.compile(
    r"(?:(?:ok|okay|yo|hey|idk|just|pls|please|can you|could you|now)[\s,!.]+)*"
    r"(?:surprise me|dealer'?s choice|you (?:choose|pick|decide)|(?:your|ur) (?:choice|call)|"
    r"(?:make|write|play|give me|do|cook up|whip up|drop|produce|throw together)\s+(?:me\s+|us\s+)?"
    r"(?:something|somethin'?|sumthing|sumthin'?|anything|smth|sth|whatever|a banger|a bop|"
    r"some(?:thing)? (?:cool|new|fun))"
    r"(?:\s+(?:that\s+|which\s+)?(?:slaps|bangs|hits|goes hard|is fire|fire|cool|dope|sick|"
    r"good|nice|fun|new|random|interesting|you like|with a vibe))?)"
    r"(?:[\s,!.?]+(?:pls|please|lol|bro|fam|man|dude|rn|now|for me|i guess|thx|thanks))*[\s!.?]*",
    re.I,
)
VAGUE_GENRES = ("trap", "house", "boombap", "funk", "afrobeats", "reggaeton", "disco", "lofi",
                "synthwave", "pop")  # fmt: skip
HARD_GENRES = ("trap", "house", "boombap", "reggaeton", "afrobeats", "funk", "techno")


def vague_request(text: str, slots: Slots) -> tuple[str, str] | None:
    """(genre, note) for a request that names nothing: a track in a genre picked here, and one
    line saying what was picked and how to steer; None when the message names anything."""
    import random

    from models.arrangement.genres import find_genre, load_genres

    if slots.values or not VAGUE.fullmatch(text.strip()) or find_genre(text):
        return None
    hard = re.search(r"\b(?:slaps|bangs|banger|hard|fire|hits)\b", text, re.I)
    genre = random.choice(HARD_GENRES if hard else VAGUE_GENRES)
    label = load_genres()[genre].label
    note = (f"You didn't name a style, so I picked {label}. To steer, name one: 'a house track', "
            "'a lo-fi beat at 80 bpm', 'a sad waltz for piano'.")  # fmt: skip
    return genre, note


def is_release_plan(text: str) -> bool:
    """'we drop it in three weeks', 'releasing next Friday': a release with a date is a question
    for the audience engine (who to pitch to, and by when), whatever else it resembles."""
    from assistant.core.routing.audience_slots import release_date

    if not RELEASE.search(text):  # "say in three weeks, who'd it reach": a date for listeners
        return bool(AUDIENCE.search(text)) and release_date(text) is not None
    return release_date(text) is not None or bool(WHEN_Q.search(text))


def titled_intent(text: str) -> str | None:
    """The intent a title named after its cue makes plain: who would like it, what sounds like
    it, share it."""
    from assistant.core.routing.audience_slots import TITLE_CUE, unquoted_title

    if not unquoted_title(text) or not (m := TITLE_CUE.search(text)):
        return None
    cue = m.group(0).lower()
    if re.search(r"\b(?:like|similar|close|same)\b", cue) and not re.search(
        r"\b(?:would|will|might|could|'d|do|gonna|going to|wanna)\b", cue):  # fmt: skip
        return "similar_songs"
    if re.match(r"(?:share|make)\b", cue):
        return "share_song"
    return "find_audience"
