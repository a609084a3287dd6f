"""`cadenza train harmony`: the progression model and the bass statistics.

Reads `data/harmony/` (McGill Billboard, CC0; POP909, MIT; free-midi-chords, MIT; see its
ATTRIBUTION.md), fits the chord trigram and the bar-pattern chain on the training songs of
Billboard and POP909, the mood ratios on free-midi-chords and the bass statistics on POP909's
training songs, reports the held-out songs' per-chord log-likelihood beside unigram and bigram
baselines, and writes `models/checkpoints/harmony-v1/` (gzipped JSON of counts, config.json,
MANIFEST.json). Deterministic: the same data gives the same files, byte for byte.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

COMMAND = "cadenza train harmony"


def held_out_scores(sections: list, test: list) -> dict[str, float]:
    """Mean per-chord log-likelihood (nats) of held-out sections: model and baselines."""
    from models.harmony import model as m

    scores = {}
    for name, chain in (("model", m.CHORD_CHAIN), ("bigram", m.BIGRAM_CHAIN),
                        ("unigram", m.UNIGRAM_CHAIN)):  # fmt: skip
        fitted = m.fit(sections, [], chain)
        total, n = fitted.log_prob(test)
        scores[name] = total / max(n, 1)
    return scores


def train(out: Path | None = None, report: Callable[[str], None] = print) -> Path:
    from models.checkpoints import publish_checkpoint
    from models.harmony import data
    from models.harmony import model as m
    from models.harmony.bass import BassStats
    from models.harmony.engine import FOLDER, FORMAT, FORMAT_VERSION

    started = time.monotonic()
    sections = data.billboard_sections() + data.pop909_sections()
    train_s = [s for s in sections if not data.is_test(s.song)]
    test_s = [s for s in sections if data.is_test(s.song)]
    report(f"read {len(sections)} sections ({len(train_s)} train, {len(test_s)} held out)")
    scores = held_out_scores(train_s, test_s)
    report("held-out log-likelihood per chord: " +
           ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))  # fmt: skip
    model = m.fit(train_s, data.mood_progressions())
    bass_bars = [b for b in data.pop909_bass_bars() if not data.is_test(b.song)]
    stats = BassStats.fit(bass_bars)
    out = out or FOLDER
    blob = json.dumps({"patterns": stats.patterns, "degrees": stats.degrees}, sort_keys=True)

    def write(folder: Path) -> None:
        model.save(folder / "progressions.json.gz")
        (folder / "bass.json.gz").write_bytes(gzip.compress(blob.encode(), mtime=0))

    config = {"format": FORMAT, "format_version": FORMAT_VERSION,
              "chain": [list(c) for c in m.CHORD_CHAIN],
              "data": "McGill Billboard 2.0 (CC0), POP909 (MIT), free-midi-chords (MIT): "
                      "data/harmony/",
              "train_sections": len(train_s), "test_sections": len(test_s),
              "vocabulary": len(model.chords.vocab), "bass_bars": len(bass_bars),
              "held_out_nats_per_chord": {k: round(v, 4) for k, v in scores.items()}}  # fmt: skip
    publish_checkpoint(out, write, config, COMMAND)
    report(f"Checkpoint written to {out} in {time.monotonic() - started:.1f} s")
    return out


if __name__ == "__main__":
    train()
