"""Build Cadenza's SYNTHETIC demo data: a small label catalogue and made-up listening data.

Run from the repository root: `python data/demo/make_demo.py --seed 7 --out data/demo`.
The same seed gives byte-identical CSVs and the same MIDI notes. The model, in three steps:
1. Catalogue. Eight fictional artists each have a house sound (a "family"): the styles, moods,
   instruments, meters and tempo offset they favour. Every song draws its attributes from its
   artist's family; its tempo follows the engine's own mood rule (96 bpm + 40 x arousal) plus
   the family's offset and a little jitter, and its mode follows the mood's valence. The notes
   are composed by Cadenza's own `compose` tool (Markov melody + HMM harmony), MIDI only.
   Ten songs carry original lyrics (`demo_lyrics.py`) whose feeling matches their pinned mood.
2. Listeners. Each of about 600 listeners belongs to one of five latent taste segments, with the
   segment's own mix of countries, age bands and platforms; a few profile fields are left blank.
   A listener's taste is the segment's weight vector plus personal noise, and one in six also
   leans towards a second segment, so segments overlap.
3. Plays. A listener's utility for a song is taste . features(song) + the song's popularity;
   features are style, mode, tempo, valence, arousal and instrument family. Activity is
   log-normal (a few heavy listeners, many light ones); the songs played are drawn by
   Gumbel-top-k on the utilities, plays are split among them by softmax weight and spread over
   the months the listener was active (2026-01..2026-10), one row per listener, song and month.
`catalog_table(seed)` and `listening(seed, catalog)` are pure functions of their arguments;
only `compose_catalog` calls the composition engine.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import math
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make `assistant` and `tools` importable
    sys.path.insert(0, str(ROOT))

DEFAULT_SEED = 7
MONTHS = 10  # 2026-01 .. 2026-10


@dataclass(frozen=True)
class Family:
    """An artist and the house sound its songs are drawn from."""

    artist: str
    styles: tuple[str, ...]
    moods: tuple[str, ...]
    instruments: tuple[str, ...]
    meters: tuple[str, ...]
    parts: tuple[int, ...]
    tempo_shift: int
    genre: str  # the label's free-text genre tags
    vibe: str  # a mood tag the label adds to every song of the artist
    titles: tuple[str, ...]  # "Title" or "Title|mood" to pin the mood (songs with lyrics)


FAMILIES = (
    Family("Nightglass", ("chorale", "folk"),
           ("melancholy", "sad", "lonely", "somber", "nostalgic"),
           ("piano", "piano", "electric piano", "celesta"), ("4/4", "3/4"), (1, 4), -22,
           "ambient;piano", "late night",
           ("Late Rain Vigil|sad", "Streetlamp Sonata", "Empty Platform", "Three AM Kettle",
            "Paper Moons", "Window Fog", "Last Train Home|lonely", "Quiet Hours",
            "Blue Index Cards")),
    Family("Ada Moreau", ("chorale",), ("calm", "dreamy", "serene", "melancholic", "gentle"),
           ("strings", "cello", "harp", "piano"), ("4/4", "3/4"), (4,), -18,
           "neo-classical;strings", "study",
           ("Linen Light", "Still Water Etude", "The Reading Room", "Snowfall on Slate",
            "Harbour at Dusk", "Cello for a Grey Day", "Lanterns")),
    Family("The Quay Street Band", ("irish",), ("joyful", "playful", "energetic", "cheerful"),
           ("fiddle", "fiddle", "accordion", "banjo"), ("6/8", "6/8", "4/4", "9/8", "12/8"),
           (1, 1, 4), 14, "irish;trad;session", "pub",
           ("The Salt Road Jig", "Maggie's Ferry", "Kitchen Door Reel", "The Tipsy Lantern|joyful",
            "Over the Weir", "Morning Tide Reel", "The Fiddler's Boots", "Copper Kettle Jig",
            "Half Door Slide")),
    Family("Brannagh", ("irish",), ("lonely", "nostalgic", "mournful", "playful", "hopeful"),
           ("tin whistle", "fiddle", "harp"), ("3/4", "6/8", "4/4"), (1, 4), 2,
           "irish;celtic", "wistful",
           ("Lament for the Low Field|mournful", "Slow Air at Inishmore|lonely",
            "The Heather Waltz", "Whistle on the Strand", "Grey Gull", "The Long Crossing")),
    Family("St. Aldhelm Consort", ("chorale",),
           ("hopeful", "peaceful", "serene", "somber", "mournful"),
           ("choir", "choir", "organ", "church organ"), ("4/4", "4/4", "3/4"), (4,), -14,
           "choral;sacred", "reverent",
           ("Evensong in F", "Candlemas Hymn", "Lantern of the Vale", "Psalm for a Winter Morning",
            "Vigil Chorale", "All Souls Chorale", "Morning Canticle|hopeful", "Compline Bells")),
    Family("Wren & Hollow", ("folk",), ("tender", "nostalgic", "hopeful", "bittersweet", "gentle"),
           ("acoustic guitar", "guitar", "flute", "recorder"), ("4/4", "3/4", "6/8"), (1, 4), 0,
           "folk;acoustic", "warm",
           ("Porch Light|nostalgic", "The Orchard Gate", "Letters from Tarrow", "Woodsmoke",
            "Hollow Road", "Her Mother's Coat|bittersweet", "Salt and Bread", "Autumn Field Song")),
    Family("Juniper Lane", ("folk",), ("romantic", "hopeful", "happy", "uplifting", "bright"),
           ("acoustic guitar", "violin", "flute", "guitar"), ("4/4", "3/4", "2/4"), (4,), 8,
           "folk;singer-songwriter;indie", "sunny",
           ("Sunday Bicycles|happy", "Lemon Tree Summer", "Paper Planes", "Carry Me Home|romantic",
            "Open Road Morning", "Wildflower")),
    Family("Voltline", ("folk", "irish"), ("energetic", "triumphant", "epic", "joyful"),
           ("synth", "electric guitar", "brass", "trumpet"), ("4/4", "2/4"), (4,), 26,
           "electronic;workout;pop", "high energy",
           ("Red Line Sprint|energetic", "Neon Mile", "Overdrive Parade", "Summit Push",
            "Pulse City", "Victory Lap", "Wide Awake|joyful")),
)  # fmt: skip
KEYS = {"major": ("C", "D", "E", "F", "G", "A", "Bb", "Eb"),
        "minor": ("A", "D", "E", "B", "C", "F#", "G")}  # fmt: skip
IRISH_KEYS = {"major": ("D", "G", "A", "C"), "minor": ("E", "A", "B", "D")}
IRISH_NOUN = {"6/8": "jig", "9/8": "slip jig", "12/8": "slide", "3/4": "waltz"}
# A tune called a jig is in 6/8, whatever the dice say.
TITLE_METER = (("slip jig", "9/8"), ("jig", "6/8"), ("reel", "4/4"), ("slide", "12/8"),
               ("waltz", "3/4"))  # fmt: skip


@dataclass(frozen=True)
class Song:
    """One catalogue row: the label's tags and the attributes the song was composed with."""

    stem: str
    title: str
    artist: str
    genre: str
    mood_tags: str
    style: str
    key: str
    mode: str
    tempo: int
    meter: str
    bars: int
    mood: str
    valence: float
    arousal: float
    instrument: str
    parts: int
    seed: int


