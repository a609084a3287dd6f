"""Harmony: chord progressions learned from pop and rock (McGill Billboard, POP909), their voicings
for the instrument asked, and basslines that follow the chords and lock to the kick."""
