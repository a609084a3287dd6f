"""Genre presets: every file in prompts/genres/ loads and names only what the engines play (drum
styles, harmony styles, chord rhythms, bass styles, parts in its sections); adding a genre is
adding a file; a malformed file names itself; an unknown genre is refused with the list; the
words producers use find their genre."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.arrangement.form import SECTION_ROLES
from models.arrangement.genres import (
    GENRES_DIR,
    ROLES,
    SECTIONS,
    Genre,
    find_genre,
    get_genre,
    load_genres,
)
from models.drums.styles import STYLES as DRUM_STYLES
from models.errors import InputError
from models.harmony.bass import BASS_STYLES
from models.harmony.comp import PATTERNS
from models.harmony.styles import STYLES as HARMONY_STYLES

ISSUE_GENRES = ("lofi", "boombap", "trap", "house", "techno", "disco", "funk", "synthwave", "pop",
                "ballad", "rock", "punk", "jazz", "bossanova", "reggae", "film", "songwriter",
                "chorale", "folk", "irish")  # fmt: skip
GENRES = load_genres()
ALL = sorted(GENRES)

LOFI_LIKE = """\
genre: {name}
label: {label}
words: [{word}]
tempo: {{low: 60, default: 70, high: 80}}
meter: 3/4
drums: {{style: jazz}}
harmony: {{style: jazz}}
parts:
  drums: {{role: drums}}
  bass: {{role: bass, instrument: upright bass, style: walking}}
  piano: {{role: chords, instrument: piano, rhythm: comping}}
form:
  loop: [verse 4]
  song: [intro 2, verse 8, outro 2]
