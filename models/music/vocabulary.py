"""The music words Cadenza understands, in one place (in the manner of MidiTok's `constants.py`).

Moods, tempo words, styles, meters, instruments (General MIDI programs), number words, ordinals
and file suffixes. The router reads requests with them; the engines and tools map them to music.
Every table here is written from music knowledge (documented as such), not learned.
"""

from __future__ import annotations

import re

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}  # fmt: skip
# "thirty two", "thirty-two", "sixty four", "sixteen": tens first, so "two" is not read alone.
NUMBER_WORD = (
    r"(?:(?:"
    + "|".join(TENS)
    + r")(?:[\s-](?:"
    + "|".join(k for k, v in UNITS.items() if v < 10)
    + r"))?|"
    + "|".join(sorted(UNITS, key=len, reverse=True))
    + r")"
)
TEMPO_WORDS = {
    "very slow": 52, "slowly": 66, "slow": 66, "laid-back": 80, "laid back": 80, "relaxed": 80,
    "moderate": 96, "medium": 96, "mid-tempo": 100, "upbeat": 124, "lively": 128, "fast": 140,
    "quick": 140, "very fast": 168, "frantic": 176, "uptempo": 128, "up-tempo": 128,
    "downtempo": 90, "andante": 80, "adagio": 60, "largo": 50,
    "allegro": 132, "presto": 170, "moderato": 100,
}  # fmt: skip
STYLE_WORDS = {
    "chorale": "chorale", "hymn": "chorale", "bach": "chorale", "choral": "chorale",
    "folk": "folk", "folksong": "folk", "folk song": "folk", "ballad": "folk", "lied": "folk",
    "waltz": "folk", "irish": "irish", "celtic": "irish", "jig": "irish", "reel": "irish", "hornpipe": "irish",
    "fiddle": "irish",
}  # fmt: skip
METER_WORDS = {
    "waltz": "3/4", "minuet": "3/4", "jig": "6/8", "march": "2/4", "reel": "4/4",
    "three-four": "3/4", "three four": "3/4", "four-four": "4/4", "four four": "4/4",
    "two-four": "2/4", "two four": "2/4", "six-eight": "6/8", "six eight": "6/8",
    "nine-eight": "9/8", "twelve-eight": "12/8", "common time": "4/4", "cut time": "2/2",
    "triple time": "3/4", "compound time": "6/8",
}  # fmt: skip
# Mood words -> (valence, arousal) on -1..1; the composer maps these to musical choices.
MOODS = {
    "happy": (0.8, 0.5), "joyful": (0.9, 0.6), "hopeful": (0.6, 0.2), "uplifting": (0.7, 0.5),
    "bright": (0.6, 0.4), "cheerful": (0.8, 0.5), "triumphant": (0.8, 0.8), "epic": (0.4, 0.8),
    "energetic": (0.5, 0.9), "playful": (0.6, 0.6), "romantic": (0.5, -0.1), "tender": (0.4, -0.4),
    "calm": (0.3, -0.7), "peaceful": (0.4, -0.7), "serene": (0.4, -0.6), "dreamy": (0.2, -0.5),
    "gentle": (0.3, -0.5), "nostalgic": (-0.1, -0.3), "bittersweet": (-0.1, -0.2),
    "moody": (-0.4, -0.1), "melancholic": (-0.6, -0.4), "melancholy": (-0.6, -0.4),
    "sad": (-0.7, -0.4), "sorrowful": (-0.8, -0.4), "mournful": (-0.8, -0.5), "gloomy": (-0.7, -0.3),
    "dark": (-0.6, 0.2), "tense": (-0.5, 0.6), "angry": (-0.7, 0.8), "anxious": (-0.6, 0.6),
    "lonely": (-0.6, -0.5), "somber": (-0.6, -0.4), "sombre": (-0.6, -0.4), "eerie": (-0.5, 0.1),
}  # fmt: skip
# The moods MusicCaps captions name most (issue 22), placed on Russell's circumplex by ear. A
# producer's word is read with all of MOODS; a mood Cadenza picks (from lyrics) is a CORE one.
CAPTION_MOODS = {
    "passionate": (0.4, 0.7), "groovy": (0.6, 0.5), "emotional": (0.0, 0.2),
    "youthful": (0.7, 0.6), "spirited": (0.7, 0.7), "exciting": (0.7, 0.8), "mellow": (0.3, -0.5),
    "fun": (0.8, 0.6), "easygoing": (0.5, -0.4), "relaxing": (0.5, -0.6), "relaxed": (0.5, -0.6),
    "chill": (0.4, -0.6), "intense": (-0.2, 0.8), "calming": (0.4, -0.7),
    "enthusiastic": (0.8, 0.7), "vibrant": (0.7, 0.6), "sentimental": (0.1, -0.3),
    "soothing": (0.5, -0.7), "aggressive": (-0.6, 0.9), "soulful": (0.2, 0.0),
    "buoyant": (0.7, 0.5), "suspenseful": (-0.4, 0.6), "hypnotic": (0.0, 0.1),
    "powerful": (0.3, 0.8), "pleasant": (0.6, -0.1), "positive": (0.7, 0.3),
    "inspiring": (0.7, 0.5), "meditative": (0.2, -0.8), "upbeat": (0.7, 0.6),
    "mysterious": (-0.2, 0.1),
}  # fmt: skip
CORE_MOODS = dict(MOODS)
MOODS.update(CAPTION_MOODS)
INSTRUMENTS = {
    "piano": 0, "electric piano": 4, "harpsichord": 6, "organ": 19, "church organ": 19,
    "guitar": 24, "acoustic guitar": 25, "electric guitar": 27, "bass": 33, "violin": 40,
    "viola": 41, "cello": 42, "harp": 46, "strings": 48, "string": 48, "choir": 52, "voice": 53,
    "trumpet": 56, "trombone": 57, "horn": 60, "french horn": 60, "brass": 61, "sax": 65,
    "saxophone": 65, "oboe": 68, "bassoon": 70, "clarinet": 71, "flute": 73, "recorder": 74,
    "pan flute": 75, "whistle": 78, "tin whistle": 78, "synth": 80, "lead": 80, "pad": 88,
    "marimba": 12, "vibraphone": 11, "celesta": 8, "music box": 10, "accordion": 21,
    "fiddle": 40, "bagpipe": 109, "banjo": 105,
}  # fmt: skip
# Other names producers and captions use for those instruments -> the INSTRUMENTS name.
INSTRUMENT_ALIASES = {
    "vocal": "voice", "vocals": "voice", "vocalist": "voice", "male singer": "voice",
    "female singer": "voice",
    "singing": "voice", "male vocal": "voice", "female vocal": "voice", "male voice": "voice",
    "female voice": "voice", "e-guitar": "electric guitar", "e-bass": "bass",
    "bass guitar": "bass", "electric bass": "bass", "keyboard": "piano", "grand piano": "piano",
    "synthesizer": "synth", "synthesiser": "synth", "orchestra": "strings",
    "string section": "strings",
}  # fmt: skip

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip

