"""Writing a beat: the groove model draws each step, the style's rules hold its idioms, the feel
of real drummers sets every hit's velocity and timing, and the controls shape the rest.

`write_beat(DrumRequest(...))` returns a `Beat`: hits with bar, step, drum, velocity and offset,
which becomes a `Piece` with one drum track (General MIDI channel 10) and a step-grid preview.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint
from models.drums.kit import BIT, CLASSES, LEARNED
from models.drums.model import NO_BAR, Cores, Feel, StepModel, load
from models.drums.styles import STYLES, DrumStyle
from models.errors import CheckpointError, InputError

FOLDER = CHECKPOINT_ROOT / "drums-v1"
FORMAT, FORMAT_VERSION = "cadenza-drums", 1
METERS = {"4/4": 16, "3/4": 12, "6/8": 12}
MAX_BARS = 256
HIT_BEATS = 0.125  # a drum hit's written length (a 32nd note): drums ring by themselves
TEMPO_FIT = 3.0  # how strongly a core played near the asked tempo is preferred (per log ratio)
BACKOFF = 0.15  # in sampling, how readily a step leaves what drummers played in its context
# In 3/4 and 6/8 the styles' 4/4 grids don't apply: these bar shapes do (music knowledge).
METER_RULES = {
    "3/4": {"kick": (0,), "snare": (4, 8)},
    "6/8": {"kick": (0,), "snare": (6,)},
}


@dataclass(frozen=True)
class DrumRequest:
    style: str
    tempo_bpm: float
    bars: int = 4
    meter: str = "4/4"
    seed: int = 0
    swing: float | None = None  # None: the style's own
    humanize: float | None = None  # None: the style's own; 0 lands every hit on the grid
    # (1: the drummers' mean push/drag and accents per drum and step, and 0.6 of their velocity
    # spread, 0.5 of their timing spread: the spread across all takes mixes drummers)
    density: float = 0.5  # 0 sparse .. 1 busy; 0.5 as the drummers played
    hat_density: float | None = None  # busier (> 0.5) or sparser (< 0.5) hi-hats
    half_time: bool = False
    double_time: bool = False
    fills_every: int = 4  # a fill in the last bar of every N; 0 for none
    without: tuple[str, ...] = ()  # drums left out
    only: tuple[str, ...] = ()  # just these drums
    add: tuple[str, ...] = ()  # extra drums (shaker, clap)


@dataclass(frozen=True)
class Hit:
    bar: int
    step: int
    name: str
    velocity: int
    offset: float = 0.0  # in 16th steps, from the grid (swing and feel)


@dataclass
class Beat:
    request: DrumRequest
    style: DrumStyle
    steps_per_bar: int
    hits: list[Hit] = field(default_factory=list)
    fills: list[int] = field(default_factory=list)  # bar indices played as fills

    def start_beats(self, hit: Hit) -> float:
        return (hit.bar * self.steps_per_bar + hit.step + hit.offset) / 4.0


class DrumEngine:
    def __init__(self, steps: StepModel, feel: Feel, cores: Cores, meta: dict) -> None:
        self.steps, self.feel, self.cores, self.meta = steps, feel, cores, meta

    def write(self, req: DrumRequest) -> Beat:
        """The first bar is a groove a drummer played (its core); every later bar is drawn by the
        step model against that core, so it varies like a drummer's next bar without drifting."""
        style = check_request(req)
        spb = METERS[req.meter]
        rng = random.Random(req.seed)
        beat = Beat(req, style, spb)
        core = self._core(req, style, rng)
        prev = NO_BAR
        for bar in range(req.bars):
            fill = req.fills_every > 0 and req.bars > 1 and (bar + 1) % req.fills_every == 0
            row, extras = self._bar(req, style, spb, fill, prev, core, rng, first=bar == 0)
            if fill:
                beat.fills.append(bar)
            elif bar and beat.fills and beat.fills[-1] == bar - 1 and "crash" in _kit(req, style):
                row[0] |= BIT["crash"]  # the downbeat after a fill
            beat.hits += self._hits(req, style, bar, row, extras, fill, rng)
            prev = row[-1]
        return beat

    def _core(self, req: DrumRequest, style: DrumStyle, rng: random.Random) -> list[int]:
        """A groove bar of the style's drummers, played near the asked tempo (a 70 bpm groove is
        not a 100 bpm one); density prefers busier or sparser ones."""
        options, counts, hits, log_bpm = self._options(style.base, req.meter)
        if not options:
            return [0] * METERS[req.meter]
        beta = 0.25 * (req.density - 0.5)
        target = math.log(req.tempo_bpm * style.core_tempo)
        weights = counts * np.exp(beta * hits - TEMPO_FIT * np.abs(log_bpm - target))
        return list(rng.choices(options, weights.tolist())[0])

    @lru_cache(maxsize=64)  # noqa: B019 (one engine per process)
    def _options(self, style: str, meter: str) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
        """The cores with their counts, hits and log tempo as arrays (computed once)."""
        found = self.cores.options(style, meter)
        return ([bar for bar, _, _ in found], np.array([n for _, n, _ in found], dtype=float),
                np.array([sum(bin(s).count("1") for s in bar) for bar, _, _ in found], dtype=float),
                np.log(np.array([bpm for _, _, bpm in found], dtype=float)))  # fmt: skip

    def _bar(self, req: DrumRequest, style: DrumStyle, spb: int, fill: bool, prev: int,
             core: list[int], rng: random.Random, first: bool = False,
             ) -> tuple[list[int], dict[int, set[str]]]:  # fmt: skip
        """One bar's step symbols (learned drums) and rule-only extras (clap, shaker)."""
        require, forbid = ({}, {}) if fill else rules(req, style)
        ctx = {"style": style.base, "fill": int(fill), "meter": req.meter}
        row, extras = [], {}
        for pos in range(spb):
            ctx.update(pos=pos, prev=prev, prevbar=core[pos])
            symbol = core[pos] if first else self._draw(ctx, req.density, rng)
            for name, steps in require.items():
                if pos in steps:
                    if name in BIT:
                        symbol |= BIT[name]
                    else:
                        extras.setdefault(pos, set()).add(name)
            for name, steps in forbid.items():
                if name in BIT and _forbidden(steps, pos, require.get(name, ())):
                    symbol &= ~BIT[name]
            row.append(symbol)
            prev = symbol
        return row, extras

    def _draw(self, ctx: dict, density: float, rng: random.Random) -> int:
        """A step's symbol; away from 0.5, density prefers busier or sparser of a few draws."""
        first = self.steps.draw(ctx, rng, BACKOFF)
        if abs(density - 0.5) < 1e-6:
            return first
        options = [first] + [self.steps.draw(ctx, rng, BACKOFF) for _ in range(3)]
        beta = 4.0 * (density - 0.5)
        weights = [math.exp(beta * bin(s).count("1")) for s in options]
        return rng.choices(options, weights)[0]

    def _hits(self, req: DrumRequest, style: DrumStyle, bar: int, row: list[int],
              extras: dict[int, set[str]], fill: bool, rng: random.Random) -> list[Hit]:  # fmt: skip
        kit = _kit(req, style)
        played = [(pos, name) for pos, s in enumerate(row) for name in LEARNED if s & BIT[name]]
        played += [(pos, name) for pos, names in extras.items() for name in sorted(names)]
        played = _hat_density(played, req, len(row), rng)
        if "shaker" in kit:
            played += [(pos, "shaker") for pos in range(len(row))]
        if "clap" in req.add:
            played += [(pos, "clap") for pos, name in played if name == "snare"]
        hits = [self._feel(req, style, bar, pos, _sound(style, name), rng)
                for pos, name in played if _sound(style, name) in kit]  # fmt: skip
        if style.hat_rolls and not fill:
            hits += _rolls(hits, bar, rng)
        return sorted(hits, key=lambda h: (h.step + h.offset, CLASSES.index(h.name)))

    def _feel(self, req: DrumRequest, style: DrumStyle, bar: int, pos: int, name: str,
              rng: random.Random) -> Hit:  # fmt: skip
        learned = name if name in BIT else {"clap": "snare", "shaker": "closed_hat"}[name]
        _, vel, vel_sd, off, off_sd = self.feel.of(style.base, learned, req.meter, pos)
        human = style.humanize if req.humanize is None else req.humanize
        swing = style.swing if req.swing is None else req.swing
        velocity = vel * style.velocity_scale + human * vel_sd * 0.6 * rng.gauss(0, 1)
        offset = human * (off + off_sd * 0.5 * rng.gauss(0, 1)) if human > 0 else 0.0
        if pos % 2 == 1:
            offset += swing / 3.0  # the off-beat 16th moves toward the triplet
        return Hit(bar, pos, name, int(min(127, max(20, round(velocity)))),
                   round(max(-0.45, min(0.9, offset)), 4))  # fmt: skip


