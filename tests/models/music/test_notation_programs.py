"""Our MusicXML in real notation programs: LilyPond (musicxml2ly, then lilypond) and MuseScore 3
import Cadenza's own outputs headless, and must say nothing: every warning or error they print
is a score a musician would open wrong (a misplaced chord symbol, a broken triplet, a crash).

Both are optional Debian packages (`apt-get install --no-install-recommends lilypond
musescore3`); without them the tests skip and say so. `cadenza doctor` reports both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from models.music.musicxml import write_musicxml
from models.music.piece import ChordMark, Note, Piece, Track
from models.music.theory import Key, parse_key

TIMEOUT_SEC = 300
LILYPOND = shutil.which("musicxml2ly") and shutil.which("lilypond")
MUSESCORE = next((p for p in map(shutil.which, ("mscore3", "musescore3", "mscore")) if p), None)

# Lines the programs print that are not about the score, each matched in full:
LILYPOND_NOISE = [
    # Page breaking squeezing a long score onto its pages: layout, not a misreading. (Our test
    # pieces are short; a 5-part song of 56 bars prints these.)
    r"warning: page \d+ has been compressed",
    r"warning: compressing over-full page by [\d.]+ staff-spaces",
]
MUSESCORE_NOISE = [
    r"convert <.*>\.\.\.",  # its progress: the input file,
    r"\s*to <.*>",  # the output file
    r"\.\.\. success!",  # and the result (a failure prints "... failed!")
]


def t(n: int) -> float:
    return n / 3  # triplet eighths


def edge_cases() -> Piece:
    """What broke the programs before: triplets across a beat, a triplet ending on a rest,
    swing, rests inside the music, chord changes under a held note and under a rest, and
    more overlapping lines on one staff than MuseScore's four voices."""
    melody = [
        Note(72, 0, t(2)), Note(74, t(2), 1), Note(76, t(5), t(1)),  # across beat 1
        Note(77, 2, t(1)), Note(76, 2 + t(1), t(1)),  # then a triplet rest
        Note(74, 3, t(2)), Note(72, 3 + t(2), t(1)),  # swing
        Note(71, 4, 4),  # held under two chords
        Note(72, 10, 2),  # after a rest with a chord change in it
    ]  # fmt: skip
    piano = [Note(48 + 2 * i, i * 0.5, 4 - i * 0.5) for i in range(6)]  # six lines at once
    chords = [ChordMark(0, 4, "C"), ChordMark(4, 2, "Am7"), ChordMark(6, 2, "F6/9"),
              ChordMark(8, 2, "G7sus4"), ChordMark(9, 3, "C")]  # fmt: skip
    tracks = [Track("Drums", 0, [Note(36, b, 0.25) for b in range(12)], is_drum=True),
              Track("Melody", 73, melody), Track("Piano", 0, piano)]  # fmt: skip
    return Piece(Key(0, "major"), 96, (4, 4), 3, tracks, chords, title="edge cases")


