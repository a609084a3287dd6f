"""The drum engine: grooves learned from real drummers (the Groove MIDI Dataset), with documented
style rules for the styles producers ask for that the data lacks (house, trap, drum and bass...)."""
