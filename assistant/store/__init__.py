"""The store: Chroma memory of songs and turns, the audience store, integrity checks, the studio server
(chroma launcher and token proxy). Used by the core and the tools; imports no front end and no core."""