def check_request(req: DrumRequest) -> DrumStyle:
    """The style, or an InputError saying plainly what is wrong (nothing is written)."""
    style = STYLES.get(req.style)
    if style is None:
        raise InputError(unknown_style_message(req.style))
    if req.meter not in METERS:
        raise InputError(f"I write drums in 4/4, 3/4 and 6/8, not {req.meter[:10]}.")
    if not 1 <= req.bars <= MAX_BARS:
        raise InputError(f"A beat is 1 to {MAX_BARS} bars long; {req.bars} is out of range.")
    if not 20 <= req.tempo_bpm <= 400:
        raise InputError(f"A tempo of {req.tempo_bpm:g} bpm is out of range; use 20 to 400.")
    if req.half_time and req.double_time:
        raise InputError("A beat is half-time or double-time, not both: pick one.")
    if (req.half_time or req.double_time) and req.meter != "4/4":
        raise InputError("Half- and double-time are 4/4 feels; in 3/4 and 6/8, ask for a slower "
                         "or faster tempo instead.")
    for name in (*req.without, *req.only, *req.add):
        if name not in CLASSES:
            raise InputError(f"I don't have a {name[:20]} in the kit; I play {', '.join(CLASSES)}.")
    return style


def rules(req: DrumRequest, style: DrumStyle) -> tuple[dict, dict]:
    """The steps each drum must take and must leave in a groove bar, with half- and double-time."""
    if req.meter != "4/4":
        return dict(METER_RULES[req.meter]), {}
    require = {k: tuple(v) for k, v in style.require.items()}
    forbid = dict(style.forbid)
    role = style.backbeat_sound
    if req.half_time and require.get(role) != (8,):
        require[role] = (8,)  # the backbeat on beat 3 only
        _also_forbid(forbid, require, role, (4, 12))
        _also_forbid(forbid, require, "snare", (4, 12))
        _also_forbid(forbid, require, "kick", (8,))
    elif req.double_time:
        require[role] = (2, 6, 10, 14)  # the backbeat on every off-beat eighth
        require["kick"] = tuple(sorted({*require.get("kick", ()), 0, 4, 8, 12}))
        _also_forbid(forbid, require, "snare", (4, 12))
    return require, forbid


