"""The `chords` and `bass` tools' inputs and outputs: a typed progression (with its chord
replacements), the kick of a drum file to lock to, and the files, chart and song of a result."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from models.errors import InputError
from tools.base import ToolContext, ToolError, ToolResult
from tools.pieces import article, key_note, part_names, tune_source


@dataclass
class Lock:
    """A drum file's kick per bar, and what the bass takes from the file."""

    bars: int
    meter: str
    tempo: float
    kicks: dict[int, list[float]]
    track: object = None  # the drum Track, kept in the new MIDI
    path: str = ""


def given_progression(args: dict):  # noqa: ANN201
    """The typed progression's bars and key (None, None when there is none); replacements
    ("2=IV") applied; mode given with chords means the relative key when they disagree."""
    from models.harmony.chords import check_chord_count
    from models.harmony.engine import METER_BEATS
    from models.harmony.parse import parse_progression
    from models.music.theory import Key, parse_key

    text, key_text, mode = args.get("progression"), args.get("key"), args.get("mode")
    key = parse_key(key_text, mode) if key_text else None
    if text is not None and not text.strip(" |"):  # typed, but nothing in it
        check_chord_count(0)
    if not text:
        if args.get("replace"):
            raise ToolError("There is no progression to change yet: ask for chords first.")
        return None, key if key else (Key(9, "minor") if mode == "minor" else None), None
    try:
        prog = parse_progression(text, key, METER_BEATS.get(args.get("meter") or "4/4", 4))
    except InputError as exc:  # the key as the producer spelled it (F#, not Gb)
        if key is None:
            raise
        named = f"{key_text.strip()[:1].upper()}{key_text.strip()[1:]} {key.mode}"
        raise InputError(str(exc).replace(f"not in {key.name}", f"not in {named}")) from None
    home = prog.key
    if mode and not key and home.mode != mode:  # "Am F C G" asked in major: C major
        home = Key((home.tonic_pc + (3 if mode == "major" else -3)) % 12, mode)
    home = spelled(home, key_text or text)
    bars = [list(bar) for bar in prog.bars]
    for change in args.get("replace") or ():
        _replace(bars, change, home)
    return tuple(tuple(bar) for bar in bars), home, prog.notation


def spelled(key, text: str):  # noqa: ANN001, ANN201
    """The key with the producer's sharps or flats for a black-key tonic, by the accidentals
    they typed ('F#', or chords like 'B C# F# D#m': F# major, never Gb major)."""
    import re

    from models.music.theory import SpelledKey

    if key.tonic_pc not in (1, 3, 6, 8, 10):
        return key
    roots = re.findall(r"(?<![\w#♯♭])[A-G](#|♯|b|♭)|(?<![\w])[A-Ga-g]\s*-?\s*(sharp|flat)\b", text)
    sharps = sum(1 for a, w in roots if a in ("#", "♯") or w.lower() == "sharp")
    flats = sum(1 for a, w in roots if a in ("b", "♭") or w.lower() == "flat")
    if sharps == flats:
        return key
    return SpelledKey(key.tonic_pc, key.mode, flats=flats > sharps)


def _replace(bars: list[list], change: str, key) -> None:  # noqa: ANN001
    """Chord number N (counting changes: a chord held over bars is one chord) becomes a new
    chord, in every bar it is held."""
    from models.harmony.parse import parse_progression

    number, _, chord_text = change.partition("=")
    runs: list[list[tuple[int, int]]] = []
    for b, bar in enumerate(bars):
        for i, chord in enumerate(bar):
            if runs and bars[runs[-1][-1][0]][runs[-1][-1][1]] == chord:
                runs[-1].append((b, i))
            else:
                runs.append([(b, i)])
    if not number.strip().isdigit() or not 1 <= int(number) <= len(runs):
        raise ToolError(f"The progression has {len(runs)} chords; I can't change chord "
                        f"'{number.strip()[:6]}'.")  # fmt: skip
    old = bars[runs[int(number) - 1][0][0]][runs[int(number) - 1][0][1]]
    new = _quality_change(old, chord_text.strip()) or parse_progression(chord_text.strip(),
                                                                        key).bars[0][0]  # fmt: skip
    for b, i in runs[int(number) - 1]:
        bars[b][i] = new


def _quality_change(chord, text: str):  # noqa: ANN001, ANN202
    """'~min', '~sus4', '~7': the chord's own root with another quality (None for a chord)."""
    from models.harmony.chords import QUALITIES

    if not text.startswith("~"):
        return None
    quality = text[1:]
    if quality not in QUALITIES:
        raise ToolError(f"I can't make a chord '{quality[:10]}'; try minor, major, sus4, 7 or dim.")
    return replace(chord, quality=quality, bass=0 if chord.bass not in
                   {i % 12 for i in QUALITIES[quality]} else chord.bass)  # fmt: skip


