"""From mood (valence, arousal in -1..1) to musical choices. Documented in the README.

- mode: minor when valence < 0 (unless the producer named a mode);
- tempo: 96 bpm + 40 x arousal (56 bpm for the calmest, 136 for the most excited);
- register: the melody centres 5 semitones higher at the brightest valence, lower when dark;
- density: excited moods favour shorter notes, calm moods longer ones;
- dynamics: MIDI velocity 80 + 20 x arousal.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.errors import InputError
from models.music.vocabulary import MOODS


@dataclass(frozen=True)
class MoodParams:
    valence: float
    arousal: float

    @property
    def mode(self) -> str:
        return "minor" if self.valence < 0 else "major"

    @property
    def tempo_bpm(self) -> int:
        return int(round(96 + 40 * self.arousal))

    @property
    def register_shift(self) -> int:
        return int(round(5 * self.valence))

    @property
    def density(self) -> float:
        return 0.6 * self.arousal

    @property
    def velocity(self) -> int:
        return int(round(80 + 20 * self.arousal))


def mood_params(mood: str | None) -> MoodParams:
    """Parameters for a mood word; neutral when no mood is given."""
    if not mood:
        return MoodParams(0.0, 0.0)
    word = mood.strip().lower()
    if word not in MOODS:
        known = ", ".join(sorted(MOODS)[:12])
        raise InputError(f"I don't know the mood '{mood[:30]}'. Try one of: {known}...")
    return MoodParams(*MOODS[word])
