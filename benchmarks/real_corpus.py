"""Builds the corpus of real outside MIDI files under `tests/data/real/` (run once; the files are
committed): `python -m benchmarks.real_corpus`.

- Four POP909 songs (MIT; Wang et al., ISMIR 2020), copied unmodified from
  `../shared/data/pop909`: tracks MELODY, BRIDGE and PIANO, performed timing, tempo maps of 3 to
  23 changes, no key signature; their annotated key is POP909's `key_audio.txt`. Three of them
  (020, 089, 167) are songs whose BRIDGE lies above the MELODY and whose bridge alone suggests
  another key: what harmonise used to read.
- Five pieces of music21's corpus (music21 10.5.1, BSD-3-Clause; the works are in the public
  domain), written as MIDI by music21 from their scores with the key signatures and metronome
  marks they carry: Bach's C major prelude BWV 846 (two piano staves, a tempo map of 72, 66
  and 48), the chorale BWV 66.6 (F# minor: its MIDI signature names no mode, A major by
  default), Mozart's K. 545 first-movement exposition, Schubert's "Der Lindenbaum" (voice over
  piano) and the Adagio of Beethoven's string quartet op. 18 no. 1 (D minor, signature F major).
Their keys and melody tracks are annotated in `corpus.yaml` by hand, from the scores.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "real"
POP909 = ROOT.parent / "shared" / "data" / "pop909"
POP_SONGS = ("002", "020", "089", "167")
MUSIC21 = {
    "bach/bwv846": "bach-bwv846-prelude.mid",
    "bach/bwv66.6": "bach-bwv66.6-chorale.mid",
    "mozart/k545/movement1_exposition": "mozart-k545-exposition.mid",
    "schubert/Lindenbaum": "schubert-lindenbaum.mid",
    "beethoven/opus18no1/movement2": "beethoven-op18no1-adagio.mid",
}


def main() -> None:
    from music21 import corpus

    OUT.mkdir(parents=True, exist_ok=True)
    for song in POP_SONGS:
        shutil.copy(POP909 / "POP909" / song / f"{song}.mid", OUT / f"pop909-{song}.mid")
    shutil.copy(POP909 / "LICENSE", OUT / "LICENSE-POP909")
    for name, file in MUSIC21.items():
        corpus.parse(name).write("midi", fp=str(OUT / file))
        print("wrote", file)


if __name__ == "__main__":
    main()
