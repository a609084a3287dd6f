"""Constrained sampling: every sequence the engine writes parses, fits its meter and its length.

A small grammar runs beside the model and masks the logits before each draw:

    header  -> BAR
    BAR     -> Pos (inside the bar) | BAR (an empty bar) | EOS (once all bars are written)
    Pos     -> Pitch (melody) | Voice (parts)
    Voice   -> Pitch (inside that voice's range)
    Pitch   -> Dur (ending by the end of the piece)
    Dur     -> a later Pos | a higher Voice at the same onset (parts) | BAR | EOS

BAR is refused once the requested number of bars is written and EOS before it, so the length
is exact; Pos is refused at or past the bar's end, so the meter is exact; pitches outside the
key's scale (minor: with its raised 6th and 7th) are refused unless chromatic notes are allowed.
Temperature, then top-p (nucleus), then a draw from a seeded numpy generator: the same seed
gives the same piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from models.generation.vocab import (
    BAR,
    DUR0,
    DURATIONS,
    EOS,
    N_VOICES,
    PITCH0,
    PITCH_HI,
    PITCH_LO,
    POS0,
    STEPS_PER_BEAT,
    VOCAB_SIZE,
    VOICE0,
    bar_steps,
    kind,
)

# Pitch ranges of the sounding music; the grammar moves them by `Rules.transpose` into the
# tonic-C space the model writes in, so a soprano in F# major stays below A5 like one in C.
VOICE_RANGES = ((60, 81), (53, 74), (47, 67), (36, 60))  # soprano, alto, tenor, bass
MELODY_RANGES = {"chorale": (59, 81), "folk": (55, 84), "irish": (55, 88)}
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 9, 10, 11)}


@dataclass(frozen=True)
class Rules:
    """What the grammar enforces for one piece."""

    meter: tuple[int, int]
    bars: int  # total bars of the finished piece (prompt bars included)
    parts: bool
    mode: str
    style: str
    chromatic: bool = False
    transpose: int = 0  # semitones from the output key to C: ranges hold for the sounding pitches
    voice_leading: bool = True  # parts: no parallel 5ths/8ves, no crossing, upper voices close

    @property
    def bar_size(self) -> int:
        return bar_steps(self.meter)


@dataclass
class RowState:
    """Where one sequence stands in the grammar."""

    bars: int = 0  # BAR tokens seen
    last: str = "header"
    pos: int = -1
    voice: int = -1
    onset: int = 0  # absolute onset in sixteenths of the current note
    # Four-part texture: each voice's latest pitch, and the voices that moved at this onset
    # (voice -> (previous pitch, new pitch)).
    pitches: list[int] = field(default_factory=lambda: [-1] * N_VOICES)
    moved: dict[int, tuple[int, int]] = field(default_factory=dict)
    recent: list[list[tuple[int, int, int]]] = field(
        default_factory=lambda: [[] for _ in range(N_VOICES)]
    )  # per voice, its last notes as (start, pitch, end) in sixteenths

    def copy(self) -> RowState:
        return replace(
            self, pitches=list(self.pitches), moved=dict(self.moved),
            recent=[list(r) for r in self.recent],
        )  # fmt: skip

    def sounding(self, voice: int, at: int) -> int:
        """The pitch voice `voice` sounds at sixteenth `at` (-1: a rest or unknown)."""
        for start, pitch, end in reversed(self.recent[voice]):
            if start <= at:
                return pitch if at < end else -1
        return -1


@dataclass
class Grammar:
    rules: Rules
    _cache: dict[tuple, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        r = self.rules
        scale = set(range(12)) if r.chromatic else set(SCALES[r.mode])
        self.pitch_masks = []
        ranges = VOICE_RANGES if r.parts else (MELODY_RANGES.get(r.style, (55, 84)),)
        for lo, hi in ranges:
            m = np.zeros(VOCAB_SIZE, bool)
            lo, hi = lo + r.transpose, hi + r.transpose
            for p in range(max(lo, PITCH_LO), min(hi, PITCH_HI) + 1):
                if p % 12 in scale:
                    m[PITCH0 + p - PITCH_LO] = True
            self.pitch_masks.append(m)

    def feed(self, state: RowState, token: int) -> None:
        """Advance a row's state past `token` (prompt tokens are fed the same way)."""
        k = kind(token)
        if k == "BAR":
            state.bars += 1
            state.pos, state.voice = -1, -1
        elif k == "Pos":
            state.pos, state.voice = token - POS0, -1
            state.onset = (state.bars - 1) * self.rules.bar_size + state.pos
            state.moved = {}
        elif k == "Voice":
            state.voice = token - VOICE0
        elif k == "Pitch":
            v, p = max(state.voice, 0), token - PITCH0 + PITCH_LO
            state.moved[v] = (state.pitches[v], p)
            state.pitches[v] = p
        elif k == "Dur" and self.rules.parts:
            v = max(state.voice, 0)
            end = state.onset + DURATIONS[token - DUR0]
            state.recent[v] = [*state.recent[v][-3:], (state.onset, state.pitches[v], end)]
        if k in ("BAR", "Pos", "Voice", "Pitch", "Dur", "EOS"):
            state.last = k

    def allowed(self, state: RowState) -> np.ndarray:
        r = self.rules
        last = state.last
        key: tuple
        if last == "Pitch":
            key = ("dur", r.bars * r.bar_size - state.onset)
        elif last == "Voice":
            key = ("pitch", state.voice)
        elif last == "Pos":
            key = ("voice", -1) if r.parts else ("pitch", 0)
        elif last == "EOS":
            key = ("eos",)
        else:  # header, BAR, Dur
            key = (last, state.bars, state.pos, state.voice)
        mask = self._cache.get(key)
        if mask is None:
            mask = self._cache[key] = self._build(key)
        if r.parts and key[0] == "pitch" and r.voice_leading:
            return self._voice_leading(state, mask)
        return mask

    @staticmethod
    def _beat_parallels(state: RowState, cand: np.ndarray) -> np.ndarray:
        """Candidates that make a parallel 5th/8ve with a voice above from the previous beat."""
        v, t = state.voice, state.onset
        v0 = state.sounding(v, t - STEPS_PER_BEAT)
        bad = np.zeros(len(cand), bool)
        if v0 < 0:
            return bad
        for u in range(v):
            u0, u1 = state.sounding(u, t - STEPS_PER_BEAT), state.pitches[u]
            if u0 < 0 or u1 < 0 or u0 == u1 or (u0 - v0) % 12 not in (0, 7):
                continue
            same = (u1 - cand) % 12 == (u0 - v0) % 12
            bad |= same & (cand != v0) & (np.sign(cand - v0) == np.sign(u1 - u0))
        return bad

    def _voice_leading(self, state: RowState, mask: np.ndarray) -> np.ndarray:
        """A voice's pitches without parallel fifths or octaves against the voices above that
        moved at this onset, without crossing the voice above, within an octave of it (upper
        three voices). Each rule gives way when nothing would be left."""
        v = state.voice
        prev = state.pitches[v]
        cand = np.arange(PITCH_LO, PITCH_HI + 1)
        rules = []
        if v > 0 and state.pitches[v - 1] >= 0:
            above = state.pitches[v - 1]
            rules.append(cand <= above)
            if v < 3:
                rules.append(cand >= above - 12)
        if prev >= 0:
            bad = np.zeros(len(cand), bool)
            for u, (u0, u1) in state.moved.items():
                if u >= v or u0 < 0 or u0 == u1 or (u0 - prev) % 12 not in (0, 7):
                    continue
                same = (u1 - cand) % 12 == (u0 - prev) % 12
                bad |= same & (cand != prev) & (np.sign(cand - prev) == np.sign(u1 - u0))
            if state.onset % STEPS_PER_BEAT == 0 and state.onset > 0:  # on the beat grid too
                bad |= self._beat_parallels(state, cand)
            rules.insert(0, ~bad)
        out = mask
        for ok in rules:  # the parallels rule first: it is the one that matters most
            trial = out.copy()
            trial[PITCH0 : PITCH0 + len(cand)] &= ok
            if trial.any():
                out = trial
        return out

    def _build(self, key: tuple) -> np.ndarray:
        r = self.rules
        m = np.zeros(VOCAB_SIZE, bool)
        what = key[0]
        if what == "dur":
            left = key[1]
            for i, d in enumerate(DURATIONS):
                if d <= max(left, 1):
                    m[DUR0 + i] = True
            return m
        if what == "pitch":
            return self.pitch_masks[key[1]]
        if what == "voice":
            m[VOICE0 : VOICE0 + N_VOICES] = True
            return m
        if what == "eos":
            m[EOS] = True  # finished rows keep emitting EOS (padding)
            return m
        last, bars, pos, voice = key
        done = bars >= r.bars
        if last == "header":
            m[BAR] = True
            return m
        m[POS0 + pos + 1 : POS0 + r.bar_size] = True
        if r.parts and last == "Dur":
            m[VOICE0 + voice + 1 : VOICE0 + N_VOICES] = True
        if done and last == "Dur":
            m[EOS] = True
        elif not done:
            m[BAR] = True
        if not m.any():  # a bar ended on its last onset with nothing left to write
            m[EOS if done else BAR] = True
        return m


