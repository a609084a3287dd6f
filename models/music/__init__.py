"""Shared music vocabulary: keys, scales, pieces, and the one module that owns MIDI conversion."""
