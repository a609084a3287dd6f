"""The pop lead: a melody over given chords, from Markov chains learned on POP909's MELODY tracks
(`lead_data.py`), everything relative to the key's tonic.

Pitch: each note is the interval (semitones) from the note before it, an interpolated n-gram
(`models.ngram`, Witten-Bell) conditioned on the previous note's degree in the key, where the
note falls in the bar (downbeat, mid-bar, other beat, 8th or 16th off-beat; after a rest of a
beat or more or not) and the previous interval (direction and size class), each level once
with the sounding chord relative to the key ("7:7" the dominant seventh, "N" none) and then
without it. The chord-blind baseline is the same chain without the chord levels. Training counts
a song's repeats of a note in the same context once (choruses come back note for note); the
smoothing (a multiplier on the Witten-Bell weights) is tuned on the dev songs, for each apart.

Rhythm: each quarter-note beat is a pattern of four 16th cells ('x' a note starts, '-' it
sounds on, '.' silence), a trigram over beats conditioned on the beat's place in the bar
(downbeat, mid-bar or other). It is meter-free, so a 3/4 or 6/8 bar (three quarter-note beats)
is three draws, with only the downbeat marked strong. Bars of silence (intros, solos) are
left out of training, as a lead is asked for where it sings.

Writing (rules, not learned, each named where it acts): phrases of `phrase_bars` bars; the last
beat of each phrase is a rest and the note before it a chord tone; the piece ends on a long
chord tone (the tonic when the chord holds it) on its last downbeat. Phrases come in fours,
A A' B A': A' echoes A's rhythm, all but its cadence bar, and leans to A's intervals (`MOTIF`).
A gentle pull keeps the line near the middle of its range (`TESSITURA`); `density` tilts the
beat patterns by their onset count (0.5 draws them as learned).
"""

from __future__ import annotations

import bisect
import gzip
import json
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from models.checkpoints import CHECKPOINT_ROOT, verify_checkpoint
from models.errors import CheckpointError, InputError
from models.harmony.chords import Chord
from models.harmony.progression import Segment
from models.music.piece import Note
from models.music.theory import Key
from models.ngram import InterpolatedNGram

FOLDER = CHECKPOINT_ROOT / "lead-v1"
FORMAT, FORMAT_VERSION = "cadenza-lead", 1
# The chord-blind chain; the model puts the chord into each of its levels (but the last) and
# backs off to it, so the two differ only in the chord.
BLIND_CHAIN = (
    ("mode", "deg", "pos", "int1"),
    ("mode", "deg", "int1"),
    ("mode", "deg", "pos"),
    ("mode", "deg"),
    ("mode",),
)
PITCH_CHAIN = tuple(("mode", "chord", *level[1:]) for level in BLIND_CHAIN[:-1]) + BLIND_CHAIN
RHYTHM_CHAIN = (("beat", "prev1", "prev2"), ("beat", "prev1"), ("beat",))
RHYTHM_BASELINE = (("beat",),)
SMOOTHING_GRID = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
MAX_LEAP = 12  # an octave: a wider interval is not sung in a pop lead (a rule)
TOP_P = 0.9  # draws keep the likeliest intervals/patterns holding 90% of the mass
MOTIF = 4.0  # in an echoed bar, the weight on the interval phrase A took at the same step
TILT = 2.0  # density 0..1 -> exp(TILT * (density - 0.5) * onsets) on a beat pattern
TESSITURA = 0.5  # the pull's width, as a share of the range
MAX_BARS = 256
REST = 4  # a silence of a beat (16ths) before a note marks a new phrase in the context


def metric(step: int, bar_steps: int) -> str:
    """A 16th step's place in its bar: '1' downbeat, '3' mid-bar in an even meter, 'b' other
    beats, 'e' 8th off-beats, 's' 16ths."""
    if step == 0:
        return "1"
    if step % 4:
        return "s" if step % 2 else "e"
    return "3" if bar_steps % 8 == 0 and step == bar_steps // 2 else "b"


