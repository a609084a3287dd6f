"""Melody lines from the corpora that ship inside music21's PyPI package.

- chorale: the soprano of Bach's chorales (music21's MusicXML/krn files, parsed by music21).
- folk: the Essen folk song collection (ABC; non-commercial licence: read from the installed
  package at training time, never copied into this repository).
- irish: O'Neill's 1850 and Ryan's Mammoth Collection (ABC).
ABC is read with symusic, which is orders of magnitude faster than music21's ABC parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.music.theory import Key

SUPPORTED_METERS = {(2, 4), (3, 4), (4, 4), (2, 2), (6, 8), (3, 8), (9, 8), (12, 8)}
# Krumhansl-Kessler key profiles, used only when the final note does not settle the mode.
_MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


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
    hist = np.zeros(12)
    for p, d in zip(pitches, durs, strict=True):
        hist[p % 12] += d
    r_major = np.corrcoef(hist, np.roll(_MAJOR_PROFILE, major))[0, 1]
    r_minor = np.corrcoef(hist, np.roll(_MINOR_PROFILE, minor))[0, 1]
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


def abc_tunes(folder: str) -> Iterator[MelodyLine]:
    """Every tune of every multi-tune ABC file in one corpus folder."""
    import symusic

    for path in sorted((corpus_dir() / folder).glob("*.abc")):
        text = path.read_text(encoding="latin-1")
        for i, tune in enumerate(re.split(r"\n(?=X:)", text)):
            if not tune.lstrip().startswith("X:"):
                continue
            try:
                score = symusic.Score.from_abc(tune)
            except Exception:  # a few tunes in the collections are malformed
                continue
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


def chorale_sopranos() -> Iterator[MelodyLine]:
    """The soprano line of each Bach chorale in music21's corpus."""
    from music21 import corpus, key, meter

    for score in corpus.chorales.Iterator(returnType="stream"):
        if score is None or not score.parts:
            continue
        part = score.parts[0].stripTies()
        flat = part.flatten()
        sigs = flat.getElementsByClass(key.KeySignature)
        tss = flat.getElementsByClass(meter.TimeSignature)
        if not sigs or not tss:
            continue
        notes = [
            (int(n.pitches[-1].midi), float(n.offset), float(n.quarterLength))
            for n in flat.notes
            if n.quarterLength > 0
        ]
        ts = tss[0]
        name = str(score.metadata.title if score.metadata else "chorale")
        line = _line(f"bach/{name}", notes, (ts.numerator, ts.denominator), sigs[0].sharps)
        if line:
            yield line


STYLE_SOURCES = {
    "chorale": lambda: chorale_sopranos(),
    "folk": lambda: abc_tunes("essenFolksong"),
    "irish": lambda: (t for f in ("oneills1850", "ryansMammoth") for t in abc_tunes(f)),
}
