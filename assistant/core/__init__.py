"""The conversation core: no textual, typer or rich imports here."""
