"""`arrange`: a track in a genre as asked (tempo, meter, bars, key, parts, instruments), every note
inside the piece, chords over all of it, the same track for the same seed; a song's form with its
intro, outro, fills and the bass entering on the drop; bad requests refused in a sentence."""

from __future__ import annotations

import pytest

from models.arrangement.arranger import Arrangement, TrackRequest, arrange
from models.errors import InputError
from models.music.piece import Piece
from models.music.theory import Key

CRASH = 49
# A bass locked to a humanised kick may start a hair before its beat; see the xfail below for
# the ones that start before the piece does.
PUSH = 0.05
BAND_GENRES = ("lofi", "trap", "jazz", "film")


def made(**kw) -> Arrangement:  # noqa: ANN003
    return arrange(TrackRequest(**kw))


def notes_of(piece: Piece) -> list[tuple[str, int, float, float]]:
    return [(t.name, n.pitch, round(n.start_beats, 4), round(n.dur_beats, 4))
            for t in piece.tracks for n in t.notes]  # fmt: skip


def head(track_name: str) -> str:
    return track_name.split(" (")[0].lower()


def bars_with_notes(piece: Piece, part: str) -> set[int]:
    track = next(t for t in piece.tracks if head(t.name) == part)
    return {int(n.start_beats // piece.beats_per_bar) for n in track.notes}


@pytest.fixture(scope="module")
def loops() -> dict[str, Arrangement]:
    """One 4-bar loop per genre (and the folk tune from the composition engine), made once."""
    out = {g: made(genre=g, bars=4, seed=7) for g in BAND_GENRES}
    out["folk"] = made(genre="folk", bars=4, seed=7)
    return out


@pytest.fixture(scope="module")
def house_song() -> Arrangement:
    return made(genre="house", song=True, seed=3)


@pytest.fixture(scope="module")
def lofi_song() -> Arrangement:
    return made(genre="lofi", song=True, seed=3)


# -- the piece ---------------------------------------------------------------------------------


def check_piece(a: Arrangement, bars: int) -> None:
    """Tracks, bounds and chords every arrangement must have."""
    p = a.piece
    assert p.bars == bars and p.total_beats == pytest.approx(bars * p.beats_per_bar)
    assert p.tracks and all(t.notes for t in p.tracks)
    for t in p.tracks:
        for n in t.notes:
            assert n.start_beats >= -PUSH and n.dur_beats > 0, (t.name, n)
            assert n.start_beats + n.dur_beats <= p.total_beats + 1e-6, (t.name, n)
            assert 0 <= n.pitch <= 127 and 1 <= n.velocity <= 127
    drums = [t for t in p.tracks if t.is_drum]
    assert len(drums) <= 1 and all(t.program == 0 and t.name == "Drums" for t in drums)
    # the chord marks cover the piece, end to end, without a gap or an overlap
    marks = p.chords
    assert marks and marks[0].start_beats == pytest.approx(0)
    for m, nxt in zip(marks, marks[1:], strict=False):
        assert m.dur_beats > 0 and m.start_beats + m.dur_beats == pytest.approx(nxt.start_beats)
    assert marks[-1].start_beats + marks[-1].dur_beats == pytest.approx(p.total_beats)
    assert all(m.text for m in marks)


@pytest.mark.parametrize("name", BAND_GENRES)
def test_a_loop_has_a_track_per_part_inside_the_bars(loops: dict, name: str) -> None:
    a = loops[name]
    check_piece(a, 4)
    assert [head(t.name) for t in a.piece.tracks] == [p.name for p in a.parts]
    for t, part in zip(a.piece.tracks, a.parts, strict=True):
        assert t.is_drum == (part.role == "drums") and t.program == part.program
        if part.role != "drums":
            assert t.name == f"{part.name.capitalize()} ({part.instrument})"
    g = a.genre
    assert a.tempo_bpm == g.tempo[1] and a.piece.tempo_bpm == g.tempo[1]
    assert a.meter == g.meter == "4/4" and a.piece.meter == (4, 4)
    assert a.key.mode == g.mode and a.piece.key == a.key
    assert len(a.sections) == 1 and a.piece.sections == []  # a loop: one section, no marks


def test_the_genres_bands() -> None:
    a = made(genre="trap", bars=2, seed=1)
    assert [(head(t.name), t.program, t.is_drum) for t in a.piece.tracks] == [
        ("drums", 0, True), ("bass", 38, False), ("pad", 89, False), ("lead", 14, False)]  # fmt: skip
    film = made(genre="film", bars=2, seed=1)
    assert not any(t.is_drum for t in film.piece.tracks)


def test_a_folk_tune_comes_from_the_composition_engine(loops: dict) -> None:
    a = loops["folk"]
    check_piece(a, 4)
    names = [t.name for t in a.piece.tracks]
    assert names[0] == "Soprano (flute)" and len(names) == 4  # the tune and its harmony
    assert not any(t.is_drum for t in a.piece.tracks)
    assert [t.program for t in a.piece.tracks] == [73, 48, 48, 48]


def test_the_same_seed_is_the_same_track_and_another_seed_another() -> None:
    first = made(genre="lofi", bars=4, seed=11)
    again = made(genre="lofi", bars=4, seed=11)
    other = made(genre="lofi", bars=4, seed=12)
    assert notes_of(first.piece) == notes_of(again.piece)
    assert [m.text for m in first.piece.chords] == [m.text for m in again.piece.chords]
    assert first.key == again.key
    assert notes_of(first.piece) != notes_of(other.piece)
    folk = made(genre="folk", bars=2, seed=11), made(genre="folk", bars=2, seed=11)
    assert notes_of(folk[0].piece) == notes_of(folk[1].piece)


# -- as asked ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("bars", "sections"), [(8, [("verse", 8)]), (2, [("verse", 2)]),
                                                 (1, [("verse", 1)])])  # fmt: skip