def size_class(interval: int | None) -> str:
    """An interval's direction and size: 's' none yet, '0', then +/- 1 step, 2 third, 3 up to a
    fifth, 4 wider."""
    if interval is None:
        return "s"
    size = abs(interval)
    if size == 0:
        return "0"
    return ("+" if interval > 0 else "-") + str(1 + (size > 2) + (size > 4) + (size > 7))


def pitch_context(prev: int, prev_interval: int | None, chord: Chord | None, tonic: int,
                  mode: str, pos: str) -> dict:  # fmt: skip
    """The context of the next note (see the module docstring); `pos` from `metric` plus 'r'
    after a rest."""
    return {"mode": mode, "deg": (prev - tonic) % 12, "pos": pos, "int1": size_class(prev_interval),
            "chord": f"{(chord.root - tonic) % 12}:{chord.family}" if chord else "N"}  # fmt: skip


def _once(events: Iterable[tuple[dict, object]], seen: set) -> Iterable[tuple[dict, object]]:
    for ctx, symbol in events:
        mark = (*ctx.values(), symbol)
        if mark not in seen:
            seen.add(mark)
            yield ctx, symbol


def pitch_events(songs: Iterable, once_per_song: bool = False) -> Iterable[tuple[dict, int]]:  # noqa: ANN001
    """(context, interval) for every note of every song but its first (no note before it).
    `once_per_song` (training): a song's repeats of a note in the same context count once, as
    choruses come back note for note and would outweigh everything else."""
    for song in songs:
        yield from _once(_song_pitches(song), set()) if once_per_song else _song_pitches(song)


def _song_pitches(song) -> Iterable[tuple[dict, int]]:  # noqa: ANN001
    prev, prev_interval, prev_end = None, None, 0
    for bar in song.bars:
        for n in bar.notes:
            at = bar.index * 16 + n.step
            if prev is not None:
                pos = metric(n.step, 16) + ("r" if at - prev_end >= REST else "")
                yield pitch_context(prev, prev_interval, n.chord, n.tonic, n.mode, pos), n.pitch - prev  # fmt: skip
                prev_interval = n.pitch - prev
            prev, prev_end = n.pitch, at + n.dur


def beat_class(beat: int, beats: int) -> str:
    return (
        "1" if beat == 0 else "3" if beats % 2 == 0 and beats >= 4 and beat == beats // 2 else "b"
    )


def rhythm_events(songs: Iterable) -> Iterable[tuple[dict, str]]:  # noqa: ANN001
    """(context, 4-cell pattern) per beat of every bar with melody; the chain restarts after a
    silent or missing bar. Every beat counts, repeats too (counting a song's repeats once, as
    the pitch chain does, scored worse on the dev songs: 1.99 against 1.96 nats per beat)."""
    for song in songs:
        yield from _song_beats(song)


def _song_beats(song) -> Iterable[tuple[dict, str]]:  # noqa: ANN001
    prev1 = prev2 = "s"
    last = None
    for bar in song.bars:
        if "x" not in bar.cells and "-" not in bar.cells:
            last = None
            continue
        if last is None or bar.index != last + 1:
            prev1 = prev2 = "s"
        for beat in range(4):
            pattern = bar.cells[beat * 4 : beat * 4 + 4]
            yield {"beat": beat_class(beat, 4), "prev1": prev1, "prev2": prev2}, pattern
            prev1, prev2 = pattern, prev1
        last = bar.index


def nats(ngram: InterpolatedNGram, events: Iterable[tuple[dict, object]]) -> tuple[float, int]:
    """Mean negative natural-log probability of the events' symbols, and how many."""
    total, n = 0.0, 0
    for ctx, symbol in events:
        total -= math.log(ngram.prob(ctx, symbol))
        n += 1
    return total / max(n, 1), n


def fit_ngram(events: list, chain: tuple, dev: list | None = None) -> InterpolatedNGram:
    """An n-gram over the events; with `dev` events, its smoothing is the one of SMOOTHING_GRID
    that scores them best (lowest nats)."""
    ngram = InterpolatedNGram.fit(events, chain)
    if dev:
        scores = {}
        for k in SMOOTHING_GRID:
            ngram.smoothing = k
            scores[k] = nats(ngram, dev)[0]
        ngram.smoothing = min(SMOOTHING_GRID, key=lambda k: scores[k])
    return ngram


