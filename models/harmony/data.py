"""Chord data for the harmony models, read from `data/harmony/` (see its ATTRIBUTION.md), with
chords as tokens relative to the key (`Chord.token(tonic)`). No chord (`N`, `X`, `&pause`, `*`)
and unreadable labels are dropped and counted in `SKIPPED`; nothing is cached on disk.

- Billboard: a header (`# metre: 4/4`, `# tonic: C`), then lines of bars (`A, verse, | A:min |
  A:min C:maj |, (voice`). Chords share a bar evenly, `.` repeats the one before, `(3/4)` opens a
  bar of another length, `x2` repeats a line; `# tonic:` / `# metre:` may come mid-song. A beat
  is one count of the metre (an eighth in 6/8 and 12/8). Only the tonic is given, so `infer_mode`
  calls a key region minor when its tonic-root triads and sevenths are mostly (by beats) minor
  families (min, min7, dim, dim7, hdim7), or with none or a tie, when the tonic's minor third
  sounds longer than its major third.
- POP909: `chord_midi.txt` (start, end, label), `beat_midi.txt` (time, half-bar flag, downbeat
  flag: 1 on a bar's first beat), `key_audio.txt` (start, end, key), the MIDI (PIANO: the bass).
- free-midi-chords, read as text: numerals as python-mingus (its renderer) reads them: case
  ignored, a bare numeral is the scale's own triad (`7`: its seventh, `I7` is Imaj7, `Idom7` the
  dominant), a suffix names the chord (`M`, `m`, `sus2`, `M-5`...), `b`/`#` move it. Major lists
  in major, minor ones in natural minor, modal ones in major with the mode from `infer_mode`.
  Except `viadd9`: read as minor add9, as its case asks.
"""

from __future__ import annotations

import ast
import re
import struct
import tarfile
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.harmony.chords import MINOR_FAMILIES, QUALITIES, ROMANS, Chord, parse_harte
from models.music.raw_midi import TEMPO, track_events
from models.music.theory import SCALE_STEPS, parse_tonic
from models.splits import is_held_out

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "harmony"
SECTIONS = ("intro", "verse", "prechorus", "chorus", "bridge", "instrumental", "outro", "any")
NO_CHORD = frozenset({"N", "X", "&pause", "*"})
SKIPPED: Counter[str] = Counter()  # "<loader>:<label>" -> times dropped since import
# Billboard's section words (lower case, ordinals and a/b parts dropped) -> our SECTIONS.
LABELS = {
    "intro": "intro", "pre-intro": "intro", "fade in": "intro", "fadein": "intro",
    "verse": "verse", "pre-verse": "verse", "spoken verse": "verse",
    "pre-chorus": "prechorus", "prechorus": "prechorus", "pre chorus": "prechorus",
    "chorus": "chorus", "refrain": "chorus", "bridge": "bridge", "instrumental": "instrumental",
    "instrumental break": "instrumental", "solo": "instrumental", "interlude": "instrumental",
    "theme": "instrumental", "main theme": "instrumental", "secondary theme": "instrumental",
    "outro": "outro", "coda": "outro", "ending": "outro", "trans": "any", "transition": "any",
    "key change": "any", "modulation": "any", "vocal": "any", "spoken": "any",
}  # fmt: skip
FADES = frozenset({"fadeout", "fade out"})  # a lettered section that only fades is an outro
_LETTER = re.compile(r"^[A-Z]'*$")
_PART = re.compile(r"[ -](?:one|two|three|four|five|a|b)$")
_METRE = re.compile(r"^\((\d+)/(\d+)\)$")
_REPEAT = re.compile(r"\bx(\d+)\b")
_MODES = {"maj": "major", "min": "minor"}  # key_audio.txt's qualities
_NO_THIRD = frozenset({"5", "sus2", "sus4", "7sus4"})
_parse = lru_cache(maxsize=None)(parse_harte)
Event = tuple[Chord | None, float, float]  # (chord or None for no chord, beats, bar_pos)
Run = tuple[str, int, int, list[Event]]  # a Billboard section: label, key region, metre, events