def test_bars_as_asked(bars: int, sections: list) -> None:
    a = made(genre="lofi", bars=bars, seed=2)
    check_piece(a, bars)
    assert [(s.name, s.bars) for s in a.sections] == sections


def test_the_genres_loop_when_no_length_is_asked() -> None:
    a = made(genre="lofi", seed=2)
    assert a.piece.bars == 8


@pytest.mark.parametrize(("genre", "tempo"), [("lofi", None), ("house", None), ("lofi", 92),
                                              ("trap", 150)])  # fmt: skip
def test_about_30_seconds(genre: str, tempo: int | None) -> None:
    a = made(genre=genre, seconds=30, tempo_bpm=tempo, seed=2)
    bar_sec = a.piece.beats_per_bar * 60 / a.piece.tempo_bpm
    assert abs(a.piece.duration_sec - 30) <= bar_sec + 1e-6, (a.piece.bars, a.piece.duration_sec)
    assert a.piece.bars % 2 == 0
    check_piece(a, a.piece.bars)


def test_tempo_as_asked() -> None:
    a = made(genre="house", bars=2, tempo_bpm=128, seed=1)
    assert a.tempo_bpm == 128 and a.piece.tempo_bpm == 128
    assert a.piece.duration_sec == pytest.approx(2 * 4 * 60 / 128)


@pytest.mark.parametrize(("meter", "quarters"), [("3/4", 3.0), ("6/8", 3.0)])
@pytest.mark.parametrize("genre", ["lofi", "folk"])
def test_three_four_and_six_eight(genre: str, meter: str, quarters: float) -> None:
    a = made(genre=genre, meter=meter, bars=4, tempo_bpm=90, seed=5)
    num, den = map(int, meter.split("/"))
    assert a.meter == meter and a.piece.meter == (num, den)
    assert a.piece.beats_per_bar == quarters
    # 6/8 is counted in dotted quarters: 90 of them are 135 quarter notes a minute
    assert a.tempo_bpm == 90 and a.piece.tempo_bpm == (135 if meter == "6/8" else 90)
    check_piece(a, 4)


@pytest.mark.parametrize(("key", "genre"), [(Key(6, "minor"), "lofi"), (Key(10, "major"), "pop"),
                                            (Key(2, "major"), "folk")])  # fmt: skip