def _also_forbid(forbid: dict, require: dict, name: str, steps: tuple[int, ...]) -> None:
    """Add steps to a drum's forbidden ones, keeping the style's own rule and what is required."""
    steps = tuple(s for s in steps if s not in require.get(name, ()))
    current = forbid.get(name)
    if isinstance(current, str):  # "all", "offbeats", "others" already say more
        return
    forbid[name] = tuple(sorted({*(current or ()), *steps}))


def _forbidden(steps: tuple[int, ...] | str, pos: int, required: tuple[int, ...]) -> bool:
    if steps == "all":
        return True
    if steps == "offbeats":
        return pos % 4 != 0
    if steps == "others":
        return pos not in required
    return pos in steps


def _kit(req: DrumRequest, style: DrumStyle) -> set[str]:
    """The drums a beat may play: the style's kit (shaker only where it says), the producer's
    `only`, plus what they add, minus what they leave out; crashes only where the style allows."""
    kit = set(req.only) if req.only else set(CLASSES) - {"shaker"} | set(style.add)
    if style.forbid.get("crash") == "all":
        kit.discard("crash")
    return (kit | set(req.add)) - set(req.without)


def _sound(style: DrumStyle, name: str) -> str:
    """The snare's part is played by a clap or a rim in some styles."""
    return style.backbeat_sound if name == "snare" and style.backbeat_sound != "snare" else name


