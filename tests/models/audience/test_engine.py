"""Audience engine: listening CSVs, catalogue import, segments on the demo data, insights."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.core.routing.audience_slots import release_date, segment_ref
from assistant.store.audience_store import AudienceStore
from assistant.store.memory import Memory
from models.audience.catalog import import_folder, scan
from models.audience.engine import DEMO_DIR, ensure_audience, segments_of
from models.audience.features import SongFeatures
from models.audience.insights import pitch_note, segment_fits
from models.audience.listening import read_plays
from models.audience.vectors import DIM, content_vectors, numeric_part
from models.errors import InputError, ModelError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The demo catalogue and listeners imported once into a store of their own."""
    home = tmp_path_factory.mktemp("demo-home")
    settings = Settings(home=home, workspace=home)
    memory = Memory(settings)
    store = AudienceStore(memory)
    note = ensure_audience(store)
    yield store, note
    memory.close()


# -- listening CSVs ---------------------------------------------------------------------------
def test_bad_play_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    plays = tmp_path / "plays.csv"
    plays.write_text(
        "listener_id,song_or_artist_id,plays,date\n"
        "L1,s1,3,2026-05-01\nL1,s1,2,2026-06-01\nL2,s2,x,2026-05-01\n"
        ",s3,1,2026-05-01\nL3,s3,4,not-a-date\nL4,s4,0,2026-01-01\n"
    )
    data = read_plays(plays)
    assert data.listeners["L1"].plays == {"s1": 5}
    assert data.rows == 2 and len(data.skipped) == 4
    assert any("'x' is not a number" in s for s in data.skipped)
    assert any("not YYYY-MM-DD" in s for s in data.skipped)


def test_a_csv_without_the_columns_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "plays.csv"
    bad.write_text("user,track\nA,B\n")
    with pytest.raises(InputError, match="listener_id, song_or_artist_id, plays"):
        read_plays(bad)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(InputError, match="binary"):
        read_plays(binary)


def test_active_listeners_from_recent_plays() -> None:
    data = read_plays(DEMO_DIR / "plays.csv", DEMO_DIR / "listeners.csv")
    assert data.last_date and data.last_date.startswith("2026-10")
    shares = [li.active for li in data.listeners.values()]
    assert 0.2 < np.mean(shares) < 0.9  # both kinds exist
    assert sum(1 for li in data.listeners.values() if li.profile.get("country")) > 400


# -- catalogue import -------------------------------------------------------------------------
def _small_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "masters"
    folder.mkdir()
    for stem in ("quiet-hours", "kitchen-door-reel", "evensong-in-f"):
        shutil.copy(DEMO_DIR / "catalog" / f"{stem}.mid", folder / f"{stem}.mid")
    (folder / "broken.mid").write_bytes(b"MThd not really a midi file")
    (folder / "orphan.txt").write_text("words without music\nsecond line\n")
    (folder / "tags.csv").write_text(
        "stem,title,artist,genre,mood\nquiet-hours,Quiet Hours,Nightglass,ambient;piano,melancholy\n"
    )
    return folder


def test_import_reports_bad_files_and_is_idempotent(settings: Settings, tmp_path: Path) -> None:
    folder = _small_catalog(tmp_path)
    memory = Memory(settings)
    try:
        store = AudienceStore(memory)
        first = import_folder(folder, store)
        assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
        failed = dict(first.failed)
        assert "not a readable MIDI file" in failed["broken"]
        assert "without a MIDI or audio file" in failed["orphan"]
        again = import_folder(folder, store)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
        assert store.catalog.count() == 3
        shutil.copy(DEMO_DIR / "catalog" / "window-fog.mid", folder / "quiet-hours.mid")
        changed = import_folder(folder, store)
        assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 2)
        songs, vecs, _ = store.catalog_entries(["quiet-hours"])
        assert songs[0].title == "Quiet Hours" and songs[0].artist == "Nightglass"
        assert songs[0].genres == ["ambient", "piano"] and vecs.shape == (1, DIM)
    finally:
        memory.close()


