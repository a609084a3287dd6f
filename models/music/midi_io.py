"""The one module that owns MIDI conversion: Piece <-> MIDI files (via pretty_midi and mido).

Chord symbols and section names ("Intro", "Verse 1", "Drop") travel as marker meta events (FF 06)
on the conductor track, one per chord or section at its start (a section first when both share a
tick). pretty_midi writes lyrics and text events but not markers, so `write_midi` adds them with
mido to the file pretty_midi made. Markers are what DAWs import as their marker/arranger lane:
Cubase and Nuendo ("Import Markers" in the MIDI File preferences), Logic Pro, Studio One and
Reaper show them on import; Ableton Live and notation programs (MuseScore) ignore them, which is
why the MusicXML export writes chord symbols of its own.

The same pass ends every track at the piece's last bar line (pretty_midi ends each one a tick
after its last event), so a loop dragged into a DAW is exactly its bars long, and stems of one
piece all have the same length. A note that rings past the bar line is never cut: the track
then ends where that note ends.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from models.errors import InputError
from models.music.piece import CHORD_SYMBOL, ChordMark, Note, Piece, SectionMark, TempoMark, Track
from models.music.theory import Key, key_from_signature, key_signature_name

if TYPE_CHECKING:
    import mido
    import pretty_midi

MAX_MIDI_BYTES = 20 * 1024 * 1024


def write_midi(piece: Piece, path: Path) -> Path:
    """Write a piece as a standard MIDI file with tempo, meter and key signature, its chord and
    section markers, every track ending at the last bar line. Atomic (a .part file, replaced)."""
    import pretty_midi

    # 960 ticks a quarter note: 16ths, 32nds and triplets on exact ticks, and a 480-tick file's
    # notes (POP909, most DAWs) where they were.
    pm = pretty_midi.PrettyMIDI(resolution=960, initial_tempo=float(piece.tempo_bpm))
    num, den = piece.meter
    pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    key_number = piece.key.tonic_pc + (12 if piece.key.mode == "minor" else 0)
    pm.key_signature_changes.append(pretty_midi.KeySignature(key_number, 0.0))
    sec_per_beat = 60.0 / piece.tempo_bpm
    for track in piece.tracks:
        inst = pretty_midi.Instrument(program=track.program, is_drum=track.is_drum, name=track.name)
        for n in track.notes:
            start = n.start_beats * sec_per_beat
            inst.notes.append(
                pretty_midi.Note(
                    velocity=int(n.velocity),
                    pitch=int(n.pitch),
                    start=start,
                    end=start + n.dur_beats * sec_per_beat,
                )
            )
        pm.instruments.append(inst)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    try:
        _finish(pm, piece).save(str(tmp))
        tmp.replace(path)  # never leave a half-written file under the final name
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _finish(pm: pretty_midi.PrettyMIDI, piece: Piece) -> mido.MidiFile:
    """pretty_midi's file with a marker per section and chord symbol and the tempo map's changes
    on its first (conductor) track, and every track ending at the last bar line or its last
    event, whichever is later."""
    import mido

    buffer = io.BytesIO()
    pm.write(buffer)
    buffer.seek(0)
    midi = mido.MidiFile(file=buffer, charset="latin1")
    sec_per_beat = 60.0 / piece.tempo_bpm
    labels = [(s.start_beats, s.name) for s in piece.sections]  # before chords at the same tick
    labels += [(mark.start_beats, mark.text) for mark in piece.chords]
    markers = [
        (
            pm.time_to_tick(max(start, 0.0) * sec_per_beat),
            mido.MetaMessage("marker", text=text.encode("latin-1", "replace").decode("latin-1")),
        )
        for start, text in labels
    ]
    # The tempo map after the first tempo (which pretty_midi wrote): ticks straight from beats.
    markers += [
        (int(round(mark.start_beats * midi.ticks_per_beat)),
         mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(mark.bpm)))
        for mark in piece.tempos if mark.start_beats > 0
    ]  # fmt: skip
    for track in midi.tracks:  # pretty_midi names a key by its number: F# and Gb are one
        for i, msg in enumerate(track):
            if msg.type == "key_signature":
                track[i] = msg.copy(key=key_signature_name(piece.key))
    # Ticks straight from beats (pretty_midi placed the notes at one tempo): the bar line is an
    # exact whole tick.
    end = int(round(piece.total_beats * midi.ticks_per_beat))
    midi.tracks = [
        _retimed(track, markers if i == 0 else [], end) for i, track in enumerate(midi.tracks)
    ]
    return midi


def _retimed(track: mido.MidiTrack, extra: list[tuple[int, object]], end: int) -> mido.MidiTrack:
    """The track with `extra` (absolute tick, message) merged in and its end_of_track at `end`,
    or at its last event if that is later."""
    import mido

    events, tick = [], 0
    for msg in track:
        tick += msg.time
        if msg.type != "end_of_track":
            events.append((tick, msg))
    events += extra
    events.sort(key=lambda event: event[0])  # stable: tempo, meter and key stay first at tick 0
    out, last = mido.MidiTrack(), 0
    for at, msg in events:
        out.append(msg.copy(time=at - last))
        last = at
    out.append(mido.MetaMessage("end_of_track", time=max(end, last) - last))
    return out


def open_midi(path: Path) -> pretty_midi.PrettyMIDI:
    """Parse a MIDI file, with clear errors for missing, empty, huge or corrupt files."""
    return _load(path)[0]


def _load(path: Path) -> tuple[pretty_midi.PrettyMIDI, list[tuple[int, str]], float]:
    """The parsed file, its markers as (absolute tick, text) in time order, and where its
    longest track ends (end of track), in quarter-note beats."""
    import mido
    import pretty_midi

    path = Path(path)
    if not path.is_file():
        raise InputError(f"No MIDI file at {path}.")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name} is empty: it is not a MIDI file.")
    if size > MAX_MIDI_BYTES:
        raise InputError(
            f"{path.name} is {size // 1_000_000} MB; MIDI files over 20 MB are refused."
        )
    try:
        midi = mido.MidiFile(str(path), charset="latin1")  # what pretty_midi would read
        markers, end = [], 0
        for track in midi.tracks:
            tick = 0
            for msg in track:
                tick += msg.time
                if msg.type == "marker":
                    markers.append((tick, msg.text))
                elif msg.type == "key_signature" and tick == 0:  # its spelling: F# or Gb
                    markers.append((-1, f"key:{msg.key}"))
            end = max(end, tick)
        pm = pretty_midi.PrettyMIDI(mido_object=midi)  # parsed once, shared with pretty_midi
    except Exception as exc:  # pretty_midi/mido raise many types for corrupt data
        raise InputError(f"{path.name} is not a readable MIDI file ({exc}).") from exc
    return pm, sorted(markers, key=lambda marker: marker[0]), end / midi.ticks_per_beat


def read_midi(path: Path) -> Piece:
    """Read a MIDI file into a Piece (see `read_midi_file`)."""
    return read_midi_file(path)[1]


def read_midi_file(path: Path) -> tuple[pretty_midi.PrettyMIDI, Piece]:
    """The parsed file and the Piece read from it: every note at its written beat (ticks over the file's
    ticks per quarter note, whatever its tempo map does to the seconds), the tempo map kept (the
    first tempo as `tempo_bpm`, later changes as `tempos`), meter and key signature from the file
    when present (a 1/4 signature read as 4/4); chord symbols from its markers, each lasting
    until the next or the end; the other markers, such as "Verse" or "Chorus", as sections."""
    import pretty_midi

    pm, markers, end_beats = _load(path)
    tempo, tempos = tempo_map(pm)
    meter = (4, 4)
    if pm.time_signature_changes:
        ts = pm.time_signature_changes[0]
        meter = (ts.numerator, ts.denominator)
    if meter == (1, 4):  # one beat a bar is a sequencer's default (POP909 has it), not a meter
        meter = (4, 4)
    signature = None
    if pm.key_signature_changes:
        number = pm.key_signature_changes[0].key_number
        signature = Key(number % 12, "minor" if number >= 12 else "major")
    spelled = [text[4:] for tick, text in markers if tick < 0]
    markers = [(tick, text) for tick, text in markers if tick >= 0]
    if spelled and signature and key_from_signature(spelled[0]).tonic_pc == signature.tonic_pc:
        signature = key_from_signature(spelled[0])
    key = signature or Key(0, "major")
    beats = _beats_of(pm)
    tracks = [
        Track(
            name=inst.name or pretty_midi.program_to_instrument_name(inst.program),
            program=inst.program,
            is_drum=inst.is_drum,
            notes=[
                Note(n.pitch, beats(n.start), max(beats(n.end) - beats(n.start), 0.0), n.velocity)
                for n in sorted(inst.notes, key=lambda n: (n.start, n.pitch))
            ],
        )
        for inst in pm.instruments
    ]
    total = max((n.start_beats + n.dur_beats for t in tracks for n in t.notes), default=0.0)
    bar = meter[0] * 4.0 / meter[1]
    # Markers that read as chord symbols are chords; DAWs also mark sections ("Verse", "Chorus").
    texts = [(round(t / pm.resolution, 6), x.strip()) for t, x in markers]
    texts = [(s, x) for s, x in texts if x]
    starts = [(s, x) for s, x in texts if CHORD_SYMBOL.match(x)]
    sections = [SectionMark(s, x) for s, x in texts if not CHORD_SYMBOL.match(x)]
    bars = max(1, int(-(-round(total, 3) // bar)), *(int(s // bar) + 1 for s, _ in texts))
    if abs(end_beats / bar - round(end_beats / bar)) < 1e-3:  # a track ends on a bar line: a loop
        bars = max(bars, round(end_beats / bar))  # with rests at its end keeps its length
    ends = [s for s, _ in starts[1:]] + [bars * bar]  # each chord lasts until the next
    chords = [ChordMark(s, ends[i] - s, text) for i, (s, text) in enumerate(starts)]
    return pm, Piece(key=key, tempo_bpm=tempo, meter=meter, bars=bars, tracks=tracks,
                     chords=chords, sections=sections, tempos=tempos,
                     signature=signature)  # fmt: skip


def _beats_of(pm: pretty_midi.PrettyMIDI):  # noqa: ANN202 (a function of seconds)
    """Seconds (as pretty_midi gives them) back to quarter-note beats: the tick it came from over
    the file's ticks per quarter note, so a tempo map moves no note off its written beat."""
    resolution = float(pm.resolution)

    def beats(seconds: float) -> float:
        return round(int(pm.time_to_tick(seconds)) / resolution, 6)

    return beats


def tempo_map(pm: pretty_midi.PrettyMIDI) -> tuple[float, list[TempoMark]]:
    """The file's first tempo (120 without one) and its later changes, each at its beat; a
    change to the tempo already in force is not a change."""
    times, bpms = pm.get_tempo_changes()
    if not len(bpms):
        return 120.0, []
    first = round(float(bpms[0]), 3)
    marks, now = [], first
    for seconds, bpm in zip(times[1:], bpms[1:], strict=True):
        bpm = round(float(bpm), 3)
        if abs(bpm - now) >= 1e-3:
            beat = round(int(pm.time_to_tick(float(seconds))) / pm.resolution, 6)
            marks.append(TempoMark(beat, bpm))
            now = bpm
    return first, marks
