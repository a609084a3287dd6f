"""The progression model: which chord comes next, when chords change, and how moods lean.

Chords: an interpolated trigram over chord tokens relative to the key (`chords.Chord.token`),
conditioned on the mode and the section (intro, verse, prechorus, chorus, bridge,
instrumental, outro; POP909's unlabelled songs count as "any"), backing off to the mode alone.
Each section starts with "<s>" and ends with "</s>", so the model learns how sections open and
cadence. Repeated chords are merged: how long a chord lasts is the rhythm model's job.

Harmonic rhythm: each bar is a pattern of the beats where a chord changes ("0" one chord, "0,2"
two, "" the chord held over from the bar before), a first-order chain over bars conditioned on
the section, the mode and the meter, learned from the same songs.

Moods: free-midi-chords tags 190 progressions with moods; per mood, how much more often each
degree and chord colour (major-like or minor-like) appears than in all its progressions. The
generator multiplies the trigram's probabilities by these ratios (a product of experts), so "sad"
leans to minor chords and the flat sixth without leaving the learned grammar.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from models.harmony.chords import MINOR_FAMILIES
from models.ngram import InterpolatedNGram

START, END = "<s>", "</s>"
CHORD_CHAIN = (
    ("mode", "section", "prev2", "prev1"),
    ("mode", "section", "prev1"),
    ("mode", "prev2", "prev1"),
    ("mode", "prev1"),
    ("mode", "section"),
    ("mode",),
)
UNIGRAM_CHAIN = (("mode",),)
BIGRAM_CHAIN = (("mode", "prev1"), ("mode",))
RHYTHM_CHAIN = (
    ("meter", "section", "mode", "prev"),
    ("meter", "section", "prev"),
    ("meter", "section"),
    ("meter", "prev"),
    ("meter",),
)
TOP_P = 0.95  # sampling keeps the likeliest chords covering 95% of the mass (nucleus sampling)
LOOKAHEAD = 20  # candidates weighed by what follows them (a cadence, the loop's return)
MOOD_STRENGTH = 1.0  # exponent on the mood ratios (1: as the tagged progressions lean)


def colour(token: str) -> str:
    """A token's degree and colour, the level at which moods are counted: '9:min7' -> '9m'."""
    degree, family = token.split("/")[0].split(":")
    return degree + ("m" if family in MINOR_FAMILIES else "M")


def chord_contexts(sections: Iterable, once_per_song: bool = False,
                   ) -> Iterable[tuple[dict, str]]:  # noqa: ANN001  # fmt: skip
    """(context, token) for every chord change of every section, with its end. `once_per_song`
    (training): a song's repeats of the same transition in the same context count once."""
    seen: set = set()
    for sec in sections:
        prev2, prev1 = START, START
        for token in [s.token for s in sec.segments] + [END]:
            ctx = {"mode": sec.mode, "section": sec.label, "prev2": prev2, "prev1": prev1}
            mark = (sec.song, sec.label, prev2, prev1, token)
            if not once_per_song or mark not in seen:
                seen.add(mark)
                yield ctx, token
            prev2, prev1 = prev1, token


def bar_patterns(section) -> list[str]:  # noqa: ANN001
    """Where the chord changes in each bar of a section ('0', '0,2', '' held), by whole beats."""
    bpb = section.beats_per_bar
    start = section.segments[0].bar_pos if section.segments else 0.0
    changes: dict[int, set[int]] = defaultdict(set)
    for seg in section.segments:
        start += (seg.bar_pos - start) % bpb  # a gap (a dropped 'N') moves to the chord's beat
        bar, beat = divmod(round(start), bpb)
        changes[int(bar)].add(int(beat))
        start += seg.beats
    bars = math.ceil(start / bpb - 1e-6)
    return [",".join(str(b) for b in sorted(changes.get(i, ()))) for i in range(bars)]


def rhythm_contexts(sections: Iterable) -> Iterable[tuple[dict, str]]:  # noqa: ANN001
    for sec in sections:
        prev = "start"
        for pattern in bar_patterns(sec):
            yield ({"meter": sec.beats_per_bar, "section": sec.label, "mode": sec.mode,
                    "prev": prev}, pattern)  # fmt: skip
            prev = pattern


def mood_ratios(progressions: Iterable) -> dict[str, dict[str, float]]:  # noqa: ANN001
    """mood -> {colour: P(colour | mood) / P(colour)}, add-one smoothed over the colours seen."""
    per_mood: dict[str, Counter] = defaultdict(Counter)
    overall: Counter = Counter()
    for prog in progressions:
        colours = [colour(t) for t in prog.tokens]
        overall.update(colours)
        for mood in prog.moods:
            per_mood[mood].update(colours)
    total = sum(overall.values())
    ratios = {}
    for mood, counts in per_mood.items():
        n = sum(counts.values()) + len(overall)
        ratios[mood] = {c: round(((counts[c] + 1) / n) / (overall[c] / total), 4) for c in overall}
    return ratios