# File suffixes by kind (lower case, with the dot).
MIDI_SUFFIXES = (".mid", ".midi")
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".aiff", ".aif", ".m4a")
LYRIC_SUFFIXES = (".txt", ".lrc")


def number_value(word: str) -> int | None:
    """'12' -> 12, 'sixteen' -> 16, 'thirty-two' / 'thirty two' -> 32; None for other words."""
    if word.isdigit():
        return int(word)
    parts = re.split(r"[\s-]+", word.lower().strip())
    if not parts or any(p not in UNITS and p not in TENS for p in parts):
        return None
    return sum(TENS.get(p, 0) + UNITS.get(p, 0) for p in parts)

# Drum styles producers name -> the drum engine's style (models/drums/styles.py).
DRUM_STYLES = {
    "trap": "trap", "boom bap": "boombap", "boom-bap": "boombap", "boombap": "boombap",
    "lo-fi": "lofi", "lofi": "lofi", "lo fi": "lofi", "hip hop": "hiphop", "hip-hop": "hiphop",
    "hiphop": "hiphop", "rap": "hiphop", "house": "house", "deep house": "house",
    "techno": "techno", "disco": "disco", "drum and bass": "dnb", "drum & bass": "dnb",
    "drum n bass": "dnb", "dnb": "dnb", "d&b": "dnb", "jungle": "dnb", "reggaeton": "reggaeton",
    "dembow": "reggaeton", "afrobeats": "afrobeats", "afrobeat": "afrobeat", "afro-cuban": "afrocuban",
    "afrocuban": "afrocuban", "bossa nova": "bossanova", "bossa": "bossanova", "rock": "rock",
    "funk": "funk", "funky": "funk", "jazz": "jazz", "jazzy": "jazz", "latin": "latin",
    "samba": "latin", "soul": "soul", "motown": "soul", "punk": "punk", "new orleans": "neworleans",
    "second line": "neworleans", "country": "country", "pop": "pop", "reggae": "reggae",
    "one drop": "reggae", "gospel": "gospel", "blues": "blues", "dance": "dance",
}  # fmt: skip
# Drum-kit words -> the engine's drums (models/drums/kit.py); "toms" names both toms.
KIT_WORDS = {
    "kick": ("kick",), "kicks": ("kick",), "bass drum": ("kick",), "snare": ("snare",),
    "snares": ("snare",), "rim": ("rim",), "rimshot": ("rim",), "cross-stick": ("rim",),
    "hats": ("closed_hat", "open_hat"), "hat": ("closed_hat",), "hi-hat": ("closed_hat",),
    "hi-hats": ("closed_hat", "open_hat"), "hihats": ("closed_hat", "open_hat"),
    "hi hats": ("closed_hat", "open_hat"), "open hats": ("open_hat",), "ride": ("ride",),
    "crash": ("crash",), "crashes": ("crash",), "cymbals": ("crash", "ride"),
    "ride cymbal": ("ride",), "crash cymbal": ("crash",), "crash cymbals": ("crash",),
    "toms": ("tom_high", "tom_low"), "tom": ("tom_high", "tom_low"), "clap": ("clap",),
    "claps": ("clap",), "shaker": ("shaker",),
}  # fmt: skip
