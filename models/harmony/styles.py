"""How each style plays its chords and bass: style rules written from music knowledge.

The progression itself is learned (model.py); a style decides how it is coloured, voiced and
played. These are rules, documented in docs/harmony.md, not learned: the data has no style
labels. `colour` turns a learned chord family into the chord a player of the style reaches for:

    triad    as learned (pop, rock, folk, reggae...)
    seventh  tonic and subdominant major chords get a major 7th, minor chords a minor 7th,
             dominants stay 7 (soul, R&B, gospel, bossa nova, synthwave)
    jazz     major 7ths (6/9 on a final tonic), minor 7ths, dominant 9ths, 7b9 on a dominant
             resolving to minor
    lofi     major 9ths, minor 9ths, dominant 9ths: the soft extended colour of lo-fi keys
    power    root and fifth for a distorted guitar (punk); other parts keep the triad
"""

from __future__ import annotations

from dataclasses import dataclass

from models.errors import InputError


@dataclass(frozen=True)
class HarmonyStyle:
    name: str
    label: str
    comp: str  # rhythm pattern (voicing.PATTERNS)
    bass: str  # bass style (bass.BASS_STYLES)
    instrument: str  # default chord instrument (voicing.INSTRUMENTS)
    colour: str  # triad, seventh, jazz, lofi, power
    tempo: int  # usual tempo (bpm)
    swing: float = 0.0  # 0 straight .. 1 triplet feel on off-beat 8ths
    bass_program: int = 33  # General MIDI, 0-based: 33 finger bass, 32 acoustic, 38 synth bass
    mode: str = "major"  # the mode without a key or a mood (trap and techno live in minor)


S = HarmonyStyle
STYLES: dict[str, HarmonyStyle] = {s.name: s for s in (
    S("pop", "pop", "pulse", "pop", "piano", "triad", 100),
    S("ballad", "pop ballad", "arpeggio", "root", "piano", "triad", 72),
    S("rock", "rock", "strum", "eighths", "guitar", "triad", 120, bass_program=34),
    S("punk", "punk", "strum", "eighths", "distortion guitar", "power", 170, bass_program=34),
    S("folk", "folk", "strum", "rootfifth", "acoustic guitar", "triad", 96),
    S("country", "country", "strum", "rootfifth", "acoustic guitar", "triad", 110),
    S("soul", "soul", "pulse", "pop", "electric piano", "seventh", 96),
    S("rnb", "R&B", "block", "pop", "electric piano", "seventh", 80),
    S("gospel", "gospel", "pulse", "pop", "organ", "seventh", 80),
    S("jazz", "jazz", "comping", "walking", "piano", "jazz", 132, 0.6, 32),
    S("bossanova", "bossa nova", "bossa", "rootfifth", "nylon guitar", "seventh", 130, 0.0, 32),
    S("lofi", "lo-fi", "lofi", "pop", "electric piano", "lofi", 80, 0.55),
    S("hiphop", "hip hop", "lofi", "pop", "electric piano", "seventh", 90, 0.3),
    S("boombap", "boom bap", "lofi", "pop", "electric piano", "seventh", 90, 0.35),
    S("trap", "trap", "pad", "808", "pad", "triad", 140, bass_program=38, mode="minor"),
    S("house", "house", "stabs", "octave", "electric piano", "seventh", 124, bass_program=38),
    S("techno", "techno", "stabs", "offbeat", "pad", "triad", 128, bass_program=38,
      mode="minor"),
    S("disco", "disco", "stabs", "octave", "strings", "seventh", 118),
    S("funk", "funk", "funk", "funk", "clavinet", "seventh", 104, 0.1),
    S("reggae", "reggae", "skank", "pop", "organ", "triad", 76),
    S("synthwave", "synthwave", "pad", "eighths", "pad", "seventh", 100, bass_program=38),
    S("edm", "EDM", "pad", "offbeat", "pad", "triad", 126, bass_program=38),
)}  # fmt: skip

# Words producers use -> style name.
STYLE_WORDS = {
    "pop": "pop", "ballad": "ballad", "pop ballad": "ballad", "rock": "rock", "punk": "punk",
    "folk": "folk", "country": "country", "soul": "soul", "motown": "soul", "r&b": "rnb",
    "rnb": "rnb", "neo-soul": "rnb", "neo soul": "rnb", "gospel": "gospel", "jazz": "jazz",
    "jazzy": "jazz", "swing": "jazz", "bossa nova": "bossanova", "bossa": "bossanova",
    "bossanova": "bossanova", "lo-fi": "lofi", "lofi": "lofi", "lo fi": "lofi",
    "hip hop": "hiphop", "hip-hop": "hiphop", "hiphop": "hiphop", "boom bap": "boombap",
    "boombap": "boombap", "trap": "trap", "house": "house", "deep house": "house",
    "techno": "techno", "disco": "disco", "funk": "funk", "funky": "funk", "reggae": "reggae",
    "synthwave": "synthwave", "retrowave": "synthwave", "80s": "synthwave", "edm": "edm",
    "dance": "edm", "trance": "edm",
}  # fmt: skip


def get_style(word: str) -> HarmonyStyle:
    """A style by a producer's word; an unknown one is one clear sentence."""
    name = STYLE_WORDS.get(word.strip().lower(), word.strip().lower())
    if name not in STYLES:
        names = ", ".join(s.label for s in STYLES.values())
        raise InputError(f"I don't know the style '{word[:30]}' for chords; I play {names}.")
    return STYLES[name]


# colour -> {family: quality}; a family not listed keeps its own quality.
COLOURS: dict[str, dict[str, str]] = {
    "triad": {},
    "power": {"maj": "5", "min": "5"},
    "seventh": {"maj": "maj7", "min": "min7", "dim": "hdim7"},
    "jazz": {"maj": "maj7", "min": "min7", "7": "9", "dim": "hdim7", "sus4": "7sus4"},
    "lofi": {
        "maj": "maj9",
        "min": "min9",
        "7": "9",
        "maj7": "maj9",
        "min7": "min9",
        "dim": "hdim7",
    },  # fmt: skip
}


def coloured(quality: str, degree: int, colour: str, mode: str, next_degree: int | None,
             next_minor: bool, last: bool) -> str:  # fmt: skip
    """The quality a style plays for a learned chord (see the module docstring). A major chord
    gets a major 7th only when that 7th is in the key's scale (C and F in C major, Bb in C
    major); otherwise it is a dominant (G7, D7, E7 in C major; E7 and D7 in A minor)."""
    from models.harmony.chords import FAMILY
    from models.music.theory import SCALE_STEPS

    family = FAMILY[quality]
    if quality != family or colour not in COLOURS:  # the data's own colour (9ths, 6ths) is kept
        return quality
    to_next = None if next_degree is None else (next_degree - degree) % 12
    if colour == "jazz" and family == "maj" and last and degree == 0:
        return "6/9"
    if colour == "jazz" and family == "7" and next_minor and to_next == 5:
        return "7b9"  # a learned dominant resolving to minor
    dominant = (degree + 11) % 12 not in SCALE_STEPS[mode]  # its major 7th is not in the key
    if colour in ("seventh", "jazz", "lofi") and family == "maj" and dominant:
        if colour == "jazz" and next_minor and to_next == 5:
            return "7b9"
        return "9" if colour == "lofi" else "7"
    return COLOURS[colour].get(family, quality)
