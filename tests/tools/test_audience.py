"""The audience and catalogue tools through a session, the CLI and a shared Chroma server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.core.session import Session
from models.audience.engine import DEMO_DIR
from tests.helpers import turn

pytestmark = pytest.mark.slow


def test_a_chat_song_gets_an_audience_then_a_segment_gets_a_song(settings: Settings) -> None:
    session = Session(settings.model_copy(update={"seed": 5}))
    try:
        route, done = turn(session, "who are my listeners?")
        assert route.args == {"segment": "all"} and len(done.result["data"]["segments"]) == 5
        _, done = turn(session, "compose a slow melancholic piece in E minor for piano")
        assert done.ok
        release = (date.today() + timedelta(days=30)).isoformat()
        route, done = turn(session, f"who should I pitch this to? it comes out {release}")
        assert route.tool == "find_audience" and route.args == {"release_date": release}
        data = done.result["data"]
        # A slow minor chorale on piano: the late-night piano crowd or the choral one.
        top2 = " ".join(s["name"] for s in data["segments"][:2])
        assert "piano" in top2 or "ambient" in top2, top2
        assert data["segments"][0]["fit"] > 70 and len(data["listeners"]) == 5
        assert data["dataset"] == "demo" and "synthetic" in done.reply
        deadline = (date.today() + timedelta(days=23)).isoformat()
        assert deadline in done.reply and "fit" in done.reply and "█" in done.reply
        assert data["lookalikes"][0]["title"]

        route, done = turn(session, "tell me about the pub session crowd")
        assert route.tool == "find_audience" and route.args["segment"] == "pub session"
        assert done.ok and done.result["data"]["compose_args"]["style"] == "irish"
        route, done = turn(session, "write something for them")
        assert route.tool == "compose" and route.args["segment"].startswith("segment-")
        assert done.ok and done.result["data"]["style"] == "irish"
        assert "Written for the" in done.reply

        route, done = turn(session, "what sounds like 'Quiet Hours'")
        assert route.tool == "similar_songs" and route.args == {"song": "Quiet Hours"}
        similar = done.result["data"]["similar"]
        assert sum(r["artist"] == "Nightglass" for r in similar[:3]) >= 2
        assert done.result["data"]["fans_also_like"]
        _, done = turn(session, "who would like 'No Such Song Anywhere'?")
        assert not done.ok and "can't find" in done.reply
    finally:
        session.close()


def test_the_same_audience_through_a_chroma_server(settings: Settings, chroma_server: str) -> None:
    shared = settings.model_copy(update={"chroma_url": chroma_server})
    first = Session(shared)
    try:
        _, done = turn(first, "who are the late-night study crowd?")
        assert done.ok and "piano" in done.result["data"]["profile"], done.reply
    finally:
        first.close()
    second = Session(shared)  # another producer's process sees the same segments
    try:
        _, done = turn(second, "describe segment 1")
        assert done.ok and done.result["data"]["size"] > 50
    finally:
        second.close()


def test_cli_audience_segments(settings: Settings) -> None:
    env = {
        **os.environ,
        "CADENZA_HOME": str(settings.home),
        "CADENZA_WORKSPACE": str(settings.workspace),
    }
    cli = Path(sys.executable).with_name("cadenza")
    out = subprocess.run(
        [str(cli), "audience", "segments"], capture_output=True, text=True, env=env, timeout=240
    )
    assert out.returncode == 0, out.stderr
    assert len(re.findall(r"^\d\. .+ listeners +\d+ +\d+% active", out.stdout, re.M)) == 5
    assert "synthetic" in out.stdout
    out = subprocess.run(
        [str(cli), "audience", "for", "Quiet Hours", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["data"]["title"] == "Quiet Hours" and result["data"]["segments"]
    # A fan is not a prospect: nobody listed already plays the song.
    listeners = {row["listener"] for row in result["data"]["listeners"]}
    fans = {
        r["listener_id"]
        for r in _rows(DEMO_DIR / "plays.csv")
        if r["song_or_artist_id"] == "quiet-hours"
    }
    assert listeners and not listeners & fans


def _rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open() as fh:
        return list(csv.DictReader(fh))
