"""Train the composition engine: `cadenza train composition`.

- Melody: one variable-order Markov model per (style, mode), over (degree, duration) tokens.
- Harmony: one HMM per mode, from the four voices of Bach's chorales (beat-level chords).

A fixed 10% of each corpus, chosen by crc32 of the piece's source name (the corpus file for a
chorale, "folder/file#tune" for ABC tunes), is held out for the benchmark and never trained on.
The checkpoint is gzipped JSON of counts and probabilities, with a manifest of sha256 sums.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

from models.checkpoints import (
    CHECKPOINT_ROOT,
    fresh_staging,
    install_checkpoint,
    write_manifest,
)
from models.composition.harmony import HarmonyHMM, chorale_training_piece
from models.composition.markov import MarkovMelody, tokens_from_notes
from models.splits import is_held_out
from models.train.corpus import STYLE_SOURCES, ChoraleVoices, MelodyLine, chorale_sopranos

FORMAT = "cadenza-composition"
FORMAT_VERSION = 2
ORDER = 3
CHECKPOINT = CHECKPOINT_ROOT / "composition-v2"


def line_tokens(line: MelodyLine) -> tuple[list[int], list[int]]:
    return tokens_from_notes(line.pitches, line.starts, line.durs, line.key.tonic_pc, line.meter)


def _write_json_gz(path: Path, payload: dict) -> None:
    """Gzipped JSON with no timestamp in the header: the same data gives the same bytes."""
    data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    with (
        path.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh,
    ):
        fh.write(data)


def train_harmony(chorales: list[ChoraleVoices]) -> dict[str, HarmonyHMM]:
    """One HMM per mode from the training chorales."""
    out = {}
    for mode in ("major", "minor"):
        pieces = [
            chorale_training_piece(c.voices, c.key)
            for c in chorales
            if c.key.mode == mode and not is_held_out(c.source)
        ]
        out[mode] = HarmonyHMM.fit(mode, pieces)
    return out


def train(
    out_dir: Path = CHECKPOINT,
    styles: tuple[str, ...] = ("chorale", "folk", "irish"),
    progress: Callable[[str, int], None] = lambda style, n: None,
) -> Path:
    """Train every model and write the checkpoint atomically.

    `progress(phase, n)` is called after each piece; phases are "chorales" (the four-voice
    chorales, parsed once for the harmony and the chorale melodies), then "folk" and "irish".
    """
    from models.train.corpus import chorale_voices

    chorales: list[ChoraleVoices] = []
    for n, chorale in enumerate(chorale_voices(), start=1):
        progress("chorales", n)
        chorales.append(chorale)
    harmony = train_harmony(chorales)
    sources = {**STYLE_SOURCES, "chorale": lambda: chorale_sopranos(iter(chorales))}
    models: dict[str, dict[str, MarkovMelody]] = {}
    stats: dict[str, dict[str, int]] = {}
    for style in styles:
        per_mode = {"major": MarkovMelody(order=ORDER), "minor": MarkovMelody(order=ORDER)}
        held = 0
        for n, line in enumerate(sources[style](), start=1):
            if style != "chorale":  # the chorales were counted while parsing
                progress(style, n)
            if is_held_out(line.source):
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
    payload = {s: {m: mod.to_json() for m, mod in per.items()} for s, per in models.items()}
    chords = {m: h.to_json() for m, h in harmony.items()}
    return write_checkpoint(out_dir, payload, chords, _config(styles, stats, harmony))


def _config(styles: tuple[str, ...], stats: dict, harmony: dict[str, HarmonyHMM]) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "order": ORDER,
        "styles": list(styles),
        "pieces": stats,
        "harmony": {
            m: {"chorales": h.n_pieces, "states": [c.numeral(m) for c in h.states]}
            for m, h in harmony.items()
        },
        "split": "held out: crc32(source) % 10 == 0 (chorales: the corpus file, e.g. bach/bwv269)",
        "corpora": {
            "chorale": "music21 corpus: Bach chorales (350 distinct files), soprano and 4 voices",
            "folk": "music21 corpus: Essen folk songs (non-commercial licence)",
            "irish": "music21 corpus: O'Neill's 1850 and Ryan's Mammoth Collection",
        },
    }


def write_checkpoint(out_dir: Path, markov: dict, harmony: dict, config: dict) -> Path:
    """Write the checkpoint into `<out_dir>.tmp`, then swap it in (models.checkpoints)."""
    tmp = fresh_staging(out_dir)
    _write_json_gz(tmp / "markov.json.gz", markov)
    _write_json_gz(tmp / "harmony.json.gz", harmony)
    write_manifest(tmp, config, "cadenza train composition")
    return install_checkpoint(tmp, out_dir)


if __name__ == "__main__":
    import sys

    def _report(style: str, n: int) -> None:
        if n % 500 == 0:
            print(f"{style}: {n} pieces", file=sys.stderr, flush=True)

    print(train(progress=_report))
