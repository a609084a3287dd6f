"""Real outside MIDI files: `python -m benchmarks.real_files [--audio N] [--profiles]`.

Files: POP909's held-out songs (the documented split, `models/splits.py`: 1 in 10 by crc32 of
the song's number; 82 songs, annotated key from `key_audio.txt`, the longest-held key where a
song modulates; the sung MELODY track) read from `../shared/data/pop909`, and the annotated
corpus in `tests/data/real` (4 POP909 songs, 5 music21 corpus pieces; `corpus.yaml`).
About 6 minutes on 2 cores with the default 30 rendered songs.

Sections:
- reading: notes whose beat differs by more than 0.05 of a beat from their written position
  (tick over ticks per quarter, straight from the file) when seconds are turned into beats with
  the file's first tempo (the old reader) and with `midi_io.read_midi` (ticks; the tempo map
  kept), over POP909 held-out songs with a tempo map; and bar counts that differ.
- keys: exact key (tonic and mode) against the annotation, per tool, before and after:
  harmonise and continue read the highest track's top line with `theory.estimate_key`
  (Krumhansl-Schmuckler, the old finder) before, and now `keyfinder.piece_key` (every pitched
  note, learned profiles, bass, ends); the catalogue trusted a key-signature event and fell
  back on `estimate_key` over all notes, and now uses `piece_key`; audio analysis reads a WAV
  rendered from the whole file (`render_wav`, `read_audio_features`) for the first N held-out
  songs and every corpus file (its method is unchanged: chroma profiles, the opening's triad
  and the bass); "all agree" counts files where every MIDI tool and the audio give the
  annotated key.
- melody: the track chosen as the melody against the annotation: the old rule (the highest
  average pitch) and `melody_track.choose_melody`, with the files' track names and with the
  names removed (a DAW export's "Track 1", "Track 2").
- speed: `read_midi` plus `piece_key` per file.
`--profiles` re-derives `keyfinder.PROFILES` and `BASS_PROFILES` from POP909's training songs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import yaml

from models.composition.melody_input import top_line
from models.music.keyfinder import bass_line, piece_key
from models.music.melody_track import choose_melody
from models.music.midi_io import read_midi
from models.music.piece import Piece, Track
from models.music.theory import NOTE_PC, Key, estimate_key
from models.splits import is_held_out

ROOT = Path(__file__).resolve().parents[1]
POP909 = ROOT.parent / "shared" / "data" / "pop909" / "POP909"
REAL = ROOT / "tests" / "data" / "real"


def annotated(song: Path) -> Key:
    """POP909's key_audio.txt: the key held longest ('Gb:min' -> F# minor)."""
    rows = [line.split() for line in (song / "key_audio.txt").read_text().splitlines() if line]
    label = max(rows, key=lambda r: float(r[1]) - float(r[0]))[2]
    tonic, mode = label.split(":")
    pc = (NOTE_PC[tonic[0]] + tonic.count("#") - tonic[1:].count("b")) % 12
    return Key(pc, "major" if mode.startswith("maj") else "minor")


def files() -> list[tuple[str, Path, Key, int]]:
    """(name, path, annotated key, melody track index) of every file measured."""
    out = []
    for song in sorted(POP909.iterdir()) if POP909.is_dir() else []:
        if song.name.isdigit() and is_held_out(song.name):
            out.append((f"pop909-{song.name}", song / f"{song.name}.mid", annotated(song), 0))
    corpus = yaml.safe_load((REAL / "corpus.yaml").read_text())
    for name, row in sorted(corpus.items()):
        tonic, mode = row["key"].split()
        key = Key((NOTE_PC[tonic[0]] + tonic.count("#") - tonic[1:].count("b")) % 12, mode)
        out.append((f"corpus/{name}", REAL / name, key, row["melody"][0]))
    return out


def same(a: Key, b: Key) -> bool:
    return (a.tonic_pc, a.mode) == (b.tonic_pc, b.mode)