def slug(title: str) -> str:
    """'Maggie's Ferry' -> 'maggies-ferry'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower().replace("'", "")).strip("-")


def _song(rng: random.Random, fam: Family, entry: str) -> Song:
    from models.music.vocabulary import MOODS

    title, _, pinned = entry.partition("|")
    mood = pinned or rng.choice(fam.moods)
    valence, arousal = MOODS[mood]
    mode = "minor" if valence < 0 else "major"
    style, meter = rng.choice(fam.styles), rng.choice(fam.meters)
    meter = next((m for word, m in TITLE_METER if word in title.lower()), meter)
    key = rng.choice((IRISH_KEYS if style == "irish" else KEYS)[mode])
    # The engine's own mood rule (tools/compose.py), shifted by the artist's pace, plus jitter.
    tempo = round(96 + 40 * arousal + fam.tempo_shift + rng.uniform(-6, 6))
    tempo = max(40, min(200, tempo))
    return Song(
        stem=slug(title), title=title, artist=fam.artist, genre=_genre(fam, title, meter, tempo),
        mood_tags=f"{mood};{fam.vibe}", style=style, key=key, mode=mode,
        tempo=tempo, meter=meter, bars=rng.choice((8, 12, 16, 16, 24, 32)),
        mood=mood, valence=valence, arousal=arousal, instrument=rng.choice(fam.instruments),
        parts=rng.choice(fam.parts), seed=rng.randrange(1_000_000),
    )  # fmt: skip


def _genre(fam: Family, title: str, meter: str, tempo: int) -> str:
    """The artist's genre tags; trad tunes also get their dance (or 'slow air')."""
    if "irish" not in fam.genre:
        return fam.genre
    named = next((word for word, _ in TITLE_METER if word in title.lower()), None)
    noun = named or ("slow air" if tempo < 95 else IRISH_NOUN.get(meter, "reel"))
    return f"{fam.genre};{noun}"


