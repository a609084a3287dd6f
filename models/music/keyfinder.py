"""The one key finder for notes: every tool that needs a piece's key from its notes asks here
(harmonise, continue, the catalogue, a song's facts, the audio analysis of a rendering through
`find_key_in_profile`), so they agree.

How it weighs the evidence, as a score per key (higher is likelier):
- the pitch-class profile: correlation of the duration-weighted histogram of all the notes with
  each key's profile, learned from POP909's annotated training songs (`PROFILES`);
- the bass: the same on the bass line alone (the lowest note at each onset, `BASS_PROFILES`),
  which carries the tonic and dominant far more than the tunes above it;
- the scale: Krumhansl-Kessler correlation minus twice the share of the music outside the key's
  notes (`theory.key_scores`): a tune full of G and D naturals is not in E major;
- the ends: a piece nearly always ends, and usually starts, on its tonic in the bass; its last
  sonority holds the tonic triad's third (C# for A major, C for A minor), which tells a major
  key from its relative minor when both use the same notes; and the bass moving from the
  dominant to the tonic into the final note (a cadence).

A file's key-signature event says which notes are in the key, not which of the two keys that
share them (E major or C# minor) the music is in, and sequencers write C major by default: the
notes decide, and the signature stands only where the notes leave it open (within
`SIGNATURE_MARGIN` of the best score); a C major signature, the sequencers' default, counts for
nothing. The profiles and weights were set on
POP909's training songs; `benchmarks/real_files.py` reports held-out figures and re-derives the
profiles (`--profiles`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from models.music.piece import Note, Piece
from models.music.theory import Key, key_scores

# Share of the music (percent, by duration) on each degree above the tonic, major then minor,
# in POP909's training songs (all parts; then the bass line alone), rotated to their annotated key.
PROFILES = (
    (21.1, 0.8, 13.1, 0.6, 14.1, 8.6, 0.7, 20.2, 1.1, 12.3, 0.9, 6.5),
    (23.1, 0.5, 8.2, 14.5, 0.6, 12.1, 0.3, 19.8, 6.6, 0.7, 12.5, 1.1),
)
BASS_PROFILES = (
    (21.7, 0.7, 12.4, 0.6, 12.2, 9.9, 0.7, 21.7, 1.0, 12.7, 1.0, 5.3),
    (24.6, 0.5, 6.6, 13.0, 0.5, 12.0, 0.3, 19.8, 8.0, 0.6, 13.4, 0.8),
)
W_BASS = 0.5  # the bass line's profile, beside the whole texture's
W_SCALE = 0.5  # Krumhansl-Kessler minus the share outside the scale
W_END = 0.05  # each of: final bass note, first bass note, final third, cadence
SIGNATURE_MARGIN = 0.1  # a file's signature stands unless the notes score this much better
TEMPERATURE = 0.15  # score gaps to a confidence (the best likelihood of the annotated keys)
MODES = ("major", "minor")


@dataclass(frozen=True)
class KeyFinding:
    """A key found from notes, how sure, and the nearest other reading."""

    key: Key
    confidence: float  # 0-1: the share of belief on this key against the other 23
    runner_up: Key
    signature: Key | None = None  # the file's key-signature event, when it had one

    @property
    def overrides_signature(self) -> bool:
        """Whether the notes disagree with the file's key signature."""
        return self.signature is not None and self.signature != self.key

    def describe(self) -> str:
        """'A minor (sure)' or 'A minor (or C major)' for a reply."""
        if self.confidence >= 0.6:
            return f"{self.key.name} (sure)"
        return f"{self.key.name} (or {self.runner_up.name})"


def bass_line(notes: Sequence[Note], grid: float = 0.25) -> list[Note]:
    """The lowest note at each onset (onsets on a sixteenth grid), in time order."""
    lowest: dict[int, Note] = {}
    for n in notes:
        slot = round(n.start_beats / grid)
        if slot not in lowest or n.pitch < lowest[slot].pitch:
            lowest[slot] = n
    return [lowest[s] for s in sorted(lowest)]


def final_sonority(notes: Sequence[Note]) -> set[int]:
    """Pitch classes sounding as the last notes of the piece start (the final chord)."""
    last = max(n.start_beats for n in notes)
    return {n.pitch % 12 for n in notes if n.start_beats + n.dur_beats >= last - 1e-6}


def histogram(notes: Sequence[Note]) -> list[float]:
    """Duration-weighted pitch-class histogram (a note with no length counts a little)."""
    hist = [0.0] * 12
    for n in notes:
        hist[n.pitch % 12] += max(n.dur_beats, 0.05)
    return hist


