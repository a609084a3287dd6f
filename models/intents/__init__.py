"""The router's trained intent classifier."""
