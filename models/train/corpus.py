"""Melody lines from the corpora that ship inside music21's PyPI package.

- chorale: the soprano of Bach's chorales (music21's MusicXML/krn files, parsed by music21).
- folk: the Essen folk song collection (ABC; non-commercial licence: read from the installed
  package at training time, never copied into this repository).
- irish: O'Neill's 1850 and Ryan's Mammoth Collection (ABC).
ABC is read with symusic, which is orders of magnitude faster than music21's ABC parser.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from models.music.theory import Key, key_scores

SUPPORTED_METERS = {(2, 4), (3, 4), (4, 4), (2, 2), (6, 8), (3, 8), (9, 8), (12, 8)}


@dataclass(frozen=True)
class MelodyLine:
    """A monophonic line in beats, with its key and meter."""

    source: str
    pitches: tuple[int, ...]
    starts: tuple[float, ...]  # beats from the first downbeat (a pickup starts below zero)
    durs: tuple[float, ...]
    meter: tuple[int, int]
    key: Key


def corpus_dir() -> Path:
    import music21

    return Path(music21.__file__).parent / "corpus"


def infer_key(sharps: int, pitches: list[int], durs: list[float]) -> Key:
    """Tonic and mode from the key signature plus the last note (folk and chorale practice)."""
    major = (sharps * 7) % 12
    minor = (major + 9) % 12
    final = pitches[-1] % 12
    if final == major:
        return Key(major, "major")
    if final == minor:
        return Key(minor, "minor")
    # The profiles decide when the final note does not settle the mode.
    scores = key_scores(pitches, durs)
    r_major, r_minor = scores.get(Key(major, "major"), 0.0), scores.get(Key(minor, "minor"), 0.0)
    return Key(major, "major") if r_major >= r_minor else Key(minor, "minor")


def _align_pickup(starts: list[float], durs: list[float], bar_len: float) -> list[float]:
    """Shift onsets so bar lines fall at multiples of bar_len (a pickup complements the last bar)."""
    total = starts[-1] + durs[-1] - starts[0]
    rest = round(total % bar_len, 3)
    pickup = 0.0 if rest in (0.0, round(bar_len, 3)) else rest
    return [s - starts[0] - pickup for s in starts]


def _line(source: str, notes: list[tuple[int, float, float]], meter, sharps) -> MelodyLine | None:
    if len(notes) < 8 or meter not in SUPPORTED_METERS:
        return None
    notes.sort(key=lambda n: (n[1], -n[0]))
    mono: list[tuple[int, float, float]] = []
    for n in notes:  # keep the top note of any chord
        if mono and abs(mono[-1][1] - n[1]) < 1e-6:
            continue
        mono.append(n)
    pitches = [n[0] for n in mono]
    durs = [n[2] for n in mono]
    bar_len = meter[0] * 4.0 / meter[1]
    starts = _align_pickup([n[1] for n in mono], durs, bar_len)
    key = infer_key(sharps, pitches, durs)
    return MelodyLine(source, tuple(pitches), tuple(starts), tuple(durs), meter, key)


@contextmanager
def _silenced() -> Iterator[None]:
    """Mute the C++ ABC parser, which prints a warning per odd bar to stdout (file descriptors,
    so Python's own redirection cannot catch it)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


def abc_tunes(folder: str) -> Iterator[MelodyLine]:
    """Every tune of every multi-tune ABC file in one corpus folder."""
    import symusic

    for path in sorted((corpus_dir() / folder).glob("*.abc")):
        text = path.read_text(encoding="latin-1")
        # i numbers every chunk of the file (the preamble too): source names depend on it.
        tunes = [(i, t) for i, t in enumerate(re.split(r"\n(?=X:)", text))
                 if t.lstrip().startswith("X:")]  # fmt: skip
        scores = []
        with _silenced():
            for i, tune in tunes:
                try:
                    scores.append((i, symusic.Score.from_abc(tune)))
                except Exception:  # a few tunes in the collections are malformed
                    continue
        for i, score in scores:
            if not score.tracks or not score.time_signatures or not score.key_signatures:
                continue
            tpq = score.ticks_per_quarter
            ts = score.time_signatures[0]
            notes = [(n.pitch, n.time / tpq, n.duration / tpq) for n in score.tracks[0].notes]
            line = _line(
                f"{folder}/{path.stem}#{i}",
                notes,
                (ts.numerator, ts.denominator),
                score.key_signatures[0].key,
            )
            if line:
                yield line


@dataclass(frozen=True)
class ChoraleVoices:
    """The four voices of one Bach chorale: (MIDI pitch, onset, duration) in beats per voice."""

    source: str  # the corpus file, e.g. "bach/bwv269": the held-out split is keyed on it
    voices: tuple[tuple[tuple[int, float, float], ...], ...]  # soprano, alto, tenor, bass
    meter: tuple[int, int]
    key: Key


def chorale_voices() -> Iterator[ChoraleVoices]:
    """Each distinct four-voice Bach chorale in music21's corpus (350 files).

    The key comes from the key signature and the final bass note (the soprano often ends on the
    third or fifth; the bass ends on the tonic in all but a few Phrygian endings).
    """
    from music21 import corpus, key, meter

    seen: set[str] = set()
    for name in corpus.chorales.Iterator(returnType="filename"):
        if name in seen:
            continue
        seen.add(name)
        try:
            score = corpus.parse(name)
        except Exception:  # pragma: no cover - the shipped corpus parses
            continue
        if len(score.parts) < 4:
            continue
        flat = score.flatten()
        sigs = flat.getElementsByClass(key.KeySignature)
        tss = flat.getElementsByClass(meter.TimeSignature)
        if not sigs or not tss:
            continue
        voices = []
        for part in score.parts[:4]:
            notes = [
                (int(n.pitches[-1].midi), float(n.offset), float(n.quarterLength))
                for n in part.stripTies().flatten().notes
                if n.quarterLength > 0
            ]
            voices.append(tuple(notes))
        if any(len(v) < 4 for v in voices):
            continue
        bass = voices[3]
        the_key = infer_key(sigs[0].sharps, [n[0] for n in bass], [n[2] for n in bass])
        ts = tss[0]
        yield ChoraleVoices(name, tuple(voices), (ts.numerator, ts.denominator), the_key)


def chorale_sopranos(chorales: Iterator[ChoraleVoices] | None = None) -> Iterator[MelodyLine]:
    """The soprano line of each Bach chorale, in the key found from the whole chorale."""
    for chorale in chorales if chorales is not None else chorale_voices():
        line = _line(chorale.source, list(chorale.voices[0]), chorale.meter, 0)
        if line:
            yield MelodyLine(
                line.source, line.pitches, line.starts, line.durs, line.meter, chorale.key
            )


def count_pieces(style: str) -> int:
    """How many pieces a style's source yields at most (for progress bars): cheap, no parsing."""
    if style == "chorale":
        from music21 import corpus

        return len(set(corpus.chorales.Iterator(returnType="filename")))
    folders = {"folk": ("essenFolksong",), "irish": ("oneills1850", "ryansMammoth")}[style]
    return sum(
        len(re.findall(r"^X:", p.read_text(encoding="latin-1"), flags=re.M))
        for f in folders
        for p in (corpus_dir() / f).glob("*.abc")
    )


STYLE_SOURCES = {
    "chorale": lambda: chorale_sopranos(),
    "folk": lambda: abc_tunes("essenFolksong"),
    "irish": lambda: (t for f in ("oneills1850", "ryansMammoth") for t in abc_tunes(f)),
}
