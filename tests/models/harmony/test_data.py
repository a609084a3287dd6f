"""The harmony training data, read from the archives committed in data/harmony/: Billboard songs
as labelled sections of key-relative chord tokens, POP909 as key regions and as bass bars, the
free-midi-chords mood progressions, and the documented song split. The data is part of the
repository, so a missing archive fails these tests rather than skipping them."""

from __future__ import annotations

import io
import lzma
import tarfile
from pathlib import Path

import pretty_midi
import pytest

from models.harmony import data
from models.harmony.data import (
    DATA_DIR,
    SECTIONS,
    BassBar,
    Section,
    billboard_sections,
    is_test,
    mood_progressions,
    normalise_label,
    pop909_bass_bars,
    pop909_sections,
)

pytestmark = pytest.mark.slow  # reads every song (a few seconds)


@pytest.fixture(scope="module")
def billboard() -> list[Section]:
    return billboard_sections()


@pytest.fixture(scope="module")
def pop909() -> list[Section]:
    return pop909_sections()


@pytest.fixture(scope="module")
def bass() -> list[BassBar]:
    return pop909_bass_bars()


def _song(sections: list[Section], song: str) -> list[Section]:
    return [s for s in sections if s.song == song]


def _triples(section: Section) -> list[tuple[str, float, float]]:
    return [(s.token, s.beats, s.bar_pos) for s in section.segments]


def test_the_archives_and_licences_are_committed() -> None:
    for name in ("billboard.tar.xz", "pop909.tar.xz", "free-midi-chords-chords.py",
                 "LICENSE-pop909", "LICENSE-free-midi-chords", "ATTRIBUTION.md"):  # fmt: skip
        assert (DATA_DIR / name).is_file(), f"data/harmony/{name} is missing"


def test_billboard_0003_reads_as_its_file_says(billboard: list[Section]) -> None:
    """James Brown, "I Don't Mind": 6/8, tonic C; the intro is | Am | Am | C | C | three times."""
    sections = _song(billboard, "billboard/0003")
    assert [s.label for s in sections] == ["intro", "verse", "verse", "instrumental", "verse",
                                           "instrumental"]  # fmt: skip
    intro, verse = sections[0], sections[1]
    assert (intro.mode, intro.beats_per_bar, intro.tonic) == ("major", 6, 0)
    assert _triples(intro) == [("9:min", 12.0, 0.0), ("0:maj", 12.0, 0.0)] * 3
    assert [s.token for s in verse.segments][4:] == ["5:maj", "2:maj", "7:maj", "0:maj"]
    assert _triples(sections[-1])[-1] == ("9:min", 6.0, 0.0)  # the closing single bar


def test_billboard_modulation_re_keys_what_follows(billboard: list[Section]) -> None:
    """0022 (Never My Love) moves from G to A with a mid-file '# tonic: A'; its outro line
    repeats x4 and keeps a beat-share chord pair in its last bar."""
    sections = _song(billboard, "billboard/0022")
    assert [s.tonic for s in sections][:2] == [7, 7] and sections[-1].tonic == 9
    outro = sections[-1]
    assert outro.label == "outro"
    bar = [("0:maj", 4.0, 0.0), ("0:maj/10", 4.0, 0.0), ("9:min", 4.0, 0.0), ("8:maj", 2.0, 0.0),
           ("10:maj", 2.0, 2.0)]  # fmt: skip
    assert _triples(outro) == bar * 4 + [("0:maj", 4.0, 0.0)]


def _archive(tmp_path: Path, song: str, text: str) -> Path:
    with lzma.open(tmp_path / "billboard.tar.xz", "wb") as xz, tarfile.open(fileobj=xz, mode="w") as tar:  # fmt: skip
        raw = text.encode()
        info = tarfile.TarInfo(f"billboard/{song}/salami_chords.txt")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    return tmp_path


def test_billboard_notation(tmp_path: Path) -> None:
    """Beat shares and '.', a one-bar metre change, no chord, a repeat, a mid-section fadeout,
    a mid-song metre change and a minor tonic found from the chords on it."""
    text = "\n".join([
        "# title: T", "# artist: A", "# metre: 4/4", "# tonic: A", "",
        "0.0\tsilence",
        "1.0\tA, intro, | A:min . C:maj . | (2/4) E:7 | N |, (guitar",
        "2.0\t| A:min | A:min |, guitar)",
        "3.0\tB, verse, | D:min7 G:7 | x2",
        "4.0\tfadeout, | D:min7 | C:maj |",
        "# metre: 3/4",
        "5.0\t| A:min |",
        "6.0\tend",
    ])  # fmt: skip
    sections = billboard_sections(_archive(tmp_path, "9999", text))
    assert [(s.label, s.beats_per_bar, s.mode, s.tonic) for s in sections] == [
        ("intro", 4, "minor", 9), ("verse", 4, "minor", 9), ("verse", 3, "minor", 9)]  # fmt: skip
    intro, verse, last = sections
    assert _triples(intro) == [("0:min", 2.0, 0.0), ("3:maj", 2.0, 2.0), ("7:7", 2.0, 0.0),
                               ("0:min", 8.0, 0.0)]  # fmt: skip
    assert _triples(verse) == [("5:min7", 2.0, 0.0), ("10:7", 2.0, 2.0)] * 2 + [
        ("5:min7", 4.0, 0.0), ("3:maj", 4.0, 0.0)]  # fmt: skip
    assert _triples(last) == [("0:min", 3.0, 0.0)]
    assert data.SKIPPED["billboard:N"] >= 1


