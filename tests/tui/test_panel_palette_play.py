"""The songs panel's cards, the command palette's Cadenza actions, the F1 screen at 80x24 and
playing the current song (a fake player on PATH; none; over SSH)."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.core.session import Session
from assistant.store.songs import Song
from assistant.tui.app import CadenzaApp
from assistant.tui.help import HelpScreen, help_text
from assistant.tui.play import Player, find_player
from assistant.tui.widgets import ChatInput, SongItem, song_card

NOON = datetime(2026, 12, 3, 12, 0).astimezone()


def test_a_card_tells_key_tempo_length_parts_and_time() -> None:
    song = Song(id="a", title="lo-fi hip hop track in A minor", tool="track", key="A",
                mode="minor", tempo=82, meter="4/4", bars=8, created=NOON.isoformat(),
                extra={"part_names": ["Drums", "Bass", "Keys", "Lead"]})  # fmt: skip
    lines = song_card(song, 1, current=True, now=NOON).plain.splitlines()
    assert lines[0].startswith("▶ lo-fi hip hop track in A")
    assert lines[-2].split() == ["A", "min", "82", "bpm", "8", "bars", "0:23"]
    assert lines[-1].split() == ["12:00", "drums", "bass", "keys", "lead"]
    assert all(len(line) <= 30 for line in lines)  # whole words, within the panel
    jig = Song(id="b", title="jig in D major", tool="compose", key="D", mode="major", tempo=120,
               meter="6/8", bars=16, parts=1, created="2026-11-28T21:05:00+00:00")  # fmt: skip
    lines = song_card(jig, 2, current=False, now=NOON).plain.splitlines()
    assert lines[0] == "  jig in D major #2"
    assert lines[1].split()[-1] == "0:16"  # 16 bars of two dotted quarters at 120
    assert "melody" in lines[2] and "Nov 28" in lines[2]


@pytest.mark.asyncio
async def test_the_panel_tells_songs_of_the_same_name_apart(settings: Settings) -> None:
    session = Session(settings.model_copy(update={"seed": 5}))
    app = CadenzaApp(session, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(2):
            app.query_one(ChatInput).value = "compose a chorale in C major"
            await pilot.press("enter")
            for _ in range(600):
                await pilot.pause(0.1)
                if not app.busy:
                    break
        await pilot.press("f2")
        await pilot.pause(0.3)
        cards = [str(i.query_one(".song-card").render()) for i in app.query(SongItem)]
        assert len(cards) == 2 and cards[0] != cards[1]
        assert cards[0].startswith("▶ chorale in C major #2")  # the newest, and current
        assert cards[1].startswith("  chorale in C major\n")
        assert "80 bpm" in cards[0] and "8 bars" in cards[0] and "4 voices" in cards[0]
    session.close()


@pytest.mark.asyncio
async def test_the_palette_offers_cadenzas_actions_with_their_keys(settings: Settings) -> None:
    app = CadenzaApp(Session(settings, use_memory=False), warm=False)
    async with app.run_test(size=(80, 24)):
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
    for title in ("New song", "Play", "Render", "Export stems", "Songs", "Help", "Switch theme",
                  "Resume"):  # fmt: skip
        assert title in commands
    assert commands["Play"].startswith("F5") and commands["Songs"].startswith("F2")
    assert commands["Switch theme"].startswith("Ctrl+T")


@pytest.mark.asyncio
async def test_f1_fits_80x24_without_scrolling(settings: Settings) -> None:
    assert all(len(line) <= 72 for line in help_text().plain.splitlines())
    app = CadenzaApp(Session(settings, use_memory=False), warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y == 0 and box.max_scroll_x == 0


def _fake_player(folder: Path, log: Path) -> None:
    script = folder / "aplay"
    script.write_text(f'#!/bin/sh\necho "$@" > {log}\n/bin/sleep 5\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_play_runs_the_first_player_found_and_a_second_press_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log, wav = tmp_path / "args.txt", tmp_path / "song.wav"
    wav.write_bytes(b"RIFF")
    _fake_player(tmp_path, log)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    assert find_player() == [str(tmp_path / "aplay"), "-q"]
    player = Player()
    said = player.play("my song", str(wav))
    assert said.startswith("Playing 'my song' with aplay")
    for _ in range(50):
        if log.exists() and log.read_text().strip():
            break
        import time

        time.sleep(0.05)
    assert log.read_text().split() == ["-q", str(wav)]
    assert player.playing and player.stop() and not player.playing


def test_no_player_no_wav_or_ssh_is_said_with_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wav = tmp_path / "song.wav"
    wav.write_bytes(b"RIFF")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    said = Player().play("my song", str(wav))
    assert "no audio player" in said and str(wav) in said
    assert "render it" in Player().play("my song", None)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5000 10.0.0.1 22")
    said = Player().play("my song", str(wav))
    assert "over SSH" in said and str(wav) in said


@pytest.mark.asyncio
async def test_f5_says_what_it_does(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", os.devnull)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    app = CadenzaApp(Session(settings, use_memory=False), warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await pilot.pause(0.2)
        notes = [str(n.render()) for n in app.query(".note")]
        assert "no current song to play" in notes[-1]
        wav = settings.home / "song.wav"
        wav.write_bytes(b"RIFF")
        app.session.state.current = Song(id="s", title="my song", tool="compose",
                                         files={"midi": "x.mid", "wav": str(wav)})  # fmt: skip
        app.last_files = ["x.mid"]
        await pilot.press("f5")
        await pilot.pause(0.2)
        notes = [str(n.render()) for n in app.query(".note")]
        assert "no audio player" in notes[-1] and app.last_files[0] == str(wav)  # Ctrl+Y: WAV
