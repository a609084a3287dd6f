"""`import_catalog` and `import_listeners`: a label's songs and listening data into the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.core.events import collect_turn
from assistant.core.session import Session
from assistant.store.audience_store import AudienceStore
from models.audience.engine import DEMO_DIR
from models.music.midi_io import write_midi
from models.music.piece import Note, Piece, Track
from models.music.theory import Key
from tests.helpers import turn

# stem -> (tonic pitch class, mode, tempo, GM program, lowest pitch); two slow, two fast.
SONGS = {
    "rain-on-the-glass": (9, "minor", 64, 0, 57),  # A minor piano
    "night-bus": (2, "minor", 70, 0, 50),  # D minor piano
    "kitchen-jig": (7, "major", 168, 40, 67),  # G major fiddle
    "market-day-reel": (2, "major", 176, 40, 62),  # D major fiddle
}


def tune(path: Path, tonic: int, mode: str, tempo: float, program: int, low: int) -> Path:
    steps = [0, 2, 4, 5, 7, 5, 4, 2] if mode == "major" else [0, 2, 3, 5, 7, 5, 3, 2]
    notes = [Note(low + s, float(i), 1.0) for i, s in enumerate(steps * 2)]
    key = Key(tonic, mode)  # type: ignore[arg-type]
    return write_midi(Piece(key, tempo, (4, 4), 4, [Track("Lead", program, notes)]), path)


@pytest.fixture
def masters(workspace: Path) -> Path:
    """A folder of four MIDI songs and a tags.csv that names one of them."""
    folder = workspace / "masters"
    folder.mkdir()
    for stem, spec in SONGS.items():
        tune(folder / f"{stem}.mid", *spec)
    (folder / "tags.csv").write_text(
        "stem,title,artist,genre,mood\nnight-bus,Night Bus Home,The Lamplighters,ambient,calm\n"
    )
    return folder


def call(session: Session, tool: str, **args):  # noqa: ANN003, ANN201
    _, done = collect_turn(session.call_tool(tool, args))
    return done


def catalogue(session: Session) -> dict:
    songs = AudienceStore.of(session.memory).catalog_entries(vectors=False)[0]
    return {s.song_id: s for s in songs}


def test_import_catalog_catalogues_a_folder_once(make_session, masters: Path) -> None:  # noqa: ANN001
    session = make_session()
    done = call(session, "import_catalog", folder="masters")
    assert done.ok and done.tool == "import_catalog", done.reply
    data = done.result["data"]
    assert (data["added"], data["updated"], data["unchanged"], data["failed"]) == (4, 0, 0, [])
    assert data["songs"] == 4 and data["folder"] == str(masters)
    assert "4 new" in done.reply and "now holds 4 songs" in done.reply
    songs = catalogue(session)
    assert set(songs) == set(SONGS)
    bus = songs["night-bus"]
    assert (bus.title, bus.artist) == ("Night Bus Home", "The Lamplighters")
    assert "calm" in bus.moods and bus.tempo_bpm == 70
    assert (songs["kitchen-jig"].key, songs["kitchen-jig"].mode) == ("G", "major")
    assert songs["rain-on-the-glass"].title == "Rain on the glass"  # from the file name

    again = call(session, "import_catalog", folder=str(masters))  # the same folder, by full path
    assert again.ok, again.reply
    data = again.result["data"]
    assert (data["added"], data["updated"], data["unchanged"], data["songs"]) == (0, 0, 4, 4)
    assert set(catalogue(session)) == set(SONGS)  # nothing added twice

    tune(masters / "kitchen-jig.mid", 7, "major", 120, 40, 67)  # re-exported slower
    third = call(session, "import_catalog", folder="masters")
    data = third.result["data"]
    assert (data["added"], data["updated"], data["unchanged"], data["songs"]) == (0, 1, 3, 4)
    assert catalogue(session)["kitchen-jig"].tempo_bpm == 120


def test_unreadable_files_are_skipped_and_named(make_session, masters: Path) -> None:  # noqa: ANN001
    (masters / "half-written.mid").write_bytes(b"MThd\x00\x00\x00\x06garbage")
    done = call(make_session(), "import_catalog", folder="masters")
    assert done.ok and done.result["data"]["added"] == 4, done.reply
    assert [name for name, _ in done.result["data"]["failed"]] == ["half-written"]
    assert "1 file(s) could not be read" in done.reply and "skipped half-written" in done.reply


def test_import_catalog_of_a_missing_or_empty_folder(make_session, workspace: Path) -> None:  # noqa: ANN001
    session = make_session()
    done = call(session, "import_catalog", folder="no-such-folder")
    assert not done.ok and "There is no folder at no-such-folder" in done.reply
    (workspace / "empty").mkdir()
    done = call(session, "import_catalog", folder="empty")
    assert not done.ok and "holds no MIDI, audio or lyric files" in done.reply
    assert "failed unexpectedly" not in done.reply


def plays_csv(path: Path, header: str = "listener_id,song_or_artist_id,plays,date") -> Path:
    """Twenty listeners: ten play the slow piano songs, ten the fiddle tunes; plus 2 odd rows."""
    rows = [header]
    for n in range(1, 21):
        slow = n <= 10
        mine = ("rain-on-the-glass", "night-bus") if slow else ("kitchen-jig", "market-day-reel")
        rows += [f"L{n:02d},{mine[0]},{3 + n % 4},2025-05-0{1 + n % 9}",
                 f"L{n:02d},{mine[1]},{1 + n % 3},2025-05-1{n % 9}"]  # fmt: skip
    rows += ["L03,not-in-the-catalogue,2,2025-05-02", "L04,night-bus,lots,2025-05-02"]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_import_listeners_builds_segments(make_session, masters: Path, workspace: Path) -> None:  # noqa: ANN001
    session = make_session()
    assert call(session, "import_catalog", folder="masters").ok
    plays_csv(workspace / "plays.csv")
    (workspace / "people.csv").write_text(
        "listener_id,country,city,age_band,platform\n"
        + "".join(f"L{n:02d},IE,Galway,25-34,spotify\n" for n in range(1, 21))
    )
    done = call(session, "import_listeners", plays="plays.csv", profiles="people.csv")
    assert done.ok and done.tool == "import_listeners", done.reply
    data = done.result["data"]
    assert data["listeners"] == 20 and data["rows"] == 41 and data["skipped_count"] == 1
    assert "plays 'lots' is not a number" in data["skipped"][0]
    assert data["unknown_songs"] == 1 and data["segments"] >= 2
    assert "Imported 41 play rows for 20 listeners" in done.reply
    assert "1 row(s) could not be read" in done.reply and "aren't in the catalogue" in done.reply
    store = AudienceStore.of(session.memory)
    assert store.counts()["listeners"] == 20 and store.counts()["segments"] == data["segments"]


def test_import_listeners_refuses_a_csv_without_a_column(make_session, masters, workspace) -> None:  # noqa: ANN001
    session = make_session()
    assert call(session, "import_catalog", folder="masters").ok
    plays_csv(workspace / "plays.csv", header="listener_id,song,plays,date")
    done = call(session, "import_listeners", plays="plays.csv")
    assert not done.ok, done.reply
    assert "plays.csv lacks the column(s) song_or_artist_id" in done.reply
    assert "listener_id,song_or_artist_id,plays,date" in done.reply  # the header it needs
    assert AudienceStore.of(session.memory).counts()["listeners"] == 0  # nothing half-imported


def test_import_listeners_needs_a_csv_in_the_workspace(make_session, workspace: Path) -> None:  # noqa: ANN001
    session = make_session()
    (workspace / "plays.xlsx").write_bytes(b"PK\x03\x04")
    done = call(session, "import_listeners", plays="plays.xlsx")
    assert not done.ok and "plays.xlsx is not a csv file" in done.reply
    done = call(session, "import_listeners", plays="missing.csv")
    assert not done.ok and "There is no file at missing.csv" in done.reply


@pytest.mark.slow
def test_import_tools_read_only_inside_the_workspace(settings: Settings) -> None:
    work = settings.workspace
    shutil.copytree(DEMO_DIR / "catalog", work / "masters")
    shutil.copy(DEMO_DIR / "plays.csv", work / "plays.csv")
    shutil.copy(DEMO_DIR / "listeners.csv", work / "listeners.csv")
    session = Session(settings)
    try:
        route, done = turn(session, "import my songs from ./masters")
        assert route.tool == "import_catalog" and done.ok, done.reply
        assert done.result["data"]["added"] == 60 and not done.result["data"]["failed"]
        route, done = turn(session, "import plays.csv with listeners.csv")
        assert route.tool == "import_listeners"
        assert route.args == {"plays": "plays.csv", "profiles": "listeners.csv"}
        assert done.ok and done.result["data"]["segments"] == 5, done.reply
        _, done = turn(session, "who would like 'Kitchen Door Reel'?")
        assert done.ok and done.result["data"]["dataset"] == "yours"
        _, done = turn(session, "import my songs from /etc")
        assert not done.ok and "outside the workspace" in done.reply
        route, done = turn(session, "import my catalogue")
        assert route.tool is None and "Which folder" in done.reply
    finally:
        session.close()