@pytest.mark.parametrize(("words", "lettered", "label"), [
    (["verse"], True, "verse"), (["pre-chorus two"], True, "prechorus"),
    (["pre chorus", "fade out"], True, "prechorus"), (["chorus b"], True, "chorus"),
    (["refrain"], False, "chorus"), (["intro-a"], True, "intro"), (["pre-verse"], True, "verse"),
    (["solo"], False, "instrumental"), (["(secondary) theme"], True, "instrumental"),
    (["interlude"], True, "instrumental"), (["coda"], True, "outro"),
    (["fadeout"], True, "outro"), (["fadeout"], False, None), (["trans"], True, "any"),
    ([], True, "any"), (["flute)"], False, None), (["outro", "instrumental", "fadeout"], True, "outro"),
])  # fmt: skip
def test_section_labels_normalise(words: list[str], lettered: bool, label: str | None) -> None:
    assert normalise_label(words, lettered) == label


def test_pop909_001_key_mode_and_first_chords(pop909: list[Section]) -> None:
    """001 is in Gb major (key_audio.txt); its chords start B, C#, Bbm, Ebm, two beats each."""
    (section,) = _song(pop909, "pop909/001")
    assert (section.label, section.mode, section.tonic, section.beats_per_bar) == (
        "any", "major", 6, 4)  # fmt: skip
    assert _triples(section)[:4] == [("5:maj", 2.0, 0.0), ("7:maj", 2.0, 2.0),
                                     ("4:min", 2.0, 0.0), ("9:min", 2.0, 2.0)]  # fmt: skip
    assert data.SKIPPED["pop909:N"] > 0


def test_sections_are_well_formed(billboard: list[Section], pop909: list[Section]) -> None:
    for section in billboard + pop909:
        assert section.label in SECTIONS and section.mode in ("major", "minor")
        assert section.segments and 0 <= section.tonic < 12
        for segment in section.segments:
            assert segment.beats > 0 and 0 <= segment.bar_pos < max(section.beats_per_bar, 12)
            assert 0 <= int(segment.token.split(":")[0]) < 12
    assert {s.label for s in pop909} == {"any"}
    assert {s.label for s in billboard} == set(SECTIONS)


def test_bass_bars(bass: list[BassBar]) -> None:
    assert len(bass) > 50_000
    for bar in bass:
        assert bar.chords and all(0 <= beat < 4 for beat, _ in bar.chords)
        for step, interval, pitch in bar.onsets:
            assert 0 <= step < 16 and 0 <= interval < 12 and pitch < 60
    first = next(b for b in bass if b.song == "pop909/001")
    assert first.chords == ((0.0, "5:maj"), (2.0, "7:maj"))  # B then C# in Gb major
    assert first.onsets[0] == (0, 0, 47)  # the piano's low B on the downbeat


def test_midi_onsets_match_pretty_midi() -> None:
    """The quick MIDI reader agrees with pretty_midi, tempo changes (002) included."""
    with tarfile.open(DATA_DIR / "pop909.tar.xz") as tar:
        for song in ("001", "002"):
            raw = tar.extractfile(f"pop909/{song}/{song}.mid").read()  # type: ignore[union-attr]
            pm = pretty_midi.PrettyMIDI(io.BytesIO(raw))
            want = sorted((n.start, n.pitch) for i in pm.instruments if i.name == "PIANO"
                          for n in i.notes)  # fmt: skip
            got = sorted(data.midi_onsets(raw))
            assert [p for _, p in got] == [p for _, p in want]
            assert max(abs(a - b) for (a, _), (b, _) in zip(got, want, strict=True)) < 1e-5


def test_mood_progressions() -> None:
    progressions = mood_progressions()
    assert len(progressions) == 190
    by_tokens = {p.tokens: p for p in progressions}
    axis = by_tokens[("0:maj", "7:maj", "9:min", "5:maj")]  # I V vi IV
    assert axis.mode == "major" and set(axis.moods) == {"hopeful", "romantic"}
    assert by_tokens[("0:min", "8:maj", "3:maj", "10:maj")].mode == "minor"  # i VI III VII
    assert ("0:maj", "0:maj7", "0:7", "0:maj7") in by_tokens  # I I7 Idom7 I7: mingus's sevenths
    assert by_tokens[("0:min", "3:maj", "10:maj", "5:maj")].mode == "minor"  # im bIIIM bVIIM IV
    assert by_tokens[("3:maj", "2:min", "1:maj", "0:maj")].mode == "major"  # bIIIM ii bIIM I
    assert all(p.moods == tuple(m.lower() for m in p.moods) and "new" not in p.moods
               for p in progressions)  # fmt: skip
    assert sum(p.mode == "minor" for p in progressions[50:108]) == 58


def test_split_by_song(billboard: list[Section], pop909: list[Section]) -> None:
    for sections in (billboard, pop909):
        songs = {s.song for s in sections}
        test = {s.song for s in sections if is_test(s.song)}
        train = {s.song for s in sections if not is_test(s.song)}
        assert not test & train and test | train == songs
        assert 0.05 < len(test) / len(songs) < 0.15
