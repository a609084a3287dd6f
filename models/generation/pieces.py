"""Pieces in and out of the generation engine: new pieces, continuations and rewritten bars.

The model writes in tonic-C space on a sixteenth grid (`vocab.py`); this module moves notes
between that space and the producer's key, and keeps every note it was given: a continuation
adds bars after the given ones, a rewrite replaces only the notes that start in the chosen bars
of the tracks the model writes (the melody, or the four voices of a chorale).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from models.errors import InputError
from models.generation.data import level, mood_scores, transpose_shift
from models.generation.engine import Generator, Progress, Sampling, split_bars
from models.generation.sample import MELODY_RANGES, Rules
from models.generation.vocab import (
    METERS,
    PITCH_HI,
    PITCH_LO,
    STEPS_PER_BEAT,
    Event,
    Header,
    bar_steps,
    decode_body,
    encode_body,
)
from models.music.piece import Note, Piece, Track
from models.music.theory import Key

MAX_TOTAL_BARS = 256
REWRITE_CANDIDATES = 8


@dataclass(frozen=True)
class Controls:
    """What the header says, in the producer's terms."""

    key: Key
    meter: tuple[int, int]
    style: str = "chorale"
    parts: bool = True  # four voices (chorale texture) or one melody
    valence: str = "mid"
    arousal: str = "mid"
    chromatic: bool = False

    def header(self, bars: int) -> Header:
        texture = "parts" if self.parts else "melody"
        return Header(
            self.style, texture, self.key.mode, self.meter, bars, self.valence, self.arousal
        )

    def rules(self, bars: int, mode: str | None = None) -> Rules:
        return Rules(
            self.meter, bars, self.parts, mode or self.key.mode, self.style, self.chromatic,
            transpose=transpose_shift(self.key.tonic_pc),
        )  # fmt: skip


@dataclass
class Written:
    """A result: notes per voice in the producer's key, and what the model wrote."""

    voices: list[list[Note]]
    bars: int
    logp: float
    tokens: int
    new_bars: tuple[int, int]  # 1-based first and last bar the model wrote
    candidates: list[float] = field(default_factory=list)  # rewrite: each candidate's score


def _check_meter(meter: tuple[int, int]) -> None:
    if meter not in METERS:
        known = ", ".join(f"{a}/{b}" for a, b in METERS)
        raise InputError(
            f"The generation model writes in {known}; {meter[0]}/{meter[1]} is not one."
        )


def to_notes(events: Sequence[Event], key: Key, voices: int, end_step: int, velocity: int,
             octave: int = 0) -> list[list[Note]]:  # fmt: skip
    """Events (tonic C) as notes per voice in `key`; a note is cut where its voice moves on."""
    shift = transpose_shift(key.tonic_pc)
    out: list[list[Note]] = [[] for _ in range(voices)]
    by_voice: list[list[Event]] = [[] for _ in range(voices)]
    for e in sorted(events):
        by_voice[min(e.voice, voices - 1)].append(e)
    for v, line in enumerate(by_voice):
        for i, e in enumerate(line):
            nxt = line[i + 1].start if i + 1 < len(line) else end_step
            dur = max(1, min(e.dur, nxt - e.start, end_step - e.start))
            out[v].append(
                Note(
                    e.pitch - shift - octave,
                    e.start / STEPS_PER_BEAT,
                    dur / STEPS_PER_BEAT,
                    velocity,
                )
            )
    return out


def to_events(voices: Sequence[Sequence[Note]], key: Key, octave: int = 0,
              end_step: int | None = None) -> list[Event]:  # fmt: skip
    """Notes per voice as grid events in tonic-C space (pitches outside the piano are dropped)."""
    shift = transpose_shift(key.tonic_pc)
    out = []
    for v, line in enumerate(voices):
        for n in line:
            p = n.pitch + shift + octave
            s = round(n.start_beats * STEPS_PER_BEAT)
            if PITCH_LO <= p <= PITCH_HI and s >= 0 and (end_step is None or s < end_step):
                out.append(Event(s, v, p, max(1, round(n.dur_beats * STEPS_PER_BEAT))))
    return out