def catalog_table(seed: int) -> list[Song]:
    """The catalogue's songs and their attributes; a pure function of the seed."""
    rng = random.Random(f"{seed}:catalog")
    return [_song(rng, fam, entry) for fam in FAMILIES for entry in fam.titles]


# --- listeners -----------------------------------------------------------------------------

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+")
PLATFORMS = ("spotify", "apple", "youtube", "bandcamp")
CITIES = {
    "US": ("New York", "Austin", "Chicago", "Seattle", "Nashville", "Boston", "Los Angeles"),
    "GB": ("London", "Manchester", "Glasgow", "Bristol", "Leeds"), "JP": ("Tokyo", "Osaka"),
    "IE": ("Dublin", "Galway", "Cork", "Limerick"), "AU": ("Melbourne", "Sydney", "Brisbane"),
    "DE": ("Berlin", "Hamburg", "Leipzig", "Munich"), "NL": ("Amsterdam", "Utrecht"),
    "CA": ("Toronto", "Montreal", "Halifax", "Vancouver"), "NO": ("Oslo", "Bergen"),
    "SE": ("Stockholm", "Gothenburg"), "BR": ("Sao Paulo", "Rio de Janeiro"),
    "MX": ("Mexico City", "Guadalajara"), "KR": ("Seoul", "Busan"),
}  # fmt: skip


@dataclass(frozen=True)
class Segment:
    """A latent taste segment: its share of listeners, demographics and song preferences."""

    name: str
    share: float
    countries: dict[str, float]
    ages: tuple[float, ...]  # weights over AGE_BANDS
    platforms: tuple[float, ...]  # weights over PLATFORMS
    taste: dict[str, float]  # weights over the song features of `features()`
    activity: float  # mean of log(plays)


SEGMENTS = (
    Segment("late-night-study", 0.26, {"US": 3, "GB": 2, "DE": 2, "JP": 2, "KR": 2, "CA": 1},
            (5, 4, 1, 0.5, 0.3), (5, 2, 4, 1),
            {"minor": 1.2, "tempo": -1.4, "arousal": -1.0, "keys": 1.8, "strings": 1.0,
             "irish": -0.8, "bright": -2.0, "sacred": -0.5}, 3.0),
    Segment("pub-session", 0.18, {"IE": 4, "GB": 2, "US": 2, "CA": 1, "AU": 1},
            (1, 3, 3, 2, 1), (3, 2, 1, 2),
            {"irish": 2.4, "trad": 1.6, "tempo": 0.6, "arousal": 0.5, "chorale": -1.2,
             "bright": -0.6, "keys": -0.6}, 2.6),
    Segment("church-choral", 0.15, {"GB": 3, "DE": 2, "US": 2, "NL": 1, "NO": 1},
            (0.3, 1, 2, 3, 4), (2, 3, 3, 0.5),
            {"chorale": 2.2, "sacred": 2.2, "strings": 0.5, "tempo": -0.4, "bright": -2.0,
             "irish": -0.8, "keys": -0.3}, 2.3),
    Segment("folk-songwriter", 0.21, {"US": 3, "GB": 2, "CA": 2, "AU": 1, "IE": 1, "SE": 1},
            (1, 4, 3, 2, 1), (3, 2, 1, 3),
            {"folk": 2.0, "acoustic": 1.8, "valence": 0.4, "tempo_sq": -0.8, "trad": 0.3,
             "bright": -0.8, "chorale": -0.6}, 2.7),
    Segment("upbeat-workout", 0.20, {"US": 3, "BR": 2, "GB": 2, "DE": 1, "MX": 2, "AU": 1},
            (5, 4, 2, 0.5, 0.2), (5, 2, 4, 0.3),
            {"tempo": 1.6, "arousal": 1.6, "valence": 1.0, "minor": -1.2, "bright": 2.4,
             "chorale": -1.5, "keys": -0.8}, 2.8),
)  # fmt: skip
INSTRUMENT_GROUP = {
    "piano": "keys", "electric piano": "keys", "celesta": "keys", "strings": "strings",
    "cello": "strings", "harp": "strings", "violin": "strings", "choir": "sacred",
    "organ": "sacred", "church organ": "sacred", "fiddle": "trad", "accordion": "trad",
    "banjo": "trad", "tin whistle": "trad", "acoustic guitar": "acoustic", "guitar": "acoustic",
    "flute": "acoustic", "recorder": "acoustic", "synth": "bright", "electric guitar": "bright",
    "brass": "bright", "trumpet": "bright",
}  # fmt: skip
MISSING = 0.06  # chance that a profile field is blank
TASTE_SCALE = 0.7  # below 1, tastes are broader and segments overlap more