def _onsets(pattern: str) -> int:
    return pattern.count("x")


@dataclass
class LeadModel:
    """The pitch chain, its chord-blind baseline and the rhythm chain (see the module docstring)."""

    pitch: InterpolatedNGram
    blind: InterpolatedNGram
    rhythm: InterpolatedNGram
    meta: dict = field(default_factory=dict)

    def save(self, path: Path) -> None:
        data = {"pitch": self.pitch.to_json(), "blind": self.blind.to_json(),
                "rhythm": self.rhythm.to_json(), "meta": self.meta}  # fmt: skip
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        path.write_bytes(gzip.compress(text.encode(), mtime=0))

    @classmethod
    def load(cls, path: Path) -> LeadModel:
        data = json.loads(gzip.decompress(path.read_bytes()))
        return cls(*(InterpolatedNGram.from_json(data[k]) for k in ("pitch", "blind", "rhythm")),
                   data["meta"])  # fmt: skip

    def _beat(self, ctx: dict, rng: random.Random, tilt: float) -> str:
        patterns = self.rhythm.candidates(ctx, general=len(self.rhythm.vocab))
        weights = [p * math.exp(tilt * _onsets(s))
                   for s, p in zip(patterns, self.rhythm.probs(ctx, patterns), strict=True)]  # fmt: skip
        return _nucleus_draw(patterns, weights, rng)

    def _bar_cells(self, beats: int, prev: list[str], rng: random.Random, tilt: float,
                   cadence: bool) -> str:  # fmt: skip
        """One bar's cells, drawn beat by beat; `cadence`: a phrase end, its last beat a rest."""
        out = []
        for beat in range(beats - 1 if cadence else beats):
            ctx = {"beat": beat_class(beat, beats), "prev1": prev[-1], "prev2": prev[-2]}
            pattern = self._beat(ctx, rng, tilt)
            out.append(pattern)
            prev.append(pattern)
        if cadence:
            out.append("....")
            prev.append("....")
        return "".join(out)

    def rhythm_cells(self, bars: int, beats: int, phrase_bars: int, density: float,
                     rng: random.Random) -> list[str]:  # fmt: skip
        """Each bar's cells (4 per beat): drawn, echoed, cadenced as the module docstring says."""
        tilt, out, prev = TILT * (density - 0.5), [], ["s", "s"]
        for bar in range(bars):
            phrase, at = divmod(bar, phrase_bars)
            cadence = at == phrase_bars - 1 or bar == bars - 1
            if bar == bars - 1:  # the last note: from the downbeat to the last beat's rest
                cells = "x" + "-" * (beats * 4 - 5) + "...." if beats > 1 else "x---"
            elif phrase % 4 in (1, 3) and not cadence:  # A': A's rhythm
                cells = out[(phrase - phrase % 4) * phrase_bars + at]
            else:
                cells = self._bar_cells(beats, prev, rng, tilt, cadence)
                if "x" not in cells and out and "x" not in out[-1] and not cadence:
                    cells = "x" + cells[1:]  # two silent bars in a row: the lead has gone
            prev.extend(cells[k : k + 4] for k in range(0, len(cells), 4))
            out.append(cells)
        return out

    def write(self, segments: list[Segment], key: Key, bar_beats: float, bars: int, seed: int,
              low: int = 60, high: int = 81, density: float = 0.5,
              phrase_bars: int = 4) -> list[Note]:  # fmt: skip
        """A lead over the segments (see `write_lead`)."""
        check_request(bars, bar_beats, low, high, density, phrase_bars)
        rng = random.Random(seed)
        beats = round(bar_beats)
        cells = _tidy("".join(self.rhythm_cells(bars, beats, phrase_bars, density, rng)))
        starts = [k for k, c in enumerate(cells) if c == "x"]
        lengths = [len(cells[k + 1 :]) - len(cells[k + 1 :].lstrip("-")) + 1 for k in starts]
        pitches = self._pitches(cells, starts, segments, key, beats, (low, high), phrase_bars, rng)
        bar_steps = beats * 4
        velocity = {"1": 92, "3": 86}
        return [Note(p, k / 4, n / 4, velocity.get(metric(k % bar_steps, bar_steps), 80))
                for k, n, p in zip(starts, lengths, pitches, strict=True)]  # fmt: skip

    def _pitches(self, cells: str, starts: list[int], segments: list[Segment], key: Key,
                 beats: int, span: tuple[int, int], phrase_bars: int,
                 rng: random.Random) -> list[int]:  # fmt: skip
        """A pitch per onset: the first a chord tone near the middle, then drawn intervals."""
        chord_of = _chord_lookup(segments)
        bar_steps, phrase_steps = beats * 4, beats * 4 * phrase_bars
        center = (span[0] + span[1]) / 2
        taken: dict[int, int] = {}  # step -> the interval drawn to the note there
        out: list[int] = []
        prev_interval = None
        for i, at in enumerate(starts):
            chord = chord_of(at / 4)
            if not out:
                tones = [
                    p for p in range(span[0], span[1] + 1) if chord is None or p % 12 in chord.pcs
                ]
                near = [p for p in tones if abs(p - center) <= 6] or tones
                out.append(rng.choice(near))
                continue
            silence = len(cells[:at]) - len(cells[:at].rstrip("."))
            pos = metric(at % bar_steps, bar_steps) + ("r" if silence >= REST else "")
            ctx = pitch_context(out[-1], prev_interval, chord, key.tonic_pc, key.mode, pos)
            phrase = at // phrase_steps
            echo = taken.get(at - phrase % 4 * phrase_steps) if phrase % 4 in (1, 3) else None
            ends = i == len(starts) - 1 or starts[i + 1] // phrase_steps != phrase
            pitch = self._pitch(ctx, out[-1], chord, key, span, echo, ends, i == len(starts) - 1, rng)  # fmt: skip
            prev_interval = taken[at] = pitch - out[-1]
            out.append(pitch)
        return out

    def _pitch(self, ctx: dict, prev: int, chord: Chord | None, key: Key,
               span: tuple[int, int], echo: int | None, ends: bool, final: bool,
               rng: random.Random) -> int:  # fmt: skip
        """One note's pitch: the model's intervals within range and leap, weighed by the rules;
        a phrase's last note a chord tone, the piece's last the tonic when the chord holds it."""
        low, high = span
        center, width = (low + high) / 2, TESSITURA * (high - low)
        steps = [i for i in range(-MAX_LEAP, MAX_LEAP + 1) if low <= prev + i <= high]
        if ends and chord is not None:
            tones = [i for i in steps if (prev + i) % 12 in chord.pcs]
            tonic = [i for i in tones if (prev + i) % 12 == key.tonic_pc]
            steps = (tonic if final and tonic else tones) or steps
        weights = [p * math.exp(-0.5 * ((prev + i - center) / width) ** 2) * (MOTIF if i == echo else 1.0)
                   for i, p in zip(steps, self.pitch.probs(ctx, steps), strict=True)]  # fmt: skip
        return prev + _nucleus_draw(steps, weights, rng)


