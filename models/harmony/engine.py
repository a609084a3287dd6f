"""The harmony engine: a request becomes a progression (given or learned), voiced chords and a
bassline, as a `Harmony` that turns into a `Piece` with chord symbols.

    get_engine().write(HarmonyRequest(style="lofi", mood="sad", bars=8))
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint
from models.errors import CheckpointError, InputError
from models.harmony.bass import BASS_STYLES, BassStats, bassline
from models.harmony.chords import MINOR_FAMILIES, Chord
from models.harmony.comp import PATTERNS, comp
from models.harmony.fit import harmonise
from models.harmony.model import ProgressionModel
from models.harmony.progression import Segment, bars_of, merge_repeats, write_progression
from models.harmony.styles import HarmonyStyle, coloured, get_style
from models.harmony.voicing import INSTRUMENT_WORDS, INSTRUMENTS, voice
from models.music.theory import Key

FOLDER = CHECKPOINT_ROOT / "harmony-v1"
FORMAT, FORMAT_VERSION = "cadenza-harmony", 1
SECTIONS = ("intro", "verse", "prechorus", "chorus", "bridge", "instrumental", "outro")
METER_BEATS = {"4/4": 4, "3/4": 3, "6/8": 3, "2/4": 2}
MAX_BARS = 256
# Mood words -> the free-midi-chords moods they lean to; the first decides the default mode.
MOODS: dict[str, tuple[str, ...]] = {
    "happy": ("joyful",), "joyful": ("joyful",), "bright": ("joyful",), "upbeat": ("joyful",),
    "hopeful": ("hopeful",), "uplifting": ("hopeful", "triumphant"), "epic": ("epic",),
    "triumphant": ("triumphant",), "romantic": ("romantic",), "love": ("romantic",),
    "nostalgic": ("nostalgic",), "wistful": ("nostalgic",), "tender": ("tender",),
    "warm": ("tender",), "peaceful": ("peaceful",), "calm": ("peaceful",), "chill": ("relaxed",),
    "relaxed": ("relaxed",), "playful": ("playful",), "spiritual": ("spiritual",),
    "dreamy": ("peaceful", "nostalgic"), "sad": ("sad",), "melancholic": ("sad",),
    "melancholy": ("sad",), "sadder": ("sad",), "dark": ("dark",), "darker": ("dark",),
    "moody": ("dark", "sad"), "mysterious": ("mysterious",), "tense": ("tense",),
    "angry": ("dark", "tense"), "eerie": ("mysterious", "dark"), "lonely": ("sad",),
    "happier": ("joyful",), "brighter": ("joyful", "hopeful"), "energetic": ("joyful", "epic"),
    "cheerful": ("joyful", "playful"), "gloomy": ("sad", "dark"), "somber": ("sad",),
    "sombre": ("sad",), "serene": ("peaceful",), "gentle": ("tender", "peaceful"),
    "bittersweet": ("nostalgic", "sad"), "anxious": ("tense",), "mournful": ("sad",),
    "sorrowful": ("sad",),
    "passionate": ("romantic", "epic"), "groovy": ("playful", "joyful"),
    "emotional": ("nostalgic", "tender"), "youthful": ("joyful", "playful"),
    "spirited": ("joyful", "epic"), "exciting": ("joyful", "epic"), "mellow": ("relaxed", "tender"),
    "fun": ("playful", "joyful"), "easygoing": ("relaxed",), "relaxing": ("relaxed", "peaceful"),
    "intense": ("tense", "epic"), "calming": ("peaceful",), "enthusiastic": ("joyful",),
    "vibrant": ("joyful", "playful"), "sentimental": ("nostalgic", "tender"),
    "soothing": ("peaceful", "tender"), "aggressive": ("dark", "tense"),
    "soulful": ("romantic", "nostalgic"), "buoyant": ("joyful", "hopeful"),
    "suspenseful": ("tense", "mysterious"), "hypnotic": ("mysterious",),
    "powerful": ("epic", "triumphant"), "pleasant": ("peaceful", "joyful"),
    "positive": ("hopeful", "joyful"), "inspiring": ("hopeful", "triumphant"),
    "meditative": ("peaceful", "spiritual"),
}  # fmt: skip
MINOR_MOODS = {"sad", "dark", "mysterious", "tense"}


@dataclass(frozen=True)
class HarmonyRequest:
    key: Key | None = None  # None: from the progression, or C major / A minor by mood
    progression: tuple[tuple[Chord, ...], ...] | None = None  # given bars of chords, exact
    section: str = "verse"
    mood: str | None = None
    style: str = "pop"
    bars: int = 8
    meter: str = "4/4"
    instrument: str | None = None  # None: the style's
    rhythm: str | None = None  # comp pattern; None: the style's
    bass_style: str | None = None  # None: the style's
    parts: tuple[str, ...] = ("chords", "bass")
    harmonic_rhythm: float = 1.0  # 2: chords change twice as often; 0.5: half as often
    tempo_bpm: float | None = None
    seed: int = 0
    kicks: dict[int, list[float]] | None = None  # bar -> kick beats, to lock the bass to
    recolour: bool = False  # give the style's colour to a given progression (one Cadenza wrote)
    hold_repeats: bool = False  # a given chord repeated over a barline is held, not restruck


@dataclass
class Harmony:
    request: HarmonyRequest
    key: Key
    style: HarmonyStyle
    segments: list[Segment]
    bar_beats: float
    chord_notes: list = field(default_factory=list)
    bass_notes: list = field(default_factory=list)
    instrument: str = "piano"
    bass_style: str = "pop"
    coloured: bool = False  # whether the style's colour was added to learned chords
    plain: list[Segment] = field(default_factory=list)  # the chords before the style's colour

    @property
    def bars(self) -> list[list[Segment]]:
        return bars_of(self.segments, self.bar_beats)


class HarmonyEngine:
    def __init__(self, model: ProgressionModel, stats: BassStats) -> None:
        self.model, self.stats = model, stats

    def write(self, req: HarmonyRequest) -> Harmony:
        style, beats = check_request(req)
        rng = random.Random(req.seed)
        key = req.key or (Key(9, "minor") if default_mode(req.mood, style) == "minor" else
                          Key(0, "major"))  # fmt: skip
        if req.progression is not None:
            segments = given_segments(req.progression, beats, req.bars, req.harmonic_rhythm,
                                      merge=req.hold_repeats)  # fmt: skip
        else:
            leanings = [self.model.moods[m] for m in MOODS.get(req.mood or "", ())
                        if m in self.model.moods]  # fmt: skip
            section = req.section if req.section in SECTIONS else "verse"
            segments = write_progression(self.model, key.tonic_pc, key.mode, section, req.bars,
                                         beats, rng, leanings, req.harmonic_rhythm)  # fmt: skip
        return self._finish(req, key, style, segments, beats, rng,
                            recolour=req.progression is None or req.recolour)  # fmt: skip

    def harmonise(self, melody: list, req: HarmonyRequest) -> Harmony:
        """Chords and bass for a melody (notes in beats, `req.key` its key): the learned
        progression that fits it best (fit.py), played in the style."""
        style, beats = check_request(req)
        key = req.key or Key(0, "major")
        segments = harmonise(self.model, melody, key, req.bars, float(beats))
        return self._finish(req, key, style, segments, beats, random.Random(req.seed), True)

    def play(self, req: HarmonyRequest, key: Key, segments: list[Segment]) -> Harmony:
        """Another part over chords already written (coloured as they are): a pad or a second
        instrument on the same progression, voiced and played in `req`'s style."""
        style, beats = check_request(req)
        return self._finish(req, key, style, list(segments), beats, random.Random(req.seed),
                            recolour=False)  # fmt: skip

    def _finish(self, req: HarmonyRequest, key: Key, style: HarmonyStyle, segments: list,
                beats: int, rng: random.Random, recolour: bool) -> Harmony:  # fmt: skip
        plain = segments
        if recolour:
            segments = merge_repeats(colour(segments, key, style))
        out = Harmony(req, key, style, segments, float(beats), plain=plain,
                      coloured=recolour and segments != plain)  # fmt: skip
        out.instrument = INSTRUMENT_WORDS.get((req.instrument or style.instrument).lower(),
                                              style.instrument)  # fmt: skip
        out.bass_style = req.bass_style or style.bass
        self._play(out, rng)
        return out

    def _play(self, out: Harmony, rng: random.Random) -> None:
        req, style = out.request, out.style
        instrument = INSTRUMENTS[out.instrument]
        with_bass = "bass" in req.parts
        if "chords" in req.parts:
            rootless = style.colour == "jazz" and instrument.kind == "keys" and with_bass
            voicings = voice([s.chord for s in out.segments], instrument, rootless,
                             with_root=not with_bass)  # fmt: skip
            pattern = req.rhythm or style.comp
            if instrument.kind == "guitar" and pattern in ("pulse", "block"):
                pattern = "strum"
            out.chord_notes = comp([(s.start, s.length, v) for s, v in
                                    zip(out.segments, voicings, strict=True)], pattern,
                                   out.bar_beats, style.swing, rng)  # fmt: skip
        if with_bass:
            triples = [(s.start, s.length, s.chord) for s in out.segments]
            out.bass_notes = bassline(triples, out.bass_style, out.bar_beats, rng, req.kicks,
                                      self.stats)  # fmt: skip