def drum_lock(path: str | None) -> Lock | None:
    """The kick of a MIDI file's drum part, bar by bar (None without a file)."""
    from models.music.midi_io import read_midi

    if not path:
        return None
    piece = read_midi(Path(path).expanduser())
    drums = next((t for t in piece.tracks if t.is_drum), None)
    if drums is None:
        raise ToolError(f"{Path(path).name} has no drum part to lock the bass to.")
    meter = f"{piece.meter[0]}/{piece.meter[1]}"
    if meter not in ("4/4", "3/4", "6/8"):
        raise ToolError(f"{Path(path).name} is in {meter}; I lock bass to 4/4, 3/4 or 6/8 beats.")
    bar_beats = piece.beats_per_bar  # quarter notes, as the engine counts (6/8: 3)
    kicks: dict[int, list[float]] = {}
    for note in drums.notes:
        if note.pitch in (35, 36):
            bar, beat = divmod(round(note.start_beats * 4) / 4, bar_beats)
            kicks.setdefault(int(bar), []).append(round(beat, 3))
    bars = max(1, round(max(n.start_beats for n in drums.notes) // bar_beats + 1))
    tempo = piece.tempo_bpm / (1.5 if meter == "6/8" else 1.0)
    return Lock(bars, meter, tempo, {b: sorted(set(kicks.get(b, []))) for b in range(bars)}, drums,
                str(path))  # fmt: skip


def result(ctx: ToolContext, harmony, args: dict, lock: Lock | None,
           origin: str) -> ToolResult:  # noqa: ANN001  # fmt: skip
    """Files, chart and song of a harmony. `origin`: "typed" (chord symbols as the producer
    wrote them, never recoloured), "numerals" (typed degrees, coloured by the style), "learned"
    or "kept" (Cadenza's chords, learned now or in an earlier turn)."""
    from models.harmony.song import bar_symbols, chart, chart_text, slot_text, to_piece
    from models.music.export import export_piece

    req, style = harmony.request, harmony.style
    piece = to_piece(harmony)
    if lock is not None:
        piece.tracks.append(lock.track)
    what = _what(harmony)
    piece.title = title = f"{style.label} {what} in {harmony.key.name}"  # the score's heading
    tempo = round(piece.tempo_bpm / (1.5 if req.meter == "6/8" else 1.0))
    stem = f"{style.name}-{what.replace(' ', '-')}-{harmony.key.tonic_name}{harmony.key.mode[:3]}-s{req.seed}"
    files, note = export_piece(piece, ctx.output_path(stem, ".mid"), args.get("audio", True),
                               ctx.progress)  # fmt: skip
    if args.get("chart"):
        path = ctx.output_path(stem + "-chart", ".txt")
        path.write_text(chart_text(harmony))
        files["chart"] = str(path)
    summary = _summary(harmony, what, tempo, origin, lock)
    if note:
        summary += " " + note
    # Exact to the beat, with the harmonic rhythm played in it (so the song's rate is 1 again).
    progression = slot_text(_plain(harmony))
    attrs = {"key": harmony.key.tonic_name, "mode": harmony.key.mode, "tempo": tempo,
             "meter": req.meter, "bars": len(harmony.bars), "style": style.name, "seed": req.seed,
             "progression": progression, "typed": origin == "typed", "mood": req.mood,
             "section": req.section,
             "instrument": harmony.instrument if harmony.chord_notes else None,
             "play": args.get("play", "both"), "bass_style": harmony.bass_style,
             "harmonic_rhythm": 1.0}  # fmt: skip
    if lock is not None:
        attrs["drums"] = lock.path
    song = {"title": title, "tool": "chords", **attrs, "part_names": part_names(piece),
            "files": files}  # fmt: skip
    data = {**attrs, "harmonic_rhythm": req.harmonic_rhythm, "chords": bar_symbols(harmony),
            "numerals": bar_symbols(harmony, True)}  # fmt: skip
    return ToolResult(summary=summary, files=list(files.values()),
                      preview=chart(harmony, width=ctx.width), data=data, song=song)  # fmt: skip


def _what(harmony) -> str:  # noqa: ANN001
    parts = harmony.request.parts
    return (
        "chords and bass" if len(parts) == 2 else "chords" if parts == ("chords",) else "bassline"
    )


def _summary(harmony, what: str, tempo: int, origin: str, lock: Lock | None) -> str:  # noqa: ANN001
    req, style = harmony.request, harmony.style
    bars = len(harmony.bars)
    played = []
    if harmony.chord_notes:
        played.append(f"chords on {harmony.instrument}")
    if harmony.bass_notes:
        name = BASS_NAMES.get(harmony.bass_style, harmony.bass_style)
        played.append(f"{an(name)} {name} bass")
    colour = f", with {style.label} colour" if harmony.coloured else ""
    source = {
        "typed": "your progression, as written",
        "numerals": f"your numerals{colour}",
        "kept": f"the same progression{colour}",
        "learned": f"a {req.section} progression learned from pop and rock songs"
        + (f", leaning {req.mood}" if req.mood else ""),
    }[origin]
    length = (f"{article(bars)} {bars}-bar {style.label} {what}" if what == "bassline" else
              f"{bars} bar{'s' if bars > 1 else ''} of {style.label} {what}")  # fmt: skip
    text = (f"Wrote {length} in {harmony.key.name}, {req.meter} at {tempo} bpm: {source}; "
            f"{' and '.join(played)} (seed {req.seed}).")  # fmt: skip
    if harmony.coloured and origin == "learned":
        text += f" The {style.label} colour adds 7ths and extensions to the learned chords."
    if lock is not None and harmony.bass_notes:
        text += " " + _lock_words(harmony.bass_style, Path(lock.path).name)

    return text


BASS_NAMES = {"rootfifth": "root-and-fifth", "eighths": "eighth-note", "offbeat": "off-beat"}


def an(word: str) -> str:
    """'a' or 'an' before a word as it is said: an octave bass, an 808, a walking bass."""
    return "an" if word[:1].lower() in "aeio8" or word.startswith(("11", "18")) else "a"


def _lock_words(bass_style: str, name: str) -> str:
    from models.harmony.bass import LOCKS

    if bass_style in LOCKS:
        how = f"The bass locks to the kick of {name}"
    elif bass_style == "offbeat":
        how = f"The bass plays between the kicks of {name}"
    else:
        how = f"The {bass_style} bass keeps its own time over {name}"
    return how + "; its drums are in the MIDI too."


def _plain(harmony):  # noqa: ANN001, ANN202
    """The harmony with its learned (uncoloured) chords, for the song record: a follow-up in
    another style colours them afresh."""
    if not harmony.plain:
        return harmony
    return replace(harmony, segments=harmony.plain)


def pop_harmonisation(ctx: ToolContext, path: Path, tune, style: str, instrument: str | None,
                      tempo: int | None, audio: bool) -> ToolResult:  # noqa: ANN001  # fmt: skip
    """A melody with chords learned from pop and rock that fit it, voiced in the style, and a
    bass: the melody keeps its own track, above the chords."""
    from models.harmony.engine import HarmonyRequest, get_engine
    from models.harmony.song import bar_symbols, chart, slot_text, to_piece
    from models.music.export import export_piece
    from models.music.piece import Track
    from models.music.theory import Key

    meter = f"{tune.meter[0]}/{tune.meter[1]}"
    beat_bpm = tempo or round(tune.tempo_bpm / (1.5 if meter == "6/8" else 1.0))
    req = HarmonyRequest(key=Key(tune.key.tonic_pc, tune.key.mode), style=style,
                         bars=tune.bars, meter=meter, instrument=instrument,
                         tempo_bpm=beat_bpm, seed=0)  # fmt: skip
    ctx.progress(0.3, "finding chords that fit the melody")
    harmony = get_engine().harmonise(tune.notes, req)  # quarter notes, as the engine counts
    piece = to_piece(harmony)
    shift = -tune.shift  # the melody back at the pitch the producer wrote it
    piece.tracks.insert(0, Track("Melody", 0, [replace(n, pitch=n.pitch + shift)
                                               for n in tune.notes]))  # fmt: skip
    if tempo is None:  # the file's tempo map comes back under the chords
        piece.tempos = list(tune.tempos)
    stem = f"{path.stem}-{harmony.style.name}-chords-{harmony.key.tonic_name}{harmony.key.mode[:3]}"
    piece.title = f"{harmony.style.label} harmonisation of {path.stem[:40]}"  # the score's heading
    files, note = export_piece(piece, ctx.output_path(stem, ".mid"), audio, ctx.progress)
    summary = (f"Harmonised {path.name} ({tune_source(tune)}) with {harmony.style.label} chords "
               f"that fit the melody: {tune.bars} bars in {harmony.key.name}{key_note(tune)}, {meter} at {beat_bpm} bpm; chords "
               f"on {harmony.instrument} and {an(harmony.bass_style)} {harmony.bass_style} bass under your melody.")  # fmt: skip
    if note:
        summary += " " + note
    attrs = {"key": harmony.key.tonic_name, "mode": harmony.key.mode, "tempo": beat_bpm,
             "meter": meter, "bars": tune.bars, "style": harmony.style.name,
             "instrument": harmony.instrument, "source": str(path),
             "progression": slot_text(harmony.plain and _plain(harmony) or harmony)}  # fmt: skip
    song = {"title": piece.title, "tool": "harmonize", **attrs, "files": files}
    return ToolResult(summary=summary, files=list(files.values()),
                      preview=chart(harmony, width=ctx.width),
                      data={**attrs, "chords": bar_symbols(harmony)}, song=song)  # fmt: skip