@dataclass(frozen=True)
class Segment:
    """One chord: its token relative to the key, its length and where in the bar it starts."""

    token: str
    beats: float
    bar_pos: float


@dataclass
class Section:
    """A stretch of one song in one key and metre, under one section label."""

    song: str
    label: str
    mode: str
    beats_per_bar: int
    segments: list[Segment]
    tonic: int


@dataclass(frozen=True)
class BassBar:
    """A 4/4 bar of POP909: the chords sounding in it and its bass onsets (see pop909_bass_bars)."""

    song: str
    mode: str
    chords: tuple[tuple[float, str], ...]
    onsets: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class MoodProgression:
    """A free-midi-chords progression: relative tokens (tonic 0), mode, lower-case mood words."""

    tokens: tuple[str, ...]
    mode: str
    moods: tuple[str, ...]


def is_test(song: str) -> bool:
    """The documented split (models/splits.py): crc32 of "billboard/<id>" etc., 1 in 10."""
    return is_held_out(song)


def _members(archive: str, data_dir: Path) -> Iterable[tuple[str, bytes]]:
    """(path, bytes) of every file in an archive, in its (sorted) order."""
    with tarfile.open(data_dir / archive) as tar:
        for member in (member for member in tar if member.isfile()):
            yield member.name, tar.extractfile(member).read()  # type: ignore[union-attr]


def _chord(label: str, loader: str) -> Chord | None:
    chord = None if label in NO_CHORD else _parse(label)
    if chord is None:
        SKIPPED[f"{loader}:{label}"] += 1
    return chord


def infer_mode(chords: list[tuple[Chord, float]], tonic: int) -> str:
    """'minor' or 'major' for (chord, beats) over a tonic: the rule in the module docstring."""
    weight = {True: 0.0, False: 0.0}
    for chord, beats in chords:
        if chord.root == tonic and chord.quality not in _NO_THIRD:
            weight[chord.family in MINOR_FAMILIES] += beats
    if weight[True] == weight[False]:
        for chord, beats in chords:
            weight[True] += beats * ((tonic + 3) % 12 in chord.pcs)
            weight[False] += beats * ((tonic + 4) % 12 in chord.pcs)
    return "minor" if weight[True] > weight[False] else "major"


def _segments(events: list[Event], tonic: int) -> list[Segment]:
    """Events as segments: no chord dropped, a chord right after the same chord merged into it."""
    out: list[Segment] = []
    joined = False
    for chord, beats, pos in events:
        if chord and joined and out[-1].token == chord.token(tonic):
            out[-1] = Segment(out[-1].token, out[-1].beats + beats, out[-1].bar_pos)
        elif chord:
            out.append(Segment(chord.token(tonic), beats, pos))
        joined = chord is not None
    return out


def normalise_label(words: Iterable[str], lettered: bool) -> str | None:
    """A Billboard line's section words -> one of SECTIONS; None when the line starts no new
    section (no letter and no section word: a mid-section 'fadeout' or an instrument note)."""
    found = [w for w in (_PART.sub("", re.sub(r"[()]", "", w).strip().lower()) for w in words) if w]
    label = next((LABELS[word] for word in found if word in LABELS), None)
    if label or not lettered:
        return label
    return "outro" if FADES & set(found) else "any"