def profile_scores(hist: Sequence[float], profiles=PROFILES) -> dict[Key, float]:  # noqa: ANN001
    """Correlation of a pitch-class histogram (or an audio chroma) with each key's profile."""
    import numpy as np

    h = np.asarray(hist, dtype=float)
    if h.std() == 0:
        return dict.fromkeys(_all_keys(), 0.0)
    out = {}
    for mode, profile in zip(MODES, profiles, strict=True):
        for tonic in range(12):
            r = np.corrcoef(h, np.roll(np.asarray(profile), tonic))[0, 1]
            out[Key(tonic, mode)] = float(r)  # type: ignore[arg-type]
    return out


def _scale_scores(notes: Sequence[Note]) -> dict[Key, float]:
    pitches = [n.pitch for n in notes]
    durs = [max(n.dur_beats, 0.05) for n in notes]
    total = sum(durs)
    scores = key_scores(pitches, durs)
    if len(scores) == 1:  # no pitch-class contrast at all
        return dict.fromkeys(_all_keys(), 0.0)
    out = {}
    for key, r in scores.items():
        scale = key.scale_pcs()
        outside = sum(d for p, d in zip(pitches, durs, strict=True) if p % 12 not in scale)
        out[key] = r - 2.0 * outside / total
    return out


def _all_keys() -> list[Key]:
    return [Key(t, m) for m in MODES for t in range(12)]  # type: ignore[arg-type]


def key_evidence(notes: Sequence[Note]) -> dict[Key, float]:
    """Each of the 24 keys' score (higher is likelier); see the module's note."""
    whole = profile_scores(histogram(notes))
    scale = _scale_scores(notes)
    bass = bass_line(notes)
    low = profile_scores(histogram(bass), BASS_PROFILES)
    final, first = bass[-1].pitch % 12, bass[0].pitch % 12
    before = bass[-2].pitch % 12 if len(bass) > 1 else None
    last_chord = final_sonority(notes)
    scores = {}
    for key in _all_keys():
        third = (key.tonic_pc + (4 if key.mode == "major" else 3)) % 12
        ends = (final == key.tonic_pc) + (first == key.tonic_pc)
        ends += third in last_chord and key.tonic_pc in last_chord
        ends += final == key.tonic_pc and before == (key.tonic_pc + 7) % 12
        scores[key] = float(whole[key] + W_BASS * low[key] + W_SCALE * scale[key] + W_END * ends)
    return scores


def _same_key(a: Key, b: Key) -> bool:
    return a.tonic_pc == b.tonic_pc and a.mode == b.mode


def find_key(notes: Sequence[Note], signature: Key | None = None) -> KeyFinding:
    """The key of some notes (a whole piece's pitched notes, or a melody alone), how sure, and
    the runner-up. `signature`: the file's key-signature event, if any (see the module's note).
    A key that matches the signature's tonic and mode comes back as the signature (keeping its
    spelling: F# major stays F#)."""
    if not notes:
        key = signature or Key(0, "major")
        return KeyFinding(key, 0.0, key, signature)
    scores = key_evidence(notes)
    ranked = sorted(scores, key=lambda k: -scores[k])
    if signature is not None and (signature.tonic_pc, signature.mode) != (0, "major"):
        # The signature's key stands unless the notes clearly disagree; C major is what
        # sequencers write when nobody chose a key (a quarter of POP909's files), so it is no
        # evidence at all.
        own = next(k for k in ranked if _same_key(k, signature))
        if scores[ranked[0]] - scores[own] <= SIGNATURE_MARGIN:
            ranked.remove(own)
            ranked.insert(0, own)
    best, second = ranked[0], ranked[1]
    top = max(scores.values())
    weights = {k: math.exp((s - top) / TEMPERATURE) for k, s in scores.items()}
    confidence = weights[best] / sum(weights.values())
    if signature is not None and _same_key(best, signature):
        best = signature
    return KeyFinding(best, round(confidence, 3), second, signature)


def piece_key(piece: Piece) -> KeyFinding:
    """The key of a piece read from a file: its pitched notes (drums aside), with its key
    signature (if the file had one) for near-ties."""
    notes = [n for t in piece.tracks if not t.is_drum for n in t.notes]
    if not notes:
        key = piece.signature or piece.key
        return KeyFinding(key, 0.0, key, piece.signature)
    return find_key(notes, piece.signature)
