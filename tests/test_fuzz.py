"""Property-based bad input (hypothesis): random and corrupted MIDI, audio and lyric files, and
random Unicode messages, thrown at the readers, the router, the tools and a whole session.

The property everywhere: no exception escapes, and a failure is a clear message, never the
runtime's "failed unexpectedly" (which marks a bug). The number of cases per test is set below;
docs/studio.md reports the total.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.runtime import Runtime
from tools.base import ToolContext

FIXTURE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
CASES = {"midi": 60, "audio": 40, "lyrics": 25, "router": 300, "session": 25}


def _call(cfg, tool: str, **args):  # noqa: ANN001, ANN003, ANN202
    result = Runtime().call(tool, args, ToolContext(settings=cfg))
    assert result.ok or (result.error and "failed unexpectedly" not in result.error), result.error
    return result


def _real_midi() -> bytes:
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(initial_tempo=96)
    inst = pretty_midi.Instrument(0, name="melody")
    for i, p in enumerate([62, 64, 66, 67, 69, 67, 66, 64, 62, 69, 71, 74]):
        inst.notes.append(pretty_midi.Note(80, p, i * 0.5, i * 0.5 + 0.45))
    pm.instruments.append(inst)
    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


def _real_wav() -> bytes:
    t = np.arange(22050) / 22050
    pcm = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def _damage(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    out = bytearray(data)
    for pos, value in edits:
        out[pos % len(out)] = value
    return bytes(out[:cut]) if cut is not None else bytes(out)


EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=12)
CUT = st.none() | st.integers(0, 400)
MIDI, WAV = _real_midi(), _real_wav()


@settings(max_examples=CASES["midi"], deadline=None, suppress_health_check=FIXTURE)
@given(raw=st.binary(max_size=600), edits=EDITS, cut=CUT, which=st.integers(0, 3))
def test_corrupt_midi_files(settings_, raw: bytes, edits, cut, which: int) -> None:  # noqa: ANN001
    data = raw if which == 0 else _damage(MIDI, edits, cut)
    (settings_.workspace / "x.mid").write_bytes(data)
    tool, args = [("harmonize", {}), ("generate", {"extend": 2}), ("generate", {"redo": "1"}),
                  ("render_audio", {})][which]  # fmt: skip
    _call(settings_, tool, file="x.mid", **args)


@settings(max_examples=CASES["audio"], deadline=None, suppress_health_check=FIXTURE)
@given(raw=st.binary(max_size=600), edits=EDITS, cut=CUT, damaged=st.booleans())
def test_corrupt_audio_files(settings_, raw: bytes, edits, cut, damaged: bool) -> None:  # noqa: ANN001
    (settings_.workspace / "mix.wav").write_bytes(_damage(WAV, edits, cut) if damaged else raw)
    _call(settings_, "analyze_audio", file="mix.wav")


@settings(max_examples=CASES["lyrics"], deadline=None, suppress_health_check=FIXTURE)
@given(text=st.text(max_size=400), as_file=st.booleans())
def test_random_lyrics(settings_, text: str, as_file: bool) -> None:  # noqa: ANN001
    if as_file:
        (settings_.workspace / "song.txt").write_text(
            text, encoding="utf-8", errors="surrogatepass"
        )
        _call(settings_, "analyze_lyrics", lyrics="song.txt")
    else:
        _call(settings_, "analyze_lyrics", lyrics=text)


@settings(max_examples=CASES["router"], deadline=None, suppress_health_check=FIXTURE)
@given(text=st.text(max_size=300))
def test_random_messages_route(router, text: str) -> None:  # noqa: ANN001
    route = router.route(text)
    assert route.tool is not None or route.question or route.intent


@settings(max_examples=CASES["session"], deadline=None, suppress_health_check=FIXTURE)
@given(text=st.text(min_size=1, max_size=200))
def test_random_messages_in_a_session(session, text: str) -> None:  # noqa: ANN001
    from tests.helpers import turn

    _, done = turn(session, text)
    assert done.reply and "failed unexpectedly" not in done.reply, done.reply


@pytest.fixture
def settings_(settings):  # noqa: ANN001, ANN201
    settings.workspace.mkdir(parents=True, exist_ok=True)
    return settings.model_copy(update={"seed": 1})


@pytest.fixture
def session(make_session):  # noqa: ANN001, ANN201
    return make_session(seed=1)


def test_the_case_counts_are_what_the_docs_report() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "studio.md").read_text()
    assert f"{sum(CASES.values())} generated cases" in page