def check_request(req: HarmonyRequest) -> tuple[HarmonyStyle, int]:
    """The style and beats per bar, or one clear sentence about what is wrong."""
    style = get_style(req.style)
    if req.meter not in METER_BEATS:
        raise InputError(f"I write chords in 4/4, 3/4, 6/8 or 2/4, not {req.meter[:10]}.")
    if not 1 <= req.bars <= MAX_BARS:
        raise InputError(f"A progression can be 1 to {MAX_BARS} bars long, not {req.bars}.")
    if req.mood and req.mood not in MOODS:
        raise InputError(f"I don't know the mood '{req.mood[:30]}' for chords; I know "
                         f"{', '.join(sorted(MOODS))}.")  # fmt: skip
    if req.instrument and req.instrument.lower() not in INSTRUMENT_WORDS:
        names = ", ".join(sorted(INSTRUMENTS))
        raise InputError(f"I can voice chords for {names}, not '{req.instrument[:30]}'.")
    if req.rhythm and req.rhythm not in PATTERNS:
        raise InputError(f"I don't know the chord rhythm '{req.rhythm[:20]}'; I play "
                         f"{', '.join(PATTERNS)}.")  # fmt: skip
    if req.bass_style and req.bass_style not in BASS_STYLES:
        raise InputError(f"I don't know the bass style '{req.bass_style[:20]}'; I play "
                         f"{', '.join(BASS_STYLES)}.")  # fmt: skip
    if not req.parts or set(req.parts) - {"chords", "bass"}:
        raise InputError("Ask for chords, bass or both.")
    return style, METER_BEATS[req.meter]