def _tidy(cells: str) -> str:
    """Cells with a '-' after silence (a held note with none to hold) read as silence."""
    out = list(cells)
    for k, c in enumerate(out):
        if c == "-" and (k == 0 or out[k - 1] == "."):
            out[k] = "."
    return "".join(out)


def _nucleus_draw(symbols: list, weights: list[float], rng: random.Random) -> object:
    """One symbol from the likeliest ones that hold TOP_P of the weight (the long tail of rare
    choices is where a drawn line goes wrong)."""
    ranked = sorted(zip(weights, range(len(symbols)), strict=True), reverse=True)
    total, kept, mass = sum(weights) or 1.0, [], 0.0
    for w, k in ranked:
        kept.append((w, k))
        mass += w / total
        if mass >= TOP_P:
            break
    return symbols[rng.choices([k for _, k in kept], [w for w, _ in kept])[0]]


def _chord_lookup(segments: list[Segment]):  # noqa: ANN202
    """beat -> the chord sounding then (None between or after the segments)."""
    ordered = sorted(segments, key=lambda s: s.start)
    starts = [s.start for s in ordered]

    def chord_of(beat: float) -> Chord | None:
        k = bisect.bisect_right(starts, beat + 1e-9) - 1
        if k >= 0 and beat < ordered[k].start + ordered[k].length - 1e-9:
            return ordered[k].chord
        return None

    return chord_of


