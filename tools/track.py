"""`track`: a full arrangement in a genre (drums, bass, chords, a lead) from the genre presets
in prompts/genres/, with sections, one MIDI track per part, a mix WAV, stems on request, and a
part-by-bar grid with the chords in the reply."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolResult, tool
from tools.pieces import seed_of

Word = Annotated[str, Field(max_length=40)]


@tool(cli_name="track", cli_argument="genre")
def track(
    ctx: ToolContext,
    genre: Word = "pop",
    key: Annotated[str, Field(max_length=12)] | None = None,
    mode: Literal["major", "minor"] | None = None,
    tempo: Annotated[int, Field(ge=40, le=300)] | None = None,
    meter: Literal["4/4", "3/4", "6/8"] | None = None,
    bars: Annotated[int, Field(ge=1, le=256)] | None = None,
    seconds: Annotated[float, Field(gt=0, le=900)] | None = None,
    song: bool = False,
    instruments: list[Annotated[str, Field(max_length=60)]] | None = None,
    only: list[Word] | None = None,
    without: list[Word] | None = None,
    progression: Annotated[str, Field(max_length=2000)] | None = None,
    mood: Word | None = None,
    stems: bool = False,
    audio: bool = True,
    seed: Annotated[int, Field(ge=0)] | None = None,
) -> ToolResult:
    """Write a full track in a genre: drums, bass, chords and a lead, with sections and stems.

    Args:
        genre: lo-fi, boom bap, trap, house, techno, disco, funk, synthwave, pop, pop ballad,
            rock, punk, jazz trio, bossa nova, reggae, afrobeats, reggaeton, film cue,
            singer-songwriter, chorale, folk or Irish.
        key: Tonic such as C, F#, Bb (default: a common key in the genre's mode).
        mode: major or minor (default: the mood's, else the genre's).
        tempo: Beats per minute (default: the genre's); in 6/8, dotted quarters.
        meter: 4/4, 3/4 or 6/8 (default: the genre's).
        bars: Length in bars, 1 to 256 (default: an 8-bar loop, or the genre's song form).
        seconds: About this long: the nearest even number of bars at the tempo.
        song: A whole song: the genre's form (intro, verses, choruses, bridge or drops, outro).
        instruments: Parts on other instruments, as "part=instrument" ("keys=rhodes",
            "bass=808", "lead=flute") or an instrument alone ("strings" adds a pad).
        only: Just these parts (drums, bass, chords, pad, lead, or a part's name).
        without: Parts to leave out ("lead", "drums").
        progression: Chords to play exactly ("Am F C G", "ii-V-I", "1 5 6m 4").
        mood: happy, sad, dark, chill, dreamy, epic... (leans the chords and the mode).
        stems: Also write one MIDI and one WAV per part, lined up from bar 1.
        audio: Also render a WAV of the mix (when an audio renderer is installed).
        seed: Same seed, same track (default: a new random seed, in the reply).
    """
    from models.arrangement.arranger import TrackRequest, arrange
    from tools.track_io import instrument_pairs, track_result

    given, the_key = _progression(progression, key, mode, meter)
    request = TrackRequest(
        genre=genre, key=the_key, mode=mode, tempo_bpm=tempo, meter=meter, bars=bars,
        seconds=seconds if not bars else None, song=song,
        instruments=instrument_pairs(instruments or []), only=tuple(only or ()),
        without=tuple(without or ()), progression=given, mood=mood, seed=seed_of(ctx, seed),
    )  # fmt: skip
    ctx.progress(0.1, "loading the drum, harmony and melody models")
    arrangement = arrange(request)
    return track_result(ctx, arrangement, locals() | {"seed": request.seed}, stems, audio)


def _progression(text: str | None, key: str | None, mode: str | None, meter: str | None):  # noqa: ANN202
    """A typed progression's bars and key, or (None, the key asked)."""
    from models.music.theory import parse_key

    if not text:
        return None, parse_key(key, mode or "major") if key else None
    from tools.harmony_io import given_progression

    bars, home, _ = given_progression({"progression": text, "key": key, "mode": mode,
                                       "meter": meter or "4/4"})  # fmt: skip
    if not bars:
        raise ToolError("I couldn't read any chords in that progression.")
    return bars, home
