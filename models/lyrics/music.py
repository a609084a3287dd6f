"""From what lyrics feel like to how the music should go. Documented in the README.

The song's place on the circumplex (valence and arousal on -1..1: EmoBank's ratings blended
with the circumplex positions of its emotions, see `heads.circumplex`) is on the same scale as
the composition engine's mood table. Then:

- mode: minor when the song's valence is below the centre, or when sadness, fear or anger leads
  the Ekman mix with more weight than joy; major otherwise;
- tempo: 96 bpm + 40 x arousal (the mood table's rule), before the style's own offset;
- register, note density and dynamics follow valence and arousal as for a mood word;
- style: a chorale for slow, dark or reverent lyrics (arousal < -0.2 and valence < 0.1), an Irish
  dance tune for bright, excited ones (arousal > 0.3 and valence > 0.2), folk otherwise;
- meter: 3/4 for tender, relaxed love songs (love or caring among the top emotions, arousal
  <= 0), 6/8 for an Irish tune, 4/4 otherwise;
- the nearest mood word (by valence/arousal) names the piece.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MusicPlan:
    valence: float  # -1..1
    arousal: float  # -1..1
    mode: str
    style: str
    meter: str
    mood: str
    reasons: dict[str, str]  # "feel" and each choice (mode, style, meter, mood) -> why

    def explain(self, taken: list[str]) -> str:
        """The reasons for the feel and for the choices in `taken` (those the producer left)."""
        return "; ".join(self.reasons[k] for k in ("feel", *taken) if k in self.reasons)


def nearest_mood(valence: float, arousal: float) -> str:
    from models.music.vocabulary import CORE_MOODS as MOODS

    return min(MOODS, key=lambda m: (MOODS[m][0] - valence) ** 2 + (MOODS[m][1] - arousal) ** 2)


def plan_from_song(song: dict[str, Any]) -> MusicPlan:
    """`song` is the whole-song summary of `song.analyse` (circumplex, ekman, emotions)."""
    v, a = song["circumplex"]
    ekman = song.get("ekman", {})
    top = [e["emotion"] for e in song.get("top_emotions", [])]
    dark = max(ekman.get(k, 0.0) for k in ("sadness", "fear", "anger"))
    reasons = {
        "feel": f"the lyrics sit at valence {v:+.2f}, arousal {a:+.2f} ({song['quadrant']}; "
        f"strongest: {', '.join(top) or 'none'})"
    }
    if v < 0 or dark > ekman.get("joy", 0.0):
        mode = "minor"
        reasons["mode"] = ("minor, because the lyrics lean negative" if v < 0 else
                           "minor, because sadness, fear or anger outweighs joy")  # fmt: skip
    else:
        mode = "major"
        reasons["mode"] = "major, because the lyrics lean positive"
    if a < -0.2 and v < 0.1:
        style = "chorale"
        reasons["style"] = "a chorale texture for slow, heavy words"
    elif a > 0.3 and v > 0.2:
        style = "irish"
        reasons["style"] = "an Irish dance tune for bright, excited words"
    else:
        style = "folk"
        reasons["style"] = "a folk-song texture for a middle-of-the-road feel"
    if style == "irish":
        meter = "6/8"
    elif {"love", "caring"} & set(top) and a <= 0:
        meter = "3/4"
        reasons["meter"] = "3/4, a waltz for tender love lyrics"
    else:
        meter = "4/4"
    mood = nearest_mood(v, a)
    reasons["mood"] = f"tempo, register and dynamics from the mood '{mood}'"
    return MusicPlan(round(v, 2), round(a, 2), mode, style, meter, mood, reasons)
