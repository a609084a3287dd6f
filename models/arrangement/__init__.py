"""Arrangement parts written over a progression: the pop lead melody (`lead`)."""