def test_the_key_asked_is_kept(key: Key, genre: str) -> None:
    a = made(genre=genre, key=key, bars=2, seed=3)
    assert a.key == key and a.piece.key == key


def test_a_mode_asked_is_kept() -> None:
    assert made(genre="lofi", mode="major", bars=2, seed=3).key.mode == "major"
    assert made(genre="pop", mode="minor", bars=2, seed=3).key.mode == "minor"


def test_without_the_lead() -> None:
    a = made(genre="lofi", bars=2, without=("lead",), seed=1)
    assert [head(t.name) for t in a.piece.tracks] == ["drums", "bass", "keys"]
    only = made(genre="lofi", bars=2, only=("drums", "bass"), seed=1)
    assert [head(t.name) for t in only.piece.tracks] == ["drums", "bass"]


def test_an_instrument_asked_replaces_the_parts_sound() -> None:
    a = made(genre="house", bars=2, instruments=(("keys", "rhodes"),), seed=1)
    keys = next(t for t in a.piece.tracks if head(t.name) == "keys")
    assert keys.program == 4 and keys.name == "Keys (rhodes)"
    lofi = made(genre="lofi", bars=2, instruments=(("keys", "rhodes"), ("bass", "808")), seed=1)
    assert [(t.name, t.program) for t in lofi.piece.tracks][:3] == [
        ("Drums", 0), ("Bass (808)", 38), ("Keys (rhodes)", 4)]  # fmt: skip


def test_an_instrument_for_a_part_the_band_lacks_adds_it() -> None:
    a = made(genre="lofi", bars=2, instruments=(("pad", "strings"),), seed=1)
    assert a.piece.tracks[-1].name == "Pad (strings)" and a.piece.tracks[-1].program == 48
    check_piece(a, 2)


def test_a_lead_on_another_instrument() -> None:
    a = made(genre="lofi", bars=2, instruments=(("lead", "flute"),), seed=1)
    lead = a.piece.tracks[-1]
    assert lead.name == "Lead (flute)" and lead.program == 73


# -- a whole song ------------------------------------------------------------------------------


def test_a_song_has_its_genres_form(house_song: Arrangement, lofi_song: Arrangement) -> None:
    for a in (house_song, lofi_song):
        form = a.genre.forms["song"]
        assert [(s.name, s.bars) for s in a.sections] == list(form)
        check_piece(a, sum(b for _, b in form))
        assert a.sections[0].name == "intro" and a.sections[-1].name == "outro"
        starts = [s.start_bar for s in a.sections]
        assert starts == [sum(s.bars for s in a.sections[:i]) for i in range(len(a.sections))]
        bb = a.piece.beats_per_bar
        assert [(m.start_beats, m.name) for m in a.piece.sections] == [
            (s.start_bar * bb, s.label) for s in a.sections]  # fmt: skip
    labels = [s.label for s in lofi_song.sections]
    assert labels == ["Intro", "Verse 1", "Chorus 1", "Verse 2", "Chorus 2", "Bridge", "Chorus 3",
                      "Outro"]  # fmt: skip


def test_a_songs_intro_and_outro_are_quieter(lofi_song: Arrangement) -> None:
    intro, outro = lofi_song.sections[0], lofi_song.sections[-1]
    for sec in (intro, outro):
        assert "drums" not in sec.parts and "bass" not in sec.parts
    p = lofi_song.piece
    for part in ("drums", "bass"):
        played = bars_with_notes(p, part)
        assert not played & set(range(intro.bars)), part
        assert not played & set(range(outro.start_bar, p.bars)), part


def test_the_house_intro_has_no_bass_and_the_bass_enters_on_the_drop(
    house_song: Arrangement,
) -> None:
    a = house_song
    intro = a.sections[0]
    drop = next(s for s in a.sections if s.name == "drop")
    assert intro.parts == ("drums",)
    assert "bass" not in intro.parts and "bass" in drop.parts
    assert min(bars_with_notes(a.piece, "bass")) == drop.start_bar
    assert min(bars_with_notes(a.piece, "drums")) == 0  # four on the floor from bar 1
    breakdown = next(s for s in a.sections if s.name == "breakdown")
    played = bars_with_notes(a.piece, "drums")
    assert not played & set(range(breakdown.start_bar, breakdown.start_bar + breakdown.bars))


