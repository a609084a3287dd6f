"""Writing a progression: the learned harmonic rhythm places the changes, the learned trigram
picks each chord, moods and styles lean, and phrases repeat as producers loop them.

A progression is written a phrase (up to four bars) at a time: bar patterns from the rhythm
chain, one chord per change from the chord model. The phrase repeats to fill the length asked,
as a verse or chorus loop does (a phrase is drawn again, up to four times, until it visits the
tonic: a loop that never does sounds in another key), and the last phrase ends on a learned cadence (its final chord
is weighed by how likely the section is to end after it). Writing a phrase looks ahead to the
loop: its last chord is also weighed by how well it leads back to the phrase's first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from models.harmony.chords import Chord, from_token
from models.harmony.model import END, LOOKAHEAD, START, ProgressionModel

PHRASE_BARS = 4  # a loop of four bars: how pop, rock and hip hop sections are built (rule)
TONIC_TRIES = 4  # phrases drawn until one visits the tonic chord (a rule: it names the key)


@dataclass(frozen=True)
class Segment:
    """A chord in time: start and length in beats from the start of the piece."""

    start: float
    length: float
    chord: Chord


def bars_of(segments: list[Segment], bar_beats: float) -> list[list[Segment]]:
    """The segments sounding in each bar (a held chord appears in every bar it spans)."""
    total = segments[-1].start + segments[-1].length
    bars: list[list[Segment]] = [[] for _ in range(round(total / bar_beats))]
    for seg in segments:
        first = int(seg.start // bar_beats + 1e-9)
        last = int((seg.start + seg.length - 1e-6) // bar_beats)
        for b in range(first, min(last, len(bars) - 1) + 1):
            bars[b].append(seg)
    return bars


def phrase_patterns(model: ProgressionModel, section: str, beats: int, bars: int,
                    rng: random.Random, rate: float, mode: str = "major") -> list[list[int]]:  # fmt: skip
    """Change beats for each bar of a phrase; the first bar always changes on its downbeat.
    `rate` 2 doubles the harmonic rhythm (a change added halfway through every chord)."""
    prev, out = "start", []
    for bar in range(bars):
        pattern = model.next_pattern({"meter": beats, "section": section, "mode": mode,
                                      "prev": prev}, rng)  # fmt: skip
        prev = pattern
        changes = [int(b) for b in pattern.split(",") if b != ""]
        if bar == 0 and 0 not in changes:
            changes = [0, *changes]
        out.append(sorted(changes))
    if rate >= 2:
        out = _doubled(out, beats)
    elif rate <= 0.5:
        out = [[0] if i % 2 == 0 else [] for i in range(len(out))]
    return out


def _doubled(patterns: list[list[int]], beats: int) -> list[list[int]]:
    times = [b * beats + c for b, changes in enumerate(patterns) for c in changes]
    ends = times[1:] + [len(patterns) * beats]
    extra = [(t + e) // 2 for t, e in zip(times, ends, strict=True) if e - t >= 2]
    merged = sorted(set(times) | set(extra))
    return [[t - b * beats for t in merged if b * beats <= t < (b + 1) * beats]
            for b in range(len(patterns))]  # fmt: skip


def write_progression(model: ProgressionModel, tonic: int, mode: str, section: str,
                      bars: int, beats: int, rng: random.Random,
                      leanings: list[dict[str, float]], rate: float = 1.0) -> list[Segment]:  # fmt: skip
    """A progression of `bars` bars (see the module docstring)."""
    phrase_len = min(PHRASE_BARS, bars)
    patterns = phrase_patterns(model, section, beats, phrase_len, rng, rate, mode)
    times = [b * beats + c for b, changes in enumerate(patterns) for c in changes]
    if len(times) == 1 and phrase_len >= 2:  # a phrase is a progression: at least two chords
        times.append((phrase_len // 2) * beats)
    for _ in range(TONIC_TRIES):  # a loop that never touches its tonic is in another key
        tokens = _phrase_tokens(model, mode, section, len(times), rng, leanings)
        if any(t.startswith("0:") for t in tokens) and len(set(tokens)) > 1:
            break
    reps = -(-bars // phrase_len)
    all_times = [t + r * phrase_len * beats for r in range(reps) for t in times]
    all_tokens = tokens * reps
    keep = [i for i, t in enumerate(all_times) if t < bars * beats]
    all_times, all_tokens = [all_times[i] for i in keep], [all_tokens[i] for i in keep]
    if bars > phrase_len or len(all_tokens) > 1:
        all_tokens[-1] = _cadence(model, mode, section, all_tokens, rng, leanings)
    ends = all_times[1:] + [bars * beats]
    return merge_repeats([Segment(float(t), float(e - t), from_token(tok, tonic))
                   for t, e, tok in zip(all_times, ends, all_tokens, strict=True)])  # fmt: skip


def _phrase_tokens(model: ProgressionModel, mode: str, section: str, n: int,
                   rng: random.Random, leanings: list[dict[str, float]]) -> list[str]:  # fmt: skip
    tokens: list[str] = []
    prev2, prev1 = START, START
    for i in range(n):
        ctx = {"mode": mode, "section": section, "prev2": prev2, "prev1": prev1}
        last = (tokens[-1],) if tokens else ()
        token = model.next_chord(ctx, rng, leanings, exclude=last)
        if i == n - 1 and n > 2:  # the loop leads back to its first chord
            token = _loop_close(model, ctx, tokens, rng, leanings)
        tokens.append(token)
        prev2, prev1 = prev1, token
    return tokens


def _loop_close(model, ctx, tokens, rng, leanings):  # noqa: ANN001, ANN202
    cands, weights = model.distribution(ctx, leanings)
    first = tokens[0]
    top = sorted(zip(cands, weights, strict=True), key=lambda tw: -tw[1])[:LOOKAHEAD]
    pairs = [(t, w * model.chords.prob({**ctx, "prev2": ctx["prev1"], "prev1": t}, first))
             for t, w in top if t not in (END, tokens[-1], first)]  # fmt: skip
    if not pairs:
        return model.next_chord(ctx, rng, leanings)
    return rng.choices([t for t, _ in pairs], [w for _, w in pairs])[0]


def _cadence(model, mode, section, tokens, rng, leanings):  # noqa: ANN001, ANN202
    prev2 = tokens[-3] if len(tokens) >= 3 else START
    prev1 = tokens[-2] if len(tokens) >= 2 else START
    ctx = {"mode": mode, "section": section, "prev2": prev2, "prev1": prev1}
    return model.next_chord(ctx, rng, leanings, end=True)  # prev1 again: held


def merge_repeats(segments: list[Segment]) -> list[Segment]:
    """Join a chord to the one before when they are the same (a held chord, not a restrike)."""
    out: list[Segment] = []
    for seg in segments:
        if out and out[-1].chord == seg.chord:
            last = out[-1]
            out[-1] = Segment(last.start, last.length + seg.length, last.chord)
        else:
            out.append(seg)
    return out