def _hat_density(played: list[tuple[int, str]], req: DrumRequest, spb: int,
                 rng: random.Random) -> list[tuple[int, str]]:  # fmt: skip
    """Busier hats fill the empty 16ths; sparser hats drop the off-eighth ones."""
    if req.hat_density is None or abs(req.hat_density - 0.5) < 1e-6:
        return played
    hats = {pos for pos, name in played if name == "closed_hat"}
    if req.hat_density > 0.5:
        p = (req.hat_density - 0.5) * 2
        extra = [(pos, "closed_hat") for pos in range(spb) if pos not in hats and rng.random() < p]
        return played + extra
    p = (0.5 - req.hat_density) * 2
    return [(pos, n) for pos, n in played
            if not (n == "closed_hat" and pos % 2 == 1 and rng.random() < p)]  # fmt: skip


def _rolls(hits: list[Hit], bar: int, rng: random.Random) -> list[Hit]:
    """Trap hat rolls: 32nds or triplets between a hat and the next step, once or twice a bar."""
    hats = [h for h in hits if h.name == "closed_hat" and h.step in (2, 6, 7, 10, 14, 15)]
    out = []
    for hat in rng.sample(hats, k=min(len(hats), rng.choice((1, 2)))):
        subdivision = rng.choice((2, 3, 4))
        for i in range(1, subdivision):
            velocity = max(30, hat.velocity - 25 + 10 * i)
            out.append(Hit(bar, hat.step, "closed_hat", velocity,
                           round(hat.offset + i / subdivision, 4)))  # fmt: skip
    return out


def unknown_style_message(word: str) -> str:
    nearest = nearest_styles(word)
    first, second = (STYLES[n].label for n in nearest)
    return (f"I don't know {word[:30]} drums yet; the nearest I have is {first} (or {second}). "
            f"Ask for one of those; the styles I play are {', '.join(s.label for s in STYLES.values())}.")


def nearest_styles(word: str, n: int = 2) -> list[str]:
    """The styles whose names read closest to an unknown style's (MiniLM: "zouk music" against
    "reggaeton music", "jazz music"...); names beat descriptions in a check on 12 styles."""
    from models.embeddings.encoder import get_encoder

    names = list(STYLES)
    encoder = get_encoder()
    vectors = encoder.encode([f"{STYLES[s].label} music" for s in names] + [f"{word} music"])
    sims = vectors[:-1] @ vectors[-1]
    return [names[i] for i in sims.argsort()[::-1][:n]]


@lru_cache(maxsize=1)
def get_engine(folder: Path = FOLDER) -> DrumEngine:
    """The committed drum model, verified against its manifest (loaded once)."""
    try:
        verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
        steps, feel, cores, meta = load(folder / "drums.json.gz")
    except (OSError, ValueError, KeyError) as exc:
        raise CheckpointError(
            f"The drum model in {folder} can't be read ({exc}); retrain it with "
            "`cadenza train drums`."
        ) from exc
    return DrumEngine(steps, feel, cores, meta)


def write_beat(req: DrumRequest) -> Beat:
    return get_engine().write(req)


__all__ = ["Beat", "DrumRequest", "Hit", "get_engine", "write_beat"]