def outputs() -> dict[str, Piece]:
    """A handful of Cadenza's own outputs, as the tools make them."""
    from models.composition.engine import MelodyRequest, get_composer
    from models.composition.mood import mood_params
    from models.generation.arrange import arrange, new_controls
    from models.generation.engine import Sampling, get_generator
    from models.generation.pieces import generate
    from models.harmony.engine import HarmonyRequest, get_engine
    from models.harmony.song import to_piece

    compose = get_composer().compose
    chorale = compose(MelodyRequest(key=Key(1, "minor"), seed=3, program=52)).piece
    f_sharp = compose(MelodyRequest(key=parse_key("F#", "major"), style="folk", seed=5)).piece
    jig = compose(MelodyRequest(key=Key(2, "major"), meter=(6, 8), style="irish", seed=1,
                                tempo_bpm=168, program=73, parts=1)).piece  # fmt: skip
    controls = new_controls(Key(9, "minor"), (4, 4), "folk", 1, mood_params(None))
    voices = generate(get_generator(), controls, 8, Sampling(seed=1)).voices
    melody = arrange(voices, Key(9, "minor"), (4, 4), 8, 100.0, "folk", 73, 1).piece
    jazz = to_piece(get_engine().write(HarmonyRequest(key=Key(3, "major"), style="jazz", seed=4)))
    pieces = {"chorale-c-sharp-minor": (chorale, "chorale in C# minor"),
              "folk-f-sharp-major": (f_sharp, "folk song in F# major"),
              "jig-6-8": (jig, "jig in D major"),
              "generated-melody": (melody, "folk song in A minor"),
              "jazz-chords": (jazz, "Jazz chords in Eb major"),
              "edge-cases": (edge_cases(), "")}  # fmt: skip
    for piece, title in pieces.values():
        piece.title = title or piece.title
    return {name: piece for name, (piece, _) in pieces.items()}


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The outputs as MusicXML, written once for both programs (asked for only where one is
    installed: the engines take a few seconds)."""
    folder = tmp_path_factory.mktemp("scores")
    return {name: write_musicxml(piece, folder / f"{name}.musicxml")
            for name, piece in outputs().items()}  # fmt: skip


def complaints(output: str, noise: list[str]) -> list[str]:
    """The lines of a program's output that are not known noise."""
    return [line for line in output.splitlines()
            if line.strip() and not any(re.fullmatch(p, line) for p in noise)]  # fmt: skip


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_SEC,
                          env={**os.environ, **(env or {})}, check=False)  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)} failed ({done.returncode}):\n{output}"
    return output


def test_lilypond_engraves_every_output_without_a_warning(request: pytest.FixtureRequest) -> None:
    if not LILYPOND:
        pytest.skip("lilypond is not installed (optional Debian package: apt-get install lilypond)")
    scores: dict[str, Path] = request.getfixturevalue("scores")
    folder = next(iter(scores.values())).parent
    said = {}
    for name, path in scores.items():
        # musicxml2ly takes WARN (its --help says WARNING, which it refuses); lilypond WARNING.
        out = run(["musicxml2ly", "--loglevel=WARN", "-o", f"{name}.ly", path.name], folder)
        said[f"musicxml2ly {name}"] = complaints(out, [])
    out = run(["lilypond", "--loglevel=WARNING", *(f"{name}.ly" for name in scores)], folder)
    said["lilypond"] = complaints(out, LILYPOND_NOISE)
    assert not any(said.values()), {k: v for k, v in said.items() if v}
    for name in scores:
        assert (folder / f"{name}.pdf").stat().st_size > 0
    chorale = (folder / "chorale-c-sharp-minor.ly").read_text()
    assert 'title =  "Chorale in C# minor"' in chorale and "Music21" not in chorale
    assert "subtitle" not in chorale and "composer" not in chorale
    assert '\\clef "treble_8"' in chorale  # the tenor
    assert "\\tempo 4.=112" in (folder / "jig-6-8.ly").read_text()


def test_musescore_imports_every_output_without_a_warning(request: pytest.FixtureRequest) -> None:
    if not MUSESCORE:
        pytest.skip("MuseScore 3 is not installed (optional Debian package: apt-get install "
                    "musescore3)")  # fmt: skip
    scores: dict[str, Path] = request.getfixturevalue("scores")
    folder = next(iter(scores.values())).parent
    runtime = folder / "runtime"  # Qt's, private: else it says it made one in /tmp
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(runtime)}
    said = {}
    for name, path in scores.items():
        out = run([MUSESCORE, "-o", f"{name}.mscx", path.name], folder, env)
        said[name] = complaints(out, MUSESCORE_NOISE)
    assert not any(said.values()), {k: v for k, v in said.items() if v}
    root = ET.parse(folder / "chorale-c-sharp-minor.mscx").getroot()
    tags = {m.get("name"): m.text for m in root.iter("metaTag")}
    assert tags["workTitle"] == "Chorale in C# minor" and not tags.get("composer")
    parts = [(p.findtext(".//longName"), p.findtext(".//shortName")) for p in root.iter("Part")]
    assert parts == [("Soprano", "S."), ("Alto", "A."), ("Tenor", "T."), ("Bass", "B.")]
    clefs = [s.findtext(".//concertClefType") for s in root.iter("Staff") if s.find(".//Clef")]
    assert clefs[:4] == ["G", "G", "G8vb", "F"]
