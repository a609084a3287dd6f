"""Voice-leading: from a chord per slot and a soprano to four parts in SATB ranges.

Every slot has a set of candidate voicings (alto, tenor, bass under the given soprano) scored on
their own: complete chords, the root doubled rather than the leading tone, root position or first
inversion preferred, close spacing between the upper voices. Between slots a cost is paid for
parallel fifths and octaves (heavily), direct fifths and octaves in the outer voices, large
inner-voice leaps, overlapping voices, and an unresolved leading tone or chordal seventh. A
dynamic programme (Viterbi over voicings) picks the cheapest path, so parallels are avoided
wherever any voicing allows it.

Costs are arrays: all slots are scored at once with numpy, so 64 bars voice in milliseconds.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from models.composition.harmony import Chord
from models.errors import InputError

# MIDI ranges: soprano C4-G5, alto G3-D5, tenor C3-G4, bass E2-C4.
RANGES = {"soprano": (60, 79), "alto": (55, 74), "tenor": (48, 67), "bass": (40, 60)}
VOICES = ("soprano", "alto", "tenor", "bass")
CENTRES = np.array([(lo + hi) / 2 for lo, hi in RANGES.values()])
MAX_CANDIDATES = 16
PARALLEL_COST = 40.0
INF = 1e9
LEADING = 11  # the leading tone, in semitones above the tonic (raised in minor)


@lru_cache(maxsize=8192)
def candidates(chord: Chord, tonic_pc: int, soprano: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to MAX_CANDIDATES voicings [S, A, T, B] of a chord under a soprano, with their costs."""
    for relax in (0, 1, 2):
        found = _enumerate(chord, tonic_pc, soprano, relax)
        if found:
            break
    found.sort(key=lambda vc: vc[1])
    found = found[:MAX_CANDIDATES]
    return np.array([v for v, _ in found], dtype=np.int16), np.array([c for _, c in found])


def _enumerate(chord: Chord, tonic_pc: int, soprano: int, relax: int) -> list:
    """Voicings that obey the rules; `relax` widens ranges and spacing when nothing fits."""
    pcs = [(tonic_pc + d) % 12 for d in chord.degrees]
    root, third = pcs[0], pcs[1]
    fifth = pcs[2]
    seventh = pcs[3] if len(pcs) > 3 else None
    widen = 3 * relax

    def pitches(voice: str, top: int) -> list[int]:
        lo, hi = RANGES[voice]
        return [p for p in range(lo - widen, min(hi + widen, top) + 1) if p % 12 in pcs]

    out = []
    for alto in pitches("alto", soprano):
        if soprano - alto > 12 + widen * 2:
            continue
        for tenor in pitches("tenor", alto):
            if alto - tenor > 12 + widen * 2:
                continue
            for bass in pitches("bass", tenor):
                if tenor - bass > 24:
                    continue
                voicing = (soprano, alto, tenor, bass)
                cost = _static_cost(voicing, root, third, fifth, seventh, chord, tonic_pc, relax)
                if cost < INF:
                    out.append((voicing, cost))
    return out


def _static_cost(voicing, root, third, fifth, seventh, chord: Chord, tonic_pc: int, relax: int):  # noqa: ANN001
    pcs = [p % 12 for p in voicing]
    if relax < 2 and (root not in pcs or third not in pcs):
        return INF
    if seventh is not None and seventh not in pcs and relax < 2:
        return INF
    cost = 0.0
    if fifth not in pcs:
        cost += 0.6 if seventh is not None else 1.5
    bass = pcs[3]
    if bass == root:
        cost += 2.0 if chord.quality == "d" else 0.0  # diminished triads in first inversion
    elif bass == third:
        cost += 0.0 if chord.quality == "d" else 1.2
    elif bass == fifth:
        cost += 4.0  # six-four chords only when nothing else works
    else:
        cost += 2.0
    leading_pc = (tonic_pc + LEADING) % 12
    if pcs.count(leading_pc) > 1:
        cost += 8.0
    if seventh is not None and pcs.count(seventh) > 1:
        cost += 6.0
    if pcs.count(third) > 1 and chord.quality == "M":
        cost += 1.0
    if pcs.count(fifth) > 1:
        cost += 0.5
    if voicing[2] - voicing[3] > 19:
        cost += 2.0
    cost += 0.04 * float(np.abs(np.array(voicing[1:]) - CENTRES[1:]).sum())
    return cost


def _pair_parallels(prev: np.ndarray, nxt: np.ndarray, i: int, j: int) -> np.ndarray:
    """1 where voices i and j move in parallel fifths or octaves (unisons included).

    Both voices move in the same direction and keep a fifth, or an octave, between them.
    """
    a = (prev[..., i] - prev[..., j]) % 12
    b = (nxt[..., i] - nxt[..., j]) % 12
    similar = (nxt[..., i] - prev[..., i]) * (nxt[..., j] - prev[..., j]) > 0
    return ((a == b) & ((a == 0) | (a == 7)) & similar).astype(float)


def _pair_contrary(prev: np.ndarray, nxt: np.ndarray, i: int, j: int) -> np.ndarray:
    """1 where voices i and j move apart or together by contrary motion from a fifth or octave
    to another (contrary fifths and octaves: weaker, still avoided)."""
    a = (prev[..., i] - prev[..., j]) % 12
    b = (nxt[..., i] - nxt[..., j]) % 12
    contrary = (nxt[..., i] - prev[..., i]) * (nxt[..., j] - prev[..., j]) < 0
    return ((a == b) & ((a == 0) | (a == 7)) & contrary).astype(float)