def test_scan_matches_files_by_stem(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name in ("a/song.mid", "a/song.wav", "a/song.txt", "b.mid", ".hidden.mid", "notes.pdf"):
        (tmp_path / name).write_bytes(b"x")
    groups = scan(tmp_path)
    assert set(groups) == {"song", "b"}
    assert set(groups["song"]) == {"midi", "audio", "lyrics"}


def test_midi_features_of_a_demo_song(demo) -> None:  # noqa: ANN001
    store, _ = demo
    songs, _, metas = store.catalog_entries(["kitchen-door-reel", "quiet-hours"])
    reel, quiet = songs
    assert reel.mode == "major" and reel.tempo_bpm > 110
    assert reel.instruments[0] in (
        "violin",
        "fiddle",
        "tin whistle",
        "whistle",
        "accordion",
        "banjo",
    )
    assert quiet.tempo_bpm < 80 and quiet.mode == "minor"
    assert reel.energy > quiet.energy
    assert metas[0]["plays_total"] > 0 and metas[0]["listeners"] > 0


# -- segments and insights --------------------------------------------------------------------
def test_segments_recover_the_planted_demo_segments(demo) -> None:  # noqa: ANN001
    from sklearn.metrics import adjusted_rand_score

    store, note = demo
    assert note and "synthetic" in note
    ids, _, metas = store.listener_entries()
    truth = {
        r["listener_id"]: r["segment"] for r in csv.DictReader((DEMO_DIR / "truth.csv").open())
    }
    ranked = [
        (truth[i], m["segment"]) for i, m in zip(ids, metas, strict=True) if m["segment"] >= 0
    ]
    assert len(ranked) >= 550
    ari = adjusted_rand_score([t for t, _ in ranked], [s for _, s in ranked])
    assert ari > 0.7, ari
    segments, centres, _ = segments_of(store)
    assert len(segments) == 5 and centres.shape == (5, DIM)
    assert [s.size for s in segments] == sorted((s.size for s in segments), reverse=True)
    irish = next(s for s in segments if "irish" in s.tags or "reel" in s.tags)
    assert irish.countries[0][0] in ("IE", "GB") and irish.make["style"] == "irish"
    assert "major key" in irish.profile


def _song(**kw) -> SongFeatures:  # noqa: ANN003
    return SongFeatures(song_id="new", title="new", **kw)


def test_a_new_song_fits_the_segment_that_plays_its_kind(demo) -> None:  # noqa: ANN001
    store, _ = demo
    segments, centres, metas = segments_of(store)
    sad = _song(
        tempo_bpm=60,
        mode="minor",
        meter="4/4",
        energy=0.15,
        pitch_mean=60,
        note_density=1.5,
        valence=-0.6,
        arousal=-0.5,
        instruments=["piano"],
        mood="melancholic",
    )
    jig = _song(
        tempo_bpm=125,
        mode="major",
        meter="6/8",
        energy=0.8,
        pitch_mean=74,
        note_density=6,
        valence=0.6,
        arousal=0.6,
        instruments=["fiddle"],
        style="irish",
        genres=["irish"],
    )
    for song, tag in ((sad, "piano"), (jig, "irish")):
        fits = segment_fits(song, content_vectors([song])[0], segments, centres, metas)
        assert tag in fits[0].segment.tags, [f.segment.name for f in fits]
        assert fits[0].fit > 70 > fits[-1].fit
        assert fits[0].reasons


def test_numeric_part_is_bounded_and_missing_is_zero() -> None:
    empty = numeric_part(_song())
    assert not empty.any()
    full = numeric_part(_song(tempo_bpm=400, mode="minor", energy=1.0, note_density=500.0))
    assert np.all(np.abs(full) <= 1.5)


def test_pitch_note_gives_the_deadline() -> None:
    today = date(2026, 11, 24)
    assert "2026-12-13" in pitch_note(date(2026, 12, 20), today)
    assert "misses the editorial pitch window" in pitch_note(date(2026, 11, 28), today)
    assert "has passed" in pitch_note(date(2026, 11, 1), today)
    assert "at least 7 days" in pitch_note(None, today)


def test_release_dates_and_segment_references() -> None:
    today = date(2026, 11, 24)
    assert release_date("we release on Dec 20", today) == "2026-12-20"
    assert release_date("out on the 3rd of March", today) == "2027-03-03"
    assert release_date("drops 2027-01-15", today) == "2027-01-15"
    assert release_date("release it soon", today) is None
    assert segment_ref("tell me about the late-night study crowd") == "late-night study"
    assert segment_ref("describe segment 2") == "segment 2"
    assert segment_ref("who are the second segment?") == "the second segment"
    assert segment_ref("who are the best listeners for it") is None
    assert segment_ref("who are my listeners?") == "all"
    assert segment_ref("show me the audience segments") == "all"
    assert segment_ref("would my fans like this?") is None


def test_your_own_listening_data_replaces_the_demo(settings: Settings, tmp_path: Path) -> None:
    from models.audience.engine import import_listening

    folder = tmp_path / "mine"
    folder.mkdir()
    stems = ["quiet-hours", "kitchen-door-reel", "evensong-in-f"]
    for stem in stems:
        shutil.copy(DEMO_DIR / "catalog" / f"{stem}.mid", folder / f"my-{stem}.mid")
    plays = tmp_path / "plays.csv"
    rows = [f"L{i},my-{stems[i % 3]},{1 + i % 5},2026-09-0{1 + i % 9}" for i in range(36)]
    plays.write_text("listener_id,song_or_artist_id,plays,date\n" + "\n".join(rows) + "\n")
    memory = Memory(settings)
    try:
        store = AudienceStore(memory)
        ensure_audience(store)
        assert store.catalog.count() == 60
        import_folder(folder, store)
        info = import_listening(store, plays)
        assert store.catalog.count() == 3  # the demo songs are gone, the label's stay
        assert info["listeners"] == 36 and info["segments"] >= 3
        assert ensure_audience(store) is None  # no demo note any more
        segments, _, metas = segments_of(store)
        assert {m["dataset"] for m in metas} == {"yours"}
        assert sum(s.size for s in segments) == 36
    finally:
        memory.close()


def test_a_refused_plays_import_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    """Issue 25 item 4: plays of songs the catalogue lacks are refused, and the demo catalogue,
    listeners and segments are exactly as they were (before: the demo's songs were deleted
    first, leaving 1 song and an audience that failed with IndexError)."""
    from models.audience.engine import import_listening, rebuild_audience

    plays = tmp_path / "plays.csv"
    rows = [f"L{i},not-in-the-catalogue-{i % 4},3,2026-09-01" for i in range(40)]
    plays.write_text("listener_id,song_or_artist_id,plays,date\n" + "\n".join(rows) + "\n")
    memory = Memory(settings)
    try:
        store = AudienceStore(memory)
        ensure_audience(store)
        before = (store.catalog.count(), store.listener_entries()[0], store.segment_entries()[0])
        with pytest.raises(ModelError, match="only the demo's.*nothing was changed"):
            import_listening(store, plays)  # the label has no songs of its own yet
        from models.audience.catalog import import_folder as add_songs

        mine = tmp_path / "mine"
        mine.mkdir()
        shutil.copy(DEMO_DIR / "catalog" / "quiet-hours.mid", mine / "my-quiet-hours.mid")
        add_songs(mine, store)
        with pytest.raises(InputError, match="Only 0 listeners.*Nothing was changed"):
            import_listening(store, plays)  # songs of its own, but none of them played
        with pytest.raises(InputError):
            rebuild_audience(store, drop_demo=True, data=read_plays(plays))
        after = (store.catalog.count(), store.listener_entries()[0], store.segment_entries()[0])
        assert after[1:] == before[1:] and before[0] == 60 and after[0] == 61  # + the label's song
        assert segments_of(store)[0]  # the demo audience still answers
    finally:
        memory.close()


def test_huge_fields_and_infinite_plays_are_sentences(tmp_path: Path) -> None:
    """Issue 25 item 8: a field over the csv module's limit and plays 'inf' were raw exceptions."""
    plays = tmp_path / "plays.csv"
    plays.write_text("listener_id,song_or_artist_id,plays,date\nL1,s1,inf,2026-05-01\n"
                     "L2,s2,3,2026-05-01\n")  # fmt: skip
    data = read_plays(plays)
    assert data.rows == 1 and any("'inf' is not a number" in s for s in data.skipped)
    plays.write_text('listener_id,song_or_artist_id,plays,date\nL1,"' + "x" * 200_000
                     + '",3,2026-05-01\n')  # fmt: skip
    with pytest.raises(InputError, match="line 2 could not be read as CSV"):
        read_plays(plays)


def test_links_out_of_the_folder_are_not_imported(tmp_path: Path) -> None:
    """Issue 25 item 5: a .txt linked to a file outside (say /etc/passwd) was read as lyrics and
    a .mid linked outside was imported; both are now listed as skipped."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("root:x:0:0\n")
    shutil.copy(DEMO_DIR / "catalog" / "quiet-hours.mid", outside / "far.mid")
    folder = tmp_path / "songs"
    folder.mkdir()
    shutil.copy(DEMO_DIR / "catalog" / "quiet-hours.mid", folder / "mine.mid")
    (folder / "mine.txt").symlink_to(secret)
    (folder / "far.mid").symlink_to(outside / "far.mid")
    (folder / "tags.csv").symlink_to(outside / "secret.txt")
    skipped: list[tuple[str, str]] = []
    groups = scan(folder, skipped)
    assert groups == {"mine": {"midi": folder / "mine.mid"}}
    assert sorted(name for name, _ in skipped) == ["far.mid", "mine.txt"]
    assert all("outside the folder" in why for _, why in skipped)
