"""Real outside files through the tools (tests/data/real, annotated in corpus.yaml): every tool
reads one key from a file's notes, harmonise takes the melody a musician would and says which,
and the file's tempo map comes back in what Cadenza writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.config import Settings
from assistant.core.runtime import Runtime
from models.audience.features import SongFeatures, midi_features
from models.generation.rework import source_of
from models.music.midi_io import read_midi
from tools.base import ToolContext

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
CORPUS = yaml.safe_load((REAL / "corpus.yaml").read_text())


def call(settings: Settings, tool: str, **args):  # noqa: ANN003, ANN201
    return Runtime().call(tool, args, ToolContext(settings=settings))


def copy(workspace: Path, name: str) -> Path:
    workspace.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(REAL / name, workspace / name))


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_harmonise_continue_and_the_catalogue_agree_on_the_annotated_key(name: str) -> None:
    from models.composition.melody_input import melody_from_midi

    want = CORPUS[name]["key"]
    assert melody_from_midi(REAL / name).key.name == want  # harmonize
    assert source_of(read_midi(REAL / name), name=name).controls.key.name == want  # extend
    song = midi_features(REAL / name, SongFeatures(song_id=name, title=name))  # catalogue
    assert f"{song.key} {song.mode}" == want


def test_harmonize_names_the_melody_track_and_keeps_the_tempo_map(settings: Settings,
                                                                  workspace: Path) -> None:  # fmt: skip
    copy(workspace, "bach-bwv846-prelude.mid")
    done = call(settings, "harmonize", file="bach-bwv846-prelude.mid", audio=False)
    assert done.ok, done.error
    assert "(the melody from the Piano track)" in done.summary
    assert "C major (key found from the notes)" in done.summary
    out = read_midi(Path(next(f for f in done.files if f.endswith(".mid"))))
    assert [(m.start_beats, m.bpm) for m in out.tempos] == [(130.0, 66.0), (130.75, 48.0),
                                                            (131.25, 30.0)]  # fmt: skip


def test_harmonize_the_track_a_producer_names(settings: Settings, workspace: Path) -> None:
    copy(workspace, "pop909-002.mid")
    done = call(settings, "harmonize", file="pop909-002.mid", style="pop", track="BRIDGE",
                audio=False)  # fmt: skip
    assert done.ok, done.error
    assert "(the melody from the BRIDGE track, as you asked)" in done.summary
    missing = call(settings, "harmonize", file="pop909-002.mid", track="flute", audio=False)
    assert not missing.ok
    assert missing.error == "There is no flute track in the file; its parts are MELODY, BRIDGE, PIANO."


def test_song_info_reads_the_key_from_the_notes_and_shows_the_tempo_map(
    settings: Settings, workspace: Path
) -> None:
    copy(workspace, "beethoven-op18no1-adagio.mid")
    done = call(settings, "song_info", file="beethoven-op18no1-adagio.mid")
    assert done.ok, done.error
    assert "D minor (from the notes; the file's key signature says F major)" in done.summary
    copy(workspace, "pop909-020.mid")
    done = call(settings, "song_info", file="pop909-020.mid")
    assert "A minor (from the notes: the file has no key signature)" in done.summary
    assert "(a tempo map: 23 changes," in done.summary
