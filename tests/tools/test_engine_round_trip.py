"""Every engine's MIDI and MusicXML agree note for note, in every key: all 24 major and minor
keys (plus F#/Gb and C#/Db, D#m/Ebm spelled as asked) through compose and chords, and the keys
most easily misspelled (F# major, G# minor, Eb minor) through generate, bass and track. The key signatures of the two files
agree, and every note of the key is spelled with the key's letter."""

from __future__ import annotations

from pathlib import Path

import mido
import music21
import pretty_midi
import pytest

from assistant.config import Settings
from assistant.core.runtime import Runtime
from models.music.theory import key_signature_name, parse_key, pc_name
from tools.base import ToolContext

MAJOR = ["C", "G", "D", "A", "E", "B", "F#", "Gb", "C#", "Db", "F", "Bb", "Eb", "Ab"]
MINOR = ["A", "E", "B", "F#", "C#", "G#", "D#", "Eb", "D", "G", "C", "F", "Bb"]
ALL = [(k, "major") for k in MAJOR] + [(k, "minor") for k in MINOR]
HARD = [("F#", "major"), ("G#", "minor"), ("Eb", "minor")]
SHARPS = {"C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F#": 6, "C#": 7, "F": -1, "Bb": -2,
          "Eb": -3, "Ab": -4, "Db": -5, "Gb": -6, "Cb": -7, "Am": 0, "Em": 1, "Bm": 2, "F#m": 3,
          "C#m": 4, "G#m": 5, "D#m": 6, "A#m": 7, "Dm": -1, "Gm": -2, "Cm": -3, "Fm": -4,
          "Bbm": -5, "Ebm": -6, "Abm": -7}  # fmt: skip


def run(settings: Settings, tool: str, **args) -> dict[str, str]:  # noqa: ANN003
    result = Runtime().call(tool, {**args, "audio": False}, ToolContext(settings=settings))
    assert result.ok, result.error
    return {Path(f).suffix: f for f in result.files}


def midi_parts(path: str) -> tuple[list[list[int]], set[str]]:
    """Each pitched track's pitches, and the names of the drum tracks."""
    pm = pretty_midi.PrettyMIDI(path)
    drums = {i.name for i in pm.instruments if i.is_drum}
    return [sorted(n.pitch for n in i.notes) for i in pm.instruments
            if not i.is_drum and i.notes], drums  # fmt: skip


def check(files: dict[str, str], tonic: str, mode: str) -> None:
    key = parse_key(tonic, mode)
    signature = [m.key for t in mido.MidiFile(files[".mid"]).tracks for m in t
                 if m.type == "key_signature"]  # fmt: skip
    assert signature == [key_signature_name(key)]
    score = music21.converter.parse(files[".musicxml"]).stripTies()
    assert score.recurse().getElementsByClass("KeySignature")[0].sharps == SHARPS[signature[0]]
    want, drums = midi_parts(files[".mid"])
    parts = []
    diatonic = key.scale_pcs(include_altered=False)
    for part in score.parts:
        pitches = [p for n in part.recurse().notes  # chord symbols are not notes played
                   if not isinstance(n, music21.harmony.ChordSymbol) for p in n.pitches]  # fmt: skip
        if not pitches or part.partName in drums:
            continue
        parts.append(sorted(p.midi for p in pitches))
        for p in pitches:
            if p.midi % 12 in diatonic:  # a note of the key has the key's spelling
                assert p.name.replace("-", "b") == pc_name(p.midi, key), (p.nameWithOctave, key)
    assert parts == want  # note for note, part by part


@pytest.mark.parametrize(("tonic", "mode"), ALL)
def test_compose_and_chords_in_every_key(tonic: str, mode: str, settings: Settings) -> None:
    check(run(settings, "compose", key=tonic, mode=mode, style="chorale", bars=2, seed=3),
          tonic, mode)  # fmt: skip
    check(run(settings, "chords", key=tonic, mode=mode, bars=2, seed=3), tonic, mode)


@pytest.mark.parametrize(("tonic", "mode"), HARD)
def test_generate_bass_and_track_in_the_hardest_keys(tonic: str, mode: str,
                                                     settings: Settings) -> None:  # fmt: skip
    check(run(settings, "generate", key=tonic, mode=mode, bars=4, seed=3), tonic, mode)
    check(run(settings, "bass", key=tonic, mode=mode, bars=4, seed=3), tonic, mode)
    check(run(settings, "track", genre="pop", key=tonic, mode=mode, bars=4, seed=3), tonic, mode)


def test_g_sharp_minor_spells_its_leading_tone_f_double_sharp(settings: Settings) -> None:
    files = run(settings, "compose", key="G#", mode="minor", style="chorale", bars=8, seed=5)
    score = music21.converter.parse(files[".musicxml"])
    names = {p.name for n in score.recurse().notes for p in n.pitches if p.midi % 12 == 7}
    assert names == {"F##"}, names  # the raised 7th, never G natural