def check_request(bars: int, bar_beats: float, low: int, high: int, density: float,
                  phrase_bars: int) -> None:  # fmt: skip
    """Raise InputError, in one sentence, for a request the writer cannot follow."""
    if not isinstance(bars, int) or not 1 <= bars <= MAX_BARS:
        raise InputError(f"A lead is 1 to {MAX_BARS} bars long, not {bars}.")
    if bar_beats != round(bar_beats) or not 1 <= bar_beats <= 12:
        raise InputError(f"A lead's bar is 1 to 12 quarter-note beats, not {bar_beats:g}.")
    if not 0 <= low < high <= 127:
        raise InputError(f"A lead's range runs from a low to a higher MIDI note (0-127), "
                         f"not {low} to {high}.")  # fmt: skip
    if high - low < 7:
        raise InputError(
            f"A lead needs a range of at least a fifth (7 semitones), not {high - low}."
        )
    if not 0 <= density <= 1:
        raise InputError(f"A lead's density is 0 to 1, not {density:g}.")
    if phrase_bars < 1:
        raise InputError(f"A phrase is at least one bar long, not {phrase_bars}.")


def fit(songs: list, dev_songs: list | None = None) -> LeadModel:
    """Train on POP909 songs (`lead_data.LeadSong`); smoothing tuned on `dev_songs` when given."""
    dev = list(pitch_events(dev_songs)) if dev_songs else None
    pitch_train = list(pitch_events(songs, once_per_song=True))
    rhythm_dev = list(rhythm_events(dev_songs)) if dev_songs else None
    pitch = fit_ngram(pitch_train, PITCH_CHAIN, dev)
    blind = fit_ngram(pitch_train, BLIND_CHAIN, dev)
    rhythm = fit_ngram(list(rhythm_events(songs)), RHYTHM_CHAIN, rhythm_dev)
    meta = {"smoothing": {"pitch": pitch.smoothing, "blind": blind.smoothing,
                          "rhythm": rhythm.smoothing}}  # fmt: skip
    return LeadModel(pitch, blind, rhythm, meta)


@lru_cache(maxsize=2)
def get_model(folder: Path = FOLDER) -> LeadModel:
    """The committed lead model, verified against its manifest (loaded once)."""
    config = verify_checkpoint(folder, FORMAT, FORMAT_VERSION)
    try:
        model = LeadModel.load(folder / "lead.json.gz")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"The lead model in {folder} can't be read ({exc}); retrain it "
                              "with `cadenza train lead`.") from exc  # fmt: skip
    model.meta = {**model.meta, "config": config}
    return model


def write_lead(segments: list[Segment], key: Key, bar_beats: float, bars: int, seed: int,
               low: int = 60, high: int = 81, density: float = 0.5,
               phrase_bars: int = 4) -> list[Note]:  # fmt: skip
    """A singable pop lead over `segments` (chords in quarter-note beats from 0) in `key`:
    `bars` bars of `bar_beats` quarter-note beats (4 for 4/4, 3 for 3/4 and 6/8), every note
    within MIDI [low, high] and inside the bars, the same notes for the same seed. `density`
    0..1 (0.5: as POP909 sings); `phrase_bars` bars to a phrase. Raises InputError."""
    return get_model().write(segments, key, bar_beats, bars, seed, low, high, density, phrase_bars)