def nucleus(pairs: list[tuple[str, float]], top_p: float) -> list[tuple[str, float]]:
    """The likeliest (token, weight) pairs that together hold `top_p` of the weight: the long
    tail of rare chords (a Bm/D in a C major verse) is where a sampled progression goes wrong."""
    ranked = sorted(pairs, key=lambda tw: -tw[1])
    total = sum(w for _, w in ranked) or 1.0
    kept, mass = [], 0.0
    for token, w in ranked:
        kept.append((token, w))
        mass += w / total
        if mass >= top_p:
            break
    return kept


@dataclass
class ProgressionModel:
    """The chord trigram, the bar-pattern chain and the mood ratios, with a sampler."""

    chords: InterpolatedNGram
    rhythm: InterpolatedNGram
    moods: dict[str, dict[str, float]]
    meta: dict = field(default_factory=dict)

    def distribution(self, ctx: dict,
                     leanings: list[dict[str, float]] = ()) -> tuple[list[str], list[float]]:  # fmt: skip
        """Candidate next tokens and their weights: the trigram times each leaning's ratios."""
        tokens = [t for t in self.chords.candidates(ctx) if t != START]
        weights = []
        for t, w in zip(tokens, self.chords.probs(ctx, tokens), strict=True):
            if t != END:
                for lean in leanings:
                    w *= lean.get(colour(t), 1.0) ** MOOD_STRENGTH
            weights.append(w)
        return tokens, weights

    def next_chord(self, ctx: dict, rng: random.Random, leanings: list[dict[str, float]] = (),
                   end: bool = False,
                   exclude: tuple[str, ...] = ()) -> str:  # fmt: skip
        """A chord token for a context, never one of `exclude`. `end`: the section ends here, so
        a chord is weighed by how likely the section is to end after it too (a learned cadence)."""
        tokens, weights = self.distribution(ctx, leanings)
        pairs = [(t, w) for t, w in zip(tokens, weights, strict=True)
                 if t != END and t not in exclude]  # fmt: skip
        if end:  # the likeliest chords only: the rest carry almost no mass
            pairs = sorted(pairs, key=lambda tw: -tw[1])[:LOOKAHEAD]
            pairs = [(t, w * self.chords.prob({**ctx, "prev2": ctx["prev1"], "prev1": t}, END))
                     for t, w in pairs]  # fmt: skip
        if not pairs:
            return tokens[0] if tokens[0] != END else self.chords.vocab[0]
        pairs = nucleus(pairs, TOP_P)
        return rng.choices([t for t, _ in pairs], [w for _, w in pairs])[0]

    def next_pattern(self, ctx: dict, rng: random.Random) -> str:
        return str(self.rhythm.draw(ctx, rng, backoff=0.5))

    def log_prob(self, sections: Iterable) -> tuple[float, int]:  # noqa: ANN001
        """Total natural-log probability of every chord change (ends excluded) and the count."""
        total, n = 0.0, 0
        for ctx, token in chord_contexts(sections):
            if token != END:
                total += math.log(self.chords.prob(ctx, token))
                n += 1
        return total, n

    def save(self, path: Path) -> None:
        data = {"chords": self.chords.to_json(), "rhythm": self.rhythm.to_json(),
                "moods": self.moods, "meta": self.meta}  # fmt: skip
        path.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0))

    @classmethod
    def load(cls, path: Path) -> ProgressionModel:
        data = json.loads(gzip.decompress(path.read_bytes()))
        return cls(InterpolatedNGram.from_json(data["chords"]),
                   InterpolatedNGram.from_json(data["rhythm"]), data["moods"], data["meta"])  # fmt: skip


SMOOTHING_GRID = (1.0, 2.0, 4.0, 8.0, 16.0)


def is_dev(song: str) -> bool:
    """The tuning part of the training songs: crc32 % 10 == 1 (the test part is == 0)."""
    return zlib.crc32(song.encode()) % 10 == 1


def fit(sections: list, progressions: list, chain=CHORD_CHAIN,  # noqa: ANN001
        smoothing: float | None = None) -> ProgressionModel:  # fmt: skip
    """Train on sections (`data.Section`) and mood progressions (`data.MoodProgression`).

    Songs repeat their sections, so each song's transitions count once per context; the
    Witten-Bell weight multiplier (`smoothing`) is chosen on the dev songs when not given."""
    if smoothing is None:
        smoothing = tune_smoothing(sections, chain)
    chords = InterpolatedNGram.fit(chord_contexts(sections, once_per_song=True), chain)
    chords.smoothing = smoothing
    rhythm = InterpolatedNGram.fit(rhythm_contexts(sections), RHYTHM_CHAIN)
    return ProgressionModel(chords, rhythm, mood_ratios(progressions), {"smoothing": smoothing})


def tune_smoothing(sections: list, chain) -> float:  # noqa: ANN001
    """The multiplier of SMOOTHING_GRID that scores best on the dev songs."""
    fit_part = [s for s in sections if not is_dev(s.song)]
    dev = [s for s in sections if is_dev(s.song)]
    chords = InterpolatedNGram.fit(chord_contexts(fit_part, once_per_song=True), chain)
    probe = ProgressionModel(chords, chords, {})
    best, best_score = 1.0, -math.inf
    for k in SMOOTHING_GRID:
        chords.smoothing = k
        total, n = probe.log_prob(dev)
        if total / max(n, 1) > best_score:
            best, best_score = k, total / max(n, 1)
    return best
