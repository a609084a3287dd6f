"""`cadenza train lead`: the pop lead model, from POP909's MELODY tracks over its chord labels.

Reads `data/harmony/pop909.tar.xz` (POP909, MIT; see data/harmony/ATTRIBUTION.md) with
`models/arrangement/lead_data.py`, tunes each chain's smoothing on the dev tenth of the training
songs (crc32 % 10 == 1, `models.harmony.model.is_dev`), fits the pitch chain, its chord-blind
baseline and the rhythm chain on all the training songs, reports the held-out songs' (`is_test`)
nats per note (each note's interval from the note before it, every note but a song's first) for
both and the rhythm chain's nats per beat beside a per-beat-class baseline, and writes
`models/checkpoints/lead-v1/` (lead.json.gz, config.json, MANIFEST.json). Deterministic: the
same data gives the same lead.json.gz and config.json, byte for byte.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

COMMAND = "cadenza train lead"


def held_out_scores(model, train_songs: list, test: list) -> dict:  # noqa: ANN001
    """Held-out nats per note (model, chord-blind) and per beat (rhythm chain, baseline)."""
    from models.arrangement import lead as m

    notes = list(m.pitch_events(test))
    beats = list(m.rhythm_events(test))
    per_class = m.fit_ngram(list(m.rhythm_events(train_songs)), m.RHYTHM_BASELINE)
    return {
        "test_notes": len(notes), "test_beats": len(beats),
        "nats_per_note": {"model": round(m.nats(model.pitch, notes)[0], 4),
                          "chord_blind": round(m.nats(model.blind, notes)[0], 4)},
        "rhythm_nats_per_beat": {"model": round(m.nats(model.rhythm, beats)[0], 4),
                                 "per_beat_class": round(m.nats(per_class, beats)[0], 4)},
    }  # fmt: skip


def train(out: Path | None = None, report: Callable[[str], None] = print) -> Path:
    from models.arrangement import lead as m
    from models.arrangement.lead_data import pop909_leads
    from models.checkpoints import publish_checkpoint
    from models.harmony.data import is_test
    from models.harmony.model import is_dev

    started = time.monotonic()
    songs = pop909_leads()
    train_songs = [s for s in songs if not is_test(s.song)]
    test = [s for s in songs if is_test(s.song)]
    report(f"read {len(songs)} POP909 melodies ({len(train_songs)} train, {len(test)} held out)")
    tuned = m.fit([s for s in train_songs if not is_dev(s.song)],
                  [s for s in train_songs if is_dev(s.song)])  # fmt: skip
    model = m.fit(train_songs)
    for name in ("pitch", "blind", "rhythm"):  # the dev tenth chose, all training songs count
        getattr(model, name).smoothing = getattr(tuned, name).smoothing
    model.meta = dict(tuned.meta)
    scores = held_out_scores(model, train_songs, test)
    report("held-out nats per note: " +
           ", ".join(f"{k} {v:.3f}" for k, v in scores["nats_per_note"].items()))  # fmt: skip
    report("held-out rhythm nats per beat: " +
           ", ".join(f"{k} {v:.3f}" for k, v in scores["rhythm_nats_per_beat"].items()))  # fmt: skip
    config = {"format": m.FORMAT, "format_version": m.FORMAT_VERSION,
              "pitch_chain": [list(c) for c in m.PITCH_CHAIN],
              "blind_chain": [list(c) for c in m.BLIND_CHAIN],
              "rhythm_chain": [list(c) for c in m.RHYTHM_CHAIN],
              "data": "POP909 (MIT), MELODY tracks and chord labels: data/harmony/pop909.tar.xz",
              "scored": "each held-out note's interval from the note before it (every note "
                        "of a held-out song but its first), natural log",
              "train_songs": len(train_songs), "test_songs": len(test),
              "smoothing": model.meta["smoothing"], **scores}  # fmt: skip
    publish_checkpoint(out or m.FOLDER, lambda folder: model.save(folder / "lead.json.gz"),
                       config, COMMAND)  # fmt: skip
    report(f"Checkpoint written to {out or m.FOLDER} in {time.monotonic() - started:.1f} s")
    return out or m.FOLDER


if __name__ == "__main__":
    train()
