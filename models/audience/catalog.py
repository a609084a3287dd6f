"""Catalogue import: a folder of MIDI, audio and lyric files, matched by file stem.

`track07.mid`, `track07.wav` and `track07.txt` are one song. A `tags.csv` in the folder
(`stem,title,artist,genre,mood`, tags separated by `;`) adds the label's titles and tags. A song
is keyed by its stem (its path below the folder when stems repeat), so re-importing a folder
updates songs in place; unchanged files (same size, time and first bytes) are skipped. A file
that can't be read is reported and skipped; songs are written in small batches, so an
interruption keeps every batch already written and a re-run finishes the job.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.audience.features import (
    SongFeatures,
    audio_into,
    lyrics_into,
    midi_features,
    mood_into,
    split_tags,
)
from models.errors import InputError, ModelError
from models.music.vocabulary import AUDIO_SUFFIXES

if TYPE_CHECKING:
    from models.audience.store import AudienceStore

MIDI_SUFFIXES = (".mid", ".midi")
LYRIC_SUFFIXES = (".txt", ".lrc")
MAX_FILES = 100_000
WRITE_BATCH = 64
STYLE_TAGS = {"chorale": "chorale", "choral": "chorale", "hymn": "chorale", "sacred": "chorale",
              "irish": "irish", "jig": "irish", "reel": "irish", "celtic": "irish", "trad": "irish",
              "folk": "folk"}  # fmt: skip

Progress = Callable[[float, str], None]


@dataclass
class ImportReport:
    folder: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    seconds: float = 0.0
    files: int = 0
    song_ids: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.added + self.updated


def scan(
    folder: Path, outside: list[tuple[str, str]] | None = None
) -> dict[str, dict[str, Path]]:
    """song key -> {"midi"|"audio"|"lyrics": path}, for every usable file below `folder`.

    A link whose target lies outside `folder` is not read (the rule every tool follows for
    files: nothing outside the workspace); it is listed in `outside` with the reason."""
    groups: dict[str, dict[str, Path]] = {}
    count = 0
    root = folder.resolve()
    for path in sorted(folder.rglob("*")):
        if (
            any(part.startswith(".") for part in path.relative_to(folder).parts)
            or not path.is_file()
        ):
            continue
        kind = _kind(path)
        if kind is None:
            continue
        if not path.resolve().is_relative_to(root):
            if outside is not None:
                outside.append((path.relative_to(folder).as_posix(),
                                "a link to a file outside the folder; not read"))  # fmt: skip
            continue
        count += 1
        if count > MAX_FILES:
            raise InputError(
                f"{folder} holds more than {MAX_FILES:,} songs' files; import it in parts."
            )
        key = path.relative_to(folder).with_suffix("").as_posix()
        groups.setdefault(key, {}).setdefault(kind, path)
    stems = [k.rsplit("/", 1)[-1] for k in groups]
    unique = {s for s in stems if stems.count(s) == 1}
    return {
        (k.rsplit("/", 1)[-1] if k.rsplit("/", 1)[-1] in unique else k): v
        for k, v in groups.items()
    }


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in MIDI_SUFFIXES:
        return "midi"
    if suffix in AUDIO_SUFFIXES:
        return "audio"
    if suffix in LYRIC_SUFFIXES and path.name.lower() not in ("readme.txt", "license.txt"):
        return "lyrics"
    return None


def read_tags(folder: Path) -> dict[str, dict[str, str]]:
    """stem -> {title, artist, genre, mood} from the folder's tags.csv, if there is one."""
    path = folder / "tags.csv"
    if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
        return {}  # none, or a link out of the folder (not read)
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except csv.Error as exc:
        raise InputError(f"{path.name} could not be read as CSV ({exc}); fix or remove it.") from exc
    return {
        (r.get("stem") or "").strip(): {k: (v or "").strip() for k, v in r.items() if k}
        for r in rows
        if r.get("stem")
    }