def features(song: Song) -> dict[str, float]:
    """What listeners respond to: style, mode, tempo, mood and the instrument's family."""
    tempo = (song.tempo - 100) / 30
    return {song.style: 1.0, "minor": float(song.mode == "minor"), "tempo": tempo,
            "tempo_sq": tempo * tempo, "valence": song.valence, "arousal": song.arousal,
            INSTRUMENT_GROUP[song.instrument]: 1.0}  # fmt: skip


def _pick(
    rng: random.Random, options: tuple[str, ...] | list[str], weights: Iterable[float]
) -> str:
    return rng.choices(list(options), weights=list(weights))[0]


def _blank(rng: random.Random, value: str) -> str:
    return "" if rng.random() < MISSING else value


def _profile(rng: random.Random, seg: Segment) -> tuple[str, str, str, str]:
    """Country, city, age band and platform, each sometimes missing."""
    country = _pick(rng, list(seg.countries), seg.countries.values())
    city = rng.choice(CITIES[country])
    age = _pick(rng, AGE_BANDS, seg.ages)
    platform = _pick(rng, PLATFORMS, seg.platforms)
    country = _blank(rng, country)
    city = _blank(rng, city) if country else ""
    return country, city, _blank(rng, age), _blank(rng, platform)


def _taste(rng: random.Random, seg: Segment) -> dict[str, float]:
    """The segment's weights plus personal noise; one listener in six leans to a second one."""
    keys = sorted({k for s in SEGMENTS for k in s.taste})
    mix = {k: seg.taste.get(k, 0.0) for k in keys}
    if rng.random() < 1 / 6:
        other = rng.choice([s for s in SEGMENTS if s is not seg])
        mix = {k: 0.65 * v + 0.35 * other.taste.get(k, 0.0) for k, v in mix.items()}
    return {k: TASTE_SCALE * (v + rng.gauss(0.0, 0.35)) for k, v in mix.items()}


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """`total` plays over len(weights) >= 1 slots, at least one each, the rest by weight."""
    counts = [1] * len(weights)
    for i in rng.choices(range(len(weights)), weights=weights, k=total - len(weights)):
        counts[i] += 1
    return counts