def _read_billboard_song(text: str) -> tuple[list[Run], list[int]]:
    """A salami_chords.txt as its runs and the tonic of each key region."""
    runs: list[Run] = []
    tonics: list[int] = []
    label, count, unit, run, last = "any", 4, 4, None, None
    for line in text.splitlines():
        if line.startswith("#"):
            key, _, value = (part.strip() for part in line[1:].partition(":"))
            if key == "tonic":
                tonics.append(parse_tonic(value))
            elif key == "metre":
                count, unit = (int(n) for n in value.split("/"))
            run = None  # a new key or metre: a new section
            continue
        line = line.partition("\t")[2]
        if "|" not in line:
            run = None  # silence, end, Z: the section pauses
            continue
        head, body, tail = line[: line.index("|")], line[line.index("|") : line.rindex("|")], line[line.rindex("|") + 1 :]  # fmt: skip
        words = [w for w in head.split(",") if w.strip()]
        letters = [w for w in words if _LETTER.match(w.strip())]
        new = normalise_label([w for w in words if w not in letters], bool(letters))
        if new is not None or run is None:
            label = new or label
            run = (label, max(len(tonics) - 1, 0), count, [])
            runs.append(run)
        for _ in range(int(m[1]) if (m := _REPEAT.search(tail)) else 1):
            for bar in body.split("|"):
                symbols, beats = bar.split(), float(count)
                if symbols and (metre := _METRE.match(symbols[0])):
                    symbols, beats = symbols[1:], int(metre[1]) * unit / int(metre[2])
                for i, symbol in enumerate(symbols):
                    last = last if symbol == "." else _chord(symbol, "billboard")
                    run[3].append((last, beats / len(symbols), i * beats / len(symbols)))
    return runs, tonics or [0]


def billboard_sections(data_dir: Path = DATA_DIR) -> list[Section]:
    """Every Billboard song as sections (each labelled stretch, split at key and metre changes)."""
    sections = []
    for name, data in _members("billboard.tar.xz", data_dir):
        if not name.endswith("salami_chords.txt"):
            continue
        song = "billboard/" + name.split("/")[-2]
        runs, tonics = _read_billboard_song(data.decode("utf-8", "replace"))
        modes = [infer_mode([(c, b) for r in runs if r[1] == i for c, b, _ in r[3] if c], tonic)
                 for i, tonic in enumerate(tonics)]  # fmt: skip
        for label, region, count, events in runs:
            if segments := _segments(events, tonics[region]):
                sections.append(Section(song, label, modes[region], count, segments, tonics[region]))  # fmt: skip
    return sections


@dataclass
class _Pop:
    """One POP909 song: beat grid, keys and chords (in beat indices), from its text files."""

    song: str
    times: list[float]  # beat times (seconds)
    downbeats: list[int]  # beat indices that start a bar
    keys: list[tuple[float, int, str]]  # (start seconds, tonic, mode)
    chords: list[tuple[int, int, Chord | None, float]]  # (start beat, end beat, chord, start s)
    beats_per_bar: int = 4  # the usual distance between downbeats

    def key_index(self, seconds: float) -> int:
        return max(bisect_right([k[0] for k in self.keys], seconds + 1e-3) - 1, 0)

    def bar_pos(self, beat: int) -> int:
        k = bisect_right(self.downbeats, beat) - 1
        if 0 <= k < len(self.downbeats) - 1:
            return beat - self.downbeats[k]
        return (beat - self.downbeats[max(k, 0)]) % self.beats_per_bar  # before/after the bars


def beat_positions(times: list[float], seconds: list[float]) -> list[float]:
    """Fractional beat indices of times in seconds on a beat grid (extrapolated past its ends)."""
    grid, at = np.asarray(times), np.asarray(seconds, dtype=float)
    beats = np.interp(at, grid, np.arange(len(grid), dtype=float))
    beats += np.minimum(at - grid[0], 0) / (grid[1] - grid[0])
    beats += np.maximum(at - grid[-1], 0) / (grid[-1] - grid[-2])
    return beats.tolist()


