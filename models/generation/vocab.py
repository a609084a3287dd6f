"""The event vocabulary of the neural generation engine (REMI-like, our own).

A piece is a header of control tokens and a body of bars:

    BOS Style_s Texture_t Mode_m Meter_n Len_l Val_v Aro_a   BAR Pos_p [Voice_v] Pitch_x Dur_d ...  EOS

* Pieces are transposed so their tonic is C (the octave shift that moves them least), and the
  engine transposes the output to the requested key: the model learns one key per mode, which
  is what a small corpus can afford, and the key of the output is exact.
* Time is on a sixteenth-note grid. ``Pos_p`` is the onset within the bar (a pickup is bar 0
  with a late first onset); ``Dur_d`` is a duration in sixteenths, snapped to DURATIONS.
* ``melody`` pieces are one line; ``parts`` pieces (the chorales) name the voice of each note
  (0 soprano .. 3 bass), and the notes of one onset come in voice order.
* ``Len`` is the length in bars, binned, so the model can plan its cadence; ``Val`` and ``Aro``
  are the mood (valence, arousal) as three levels each. The corpus carries no mood labels, so
  they are measured from the music itself (`mood_levels`): arousal from how many notes the
  melody plays per beat, valence from the mode and the register of the melody.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

STYLES = ("chorale", "folk", "irish")
TEXTURES = ("melody", "parts")
MODES = ("major", "minor")
METERS: tuple[tuple[int, int], ...] = (
    (2, 4), (3, 4), (4, 4), (2, 2), (6, 8), (3, 8), (9, 8), (12, 8),
)  # fmt: skip
LENGTHS = (4, 8, 12, 16, 24, 32, 48, 64)  # Len_i covers up to LENGTHS[i] bars
LEVELS = ("low", "mid", "high")
STEPS_PER_BEAT = 4  # sixteenths per quarter note
MAX_STEPS = 24  # the longest bar: 12/8 or 6/4
PITCH_LO, PITCH_HI = 21, 108
DURATIONS = (*range(1, 17), 18, 20, 24, 28, 32, 40, 48, 64)  # in sixteenths
N_VOICES = 4
VOICE_NAMES = ("soprano", "alto", "tenor", "bass")


def _names() -> list[str]:
    names = ["PAD", "BOS", "EOS", "BAR"]
    names += [f"Style_{s}" for s in STYLES] + [f"Texture_{t}" for t in TEXTURES]
    names += [f"Mode_{m}" for m in MODES] + [f"Meter_{a}/{b}" for a, b in METERS]
    names += [f"Len_{n}" for n in LENGTHS]
    names += [f"Val_{lv}" for lv in LEVELS] + [f"Aro_{lv}" for lv in LEVELS]
    names += [f"Pos_{p}" for p in range(MAX_STEPS)] + [f"Voice_{v}" for v in range(N_VOICES)]
    names += [f"Pitch_{p}" for p in range(PITCH_LO, PITCH_HI + 1)]
    names += [f"Dur_{d}" for d in DURATIONS]
    return names


NAMES: tuple[str, ...] = tuple(_names())
ID: dict[str, int] = {n: i for i, n in enumerate(NAMES)}
VOCAB_SIZE = len(NAMES)
PAD, BOS, EOS, BAR = ID["PAD"], ID["BOS"], ID["EOS"], ID["BAR"]
POS0, VOICE0, PITCH0, DUR0 = ID["Pos_0"], ID["Voice_0"], ID[f"Pitch_{PITCH_LO}"], ID["Dur_1"]
HEADER_LEN = 8


def kind(token: int) -> str:
    """The family of a token: BAR, Pos, Voice, Pitch, Dur, EOS, or a control family."""
    return NAMES[token].split("_")[0]


def bar_steps(meter: tuple[int, int]) -> int:
    return meter[0] * STEPS_PER_BEAT * 4 // meter[1]


def snap_duration(steps: float) -> int:
    """The nearest duration in DURATIONS (ties go to the shorter)."""
    i = bisect_left(DURATIONS, steps)
    if i == 0:
        return DURATIONS[0]
    if i == len(DURATIONS):
        return DURATIONS[-1]
    lo, hi = DURATIONS[i - 1], DURATIONS[i]
    return lo if steps - lo <= hi - steps else hi


def length_bin(bars: int) -> int:
    """Index into LENGTHS of the smallest bin that holds `bars` (the last bin holds the rest)."""
    return min(bisect_left(LENGTHS, bars), len(LENGTHS) - 1)


@dataclass(frozen=True)
class Header:
    style: str
    texture: str
    mode: str
    meter: tuple[int, int]
    bars: int
    valence: str = "mid"
    arousal: str = "mid"

    def tokens(self) -> list[int]:
        a, b = self.meter
        return [
            BOS,
            ID[f"Style_{self.style}"],
            ID[f"Texture_{self.texture}"],
            ID[f"Mode_{self.mode}"],
            ID[f"Meter_{a}/{b}"],
            ID[f"Len_{LENGTHS[length_bin(self.bars)]}"],
            ID[f"Val_{self.valence}"],
            ID[f"Aro_{self.arousal}"],
        ]


@dataclass(frozen=True, order=True)
class Event:
    """One note on the grid: onset in sixteenths from the first bar line, key-relative pitch."""

    start: int
    voice: int
    pitch: int
    dur: int


def encode_body(
    events: Sequence[Event], meter: tuple[int, int], bars: int, parts: bool
) -> list[int]:
    """BAR/Pos/[Voice]/Pitch/Dur tokens of `bars` bars, closed with EOS.

    Events must lie on the grid, inside the pitch range and inside the bars; in a melody only the
    highest note of an onset is kept.
    """
    size = bar_steps(meter)
    by_bar: list[list[Event]] = [[] for _ in range(bars)]
    for ev in sorted(events):
        by_bar[ev.start // size].append(ev)
    out: list[int] = []
    for b, bar_events in enumerate(by_bar):
        out.append(BAR)
        last_pos = -1
        last_voice = -1
        for ev in sorted(bar_events, key=lambda e: (e.start, e.voice, -e.pitch)):
            pos = ev.start - b * size
            if pos != last_pos:
                out.append(POS0 + pos)
                last_pos, last_voice = pos, -1
            elif not parts or ev.voice <= last_voice:
                continue  # one note per onset in a melody, one per voice in parts
            if parts:
                out.append(VOICE0 + ev.voice)
                last_voice = ev.voice
            out += [PITCH0 + ev.pitch - PITCH_LO, ID[f"Dur_{snap_duration(ev.dur)}"]]
    out.append(EOS)
    return out


def decode_body(tokens: Sequence[int], meter: tuple[int, int]) -> tuple[list[Event], int]:
    """Events and the number of bars in a body (header tokens, if present, are skipped).

    Decoding is lenient: a token out of grammar is skipped, so even a hand-edited sequence gives
    notes; the sampler's grammar makes generated sequences well formed in the first place.
    """
    size = bar_steps(meter)
    events: list[Event] = []
    bar, pos, voice, pitch = -1, None, 0, None
    for tok in tokens:
        k = kind(tok)
        if k == "EOS":
            break
        if k == "BAR":
            bar, pos, voice, pitch = bar + 1, None, 0, None
        elif k == "Pos" and bar >= 0:
            pos, voice, pitch = tok - POS0, 0, None
        elif k == "Voice":
            voice = tok - VOICE0
        elif k == "Pitch" and pos is not None:
            pitch = tok - PITCH0 + PITCH_LO
        elif k == "Dur" and pitch is not None and pos is not None:
            events.append(Event(bar * size + pos, voice, pitch, DURATIONS[tok - DUR0]))
            pitch = None
    return events, bar + 1


def describe(tokens: Sequence[int]) -> str:
    """Readable token names (debugging, tests)."""
    return " ".join(NAMES[t] for t in tokens)
