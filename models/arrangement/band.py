"""Playing an arrangement's sections: the band (drums, harmony, lead engines) or the composition
engine (chorale, folk, Irish), into the arrangement's piece."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.arrangement.form import HARMONY_SECTION, Section
from models.arrangement.genres import CHORD_INSTRUMENTS, PartSpec
from models.arrangement.notes import (
    chord_marks,
    crash_after_fills,
    empty_tracks,
    material_seed,
    place,
)
from models.harmony.progression import Segment
from models.music.piece import ChordMark, SectionMark

if TYPE_CHECKING:
    from models.arrangement.track import Arrangement

LEAD_RANGE = (60, 79)  # a singable lead, C4 to G5
CANDIDATES = 4  # progressions written per section, the clearest in its key kept


def _clamp(x: float) -> float:
    return min(max(x, 0.05), 0.95)


def play_band(out: Arrangement) -> None:
    """Each distinct section written once (drums, then chords and a bass on its kick, then the
    lead over the chords) and placed wherever the form has it."""
    bar_beats = out.piece.beats_per_bar
    tracks = empty_tracks(out.parts)
    made: dict[tuple, tuple[dict, list[Segment]]] = {}
    segments: list[Segment] = []
    for sec in out.sections:
        key = (sec.name, sec.bars, sec.fill, sec.parts)
        if key not in made:
            made[key] = _section(out, sec)
        notes, segs = made[key]
        offset, length = sec.start_bar * bar_beats, sec.bars * bar_beats
        for name, part_notes in notes.items():
            tracks[name].notes += place(part_notes, offset, length)
        segments += [Segment(round(s.start + offset, 4), s.length, s.chord) for s in segs]
    drums = next((p.name for p in out.parts if p.role == "drums"), None)
    if drums is not None:
        played = [s for s in out.sections if drums in s.parts]
        tracks[drums].notes += crash_after_fills(played, bar_beats)
        tracks[drums].notes.sort(key=lambda n: (n.start_beats, n.pitch))
    out.piece.tracks = [t for t in tracks.values() if t.notes]
    out.piece.chords = chord_marks(segments, out.key)
    out.segments = segments
    if len(out.sections) > 1:
        out.piece.sections = [SectionMark(s.start_bar * bar_beats, s.label) for s in out.sections]


def _section(out: Arrangement, sec: Section) -> tuple[dict, list[Segment]]:
    """One section's notes by part name (from its start) and its chords."""
    from models.harmony.engine import HarmonyRequest
    from models.harmony.engine import get_engine as harmony_engine

    seed = material_seed(out.request.seed, sec)
    playing = {p.role: p for p in out.parts if p.name in sec.parts}
    notes: dict[str, list] = {}
    kicks = None
    if "drums" in playing:
        notes[playing["drums"].name], kicks = _drums(out, sec, playing["drums"], seed)
    chords = playing.get("chords") or playing.get("pad") or _role(out, "chords") or _role(out, "pad")
    bass = playing.get("bass") or _role(out, "bass")
    genre = out.genre
    hreq = HarmonyRequest(
        key=out.key, progression=out.request.progression,
        section=HARMONY_SECTION.get(sec.name, "verse"), mood=_mood(out),
        style=genre.harmony_style, bars=sec.bars, meter=out.meter,
        instrument=_voicing(chords), rhythm=chords.rhythm if chords else None,
        bass_style=bass.rhythm if bass else None, tempo_bpm=out.tempo_bpm, seed=seed,
        kicks=kicks,
    )  # fmt: skip
    harmony = _clearest(hreq, out.key)
    if chords is not None and chords.name in sec.parts:
        notes[chords.name] = harmony.chord_notes
    if "bass" in playing:
        notes[playing["bass"].name] = harmony.bass_notes
    pad = playing.get("pad")
    if pad is not None and pad is not chords:
        from dataclasses import replace

        layer = harmony_engine().play(replace(hreq, instrument=_voicing(pad), parts=("chords",),
                                              rhythm=pad.rhythm or "pad"), out.key, harmony.segments)  # fmt: skip
        notes[pad.name] = layer.chord_notes
    if "lead" in playing:
        notes[playing["lead"].name] = _lead(out, sec, playing["lead"], harmony.segments, seed)
    return notes, harmony.segments


def _clearest(req, key):  # noqa: ANN001, ANN202
    """Of CANDIDATES progressions the model writes for a section, the one that states the key
    most clearly: the largest margin of its chord tones' key correlation (Krumhansl profiles)
    over the next best key. A typed progression is played as it is."""
    from dataclasses import replace

    from models.harmony.engine import get_engine

    engine = get_engine()
    if req.progression is not None:
        return engine.write(req)
    tries = [engine.write(replace(req, seed=(req.seed + 7919 * k) % 2**31))
             for k in range(CANDIDATES)]  # fmt: skip
    return max(tries, key=lambda h: key_margin(h.segments, key))