def fingerprint(files: dict[str, Path], tags: dict[str, str]) -> str:
    digest = hashlib.sha1(repr(sorted(tags.items())).encode())
    for kind, path in sorted(files.items()):
        stat = path.stat()
        digest.update(f"{kind}:{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        with path.open("rb") as fh:
            digest.update(fh.read(65536))
    return digest.hexdigest()[:16]


def read_song(key: str, files: dict[str, Path], tags: dict[str, str], lyric_reader) -> SongFeatures:  # noqa: ANN001
    """Features of one song from its files; raises InputError naming the file that failed."""
    stem = key.rsplit("/", 1)[-1]
    song = SongFeatures(
        song_id=key,
        title=tags.get("title") or stem.replace("_", " ").replace("-", " ").strip().capitalize(),
        artist=tags.get("artist") or None,
        files={kind: str(path) for kind, path in files.items()},
        genres=split_tags(tags.get("genre")),
        moods=split_tags(tags.get("mood")),
    )
    for kind, reader in (("midi", midi_features), ("audio", audio_into)):
        if kind in files:
            try:
                reader(files[kind], song)
            except ModelError as exc:
                raise InputError(f"{files[kind].name}: {exc}") from exc
    if "midi" not in files and "audio" not in files:
        raise InputError(
            f"{files['lyrics'].name}: lyrics without a MIDI or audio file of the same name"
        )
    if "lyrics" in files:
        try:
            lyrics_into(lyric_reader(files["lyrics"]), song)
        except ModelError as exc:
            raise InputError(f"{files['lyrics'].name}: {exc}") from exc
    song.style = style_from_tags(song.genres)
    return mood_into(song)


def style_from_tags(tags: list[str]) -> str | None:
    for tag in tags:
        for word, style in STYLE_TAGS.items():
            if word in tag:
                return style
    return None


def _lyric_reader() -> Callable[[Path], dict[str, Any]]:
    from models.lyrics.engine import get_model
    from models.lyrics.song import analyse

    engine = get_model(None)

    def read(path: Path) -> dict[str, Any]:
        data = path.read_bytes()[:100_000]
        return analyse(data.decode("utf-8-sig", errors="replace"), engine, explain_words=False)

    return read


def import_folder(
    folder: Path,
    store: AudienceStore,
    progress: Progress = lambda f, m="": None,
    origin: str = "catalog",
) -> ImportReport:
    """Import every song below `folder` into the catalogue; see the module docstring."""
    from models.audience.vectors import content_vectors

    start = time.perf_counter()
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder. Give me the folder that holds your songs.")
    outside: list[tuple[str, str]] = []
    groups, tags = scan(folder, outside), read_tags(folder)
    report = ImportReport(folder=str(folder), files=sum(len(g) for g in groups.values()))
    report.failed.extend(outside)
    if not groups:
        raise InputError(f"{folder} holds no MIDI, audio or lyric files to import.")
    known = store.song_hashes()
    lyric_reader = _lazy(_lyric_reader)
    batch: list[SongFeatures] = []
    for n, (key, files) in enumerate(groups.items(), start=1):
        progress(n / (len(groups) + 1), f"{n}/{len(groups)} {key[:40]}")
        row = tags.get(key.rsplit("/", 1)[-1], {})
        digest = fingerprint(files, row)
        report.song_ids.append(key)
        if known.get(key) == digest:
            report.unchanged += 1
            continue
        try:
            song = read_song(key, files, row, lyric_reader)
        except (ModelError, OSError, ValueError) as exc:
            report.song_ids.pop()
            report.failed.append((key, str(exc)))
            continue
        song.content_hash, song.origin = digest, origin
        report.updated += key in known
        report.added += key not in known
        batch.append(song)
        if len(batch) >= WRITE_BATCH:
            store.upsert_songs(batch, content_vectors(batch))
            batch = []
    if batch:
        store.upsert_songs(batch, content_vectors(batch))
    report.seconds = round(time.perf_counter() - start, 2)
    return report


def _lazy(factory: Callable[[], Callable]) -> Callable:
    """Build the lyric model only when the first lyric file needs it."""
    box: list[Callable] = []

    def call(*args: Any) -> Any:
        if not box:
            box.append(factory())
        return box[0](*args)

    return call