def _pop909(data_dir: Path) -> Iterable[tuple[_Pop, bytes]]:
    """Every POP909 song with a beat grid and a key, with its MIDI bytes, in song order."""
    files: dict[str, dict[str, bytes]] = defaultdict(dict)
    for name, data in _members("pop909.tar.xz", data_dir):
        _, song, file = name.split("/")
        files[song][file.removeprefix(f"{song}.")] = data
    for song, parts in sorted(files.items()):
        rows = {name: [line.split() for line in data.decode().splitlines() if line.strip()]
                for name, data in parts.items() if name.endswith(".txt")}  # fmt: skip
        beats = rows["beat_midi.txt"]
        keys = [(float(start), parse_tonic(key.split(":")[0]), _MODES[key.split(":")[1]])
                for start, _, key in rows["key_audio.txt"]]  # fmt: skip
        if len(beats) < 2 or not keys:
            continue
        downbeats = [i for i, row in enumerate(beats) if float(row[2]) == 1] or [0]
        gaps = Counter(b - a for a, b in zip(downbeats, downbeats[1:], strict=False))
        times = [float(row[0]) for row in beats]
        pop = _Pop(f"pop909/{song}", times, downbeats, keys, [], gaps.most_common(1)[0][0] if gaps else 4)  # fmt: skip
        chords = rows["chord_midi.txt"]
        ends = [round(b) for b in beat_positions(times, [float(t) for c in chords for t in c[:2]])]
        for (start, _, label), a, b in zip(chords, ends[::2], ends[1::2], strict=True):
            if b > a:  # shorter than half a beat: dropped
                pop.chords.append((a, b, _chord(label, "pop909"), float(start)))
        yield pop, parts.get("mid", b"")


def pop909_sections(data_dir: Path = DATA_DIR) -> list[Section]:
    """Every POP909 song as one section (label "any") per key region of its key_audio.txt."""
    sections = []
    for pop, _ in _pop909(data_dir):
        regions: dict[int, list[Event]] = defaultdict(list)
        last_end = None
        for start, end, chord, seconds in pop.chords:
            region = regions[pop.key_index(seconds)]
            if start != last_end:
                region.append((None, 0.0, 0.0))  # a gap: no merging across it
            region.append((chord, float(end - start), float(pop.bar_pos(start))))
            last_end = end
        for index, events in sorted(regions.items()):
            _, tonic, mode = pop.keys[index]
            if segments := _segments(events, tonic):
                sections.append(Section(pop.song, "any", mode, pop.beats_per_bar, segments, tonic))
    return sections


def _track(body: bytes) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """A MIDI track chunk's (tick, pitch) of each note-on and (tick, tempo) changes."""
    notes, tempos = [], []
    for tick, status, data in track_events(body):
        if status == TEMPO:
            tempos.append((tick, int.from_bytes(data, "big")))
        elif status & 0xF0 == 0x90 and data[1]:
            notes.append((tick, data[0]))
    return notes, tempos


def midi_onsets(midi: bytes, track: str = "PIANO") -> list[tuple[float, int]]:
    """(seconds, pitch) of each note-on in the named track, timed by the tempo map (120 bpm if
    none). Training only: mido (`music.midi_io`) took 30 s for the 909 files; this reads one."""
    tpb, i = struct.unpack(">H", midi[12:14])[0], 8 + struct.unpack(">I", midi[4:8])[0]
    notes, tempos, name = [], [], b"\x00\xff\x03" + bytes([len(track)]) + track.encode()
    while i + 8 <= len(midi):
        length = struct.unpack(">I", midi[i + 4 : i + 8])[0]
        body, i = midi[i + 8 : i + 8 + length], i + 8 + length
        if not tempos or body.startswith(name):  # the tempo map, or the track asked for
            found, changes = _track(body)
            tempos, notes = tempos or changes, found if body.startswith(name) else notes
    out, k, base_tick, base_s, tempo = [], 0, 0, 0.0, 500_000
    for tick, pitch in sorted(notes):
        while k < len(tempos) and tempos[k][0] <= tick:
            base_s += (tempos[k][0] - base_tick) * tempo / 1e6 / tpb
            base_tick, tempo, k = tempos[k][0], tempos[k][1], k + 1
        out.append((base_s + (tick - base_tick) * tempo / 1e6 / tpb, pitch))
    return out


