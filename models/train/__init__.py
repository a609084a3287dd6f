"""Training entry points. Never imported at run time."""
