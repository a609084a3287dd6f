"""A track: drums, bass, chords and a lead in a genre, section by section.

    arrange(TrackRequest(genre="lofi", bars=8, seed=3)) -> Arrangement (a Piece with one track
    per part, chord symbols and section marks)

Each distinct section (a verse of 8 bars, a chorus of 8) is written once and repeated where
the form repeats it, as songs do: the drum engine plays its groove (models/drums), the harmony
engine writes its progression and voices the chords and a bass locked to that groove's kick
(models/harmony), and the lead model sings over the chords (models/arrangement/lead.py). The
chorale, folk and Irish genres come from the composition engine (Markov + HMM) instead.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import replace

from models.arrangement.form import (
    plan_form,
    seconds_to_bars,
    sections_of,
)
from models.arrangement.genres import (
    BASS_PROGRAMS,
    CHORD_INSTRUMENTS,
    LEAD_PROGRAMS,
    Genre,
    PartSpec,
    get_genre,
)
from models.arrangement.notes import chord_marks, track_name  # noqa: F401 (used by edits)
from models.arrangement.track import Arrangement, TrackRequest
from models.errors import InputError
from models.music.piece import Piece
from models.music.theory import Key

METERS = {"4/4": (4, 4), "3/4": (3, 4), "6/8": (6, 8)}
# Part names producers use for a role the band may not have under that name.
ROLE_ALIASES = {"keys": "chords", "piano": "chords", "guitar": "chords", "melody": "lead",
                "tune": "lead", "topline": "lead", "hook": "lead", "strings": "pad",
                "808": "bass", "bassline": "bass", "beat": "drums"}  # fmt: skip
# Keys a producer meets most, by mode: a track without a key gets one of these by its seed.
COMMON_KEYS = {"major": (0, 7, 2, 5, 10, 3, 9, 4), "minor": (9, 4, 2, 0, 7, 6, 11, 5)}


def arrange(req: TrackRequest) -> Arrangement:
    """The track asked for, or an InputError saying in one sentence what can't be done."""
    genre = get_genre(req.genre)
    meter = req.meter or genre.meter
    if meter not in METERS:
        raise InputError(f"I write tracks in 4/4, 3/4 or 6/8, not {meter[:10]}.")
    tempo = float(req.tempo_bpm or genre.tempo[1])
    if not 30 <= tempo <= 300:
        raise InputError(f"A tempo of {tempo:g} bpm is out of range; use 30 to 300.")
    num, den = METERS[meter]
    bar_beats = num * 4.0 / den
    counted = bar_beats / (1.5 if meter == "6/8" else 1.0)  # beats per bar as counted
    bars = req.bars
    if bars is None and req.seconds is not None:
        if req.seconds <= 0:
            raise InputError(f"A track can't last {req.seconds:g} seconds.")
        bars = seconds_to_bars(req.seconds, tempo, counted)
    plan = plan_form(genre, bars, req.song)
    parts = resolve_parts(genre, req)
    sections = sections_of(genre, plan, parts, req.song)
    key = _key(req, genre)
    quarter_bpm = tempo * (1.5 if meter == "6/8" else 1.0)
    total = sum(s.bars for s in sections)
    piece = Piece(key, quarter_bpm, (num, den), total)
    out = Arrangement(req, genre, key, tempo, meter, sections, parts, piece)
    if genre.engine == "composition":
        from models.arrangement.band import composed

        composed(out)
    else:
        from models.arrangement.band import play_band

        play_band(out)
    return out


def _key(req: TrackRequest, genre: Genre) -> Key:
    if req.key is not None:
        return req.key
    from models.harmony.engine import MINOR_MOODS, MOODS

    mode = req.mode or ("minor" if set(MOODS.get(req.mood or "", ())) & MINOR_MOODS else
                        "major" if req.mood in MOODS else genre.mode)  # fmt: skip
    rng = random.Random(req.seed * 7919 + zlib.crc32(genre.name.encode()))
    return Key(rng.choice(COMMON_KEYS[mode]), mode)


def resolve_parts(genre: Genre, req: TrackRequest) -> list[PartSpec]:
    """The genre's band with the producer's instruments, additions and omissions."""
    parts = list(genre.parts)
    for target, word in req.instruments:
        parts = with_instrument(parts, target, word)
    if req.only:
        parts = [p for p in parts if p.name in req.only or p.role in req.only]
    if req.without:
        parts = [p for p in parts if p.name not in req.without and p.role not in req.without]
    if not parts:
        raise InputError(f"That leaves no part to play; a {genre.label} track has "
                         f"{', '.join(p.name for p in genre.parts)}.")  # fmt: skip
    return parts


def part_for(role: str, word: str, name: str | None = None) -> PartSpec:
    """A part playing `word` in `role`, or one clear sentence about an instrument it can't."""
    w = word.lower().strip()
    if role == "bass":
        if w not in BASS_PROGRAMS:
            raise InputError(f"I can't play the bass on {word[:30]}; I have "
                             f"{', '.join(sorted(BASS_PROGRAMS))}.")  # fmt: skip
        return PartSpec(name or "bass", "bass", w, BASS_PROGRAMS[w])
    if role in ("chords", "pad"):
        if w not in CHORD_INSTRUMENTS:
            raise InputError(f"I can't voice chords on {word[:30]}; I have "
                             f"{', '.join(sorted(CHORD_INSTRUMENTS))}.")  # fmt: skip
        rhythm = "pad" if role == "pad" else None
        return PartSpec(name or role, role, w, CHORD_INSTRUMENTS[w][1], rhythm=rhythm)
    if role == "lead":
        if w not in LEAD_PROGRAMS:
            raise InputError(f"I can't play a lead on {word[:30]}; I have "
                             f"{', '.join(sorted(LEAD_PROGRAMS))}.")  # fmt: skip
        return PartSpec(name or "lead", "lead", w, LEAD_PROGRAMS[w])
    if role == "drums":
        raise InputError(f"Drums play their genre's kit, not {word[:30]}; name a drum style "
                         "(trap, house, rock...) for another sound.")  # fmt: skip
    raise InputError(f"A track's parts are drums, bass, chords, pad and lead, not {role[:20]}.")


def with_instrument(parts: list[PartSpec], target: str, word: str) -> list[PartSpec]:
    """The band with one part on another instrument (by its name or role); a role the band
    lacks is added ("with strings": a pad of strings)."""
    for i, p in enumerate(parts):
        if target in (p.name, p.role):
            new = part_for(p.role, word, p.name)
            rhythm = p.rhythm
            if p.role == "chords" and _voicing(new.instrument) != _voicing(p.instrument):
                rhythm = None  # a guitar strums where a piano pulsed: the style's own pattern
            parts[i] = replace(new, low=p.low, high=p.high, density=p.density, rhythm=rhythm)
            return parts
    role = ROLE_ALIASES.get(target, target)  # "keys=rhodes" in a band without keys: chords
    return [*parts, part_for(role, word, target if target != role else None)]


def _voicing(instrument: str) -> str:
    return CHORD_INSTRUMENTS.get(instrument, (instrument,))[0]