def pop909_bass_bars(data_dir: Path = DATA_DIR) -> list[BassBar]:
    """POP909's 4/4 bars (4 beats between downbeats) with a chord, each with its bass onsets:
    (16th step 0..15, interval of the pitch above the sounding chord's root, MIDI pitch) for every
    step whose lowest starting PIANO note (onset rounded to the nearest 16th) is below MIDI 60.
    Tokens and mode follow the key at the bar's downbeat; onsets under no chord are left out."""
    bars = []
    for pop, midi in _pop909(data_dir):
        chords = [(a, b, c) for a, b, c, _ in pop.chords if c is not None]
        onsets = midi_onsets(midi) if midi and chords else []
        lowest: dict[int, int] = {}
        for beat, (_, pitch) in zip(beat_positions(pop.times, [s for s, _ in onsets]), onsets, strict=True):  # fmt: skip
            lowest[round(beat * 4)] = min(pitch, lowest.get(round(beat * 4), 128))
        chord_at = {step: (a, c) for a, b, c in chords for step in range(a * 4, b * 4)}
        for down, nxt in zip(pop.downbeats, pop.downbeats[1:], strict=False):
            bar = [chord_at[g] for g in range(down * 4, down * 4 + 16) if g in chord_at]
            sounding = [x for k, x in enumerate(bar) if not k or x[0] != bar[k - 1][0]]
            if nxt - down != 4 or not sounding:
                continue
            _, tonic, mode = pop.keys[pop.key_index(pop.times[down])]
            notes = tuple((step, (pitch - chord_at[g][1].root) % 12, pitch) for step in range(16)
                          if (pitch := lowest.get(g := down * 4 + step, 128)) < 60 and g in chord_at)  # fmt: skip
            heard = tuple((float(max(a - down, 0)), c.token(tonic)) for a, c in sounding)
            bars.append(BassBar(pop.song, mode, heard, notes))
    return bars


# Suffix -> quality (python-mingus's names); "" and "7" take the scale's own triad / seventh.
_SUFFIX = {"M": "maj", "m": "min", "dim": "dim", "5": "5", "M-5": "maj", "sus2": "sus2",
           "sus4": "sus4", "dom7": "7", "M7": "maj7", "m7": "min7", "m9": "min9", "9": "9",
           "add9": "add9", "madd9": "madd9", "6": "6", "M6": "6", "m6": "min6", "69": "6/9"}  # fmt: skip
_STACKED = {intervals[1:]: quality for quality, intervals in QUALITIES.items()}
_NUMERAL = re.compile(r"^([b#]*)([IViv]+)(.*)$")


def roman_chord(text: str, scale: str) -> Chord:
    """A free-midi-chords numeral ('bVIIM', 'iim7', 'I7', 'IM-5') as a chord over tonic 0."""
    accidentals, numeral, suffix = _NUMERAL.match(text).groups()  # type: ignore[union-attr]
    steps, degree = SCALE_STEPS[scale], ROMANS.index(numeral.upper())
    root = steps[degree] + accidentals.count("#") - accidentals.count("b")
    if suffix in ("", "7"):  # the scale's own triad or seventh chord
        above = tuple((steps[(degree + k) % 7] - steps[degree]) % 12 for k in (2, 4, 6))
        quality = _STACKED[above[: 3 if suffix else 2]]
    else:  # 'viadd9': the case asks for minor (mingus would play it major)
        quality = "madd9" if numeral.islower() and suffix == "add9" else _SUFFIX[suffix]
    return Chord(root % 12, quality)


def mood_progressions(data_dir: Path = DATA_DIR) -> list[MoodProgression]:
    """The 190 free-midi-chords progressions (major, minor, then modal; 'New' tags dropped)."""
    tree = ast.parse((data_dir / "free-midi-chords-chords.py").read_text())
    lists = {target.id: ast.literal_eval(node.value) for node in tree.body
             if isinstance(node, ast.Assign) for target in node.targets
             if isinstance(target, ast.Name) and target.id.startswith("prog_")}  # fmt: skip
    out = []
    for name, scale in (("prog_maj", "major"), ("prog_min", "minor"), ("prog_modal", "major")):
        for line in lists[name]:
            numerals, _, tags = line.partition("=")
            chords = [roman_chord(n, scale) for n in numerals.split()]
            mode = scale if name != "prog_modal" else infer_mode([(c, 1.0) for c in chords], 0)
            moods = tuple(w.lower() for w in tags.split() if w.lower() != "new")
            out.append(MoodProgression(tuple(c.token(0) for c in chords), mode, moods))
    return out
