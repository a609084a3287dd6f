"""Typer front end. Heavy libraries are imported inside commands, never at module level."""
