"""Musical statistics of four-part music, the same for generated pieces and for Bach's chorales.

- pitch-in-scale rate: share of notes whose pitch class belongs to the key (in minor the raised
  sixth and seventh count as in key);
- pitch-class entropy: Shannon entropy, in bits, of the pitch-class histogram of all notes
  (uniform over 12 would be 3.58 bits);
- chord-tone rate on strong beats: share of soprano notes starting on a downbeat or mid-bar strong
  beat that belong to the chord all four voices sound there (labelled by `label_chord`, the
  labeller the harmony model was trained with);
- parallel fifths and octaves per 100 voice pairs: at every beat, the six voice pairs are compared
  with the previous beat; a pair whose voices both move in the same direction while keeping a
  fifth (or an octave or unison, compound intervals included) between them counts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from models.composition.harmony import label_chord, sounding_at
from models.composition.markov import metric_class
from models.music.theory import Key

Voice = Sequence[tuple[int, float, float]]  # (pitch, start beats, duration beats)


def beat_grid(voices: Sequence[Voice], beat: float = 1.0) -> np.ndarray:
    """Pitches (T, V) sounding at each beat; -1 in a rest."""
    end = max((s + d for v in voices for _, s, d in v), default=0.0)
    n = int(math.ceil(end / beat - 1e-6))
    grid = np.full((n, len(voices)), -1, dtype=np.int32)
    for j, voice in enumerate(voices):
        ordered = sorted(voice, key=lambda x: x[1])
        for t in range(n):
            p = sounding_at(ordered, t * beat)
            grid[t, j] = -1 if p is None else p
    return grid


def pitch_class_entropy(pitches: Sequence[int]) -> float:
    counts = Counter(p % 12 for p in pitches)
    total = sum(counts.values())
    return -sum(c / total * math.log2(c / total) for c in counts.values()) if total else 0.0


def chord_tone_rate(voices: Sequence[Voice], key: Key, meter: tuple[int, int]) -> tuple[int, int]:
    """(soprano notes on strong beats that are chord tones, soprano notes on strong beats)."""
    bar = meter[0] * 4.0 / meter[1]
    hits = total = 0
    ordered = [sorted(v, key=lambda x: x[1]) for v in voices]
    for pitch, start, _ in ordered[0]:
        if metric_class(start % bar, meter) > 1:
            continue
        sounding = [sounding_at(v, start) for v in ordered]
        present = [(p - key.tonic_pc) % 12 for p in sounding if p is not None]
        bass = sounding[-1]
        chord = label_chord(present, None if bass is None else (bass - key.tonic_pc) % 12)
        total += 1
        hits += chord is not None and (pitch - key.tonic_pc) % 12 in chord.degrees
    return hits, total


def parallels(grid: np.ndarray) -> tuple[int, int]:
    """(parallel fifths/octaves, voice pairs compared) between consecutive rows of a beat grid."""
    found = pairs = 0
    for a, b in zip(grid[:-1], grid[1:], strict=True):
        for i in range(grid.shape[1]):
            for j in range(i + 1, grid.shape[1]):
                if min(a[i], a[j], b[i], b[j]) < 0:
                    continue
                pairs += 1
                ia, ib = (a[i] - a[j]) % 12, (b[i] - b[j]) % 12
                similar = (b[i] - a[i]) * (b[j] - a[j]) > 0
                found += bool(ia == ib and ia in (0, 7) and similar)
    return found, pairs


def four_part_stats(voices: Sequence[Voice], key: Key, meter: tuple[int, int]) -> dict:
    """Every statistic for one piece, as counts that can be pooled over a corpus."""
    pitches = [p for v in voices for p, _, _ in v]
    ct_hits, ct_total = chord_tone_rate(voices, key, meter)
    par, pairs = parallels(beat_grid(voices))
    scale = key.scale_pcs(include_altered=key.mode == "minor")
    return {
        "notes": len(pitches),
        "in_scale": sum(p % 12 in scale for p in pitches),
        "pc_counts": Counter(p % 12 for p in pitches),
        "strong_chord_tones": ct_hits,
        "strong_notes": ct_total,
        "parallels": par,
        "voice_pairs": pairs,
    }


def pool(stats: Sequence[dict]) -> dict[str, float]:
    """Corpus-level figures from per-piece counts."""
    notes = sum(s["notes"] for s in stats)
    pcs: Counter[int] = Counter()
    for s in stats:
        pcs.update(s["pc_counts"])
    # Entropy per piece (relative to its own key) averages what a listener hears in one piece.
    entropies = [
        -sum(c / s["notes"] * math.log2(c / s["notes"]) for c in s["pc_counts"].values())
        for s in stats
        if s["notes"]
    ]
    pairs = sum(s["voice_pairs"] for s in stats)
    strong = sum(s["strong_notes"] for s in stats)
    return {
        "pieces": len(stats),
        "pitch_in_scale": sum(s["in_scale"] for s in stats) / max(notes, 1),
        "pc_entropy_bits": float(np.mean(entropies)) if entropies else 0.0,
        "strong_beat_chord_tones": sum(s["strong_chord_tones"] for s in stats) / max(strong, 1),
        "parallels_per_100_pairs": 100.0 * sum(s["parallels"] for s in stats) / max(pairs, 1),
    }