def old_melody(piece: Piece) -> int:
    """The old rule: the pitched track with the highest average pitch."""
    pitched = [i for i, t in enumerate(piece.tracks) if t.notes and not t.is_drum]
    return max(pitched, key=lambda i: sum(n.pitch for n in piece.tracks[i].notes)
               / len(piece.tracks[i].notes))  # fmt: skip


def old_key(notes) -> Key:  # noqa: ANN001
    return estimate_key([n.pitch for n in notes], [n.dur_beats for n in notes])[0]


def reading(rows: list) -> dict:
    import mido
    import pretty_midi

    off_old = off_new = total = bars_wrong = songs = 0
    for _, path, _, _ in rows:
        midi = mido.MidiFile(str(path))
        if len({m.tempo for t in midi.tracks for m in t if m.type == "set_tempo"}) < 2:
            continue
        songs += 1
        written = sorted(tick / midi.ticks_per_beat for tick in _note_ticks(midi))
        pm = pretty_midi.PrettyMIDI(str(path))
        beat = 60.0 / pm.get_tempo_changes()[1][0]
        naive = sorted(n.start / beat for i in pm.instruments for n in i.notes)
        piece = read_midi(path)
        new = sorted(n.start_beats for t in piece.tracks for n in t.notes)
        total += len(written)
        off_old += sum(abs(a - b) > 0.05 for a, b in zip(naive, written, strict=True))
        off_new += sum(abs(a - b) > 0.05 for a, b in zip(new, written, strict=True))
        naive_bars = -(-max(naive) // piece.beats_per_bar)
        bars_wrong += naive_bars != -(-max(written) // piece.beats_per_bar)
    return {"songs": songs, "notes": total, "off_old": off_old / max(total, 1),
            "off_new": off_new / max(total, 1), "bars_wrong_old": bars_wrong}  # fmt: skip


def _note_ticks(midi) -> list[int]:  # noqa: ANN001
    out = []
    for track in midi.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                out.append(tick)
    return out


def keys_and_melody(rows: list, audio: int) -> dict:
    tally: dict[str, list[bool]] = {k: [] for k in (
        "harmonise_before", "harmonise_after", "catalogue_before", "catalogue_after", "audio",
        "agree_before", "agree_after", "melody_before", "melody_after", "melody_unnamed")}  # fmt: skip
    times = []
    held = 0
    for name, path, key, melody in rows:
        began = time.perf_counter()
        piece = read_midi(path)
        found = piece_key(piece).key
        times.append(time.perf_counter() - began)
        top = top_line(piece.tracks[old_melody(piece)].notes)
        pitched = [n for t in piece.tracks if not t.is_drum for n in t.notes]
        before_h = old_key(top)
        before_c = piece.signature or old_key(pitched)
        tally["harmonise_before"].append(same(before_h, key))
        tally["harmonise_after"].append(same(found, key))
        tally["catalogue_before"].append(same(before_c, key))
        tally["catalogue_after"].append(same(found, key))
        tally["melody_before"].append(old_melody(piece) == melody)
        tally["melody_after"].append(choose_melody(piece).index == melody)
        unnamed = replace(piece, tracks=[Track("", t.program, t.notes, t.is_drum)
                                         for t in piece.tracks])  # fmt: skip
        tally["melody_unnamed"].append(choose_melody(unnamed).index == melody)
        is_pop = name.startswith("pop909")
        if audio and (not is_pop or held < audio):
            held += is_pop
            heard = audio_key(path)
            tally["audio"].append(heard is not None and same(heard, key))
            tally["agree_before"].append(same(before_h, key) and same(before_c, key)
                                         and tally["audio"][-1])  # fmt: skip
            tally["agree_after"].append(same(found, key) and tally["audio"][-1])
    out = {k: (sum(v) / len(v) if v else None, len(v)) for k, v in tally.items()}
    out["ms_per_file"] = (1000 * statistics.median(times), len(times))
    return out


def audio_key(path: Path) -> Key | None:
    """The key audio analysis hears in a rendering of the whole file."""
    from models.audience.audio import read_audio_features
    from models.music.render import render_wav

    with tempfile.TemporaryDirectory() as folder:
        heard = read_audio_features(render_wav(path, Path(folder) / "a.wav"))
    if heard.key is None:
        return None
    return Key((NOTE_PC[heard.key[0]] + heard.key.count("#") - heard.key[1:].count("b")) % 12,
               heard.mode)  # fmt: skip


def profiles() -> None:
    """Mean share of each degree over POP909's training songs (all parts, then the bass)."""
    sums = {m: [[0.0] * 12, [0.0] * 12] for m in ("major", "minor")}
    for song in sorted(POP909.iterdir()):
        if not song.name.isdigit() or is_held_out(song.name):
            continue
        key, piece = annotated(song), read_midi(song / f"{song.name}.mid")
        notes = [n for t in piece.tracks if not t.is_drum for n in t.notes]
        for row, part in enumerate((notes, bass_line(notes))):
            total = sum(n.dur_beats for n in part) or 1.0
            for n in part:
                sums[key.mode][row][(n.pitch - key.tonic_pc) % 12] += n.dur_beats / total
    for row, label in enumerate(("PROFILES", "BASS_PROFILES")):
        print(label)
        for mode in ("major", "minor"):
            values = sums[mode][row]
            print("   ", tuple(round(100 * v / sum(values), 1) for v in values), mode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=int, default=30, help="POP909 songs rendered (0: none)")
    parser.add_argument("--profiles", action="store_true")
    args = parser.parse_args()
    if args.profiles:
        profiles()
        return
    rows = files()
    print(f"{len(rows)} files: {sum(r[0].startswith('pop909') for r in rows)} POP909 held-out, "
          f"{sum(r[0].startswith('corpus') for r in rows)} corpus")  # fmt: skip
    read = reading(rows)
    print(f"\nReading ({read['songs']} files with a tempo map, {read['notes']:,} notes)\n")
    print("| reader | notes off their written beat | bar counts wrong |\n|---|---|---|")
    print(f"| first tempo only (before) | {read['off_old']:.1%} | {read['bars_wrong_old']} |")
    print(f"| ticks, tempo map kept (`read_midi`) | {read['off_new']:.1%} | 0 |")
    res = keys_and_melody(rows, args.audio)
    print("\nKeys (exact tonic and mode against the annotation)\n")
    print("| tool | before | after | files |\n|---|---|---|---|")
    for tool, a, b in (("harmonise, continue", "harmonise_before", "harmonise_after"),
                       ("catalogue import", "catalogue_before", "catalogue_after")):  # fmt: skip
        print(f"| {tool} | {res[a][0]:.1%} | {res[b][0]:.1%} | {res[b][1]} |")
    if res["audio"][0] is not None:
        print(f"| audio analysis of a rendering (unchanged) | {res['audio'][0]:.1%} | "
              f"{res['audio'][0]:.1%} | {res['audio'][1]} |")  # fmt: skip
        print(f"| all tools agree, on the annotated key | {res['agree_before'][0]:.1%} | "
              f"{res['agree_after'][0]:.1%} | {res['agree_after'][1]} |")  # fmt: skip
    print("\nMelody track\n\n| rule | accuracy | files |\n|---|---|---|")
    print(f"| highest average pitch (before) | {res['melody_before'][0]:.1%} | "
          f"{res['melody_before'][1]} |")  # fmt: skip
    print(f"| `choose_melody` | {res['melody_after'][0]:.1%} | {res['melody_after'][1]} |")
    print(f"| `choose_melody`, track names removed | {res['melody_unnamed'][0]:.1%} | "
          f"{res['melody_unnamed'][1]} |")  # fmt: skip
    print(f"\nSpeed: read_midi + piece_key {res['ms_per_file'][0]:.0f} ms per file (median)")


if __name__ == "__main__":
    main()
