"""The lyric-emotion engine: two trained models (MiniLM top layers + heads, BiLSTM) and song analysis."""
