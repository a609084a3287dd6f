"""Train the composition engine's Markov melody models: `cadenza train composition`.

One model per (style, mode). A fixed 10% of each corpus, chosen by a hash of the piece's name,
is held out for the benchmark and never trained on. The checkpoint is a gzipped JSON of counts.
"""

from __future__ import annotations

import gzip
import json
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

from models.checkpoints import CHECKPOINT_ROOT, write_manifest
from models.composition.markov import MarkovMelody, tokens_from_notes
from models.train.corpus import STYLE_SOURCES, MelodyLine

FORMAT = "cadenza-markov-melody"
FORMAT_VERSION = 1
ORDER = 3


def is_held_out(line: MelodyLine) -> bool:
    """The documented split: crc32 of the source name, 1 in 10 goes to the test part."""
    return zlib.crc32(line.source.encode()) % 10 == 0


def line_tokens(line: MelodyLine) -> tuple[list[int], list[int]]:
    return tokens_from_notes(line.pitches, line.starts, line.durs, line.key.tonic_pc, line.meter)


def train(
    out_dir: Path = CHECKPOINT_ROOT / "composition-v1",
    styles: tuple[str, ...] = ("chorale", "folk", "irish"),
    progress: Callable[[str, int], None] = lambda style, n: None,
) -> Path:
    models: dict[str, dict[str, MarkovMelody]] = {}
    stats: dict[str, dict[str, int]] = {}
    for style in styles:
        per_mode = {"major": MarkovMelody(order=ORDER), "minor": MarkovMelody(order=ORDER)}
        held = 0
        for n, line in enumerate(STYLE_SOURCES[style](), start=1):
            progress(style, n)
            if is_held_out(line):
                held += 1
                continue
            tokens, metrics = line_tokens(line)
            per_mode[line.key.mode].fit_sequence(tokens, metrics)
        models[style] = per_mode
        stats[style] = {
            "train_major": per_mode["major"].n_pieces,
            "train_minor": per_mode["minor"].n_pieces,
            "held_out": held,
        }
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    payload = {s: {m: mod.to_json() for m, mod in per.items()} for s, per in models.items()}
    with gzip.open(tmp / "markov.json.gz", "wt", compresslevel=9) as fh:
        json.dump(payload, fh, separators=(",", ":"))
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "order": ORDER,
        "styles": list(styles),
        "pieces": stats,
        "split": "held out: crc32(source) % 10 == 0",
        "corpora": {
            "chorale": "music21 corpus: Bach chorales, soprano line",
            "folk": "music21 corpus: Essen folk songs (non-commercial licence)",
            "irish": "music21 corpus: O'Neill's 1850 and Ryan's Mammoth Collection",
        },
    }
    write_manifest(tmp, config, "cadenza train composition")
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)  # the old checkpoint stays until the new one is complete
    return out_dir


if __name__ == "__main__":
    import sys

    def _report(style: str, n: int) -> None:
        if n % 500 == 0:
            print(f"{style}: {n} pieces", file=sys.stderr, flush=True)

    print(train(progress=_report))