def melody_octave(notes: Sequence[Note], key: Key, style: str) -> int:
    """Octaves (in semitones) that bring a given melody to the middle of the model's range."""
    if not notes:
        return 0
    lo, hi = MELODY_RANGES.get(style, (55, 84))
    pitches = sorted(n.pitch + transpose_shift(key.tonic_pc) for n in notes)
    median = pitches[len(pitches) // 2]
    return 12 * round(((lo + hi) / 2 - median) / 12)


def mood_levels(gen: Generator, events: Sequence[Event], mode: str, meter: tuple[int, int]):
    """The header's mood levels measured from given music, as the training data was labelled."""
    if not events:
        return "mid", "mid"
    val, aro = mood_scores(events, mode, meter)
    cuts = gen.mood_cuts
    return level(val, cuts["valence"]), level(aro, cuts["arousal"])


def generate(gen: Generator, c: Controls, bars: int, sampling: Sampling, velocity: int = 80,
             progress: Progress | None = None) -> Written:  # fmt: skip
    """A new piece of exactly `bars` bars in the controls' key and meter."""
    _check_meter(c.meter)
    if not 1 <= bars <= MAX_TOTAL_BARS:
        raise InputError(f"Ask for 1 to {MAX_TOTAL_BARS} bars.")
    draft = gen.sample(c.header(bars), [], c.rules(bars), 1, sampling, progress=progress)[0]
    events, got = decode_body(draft.body, c.meter)
    voices = to_notes(events, c.key, 4 if c.parts else 1, bars * bar_steps(c.meter), velocity)
    written = Written(voices, got, draft.logp, draft.tokens, (1, bars))
    if bars > 1 and not _ends_on_tonic(events):
        written.voices, written.tokens = _cadence(gen, c, voices, bars, sampling, velocity)
        written.tokens += draft.tokens
    return written


def _cadence(gen: Generator, c: Controls, voices: list[list[Note]], bars: int,
             sampling: Sampling, velocity: int, octave: int = 0) -> tuple[list[list[Note]], int]:  # fmt: skip
    """The last bar written again when the piece does not end on the tonic: a piece in A minor
    ends on A. Candidates come from `rewrite`, which prefers tonic endings."""
    fix = rewrite(gen, c, voices, bars, bars, bars, replace(sampling, seed=sampling.seed + 1),
                  velocity=velocity, octave=octave, candidates=4)  # fmt: skip
    cut = (bars - 1) * c.meter[0] * 4.0 / c.meter[1]
    out = []
    for old, new in zip(voices, fix.voices, strict=True):
        kept = [replace(n, dur_beats=min(n.dur_beats, cut - n.start_beats))
                for n in old if n.start_beats < cut]  # fmt: skip
        out.append([*kept, *new])
    return out, fix.tokens


def extend(gen: Generator, c: Controls, given: Sequence[Sequence[Note]], given_bars: int,
           more: int, sampling: Sampling, velocity: int = 80, octave: int = 0,
           progress: Progress | None = None) -> Written:  # fmt: skip
    """`more` bars after the given ones; the result's voices hold only the new notes."""
    _check_meter(c.meter)
    total = given_bars + more
    if more < 1 or total > MAX_TOTAL_BARS:
        raise InputError(f"A continuation adds 1 or more bars, up to {MAX_TOTAL_BARS} in all.")
    events = to_events(given, c.key, octave, given_bars * bar_steps(c.meter))
    prompt = encode_body(events, c.meter, given_bars, c.parts)[:-1]  # without EOS
    val, aro = mood_levels(gen, events, c.key.mode, c.meter)
    c = replace(c, valence=val, arousal=aro) if c.valence == "mid" == c.arousal else c
    draft = gen.sample(c.header(total), prompt, c.rules(total), 1, sampling, progress=progress)[0]
    new, _ = decode_body([*prompt, *draft.body], c.meter)
    size = bar_steps(c.meter)
    new = [e for e in new if e.start >= given_bars * size]
    voices = to_notes(new, c.key, 4 if c.parts else 1, total * size, velocity, octave)
    written = Written(voices, total, draft.logp, draft.tokens, (given_bars + 1, total))
    if more > 1 and not _ends_on_tonic(new):  # the new ending, like a new piece, is a cadence
        whole = [[*g, *v] for g, v in zip(_lines(given, c.parts), voices, strict=True)]
        fixed, extra = _cadence(gen, c, whole, total, sampling, velocity, octave)
        start = given_bars * c.meter[0] * 4.0 / c.meter[1]
        written.voices = [[n for n in v if n.start_beats >= start - 1e-9] for v in fixed]
        written.tokens += extra
    return written


def _lines(given: Sequence[Sequence[Note]], parts: bool) -> list[list[Note]]:
    return [list(v) for v in given] if parts else [list(given[0])]


def rewrite(gen: Generator, c: Controls, given: Sequence[Sequence[Note]], total: int,
            first: int, last: int, sampling: Sampling, mood: Header | None = None,
            velocity: int = 80, octave: int = 0, progress: Progress | None = None,
            candidates: int = REWRITE_CANDIDATES) -> Written:  # fmt: skip
    """Bars first..last (1-based) written again; the result's voices hold only the new notes.

    `candidates` drafts are sampled in one batch under `mood` (the header, perhaps made darker);
    inside the piece each is scored by the log-probability, under the piece's own header, of the
    bar that follows it, and the best one wins: new bars that lead into the old ones. At the end
    of the piece, drafts that end on the tonic win, the likeliest of them (mean log-probability
    per token) first.
    """
    _check_meter(c.meter)
    if not 1 <= first <= last <= total:
        raise InputError(f"The piece has {total} bars; choose bars between 1 and {total}.")
    events = to_events(given, c.key, octave, total * bar_steps(c.meter))
    body = encode_body(events, c.meter, total, c.parts)
    bars = split_bars(body)
    prompt = [t for b in bars[: first - 1] for t in b]
    after = [t for b in bars[last : last + 1] for t in b] or [body[-1]]  # the next bar, or EOS
    val, aro = mood_levels(gen, events, c.key.mode, c.meter)
    own = replace(c, valence=val, arousal=aro).header(total)
    want = mood or own
    rules = replace(c.rules(total, want.mode), bars=total)
    drafts = gen.sample(want, prompt, rules, candidates, sampling, last, progress)
    if last < total:
        scores = [gen.score(own, [*prompt, *d.body], after) for d in drafts]
    else:  # nothing follows: the ending itself is judged below, and the draft by its likelihood
        scores = [d.logp / max(d.tokens, 1) for d in drafts]
    size = bar_steps(c.meter)
    lo, hi = (first - 1) * size, last * size
    drafted = [[e for e in decode_body([*prompt, *d.body], c.meter)[0] if lo <= e.start < hi]
               for d in drafts]  # fmt: skip
    # A rewrite of the last bar must still end the piece: on the tonic in the bass (or melody).
    cadence = [last < total or _ends_on_tonic(ev) for ev in drafted]
    best = max(range(len(drafts)), key=lambda i: (cadence[i], scores[i]))
    new = drafted[best]
    voices = to_notes(new, c.key, 4 if c.parts else 1, hi, velocity, octave)
    d = drafts[best]
    return Written(voices, total, d.logp, d.tokens, (first, last), scores)


def _ends_on_tonic(events: Sequence[Event]) -> bool:
    """Whether the lowest voice's last note is the tonic (tonic-C space: pitch class 0)."""
    if not events:
        return False
    low = max(e.voice for e in events)
    last = max((e for e in events if e.voice == low), key=lambda e: e.start)
    return last.pitch % 12 == 0


def splice(piece: Piece, tracks: Sequence[int], written: Written) -> Piece:
    """The piece with the written notes put into `tracks` (one per voice).

    A continuation only adds notes. A rewrite removes the notes of those tracks that start in the
    rewritten bars and cuts a held note where they begin; every other note stays as it was.
    """
    first, last = written.new_bars
    bar = piece.beats_per_bar
    lo, hi = (first - 1) * bar, last * bar
    out = []
    for i, track in enumerate(piece.tracks):
        notes = list(track.notes)
        if i in tracks:
            voice = written.voices[tracks.index(i)]
            kept = []
            for n in notes:
                if lo <= n.start_beats < hi:
                    continue
                if n.start_beats < lo < n.start_beats + n.dur_beats:
                    n = replace(n, dur_beats=lo - n.start_beats)
                kept.append(n)
            notes = sorted([*kept, *voice], key=lambda n: (n.start_beats, n.pitch))
        out.append(Track(track.name, track.program, notes, track.is_drum))
    # Its tempo map and key signature stay (a real file's ritardando); chord and section marks
    # named the old bars, so they go.
    return replace(piece, bars=max(piece.bars, written.bars), tracks=out, chords=[], sections=[])
