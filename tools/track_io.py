"""The `track` tool's inputs and outputs: instruments as the producer names them, the files
(mix MIDI and MusicXML, WAV, stems), the reply's words and its part-by-bar grid."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tools.base import ToolContext, ToolError, ToolResult
from tools.pieces import article, part_names

if TYPE_CHECKING:
    from models.arrangement.arranger import Arrangement

# Chord instruments that join a band as a held pad rather than replace its chords.
PAD_WORDS = {"strings", "string", "string section", "pad", "synth pad", "warm pad", "choir",
             "voices", "brass", "horns"}  # fmt: skip


def instrument_pairs(items: list[str]) -> tuple[tuple[str, str], ...]:
    """("keys", "rhodes") from "keys=rhodes"; an instrument alone gets the part it plays: a
    bass sound the bass, a pad sound a pad, a chord instrument the chords, else the lead."""
    from models.arrangement.genres import BASS_PROGRAMS, CHORD_INSTRUMENTS, LEAD_PROGRAMS

    out = []
    for item in items:
        target, sep, word = item.partition("=")
        if sep:
            out.append((target.strip().lower(), word.strip().lower()))
            continue
        word = item.strip().lower()
        if word in BASS_PROGRAMS:
            role = "bass"
        elif word in PAD_WORDS:
            role = "pad"
        elif word in CHORD_INSTRUMENTS:
            role = "chords"
        elif word in LEAD_PROGRAMS:
            role = "lead"
        else:
            raise ToolError(f"I don't have the instrument '{word[:30]}' for a track; try piano, "
                            "rhodes, organ, guitar, strings, pad, synth, flute, sax, 808 or "
                            "synth bass.")  # fmt: skip
        out.append((role, word))
    return tuple(out)


def sections_of(arrangement: Arrangement) -> list[tuple[int, int, str]]:
    return [(s.start_bar, s.bars, s.label) for s in arrangement.sections]


def band_words(arrangement: Arrangement) -> str:
    """'lo-fi drums, finger bass, electric piano chords and a vibraphone lead'."""
    from tools.harmony_io import an

    played = {t.name.split(" (")[0].lower() for t in arrangement.piece.tracks}
    composed = arrangement.genre.engine == "composition"
    words = []
    for p in arrangement.parts:
        if composed and p.role in ("lead", "pad") and p.rhythm is None and p.name in (
                "lead", "voices"):  # fmt: skip
            words.append(f"{an(p.instrument)} {p.instrument} tune" if p.role == "lead" else
                         f"{p.instrument} harmony in three parts")  # fmt: skip
            continue
        if p.name not in played:
            continue
        if p.role == "drums":
            words.append(f"{arrangement.genre.label} drums")
        elif p.role == "bass":
            words.append(p.instrument if "bass" in p.instrument else f"{p.instrument} bass")
        elif p.role in ("chords", "pad"):
            kind = "chords" if p.role == "chords" else "pad"
            words.append(p.instrument if p.instrument.endswith(kind) else f"{p.instrument} {kind}")
        else:
            name = p.instrument if p.instrument.endswith(p.name) else f"{p.instrument} {p.name}"
            words.append(f"{an(name)} {name}")
    if not words:  # the composition engine's voices (Soprano, Alto...): their own names
        words = [t.name for t in arrangement.piece.tracks]
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]


def summary_of(arrangement: Arrangement, seed: int) -> str:
    a, piece = arrangement, arrangement.piece
    tempo = round(a.tempo_bpm)
    what = "song" if a.request.song else "track"
    text = (f"Wrote {article(piece.bars)} {piece.bars}-bar {a.genre.label} {what} in {a.key.name}, "
            f"{a.meter} at {tempo} bpm, {piece.duration_sec:.0f} s: {band_words(a)} "
            f"(seed {seed}).")  # fmt: skip
    if len(a.sections) > 1:
        text += " Form: " + ", ".join(f"{s.label} {s.bars}" for s in a.sections) + "."
    if a.genre.engine == "composition":
        text += (f" The {a.genre.label} tune and its harmony come from the composition engine "
                 "(Markov + HMM).")  # fmt: skip
    return text


def export(ctx: ToolContext, arrangement: Arrangement, stem: str, audio: bool,
           stems: bool) -> tuple[dict[str, str], str | None]:  # fmt: skip
    """The mix (MIDI, MusicXML, WAV) and, when asked, one MIDI and one WAV per part. A loop's
    WAVs end exactly at its last bar line (no ring-out), so they repeat seamlessly in a DAW."""
    from models.music.export import export_piece

    piece, loop = arrangement.piece, is_loop(arrangement)
    files, note = export_piece(piece, ctx.output_path(stem, ".mid"), audio, ctx.progress,
                               tail=not loop)  # fmt: skip
    if stems:
        from tools.stems_io import write_stems

        midi = Path(files["midi"])
        try:
            written, stem_note = write_stems(ctx, piece, midi.parent / f"{midi.stem}-stems",
                                             midi.stem, tail=not loop, audio=audio)  # fmt: skip
        except BaseException:
            for path in files.values():
                Path(path).unlink(missing_ok=True)
            raise
        files.update(written)
        note = " ".join(x for x in (note, stem_note) if x) or None
    return files, note


def is_loop(arrangement: Arrangement) -> bool:
    """One section of up to 8 bars, not a song: what a producer loops in a DAW."""
    return not arrangement.request.song and len(arrangement.sections) == 1 and (
        arrangement.piece.bars <= 8)  # fmt: skip


def track_result(ctx: ToolContext, arrangement: Arrangement, args: dict, stems: bool,
                 audio: bool) -> ToolResult:  # fmt: skip
    from models.arrangement.preview import chord_rows, part_grid

    a, seed = arrangement, args["seed"]
    stem = f"{a.genre.name}-{'song' if a.request.song else 'track'}-{a.key.tonic_name}{a.key.mode[:3]}-s{seed}"
    title = f"{a.genre.label} {'song' if a.request.song else 'track'} in {a.key.name}"
    a.piece.title = title  # the score's heading, as the song record names it
    files, note = export(ctx, a, stem, audio, stems)
    summary = summary_of(a, seed) + (" " + note if note else "")
    if is_loop(a) and "wav" in files:
        summary += (f" The WAV ends exactly at bar {a.piece.bars + 1}, so it loops without a "
                    "gap.")  # fmt: skip
    sections = sections_of(a)
    preview = part_grid(a.piece, sections, width=ctx.width)
    chords = chord_rows(a.piece, sections if len(sections) > 1 else [], width=ctx.width)
    if chords:
        preview += "\n\nChords:\n" + chords
    attrs = {"key": a.key.tonic_name, "mode": a.key.mode, "tempo": round(a.tempo_bpm),
             "meter": a.meter, "bars": a.piece.bars, "genre": a.genre.name, "seed": seed,
             "song": a.request.song, "mood": args.get("mood"),
             "instruments": list(args.get("instruments") or []) or None,
             "only": list(args.get("only") or []) or None,
             "without": list(args.get("without") or []) or None,
             "progression": args.get("progression")}  # fmt: skip
    parts = [{"name": t.name, "program": t.program, "drums": t.is_drum, "notes": len(t.notes)}
             for t in a.piece.tracks]  # fmt: skip
    song = {"title": title, "tool": "track", **{k: v for k, v in attrs.items() if v is not None},
            "part_names": part_names(a.piece), "files": files}  # fmt: skip
    data = {**attrs, "duration_sec": round(a.piece.duration_sec, 2), "parts": parts,
            "sections": [{"name": s.label, "start_bar": s.start_bar + 1, "bars": s.bars,
                          "parts": list(s.parts)} for s in a.sections],
            "chords": [m.text for m in a.piece.chords[:256]]}  # fmt: skip
    return ToolResult(summary=summary, files=list(files.values()), preview=preview, data=data,
                      song=song)  # fmt: skip
