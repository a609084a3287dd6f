"""Benchmark-only research models (frame-level polyphonic NLL); imported by benchmarks and their tests, never by the product."""