def _listener_plays(
    rng: random.Random, lid: str, taste: dict[str, float], activity: float, songs: list[tuple]
) -> list[tuple]:
    """One listener's rows: songs, plays, months. `songs`: (stem, features, popularity)."""
    total = max(1, min(2000, round(rng.lognormvariate(activity, 1.0))))
    k = min(total, len(songs), rng.randint(1, 3) + int(2 * math.log1p(total)))
    util = [sum(taste.get(f, 0.0) * x for f, x in feats.items()) + pop for _, feats, pop in songs]
    gumbel = [u - math.log(-math.log(rng.random() or 1e-12)) for u in util]
    chosen = sorted(range(len(songs)), key=lambda i: -gumbel[i])[:k]
    top = max(util[i] for i in chosen)
    counts = _split(rng, total, [math.exp(util[i] - top) for i in chosen])
    first = rng.choice((1, 1, 1, 2, 3, 4, 5, 6, 7, 8))  # the month the listener joined
    rows = []
    for i, n in zip(chosen, counts, strict=True):
        months = sorted(
            rng.sample(range(first, MONTHS + 1), min(n, MONTHS + 1 - first, 1 + n // 6))
        )
        for month, plays in zip(months, _split(rng, n, [1.0] * len(months)), strict=True):
            rows.append((lid, songs[i][0], plays, f"2026-{month:02d}-{rng.randint(1, 28):02d}"))
    return sorted(rows, key=lambda r: (r[3], r[1]))


def listening(seed: int, catalog: list[Song]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Listeners, plays and the hidden segment labels; a pure function of seed and catalogue."""
    rng = random.Random(f"{seed}:listeners")
    popularity = {s.stem: rng.gauss(0.0, 0.5) for s in catalog}
    for stem in rng.sample(sorted(popularity), 4):  # a few cross-over hits
        popularity[stem] += 1.5
    songs = [(s.stem, features(s), popularity[s.stem]) for s in catalog]
    segs = [seg for seg in SEGMENTS for _ in range(round(600 * seg.share))]
    rng.shuffle(segs)
    listeners, plays, truth = [], [], []
    for n, seg in enumerate(segs, start=1):
        lid = f"L{n:04d}"
        listeners.append((lid, *_profile(rng, seg)))
        plays.extend(_listener_plays(rng, lid, _taste(rng, seg), seg.activity, songs))
        truth.append((lid, seg.name))
    return listeners, plays, truth


# --- writing -------------------------------------------------------------------------------


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def compose_catalog(catalog: list[Song], folder: Path) -> None:
    """Compose every song with Cadenza's own `compose` tool and keep its MIDI file only."""
    from assistant.config import Settings
    from tools import REGISTRY
    from tools.base import ToolContext

    with tempfile.TemporaryDirectory() as tmp:
        ctx = ToolContext(settings=Settings(home=Path(tmp) / "home", workspace=Path(tmp)))
        for song in catalog:
            result = REGISTRY["compose"](
                ctx, style=song.style, key=song.key, mode=song.mode, tempo=song.tempo,
                meter=song.meter, bars=song.bars, mood=song.mood, instrument=song.instrument,
                parts=song.parts, seed=song.seed, audio=False,
            )  # fmt: skip
            if not result.ok:
                raise RuntimeError(f"{song.stem}: {result.error}")
            midi = next(f for f in result.files if f.endswith(".mid"))
            shutil.copyfile(midi, folder / f"{song.stem}.mid")


def write_lyrics(catalog: list[Song], folder: Path) -> None:
    """The original lyrics of `demo_lyrics.py`, one .txt beside each song that has them."""
    path = Path(__file__).with_name("demo_lyrics.py")
    spec = importlib.util.spec_from_file_location("demo_lyrics", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stems = {s.stem for s in catalog}
    for stem, text in module.LYRICS.items():
        if stem not in stems:
            raise KeyError(f"lyrics for unknown song {stem}")
        (folder / f"{stem}.txt").write_text(text.strip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--skip-midi", action="store_true", help="write the CSVs only")
    args = parser.parse_args(argv)
    out, catalog = args.out, catalog_table(args.seed)
    (folder := out / "catalog").mkdir(parents=True, exist_ok=True)
    if not args.skip_midi:
        compose_catalog(catalog, folder)
    write_lyrics(catalog, folder)
    tags = [(s.stem, s.title, s.artist, s.genre, s.mood_tags) for s in catalog]
    write_csv(folder / "tags.csv", ("stem", "title", "artist", "genre", "mood"), tags)
    listeners, plays, truth = listening(args.seed, catalog)
    profile = ("listener_id", "country", "city", "age_band", "platform")
    write_csv(out / "listeners.csv", profile, listeners)
    write_csv(out / "plays.csv", ("listener_id", "song_or_artist_id", "plays", "date"), plays)
    write_csv(out / "truth.csv", ("listener_id", "segment"), truth)
    print(f"{len(catalog)} songs, {len(listeners)} listeners, {len(plays)} play rows -> {out}")


if __name__ == "__main__":
    main()