def key_margin(segments: list[Segment], key) -> float:  # noqa: ANN001
    """How much better the chords' tones fit `key` than any other key (root counted twice)."""
    from models.music.theory import key_scores

    pitches, durs = [], []
    for seg in segments:
        for pc in (*seg.chord.pcs, seg.chord.bass_pc):
            pitches.append(pc)
            durs.append(seg.length)
    scores = {(k.tonic_pc, k.mode): v for k, v in key_scores(pitches, durs).items()}
    asked = scores.pop((key.tonic_pc, key.mode))
    return asked - max(scores.values())


def _mood(out: Arrangement) -> str | None:
    """The mood asked, else the genre's when it leans to the track's mode (a 'chill' leaning
    is major: in a minor lo-fi track it would pull the tonic chord to major)."""
    from models.harmony.engine import default_mode

    mood = out.genre.mood
    if out.request.mood or mood is None:
        return out.request.mood
    return mood if default_mode(mood) == out.key.mode else None


def _role(out: Arrangement, role: str) -> PartSpec | None:
    return next((p for p in out.parts if p.role == role), None)


def _voicing(part: PartSpec | None) -> str | None:
    if part is None:
        return None
    return CHORD_INSTRUMENTS.get(part.instrument, (part.instrument,))[0]


def _drums(out: Arrangement, sec: Section, part: PartSpec, seed: int) -> tuple[list, dict]:
    """The section's groove (busier with its energy, a fill at its end before a chorus or a
    drop, no kick in a build) and its kick per bar, for the bass to lock to."""
    from models.drums.engine import DrumRequest
    from models.drums.engine import get_engine as drum_engine
    from models.drums.song import to_piece

    density = _clamp((part.density or out.genre.density) + sec.energy - 0.5)
    fills = min(sec.bars, 8) if sec.fill and sec.bars % min(sec.bars, 8) == 0 else (
        sec.bars if sec.fill else 0)  # fmt: skip
    req = DrumRequest(style=part.rhythm or out.genre.drum_style or "pop", tempo_bpm=out.tempo_bpm,
                      bars=sec.bars, meter=out.meter, seed=seed, density=density,
                      fills_every=fills, without=("kick",) if sec.name == "build" else ())  # fmt: skip
    beat = drum_engine().write(req)
    kicks: dict[int, list[float]] = {b: [] for b in range(sec.bars)}
    for hit in beat.hits:
        if hit.name == "kick":
            kicks[hit.bar].append(max(0.0, round(beat.start_beats(hit) - hit.bar * out.piece.beats_per_bar, 3)))
    return to_piece(beat).tracks[0].notes, {b: sorted(set(k)) for b, k in kicks.items()}


def _lead(out: Arrangement, sec: Section, part: PartSpec, segments: list, seed: int) -> list:
    from models.arrangement.lead import write_lead

    low, high = (part.low, part.high) if part.low else LEAD_RANGE
    density = _clamp((part.density or 0.5) + sec.energy - 0.5)
    return write_lead(segments, out.key, out.piece.beats_per_bar, sec.bars, seed, low=low,
                      high=high, density=density)  # fmt: skip


def composed(out: Arrangement) -> None:
    """A chorale, folk or Irish track: the composition engine's tune (and its harmony in four
    parts when the genre has voices) over the whole form."""
    from models.composition.engine import MelodyRequest, chord_name, get_composer

    lead, voices = _role(out, "lead"), _role(out, "pad")
    piece = out.piece
    composition = get_composer().compose(MelodyRequest(
        key=out.key, meter=piece.meter, bars=piece.bars, tempo_bpm=piece.tempo_bpm,
        style=out.genre.composition_style or "folk", seed=out.request.seed,
        program=lead.program if lead else (voices.program if voices else 0),
        parts=4 if voices else 1, harmony_program=voices.program if voices else None,
    ))  # fmt: skip
    tracks = composition.piece.tracks
    for i, track in enumerate(tracks):
        part = lead if i == 0 and lead else voices
        track.name = f"{track.name} ({part.instrument})" if part else track.name
    if lead is None:
        tracks = tracks[1:]
    piece.tracks = tracks
    starts = [start for start, _ in composition.chords] + [piece.total_beats]
    piece.chords = [
        ChordMark(start, starts[i + 1] - start, chord_name(chord, out.key, short=True))
        for i, (start, chord) in enumerate(composition.chords)
    ]
    _band_over(out, [p for p in out.parts if p is not lead and p is not voices])


def _band_over(out: Arrangement, parts: list[PartSpec]) -> None:
    """Drums, a bass or chords asked over a composed tune: written on its chords (and the
    bass on those drums' kick), as an edit adds them."""
    from models.arrangement.edit import write_part
    from models.arrangement.notes import track_name
    from models.music.piece import Track

    for part in sorted(parts, key=lambda p: p.role != "drums"):  # drums first: the bass locks
        notes = write_part(out.piece, part, out.genre, out.request.seed)
        out.piece.tracks.append(Track(track_name(part), part.program, notes,
                                      is_drum=part.role == "drums"))  # fmt: skip