@pytest.mark.parametrize("song", ["house", "lofi"])
def test_a_drum_fill_leads_into_each_chorus_and_drop(
    house_song: Arrangement, lofi_song: Arrangement, song: str
) -> None:
    a = house_song if song == "house" else lofi_song
    p, bb = a.piece, a.piece.beats_per_bar
    drums = next(t for t in p.tracks if t.is_drum)
    landings = 0
    for prev, sec in zip(a.sections, a.sections[1:], strict=False):
        if sec.name not in ("chorus", "drop"):
            continue
        assert prev.fill, (prev.label, sec.label)
        if "drums" not in prev.parts:
            continue
        last = prev.start_bar + prev.bars - 1

        def hits(bar: int) -> list[tuple[int, float]]:
            return sorted((n.pitch, round(n.start_beats - bar * bb, 3)) for n in drums.notes
                          if bar * bb <= n.start_beats < (bar + 1) * bb)  # fmt: skip

        assert hits(last) != hits(last - 1), f"no fill in the last bar of {prev.label}"
        # a crash lands the chorus or the drop
        assert any(n.pitch == CRASH and n.start_beats == pytest.approx(sec.start_bar * bb)
                   for n in drums.notes), sec.label  # fmt: skip
        landings += 1
    assert landings >= 2
    assert not any(s.fill for s in a.sections if s.name in ("intro", "outro", "breakdown"))


def test_a_long_track_without_a_song_has_no_intro() -> None:
    a = made(genre="lofi", bars=12, seed=2)
    assert [(s.name, s.bars) for s in a.sections] == [("verse", 8), ("chorus", 4)]
    assert a.sections[0].fill  # into the chorus
    check_piece(a, 12)


def test_a_song_squeezed_to_bars_keeps_its_form() -> None:
    a = made(genre="lofi", song=True, bars=16, seed=2)
    assert a.piece.bars == 16 and [s.name for s in a.sections][0] == "intro"
    assert a.sections[-1].name == "outro" and sum(s.bars for s in a.sections) == 16


def test_no_note_starts_before_the_piece() -> None:
    a = made(genre="lofi", bars=2, seed=2)
    early = [(t.name, n) for t in a.piece.tracks for n in t.notes if n.start_beats < 0]
    assert not early, early


# -- refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bars", [1000, 257, -1])
def test_too_many_bars_is_refused(bars: int) -> None:
    with pytest.raises(InputError, match="1 to 256 bars"):
        made(genre="lofi", bars=bars)


def test_zero_bars_is_refused() -> None:
    with pytest.raises(InputError, match="1 to 256 bars"):
        made(genre="lofi", bars=0)


@pytest.mark.parametrize(
    ("kw", "words"),
    [({"instruments": (("keys", "kazoo"),)}, "can't voice chords on kazoo"),
     ({"instruments": (("bass", "kazoo"),)}, "can't play the bass on kazoo"),
     ({"instruments": (("lead", "kazoo"),)}, "can't play a lead on kazoo"),
     ({"genre": "polka"}, "don't write polka"),
     ({"meter": "5/4"}, "4/4, 3/4 or 6/8, not 5/4"),
     ({"tempo_bpm": 400}, "out of range"),
     ({"only": ("banjo",)}, "no part to play")],
)  # fmt: skip
def test_a_bad_request_is_one_sentence(kw: dict, words: str) -> None:
    with pytest.raises(InputError) as err:
        made(**{"genre": "lofi", "bars": 2, **kw})
    message = str(err.value)
    assert words in message and "\n" not in message and message.count(". ") <= 1, message


def test_drums_on_an_instrument_is_a_sentence_that_makes_sense() -> None:
    with pytest.raises(InputError) as err:
        made(genre="lofi", bars=2, instruments=(("drums", "808"),))
    assert "not drums" not in str(err.value)