def default_mode(mood: str | None, style: HarmonyStyle | None = None) -> str:
    """The mode without a key: the mood's (sad, dark: minor), else the style's."""
    if mood:
        return "minor" if set(MOODS.get(mood, ())) & MINOR_MOODS else "major"
    return style.mode if style else "major"


def given_segments(bars: tuple[tuple[Chord, ...], ...], beats: int, length: int,
                   rate: float, merge: bool = False) -> list[Segment]:  # fmt: skip
    """A typed progression exactly as written: chords split each bar evenly (a chord written
    twice in a row within a bar is held), and it repeats to fill the length asked when it is
    shorter (a loop). `rate` 2 plays each chord in half the time (never under a beat), 0.5 in
    twice the time. `merge`: a chord repeated over a barline is held too (Cadenza's own)."""
    unit: list[tuple[Chord, float]] = []
    for bar in bars:
        for k, chord in enumerate(bar):
            dur = beats / len(bar)
            if unit and unit[-1][0] == chord and (merge or k > 0):
                unit[-1] = (chord, unit[-1][1] + dur)
            else:
                unit.append((chord, dur))
    unit = [(c, max(d / rate, min(d, 1.0)) if rate > 1 else d / rate) for c, d in unit]
    total = length * beats
    out: list[Segment] = []
    t, i = 0.0, 0
    while t < total - 1e-6:
        chord, dur = unit[i % len(unit)]
        dur = min(dur, total - t)
        if merge and out and out[-1].chord == chord:  # the loop's end held into its start
            out[-1] = Segment(out[-1].start, round(out[-1].length + dur, 4), chord)
        else:
            out.append(Segment(round(t, 4), round(dur, 4), chord))
        t += dur
        i += 1
    return out


def colour(segments: list[Segment], key: Key, style: HarmonyStyle) -> list[Segment]:
    """The style's colour on learned chords (styles.coloured)."""
    out = []
    for i, seg in enumerate(segments):
        nxt = segments[i + 1].chord if i + 1 < len(segments) else None
        q = coloured(seg.chord.quality, (seg.chord.root - key.tonic_pc) % 12, style.colour,
                     key.mode, None if nxt is None else (nxt.root - key.tonic_pc) % 12,
                     nxt is not None and nxt.family in MINOR_FAMILIES, nxt is None)  # fmt: skip
        out.append(replace(seg, chord=replace(seg.chord, quality=q)))
    return out


@lru_cache(maxsize=2)
def get_engine(folder: Path = FOLDER) -> HarmonyEngine:
    """The committed harmony model, verified against its manifest (loaded once)."""
    import gzip
    import json

    try:
        verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
        model = ProgressionModel.load(folder / "progressions.json.gz")
        stats = BassStats(**json.loads(gzip.decompress((folder / "bass.json.gz").read_bytes())))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(
            f"The harmony model in {folder} can't be read ({exc}); retrain it with "
            "`cadenza train harmony`."
        ) from exc
    return HarmonyEngine(model, stats)