def draw(
    logits: np.ndarray,
    masks: np.ndarray,
    temperature: float,
    top_p: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """One token per row from masked logits (B, V) with temperature and nucleus sampling.

    Returns the tokens and their log-probabilities under the masked model distribution at
    temperature 1 (what rescoring and the benchmark's likelihoods use). One uniform draw per
    row from a seeded generator: the same seed gives the same tokens.
    """
    z = np.where(masks, logits, -np.inf)
    z = z - z.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    rows = np.arange(len(z))
    if temperature <= 0:
        tok = z.argmax(axis=-1)
        return tok, logp[rows, tok]
    p = np.exp(z / temperature)
    p /= p.sum(axis=-1, keepdims=True)
    order = np.argsort(-p, axis=-1, kind="stable")
    ps = np.take_along_axis(p, order, axis=-1)
    cum = np.cumsum(ps, axis=-1)
    if top_p < 1.0:
        ps = np.where(cum - ps < top_p, ps, 0.0)  # the nucleus: always at least the top token
        cum = np.cumsum(ps, axis=-1)
    u = rng.random(len(z)) * cum[:, -1]
    idx = np.minimum((cum <= u[:, None]).sum(axis=-1), ps.shape[1] - 1)
    idx = np.where(ps[rows, idx] > 0, idx, 0)
    tok = order[rows, idx]
    return tok, logp[rows, tok]
