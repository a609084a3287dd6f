"""Classical ML composition engine: variable-order Markov melody (+ HMM harmony, issue 3)."""
