"""A track's form: which sections, how long, and which parts play in each.

How energy moves through a song is written here from music knowledge (documented in
docs/tracks.md), not learned: an intro without drums and bass, a verse without the pad, the
whole band in a chorus, a fill before a chorus or a drop, a build without kick or bass, and the
bass entering on the drop. A genre file may override which parts play in a section.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.arrangement.genres import ROLES, Genre, PartSpec
from models.errors import InputError

MAX_BARS = 256
# The roles that play in each section of a song (a genre's `sections:` names parts instead).
SECTION_ROLES: dict[str, tuple[str, ...]] = {
    "intro": ("chords", "pad"),
    "verse": ("drums", "bass", "chords", "lead"),
    "prechorus": ("drums", "bass", "chords", "pad", "lead"),
    "chorus": ROLES,
    "bridge": ("drums", "bass", "chords", "pad", "lead"),
    "breakdown": ("chords", "pad", "lead"),
    "build": ("drums", "chords", "pad", "lead"),
    "drop": ROLES,
    "solo": ("drums", "bass", "chords", "lead"),
    "outro": ("chords", "pad"),
}
# How hard each section plays, 0..1: drums and lead get busier with it (0.5 as the genre plays).
ENERGY = {"intro": 0.3, "verse": 0.45, "prechorus": 0.55, "chorus": 0.65, "bridge": 0.4,
          "breakdown": 0.3, "build": 0.75, "drop": 0.7, "solo": 0.6, "outro": 0.35}  # fmt: skip
FILL_BEFORE = {"chorus", "drop", "prechorus", "solo", "bridge"}  # a drum fill leads into these
# The harmony model's section for each (it learned intro, verse, chorus... from Billboard).
HARMONY_SECTION = {"intro": "intro", "verse": "verse", "prechorus": "prechorus",
                   "chorus": "chorus", "bridge": "bridge", "breakdown": "instrumental",
                   "build": "prechorus", "drop": "chorus", "solo": "instrumental",
                   "outro": "outro"}  # fmt: skip
LABELS = {"prechorus": "Pre-chorus"}


@dataclass(frozen=True)
class Section:
    name: str  # verse, chorus, drop...
    start_bar: int  # 0-based
    bars: int
    parts: tuple[str, ...]  # the part names that play in it
    label: str  # "Verse 2"
    fill: bool = False  # the drums end it with a fill

    @property
    def energy(self) -> float:
        return ENERGY.get(self.name, 0.5)


def plan_form(genre: Genre, bars: int | None, song: bool) -> list[tuple[str, int]]:
    """(section, bars) in order. A whole song is the genre's song form (scaled to `bars` when
    both are asked); up to 8 bars is one loop section; longer, the song's inner sections in turn
    (verse, chorus...: no intro or outro unless a song is asked)."""
    if bars is not None and not 1 <= bars <= MAX_BARS:
        raise InputError(f"A track is 1 to {MAX_BARS} bars long, not {bars}.")
    form = genre.forms["song"]
    if song:
        return list(form) if bars is None else _scaled(form, bars)
    bars = bars or sum(b for _, b in genre.forms["loop"])
    loop_name = genre.forms["loop"][0][0]
    if bars <= 8:
        return [(loop_name, bars)]
    inner = [s for s in form if s[0] not in ("intro", "outro")] or list(form)
    out, left, i = [], bars, 0
    while left > 0:
        name, length = inner[i % len(inner)]
        take = min(length, left)
        out.append((name, take))
        left -= take
        i += 1
    return out


def _scaled(form: tuple[tuple[str, int], ...], bars: int) -> list[tuple[str, int]]:
    """The song form stretched or squeezed to `bars` (sections of at least one bar, even where
    possible); a song shorter than its sections keeps its first ones."""
    total = sum(b for _, b in form)
    if bars < len(form):
        return [(name, 1) for name, _ in form[:bars]]
    sizes = [max(1, round(b * bars / total / 2) * 2 or 1) for _, b in form]
    while sum(sizes) != bars:  # settle the rounding on the longest (or shortest) section
        k = sizes.index(max(sizes)) if sum(sizes) > bars else sizes.index(min(sizes))
        sizes[k] += 1 if sum(sizes) < bars else -1
    return [(name, size) for (name, _), size in zip(form, sizes, strict=True)]


def sections_of(genre: Genre, plan: list[tuple[str, int]], parts: list[PartSpec],
                song: bool) -> list[Section]:  # fmt: skip
    """The plan as sections, with the parts that play in each and where the drums fill."""
    counts: dict[str, int] = {}
    out, start = [], 0
    names = {p.name for p in parts}
    for i, (name, bars) in enumerate(plan):
        counts[name] = counts.get(name, 0) + 1
        repeated = sum(1 for n, _ in plan if n == name) > 1
        label = LABELS.get(name, name.capitalize()) + (f" {counts[name]}" if repeated else "")
        if len(plan) == 1:  # a loop: the whole band
            playing = tuple(p.name for p in parts)
        elif name in genre.sections:
            playing = tuple(n for n in genre.sections[name] if n in names)
            playing += tuple(p.name for p in parts if p.name not in {q.name for q in genre.parts})
        else:
            playing = tuple(p.name for p in parts if p.role in SECTION_ROLES.get(name, ROLES))
        nxt = plan[i + 1][0] if i + 1 < len(plan) else None
        fill = nxt in FILL_BEFORE and nxt != name
        out.append(Section(name, start, bars, playing, label, fill))
        start += bars
    return out


def seconds_to_bars(seconds: float, tempo: float, beats_per_bar: float) -> int:
    """The even number of bars nearest to `seconds` at `tempo` (beats the producer counts)."""
    bars = seconds * tempo / 60.0 / beats_per_bar
    return max(2, int(round(bars / 2)) * 2) if bars >= 1.5 else 1
