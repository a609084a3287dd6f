"""Audience insights and the catalogue: song features, listener segments, ranking, explanations."""