"""


def genre(name: str) -> Genre:
    return GENRES[name]


# -- the shipped presets ----------------------------------------------------------------------


def test_every_genre_file_loads_as_the_genre_it_names() -> None:
    files = sorted(GENRES_DIR.glob("*.yaml"))
    assert len(files) == len(GENRES) >= 21
    assert {p.stem for p in files} == set(GENRES)  # one file per genre, named after it


def test_the_genres_the_issue_names_are_all_there() -> None:
    missing = [g for g in ISSUE_GENRES if g not in GENRES]
    assert not missing, missing
    assert {"afrobeats", "reggaeton"} & set(GENRES)
    labels = [g.label for g in GENRES.values()]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("name", ALL)
def test_a_preset_names_only_what_the_engines_play(name: str) -> None:
    g = genre(name)
    assert g.harmony_style in HARMONY_STYLES, g.harmony_style
    names = [p.name for p in g.parts]
    assert len(set(names)) == len(names), names
    drums = g.role("drums")
    if drums is not None:
        assert g.engine == "band"
        assert (drums.rhythm or g.drum_style) in DRUM_STYLES, (drums.rhythm, g.drum_style)
        assert drums.program == 0
    if g.drum_style is not None:
        assert g.drum_style in DRUM_STYLES, g.drum_style
    for p in g.parts:
        assert p.role in ROLES
        assert 0 <= p.program <= 127, (p.name, p.program)
        if p.role in ("chords", "pad") and p.rhythm is not None:
            assert p.rhythm in PATTERNS, (p.name, p.rhythm)
        if p.role == "bass" and p.rhythm is not None:
            assert p.rhythm in BASS_STYLES, (p.name, p.rhythm)
        if p.low or p.high:
            assert 0 < p.low < p.high <= 127, (p.name, p.low, p.high)
        if p.density is not None:
            assert 0.0 <= p.density <= 1.0
    assert 0.0 <= g.swing <= 1.0 and 0.0 <= g.density <= 1.0


@pytest.mark.parametrize("name", ALL)
def test_tempo_meter_mode_and_forms_are_sound(name: str) -> None:
    g = genre(name)
    low, default, high = g.tempo
    assert 30 <= low <= default <= high <= 300, g.tempo
    assert g.meter in ("4/4", "3/4", "6/8")
    assert g.mode in ("major", "minor")
    assert g.engine in ("band", "composition")
    if g.engine == "composition":
        assert g.composition_style, name
    assert {"loop", "song"} <= set(g.forms), g.forms
    for form in g.forms.values():
        assert form and all(section in SECTIONS and bars >= 1 for section, bars in form)
    assert sum(b for _, b in g.forms["loop"]) <= 8  # a loop is one section of up to 8 bars
    for section, playing in g.sections.items():
        assert section in SECTION_ROLES, section
        unknown = [p for p in playing if g.part(p) is None]
        assert not unknown, f"{name}: section {section} names {unknown}, not parts"


def test_the_presets_sound_like_their_genres() -> None:
    """A few facts a producer would check first."""
    assert genre("house").tempo[1] in range(118, 131) and genre("house").drum_style == "house"
    assert genre("trap").role("bass").instrument == "808"
    assert genre("lofi").swing > 0 and genre("lofi").role("chords").program == 4
    assert genre("jazz").role("bass").rhythm == "walking"
    assert genre("film").role("drums") is None
    assert genre("punk").tempo[1] > genre("ballad").tempo[1]
    for name in ("chorale", "folk", "irish"):
        assert genre(name).engine == "composition"


def test_no_word_names_two_genres() -> None:
    owner: dict[str, str] = {}
    for g in GENRES.values():
        for word in (g.name, *g.words):
            assert owner.setdefault(word, g.name) == g.name, (word, owner[word], g.name)


# -- adding a genre is adding a file -----------------------------------------------------------


def test_a_new_file_is_a_new_genre(tmp_path: Path) -> None:
    (tmp_path / "waltzjazz.yaml").write_text(
        LOFI_LIKE.format(name="waltzjazz", label="jazz waltz", word="jazz waltz")
    )
    (tmp_path / "notes.txt").write_text("not a preset")
    found = load_genres.__wrapped__(tmp_path)
    assert list(found) == ["waltzjazz"]
    g = found["waltzjazz"]
    assert g.label == "jazz waltz" and g.words == ("jazz waltz",)
    assert g.tempo == (60, 70, 80) and g.meter == "3/4" and g.engine == "band"
    assert g.drum_style == "jazz" and g.harmony_style == "jazz"
    assert [(p.name, p.role, p.program, p.rhythm) for p in g.parts] == [
        ("drums", "drums", 0, None), ("bass", "bass", 32, "walking"),
        ("piano", "chords", 0, "comping")]  # fmt: skip
    assert g.forms == {"loop": (("verse", 4),), "song": (("intro", 2), ("verse", 8), ("outro", 2))}
    # the shipped genres are untouched by reading another folder
    assert "waltzjazz" not in load_genres() and len(load_genres()) == len(GENRES)


@pytest.mark.parametrize(
    "text",
    [
        "genre: broken\nparts: {drums: {role: drums}}\nform: {loop: [verse 4], song: [verse 4]}\n",
        LOFI_LIKE.format(name="b", label="b", word="b").replace("verse 4]", "verse four]"),
        LOFI_LIKE.format(name="b", label="b", word="b").replace("role: chords", "role: banjo"),
        LOFI_LIKE.format(name="b", label="b", word="b").replace("upright bass", "kazoo"),
        "genre: [unclosed\n",
        "just a string\n",
    ],
    ids=["no-tempo", "bad-form", "bad-role", "bad-instrument", "bad-yaml", "not-a-mapping"],
)
def test_a_malformed_file_is_a_value_error_naming_it(tmp_path: Path, text: str) -> None:
    (tmp_path / "good.yaml").write_text(LOFI_LIKE.format(name="good", label="good", word="g"))
    (tmp_path / "broken-preset.yaml").write_text(text)
    with pytest.raises(ValueError, match="broken-preset.yaml"):
        load_genres.__wrapped__(tmp_path)


# -- asking for a genre -----------------------------------------------------------------------


def test_an_unknown_genre_is_refused_with_the_genres_it_plays() -> None:
    with pytest.raises(InputError) as err:
        get_genre("polka")
    message = str(err.value)
    assert "polka" in message and "\n" not in message
    assert message.count(". ") <= 1  # the refusal, and at most a 'Nearest: ...' hint
    for g in GENRES.values():
        assert g.label in message, g.label
    with pytest.raises(InputError) as err:
        get_genre("zzqx")
    far = str(err.value)
    assert far.endswith(".") and ". " not in far  # nothing near: one sentence


@pytest.mark.parametrize(
    ("word", "name"),
    [("lofi", "lofi"), ("Lo-Fi", "lofi"), ("boom bap", "boombap"), ("deep house", "house"),
     ("jazz trio", "jazz"), ("bossa nova", "bossanova"), (" Irish ", "irish"),
     ("film score", "film"), ("singer-songwriter", "songwriter")],
)  # fmt: skip
def test_a_genre_by_its_name_or_a_producer_word(word: str, name: str) -> None:
    assert get_genre(word).name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [("a lo-fi beat", "lofi"), ("some deep house", "house"), ("a film score", "film"),
     ("boom bap", "boombap"), ("make me a house track", "house"), ("lofi hip hop please", "lofi"),
     ("a pop punk song", "punk"), ("an 80s synth track", "synthwave"), ("a trap beat", "trap"),
     ("something for a bossa nova night", "bossanova"), ("a Bach chorale", "chorale"),
     ("write a sad song", None), ("my housewife playlist", None), ("", None)],
)  # fmt: skip
def test_find_genre_in_a_producers_message(text: str, name: str | None) -> None:
    assert find_genre(text) == name
