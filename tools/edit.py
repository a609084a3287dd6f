"""`edit_track`: change one part of the current song and leave every other part note for note:
add a part, remove one, swap its instrument, rewrite it busier or simpler, and transpose, change
the tempo, loop or cut the whole. Works on a song from any engine (its MIDI file)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool
from tools.pieces import part_names, seed_of

Word = Annotated[str, Field(max_length=40)]
Action = Literal["add", "remove", "swap", "change", "transpose", "tempo", "loop", "length"]
DEFAULT_INSTRUMENT = {"bass": "finger bass", "chords": "piano", "pad": "strings",
                      "lead": "synth lead", "drums": "drums"}  # fmt: skip


@tool(cli_name="edit", cli_argument="action")
def edit_track(
    ctx: ToolContext,
    action: Action,
    file: Annotated[str, Field(max_length=500)],
    part: Word | None = None,
    instrument: Word | None = None,
    genre: Word | None = None,
    key: Annotated[str, Field(max_length=12)] | None = None,
    mode: Literal["major", "minor"] | None = None,
    tempo: Annotated[int, Field(ge=40, le=300)] | None = None,
    times: Annotated[int, Field(ge=2, le=16)] | None = None,
    bars: Annotated[int, Field(ge=1, le=256)] | None = None,
    density: Annotated[float, Field(ge=0.0, le=1.0)] | None = None,
    plain: bool = False,
    audio: bool = True,
    title: Annotated[str, Field(max_length=80)] | None = None,
    seed: Annotated[int, Field(ge=0)] | None = None,
) -> ToolResult:
    """Change one part of a song (add, remove, swap, rewrite) or transpose, retime, loop or cut it.

    Args:
        action: add a part, remove one, swap a part's instrument, change (rewrite) one part,
            transpose to a key, set the tempo, loop it, or set its length in bars.
        file: The song's MIDI file.
        part: The part: drums, bass, chords (keys), pad (strings), lead (melody), or a
            track's name or instrument ("the choir").
        instrument: The instrument for a part added or swapped ("strings", "808", "rhodes").
        genre: The genre whose idiom an added part plays (default: pop).
        key: The key to transpose to (C, F#, Bb).
        mode: major or minor, with the key.
        tempo: The new tempo in beats per minute.
        times: How many times to loop the song.
        bars: The new length in bars (cut, or looped to fill).
        density: For change: 0 sparse to 1 busy (drums busier: 0.75, simpler: 0.25).
        plain: For change: simpler chords (plain triads, played as blocks).
        audio: Also render a WAV file (when an audio renderer is installed).
        title: The song's title, for the edited song's ("lo-fi track in A minor, no bass").
        seed: Same seed, same new part (default: a new random seed, in the reply).
    """
    from models.music.midi_io import read_midi
    from models.music.vocabulary import MIDI_SUFFIXES

    path = ctx.input_path(file, MIDI_SUFFIXES)
    piece = read_midi(path)
    seed = seed_of(ctx, seed)
    edit = EDITS[action]
    new, what = edit(piece, locals())
    short = {"transpose": f"in {new.key.name}", "tempo": f"at {tempo} bpm",
             "loop": f"{new.bars} bars", "length": f"{new.bars} bars"}.get(action)  # fmt: skip
    song_title = f"{title or path.stem[:40]}, {short or what.split(' (')[0]}"
    return _result(ctx, path, new, what, action, {"genre": genre, "seed": seed}, audio,
                   song_title)  # fmt: skip


def _genre(name: str | None):  # noqa: ANN202
    from models.arrangement.genres import get_genre

    return get_genre(name or "pop")


def _found(piece, part: str | None) -> list[int]:  # noqa: ANN001
    from models.arrangement.edit import describe_parts, find_parts

    if not part:
        raise ToolError(f"Which part? It has {describe_parts(piece)}.")
    found = find_parts(piece, part)
    if not found:
        bare = re.sub(r"^(?:the|a|an|my)\s+", "", part.strip(), flags=re.I)
        raise ToolError(f"There is no {bare[:30]} in it; it has {describe_parts(piece)}.")
    return found


def _role_of(word: str) -> str:
    from models.arrangement.edit import ROLE_NAMES

    w = word.lower()
    for role, names in ROLE_NAMES.items():
        if w == role or w in names:
            return role
    from models.arrangement.genres import BASS_PROGRAMS, LEAD_PROGRAMS
    from tools.track_io import PAD_WORDS

    if w in BASS_PROGRAMS:
        return "bass"
    if w in PAD_WORDS:
        return "pad"
    if w in LEAD_PROGRAMS:
        return "lead"
    raise ToolError(f"I can add drums, bass, chords, a pad or a lead, not {word[:30]}.")


def _add(piece, args: dict):  # noqa: ANN001, ANN202
    from models.arrangement.arranger import part_for, track_name
    from models.arrangement.edit import find_parts
    from models.arrangement.genres import PartSpec
    from models.music.piece import Track

    word = args["part"] or args["instrument"]
    if not word:
        raise ToolError("Which part should I add: drums, bass, chords, a pad or a lead?")
    role = _role_of(word)
    genre = _genre(args["genre"])
    if role == "drums" and find_parts(piece, "drums"):
        raise ToolError("It already has drums: say 'make the drums busier' to change them.")
    base = genre.role(role)
    instrument = args["instrument"] or (word if word != role and role != "drums" and word not in
                                        ("bassline", "melody", "tune", "keys") else None)  # fmt: skip
    if role == "drums":
        spec = base or PartSpec("drums", "drums", "drums", 0)
    elif instrument:
        spec = part_for(role, instrument)
        spec = replace(spec, rhythm=base.rhythm if base and role == "bass" else spec.rhythm)
    else:
        spec = base or part_for(role, DEFAULT_INSTRUMENT[role])
    taken = {t.name.split(" (")[0].lower() for t in piece.tracks}
    if spec.name in taken:
        spec = replace(spec, name=f"{spec.name} 2")
    notes = _write(piece, spec, genre, args)
    track = Track(track_name(spec), spec.program, notes, is_drum=role == "drums")
    new = replace(piece, tracks=[*piece.tracks, track])
    if not piece.chords and role != "drums":
        from models.arrangement.edit import chord_marks_for, segments_of

        new.chords = chord_marks_for(piece, segments_of(piece))
    return new, f"added {track.name} ({len(notes)} notes)"


def _write(piece, spec, genre, args: dict, **kw) -> list:  # noqa: ANN001, ANN003
    from models.arrangement.edit import write_part

    notes = write_part(piece, spec, genre, args["seed"], **kw)
    if not notes:
        raise ToolError(f"The {spec.name} came out empty over these {piece.bars} bars.")
    return notes


def _remove(piece, args: dict):  # noqa: ANN001, ANN202
    found = _found(piece, args["part"])
    if len(found) == len(piece.tracks):
        raise ToolError("That would leave nothing: it is the only part.")
    gone = [piece.tracks[i].name for i in found]
    return replace(piece, tracks=[t for i, t in enumerate(piece.tracks) if i not in found]), (
        f"removed {', '.join(gone)}")  # fmt: skip


def _swap(piece, args: dict):  # noqa: ANN001, ANN202
    from models.arrangement.arranger import part_for

    found = _found(piece, args["part"])
    word = args["instrument"]
    if not word:
        raise ToolError(f"Which instrument should the {args['part']} be played on?")
    tracks = list(piece.tracks)
    for i in found:
        old = tracks[i]
        if old.is_drum:
            raise ToolError("Drums can't change instrument; ask for another drum style.")
        from models.arrangement.edit import part_role

        role = part_role(old)
        spec = part_for("lead" if role == "chords" and word not in _chordish() else role, word)
        tracks[i] = replace(old, program=spec.program,
                            name=f"{old.name.split(' (')[0]} ({spec.instrument})")  # fmt: skip
    names = ", ".join(piece.tracks[i].name for i in found)
    return replace(piece, tracks=tracks), f"{names} now on {word}"


def _chordish() -> set[str]:
    from models.arrangement.genres import CHORD_INSTRUMENTS

    return set(CHORD_INSTRUMENTS)


def _change(piece, args: dict):  # noqa: ANN001, ANN202
    from models.arrangement.edit import part_role
    from models.arrangement.genres import PartSpec

    found = _found(piece, args["part"])
    i = found[0]
    old = piece.tracks[i]
    role = part_role(old)
    instrument = old.name.split(" (")[1].rstrip(")") if " (" in old.name else DEFAULT_INSTRUMENT[role]
    genre = _genre(args["genre"])
    base = genre.role(role)
    spec = PartSpec(old.name.split(" (")[0].lower(), role, instrument, old.program,
                    rhythm=base.rhythm if base else None)  # fmt: skip
    if role in ("chords", "pad") and instrument not in _chordish():
        spec = replace(spec, instrument="piano" if role == "chords" else "strings")
    density = args["density"]
    rest = replace(piece, tracks=[t for k, t in enumerate(piece.tracks) if k != i])
    notes = _write(rest, spec, genre, args, density=density, plain=args["plain"])
    tracks = list(piece.tracks)
    tracks[i] = replace(old, notes=notes)
    how = ("simpler" if args["plain"] or (density is not None and density < 0.5) else
           "busier" if density is not None and density > 0.5 else "rewritten")  # fmt: skip
    return replace(piece, tracks=tracks), f"{old.name} {how} ({len(notes)} notes)"


def _transpose(piece, args: dict):  # noqa: ANN001, ANN202
    from models.arrangement.edit import transposed
    from models.music.theory import parse_key

    if not args["key"]:
        raise ToolError("Which key should I move it to?")
    key = parse_key(args["key"], args["mode"] or piece.key.mode)
    shift = (key.tonic_pc - piece.key.tonic_pc) % 12
    shift = shift - 12 if shift > 6 else shift
    new = transposed(piece, shift, key)
    return new, f"moved from {piece.key.name} to {key.name} ({shift:+d} semitones)"


def _tempo(piece, args: dict):  # noqa: ANN001, ANN202
    from models.arrangement.edit import counted_tempo

    if not args["tempo"]:
        raise ToolError("Which tempo, in beats per minute?")
    quarter = args["tempo"] * (1.5 if piece.meter == (6, 8) else 1.0)
    return replace(piece, tempo_bpm=float(quarter)), (
        f"tempo {counted_tempo(piece):.0f} -> {args['tempo']} bpm, every note where it was")  # fmt: skip


def _loop(piece, args: dict):  # noqa: ANN001, ANN202
    from models.arrangement.edit import looped

    times = args["times"] or 2
    _check_length(piece.bars * times)
    return looped(piece, times), f"looped {times} times: {piece.bars * times} bars"


def _length(piece, args: dict):  # noqa: ANN001, ANN202
    from models.arrangement.edit import cut, looped

    bars = args["bars"]
    if not bars:
        raise ToolError("How many bars long?")
    if bars <= piece.bars:
        return cut(piece, bars), f"cut to its first {bars} bars"
    times = -(-bars // piece.bars)
    _check_length(bars)
    return cut(looped(piece, times), bars), f"looped to {bars} bars"


def _check_length(bars: int) -> None:
    if bars > 256:
        raise ToolError(f"That would be {bars} bars; a song can be up to 256.")


EDITS = {"add": _add, "remove": _remove, "swap": _swap, "change": _change,
         "transpose": _transpose, "tempo": _tempo, "loop": _loop, "length": _length}  # fmt: skip


def _result(ctx: ToolContext, path: Path, piece, what: str, action: str, attrs: dict,
            audio: bool, title: str) -> ToolResult:  # noqa: ANN001  # fmt: skip
    from models.arrangement.preview import chord_rows, part_grid, piece_sections
    from models.music.export import export_piece

    stem = f"{path.stem.split('-edit')[0]}-edit-{action}"
    piece.title = title[:120]  # the score's heading, as the song record names it
    files, note = export_piece(piece, ctx.output_path(stem, ".mid"), audio, ctx.progress)
    kept = "" if action in ("transpose", "tempo", "loop", "length") else (
        " Every other part is unchanged, note for note.")  # fmt: skip
    tempo = round(piece.tempo_bpm / (1.5 if piece.meter == (6, 8) else 1.0))
    summary = (f"Edited {path.name}: {what}.{kept} Now {piece.bars} bars in {piece.key.name}, "
               f"{piece.meter[0]}/{piece.meter[1]} at {tempo} bpm, {piece.duration_sec:.0f} s.")  # fmt: skip
    if note:
        summary += " " + note
    preview = part_grid(piece, piece_sections(piece), width=ctx.width)
    if piece.chords:
        preview += "\n\nChords:\n" + chord_rows(piece, piece_sections(piece), width=ctx.width)
    song_attrs = {"key": piece.key.tonic_name, "mode": piece.key.mode, "tempo": tempo,
                  "meter": f"{piece.meter[0]}/{piece.meter[1]}", "bars": piece.bars,
                  **{k: v for k, v in attrs.items() if v is not None}}  # fmt: skip
    song = {"title": title[:120], "tool": "edit_track", **song_attrs,
            "part_names": part_names(piece), "files": files}  # fmt: skip
    data = {**song_attrs, "edit": what,
            "parts": [{"name": t.name, "program": t.program, "notes": len(t.notes)}
                      for t in piece.tracks]}  # fmt: skip
    return ToolResult(summary=summary, files=list(files.values()), preview=preview, data=data,
                      song=song)  # fmt: skip