def transition_costs(
    prev: np.ndarray, nxt: np.ndarray, lt_resolves: np.ndarray, sev_resolves: np.ndarray,
    tonic_pc: int, seventh_pc: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Costs (T, K, K) between the candidates of consecutive slots.

    prev: (T, K, 1, 4), nxt: (T, 1, K, 4) pitches. lt_resolves: (T,) whether the next chord is
    the tonic (so a leading tone in an inner voice should rise). sev_resolves: (T,) whether the
    previous chord has a seventh (seventh_pc), which should fall by step.
    """
    prev = prev.astype(np.int32)
    nxt = nxt.astype(np.int32)
    cost = np.zeros(np.broadcast_shapes(prev.shape, nxt.shape)[:-1])
    for i in range(4):
        for j in range(i + 1, 4):
            cost += PARALLEL_COST * _pair_parallels(prev, nxt, i, j)
            cost += 6.0 * _pair_contrary(prev, nxt, i, j)
    # Direct fifths/octaves: outer voices move the same way into a perfect interval, soprano leaps.
    ds = nxt[..., 0] - prev[..., 0]
    db = nxt[..., 3] - prev[..., 3]
    outer = (nxt[..., 0] - nxt[..., 3]) % 12
    cost += 3.0 * ((ds * db > 0) & ((outer == 0) | (outer == 7)) & (np.abs(ds) > 2))
    # Inner voices move smoothly; the bass may leap, but not wildly.
    for v in (1, 2):
        step = np.abs(nxt[..., v] - prev[..., v])
        cost += 0.15 * step + 0.8 * np.maximum(step - 4, 0)
    bass_step = np.abs(db)
    cost += 0.04 * bass_step + 0.5 * np.maximum(bass_step - 9, 0) + 2.0 * (bass_step == 6)
    # Overlap: a voice moving past where its neighbour just was.
    for upper, lower in ((0, 1), (1, 2), (2, 3)):
        cost += 1.0 * (nxt[..., lower] > prev[..., upper]) + 1.0 * (
            nxt[..., upper] < prev[..., lower]
        )
    # The leading tone in an inner voice rises to the tonic; a chord's seventh falls by step.
    lead = (tonic_pc + LEADING) % 12
    lt = lt_resolves[:, None, None]
    sev = sev_resolves[:, None, None]
    sev_pc = seventh_pc[:, None, None]
    for v in (1, 2):
        unresolved = (prev[..., v] % 12 == lead) & (nxt[..., v] != prev[..., v] + 1)
        cost += 1.5 * (unresolved & lt)
        fall = prev[..., v] - nxt[..., v]
        bad_seventh = (prev[..., v] % 12 == sev_pc) & ((fall < 1) | (fall > 2))
        cost += 1.5 * (bad_seventh & sev)
    return cost


def voice_chords(
    chords: list[Chord],
    sopranos: list[int],
    tonic_pc: int,
    sopranos_before: list[int] | None = None,
) -> np.ndarray:
    """Pitches (T, 4) [soprano, alto, tenor, bass] for each slot, by dynamic programming.

    `sopranos` is the melody note at each slot's start; `sopranos_before` the one sounding just
    before the slot ends (the melody may move inside a slot while the lower voices hold), which
    is what the next slot's voices are led from.
    """
    n = len(chords)
    if n == 0:
        return np.zeros((0, 4), dtype=np.int16)
    cands = [candidates(c, tonic_pc, s) for c, s in zip(chords, sopranos, strict=True)]
    if (empty := next((t for t, (v, _) in enumerate(cands) if not len(v)), None)) is not None:
        raise InputError(f"No four-part voicing fits under a soprano note at MIDI "
                         f"{sopranos[empty]}: the tune is out of a soprano's range there; "
                         "harmonise it in pop style to keep it where it is.")  # fmt: skip
    k = max(len(v) for v, _ in cands)
    voicings = np.zeros((n, k, 4), dtype=np.int16)
    static = np.full((n, k), INF)
    for t, (v, c) in enumerate(cands):
        voicings[t, : len(v)] = v
        voicings[t, len(v) :] = v[0]
        static[t, : len(c)] = c
    if n == 1:
        return voicings[0, [int(static[0].argmin())]]
    lt_resolves = np.array([c.root == 0 for c in chords[1:]])
    sev_resolves = np.array([c.quality == "7" for c in chords[:-1]])
    seventh_pc = np.array(
        [(tonic_pc + c.degrees[3]) % 12 if c.quality == "7" else -1 for c in chords[:-1]]
    )
    leaving = voicings[:-1].copy()
    if sopranos_before is not None:
        leaving[:, :, 0] = np.asarray(sopranos_before[:-1], dtype=np.int16)[:, None]
    trans = transition_costs(
        leaving[:, :, None, :], voicings[1:, None, :, :], lt_resolves, sev_resolves,
        tonic_pc, seventh_pc,
    )  # fmt: skip
    score = static[0].copy()
    back = np.zeros((n, k), dtype=np.int32)
    for t in range(1, n):
        total = score[:, None] + trans[t - 1]
        back[t] = total.argmin(0)
        score = total[back[t], np.arange(k)] + static[t]
    path = [int(score.argmin())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    path.reverse()
    return voicings[np.arange(n), path]
