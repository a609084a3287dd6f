"""Cadenza: a terminal assistant for music producers."""

__version__ = "0.1.0"
