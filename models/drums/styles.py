"""The drum styles Cadenza plays, and the rules that define the ones the data lacks.

Learned styles (rock, funk, jazz, latin, hip hop, soul, punk, afro-cuban, New Orleans, country,
pop, reggae, afrobeat, blues, dance) come from the Groove MIDI Dataset's drummers. The
others are written down here from music knowledge, in our own words, as rules on a 16th-note
grid of a 4/4 bar (steps 0-15; beat 1 = step 0, beat 2 = 4, beat 3 = 8, beat 4 = 12, "and" of
a beat = +2): the steps a drum must take in every groove bar (`require`) and the steps it must
leave (`forbid`, "all" = every step). The learned style named as `base` supplies everything the
rules leave open: the hats' variations, ghost notes, velocities and micro-timing.

What each rule is:
- house, techno, disco: "four on the floor", a kick on every beat; house and disco put a clap
  or snare on 2 and 4 and an open hat on every off-beat eighth ("and"s); techno keeps the
  off-beat hats and leaves the backbeat to a rim or nothing.
- trap: half-time feel, the snare or clap on beat 3 only (step 8) at 130-170 bpm, with closed
  hats in 16ths and rolls (32nds and triplets) before the beat; the kick avoids beat 3; no
  ride or toms outside fills.
- boom bap and lo-fi hip hop: kick on 1, snare on 2 and 4, swung 16ths; lo-fi is slower, softer
  and looser.
- drum and bass: the "two-step": kick on 1 and on the "and" of 3 (step 10), snare on 2 and 4,
  at 165-178 bpm.
- reggaeton: the dembow: kick on every beat, snare on the "a" of 1 (step 3), the "and" of 2
  (step 6), the "a" of 3 (step 11) and the "and" of 4 (step 14).
- afrobeats (modern West African pop): kick on 1, the "a" of 2 (step 7) and 3, a rim pattern
  on steps 3, 6, 10 and 12, shaker 16ths.
- bossa nova: the bass drum's dotted rhythm on 1, the "and" of 2, 3 and the "and" of 4 (steps 0,
  6, 8, 14), the cross-stick on steps 0, 6 and 12, eighths on the hats.
- reggae one drop: the kick and the rim together on beat 3 and never on beat 1.
- backbeat styles (rock, pop, punk, soul, funk, country, gospel, blues): the snare on 2 and 4.
  Gospel has only fills in the data, so its grooves come from the soul drummers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BACKBEAT = {"snare": (4, 12)}
# House and techno: four on the floor and off-beat open hats, nothing but the machine's parts.
CLUB_FORBID = {"kick": "offbeats", "snare": "all", "ride": "all", "tom_high": "all",
               "tom_low": "all", "open_hat": (0, 4, 8, 12)}  # fmt: skip


@dataclass(frozen=True)
class DrumStyle:
    name: str
    base: str  # the learned style that supplies variation, velocities and timing
    tempo: tuple[int, int, int]  # lowest, default, highest bpm
    description: str
    learned: bool = False
    swing: float = 0.0  # 0 straight, 1 a full triplet feel on the off-beat 16ths
    humanize: float = 1.0  # 0 quantised, 1 as the drummers played
    require: dict[str, tuple[int, ...]] = field(default_factory=dict)
    forbid: dict[str, tuple[int, ...] | str] = field(default_factory=dict)
    backbeat_sound: str = "snare"  # what plays the snare's part: snare, clap or rim
    hat_rolls: bool = False
    add: tuple[str, ...] = ()  # rule instruments: shaker 16ths
    velocity_scale: float = 1.0
    core_tempo: float = 1.0  # 0.5: a half-time style borrows grooves played at half its tempo

    @property
    def label(self) -> str:
        """What a producer calls it: 'boom bap', 'drum and bass'."""
        return LABELS.get(self.name, self.name)


LABELS = {"boombap": "boom bap", "lofi": "lo-fi hip hop", "dnb": "drum and bass",
          "hiphop": "hip hop", "bossanova": "bossa nova", "neworleans": "New Orleans",
          "afrocuban": "afro-cuban"}  # fmt: skip


def _learned(name: str, tempo: tuple[int, int, int], description: str, **kw) -> DrumStyle:  # noqa: ANN003
    return DrumStyle(name, name, tempo, description, learned=True, **kw)


STYLES: dict[str, DrumStyle] = {s.name: s for s in (
    _learned("rock", (70, 120, 170), "rock: straight eighths on hats or ride, snare backbeat",
             require=BACKBEAT),
    _learned("funk", (80, 100, 125), "funk: syncopated kick, ghost notes on the snare, busy hats",
             require=BACKBEAT),
    _learned("jazz", (80, 140, 250), "jazz: swung ride cymbal, feathered kick, comping snare"),
    _learned("latin", (90, 115, 130), "latin: Brazilian samba, baião and Cuban songo grooves"),
    _learned("hiphop", (70, 90, 105), "hip hop: heavy kick, snare on two and four",
             require=BACKBEAT, swing=0.1),
    _learned("soul", (80, 100, 150), "soul and motown: backbeat, tambourine-like hats",
             require=BACKBEAT),
    _learned("punk", (150, 180, 220), "punk: fast, driving, snare on every backbeat",
             require=BACKBEAT),
    _learned("afrocuban", (90, 110, 130), "afro-cuban: Cuban bembé and rumba bell patterns"),
    _learned("neworleans", (80, 95, 110), "New Orleans: second line and street-beat funk"),
    _learned("country", (70, 110, 160), "country and folk: train beat and two-step", require=BACKBEAT),
    _learned("pop", (80, 120, 145), "pop: simple backbeat groove", require=BACKBEAT),
    _learned("reggae", (60, 78, 90), "reggae one drop from Jamaica: kick and rim together on beat three, Caribbean",
             require={"kick": (8,), "rim": (8,)}, forbid={"kick": (0,), "snare": (4, 12)}),
    _learned("afrobeat", (85, 100, 120), "afrobeat: Fela-style interlocking hats and kick"),
    DrumStyle("boombap", "hiphop", (82, 90, 98), "boom bap: hard kick and snare, swung 16ths",
              swing=0.25, require={"kick": (0,), "snare": (4, 12)}),
    DrumStyle("lofi", "hiphop", (70, 82, 92), "lo-fi hip hop: dusty, lazy swung groove",
              swing=0.35, require={"kick": (0,), "snare": (4, 12)}, velocity_scale=0.85),
    DrumStyle("trap", "hiphop", (130, 145, 170), "trap: half-time claps, 808 kick, hat rolls",
              require={"clap": (8,), "closed_hat": (0, 2, 4, 6, 8, 10, 12, 14)},
              forbid={"snare": "all", "kick": (8,), "ride": "all", "tom_high": "all",
                      "tom_low": "all"}, backbeat_sound="clap", hat_rolls=True,
              humanize=0.4, core_tempo=0.5),
    DrumStyle("house", "funk", (118, 124, 130), "house: four on the floor, off-beat open hats",
              require={"kick": (0, 4, 8, 12), "clap": (4, 12), "open_hat": (2, 6, 10, 14)},
              forbid=CLUB_FORBID, backbeat_sound="clap", humanize=0.3),
    DrumStyle("techno", "funk", (125, 132, 145), "techno: relentless four on the floor",
              require={"kick": (0, 4, 8, 12), "open_hat": (2, 6, 10, 14)},
              forbid=CLUB_FORBID, backbeat_sound="rim", humanize=0.2),
    DrumStyle("disco", "funk", (110, 118, 128), "disco: four on the floor, open hats, backbeat",
              require={"kick": (0, 4, 8, 12), "snare": (4, 12), "open_hat": (2, 6, 10, 14)},
              forbid={"kick": "offbeats"}, humanize=0.6),
    DrumStyle("dnb", "funk", (165, 174, 178), "drum and bass: two-step breakbeat",
              require={"kick": (0, 10), "snare": (4, 12)}, forbid={"kick": (4, 12)},
              core_tempo=0.5),
    DrumStyle("reggaeton", "latin", (88, 95, 100), "reggaeton: the dembow rhythm of Puerto Rico",
              require={"kick": (0, 4, 8, 12), "snare": (3, 6, 11, 14)},
              forbid={"kick": "offbeats", "snare": "others"}, humanize=0.4),
    DrumStyle("afrobeats", "afrobeat", (98, 105, 115), "afrobeats: West African and Nigerian pop groove, dance",
              require={"kick": (0, 7, 8), "rim": (3, 6, 10, 12)},
              forbid={"snare": (4, 12)}, add=("shaker",), humanize=0.6),
    DrumStyle("bossanova", "latin", (110, 130, 150), "bossa nova from Brazil: cross-stick clave, soft kick",
              require={"kick": (0, 6, 8, 14), "rim": (0, 6, 12),
                       "closed_hat": (0, 2, 4, 6, 8, 10, 12, 14)},
              forbid={"snare": "all", "crash": "all"}, velocity_scale=0.8),
    DrumStyle("gospel", "soul", (70, 100, 140), "gospel: backbeat with busy fills",
              require=BACKBEAT),  # the data has gospel fills only: soul grooves carry it
    _learned("blues", (60, 90, 130), "blues: shuffle with a backbeat", require=BACKBEAT,
             swing=0.5),
    _learned("dance", (110, 122, 130), "dance and disco grooves from the drummers"),
)}


def resolve(name: str) -> DrumStyle | None:
    return STYLES.get(name)
