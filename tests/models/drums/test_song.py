"""A beat as MIDI: written through `to_piece` and read back by pretty_midi and by mido, it is one
drum track on channel 10, at the asked tempo and meter, exactly the asked number of bars long,
in General MIDI drum notes only."""

from __future__ import annotations

from pathlib import Path

import mido
import pretty_midi
import pytest

from models.drums.engine import DrumRequest, write_beat
from models.drums.kit import GM_NOTE
from models.drums.song import to_piece
from models.music.midi_io import write_midi

QUARTERS_PER_BAR = {"4/4": 4.0, "3/4": 3.0, "6/8": 3.0}
CASES = [  # style, meter, asked tempo, bars
    ("rock", "4/4", 120, 8), ("trap", "4/4", 145, 4), ("house", "4/4", 124, 16),
    ("jazz", "3/4", 140, 6), ("reggae", "3/4", 78, 3), ("funk", "6/8", 80, 5),
    ("boombap", "6/8", 90, 1), ("dnb", "4/4", 174, 12), ("bossanova", "4/4", 130, 7),
    ("lofi", "4/4", 82, 2), ("afrocuban", "6/8", 110, 8), ("reggaeton", "3/4", 95, 4),
]  # fmt: skip


def written(tmp_path: Path, style: str, meter: str, tempo: int, bars: int, seed: int,
            **kw) -> Path:  # noqa: ANN003  # fmt: skip
    beat = write_beat(DrumRequest(style, tempo, bars=bars, meter=meter, seed=seed, **kw))
    return write_midi(to_piece(beat), tmp_path / f"{style}-{meter.replace('/', '-')}-{seed}.mid")


@pytest.mark.parametrize(("style", "meter", "tempo", "bars"), CASES)
def test_pretty_midi_reads_a_drum_track_at_the_asked_tempo_meter_and_length(
    tmp_path: Path, style: str, meter: str, tempo: int, bars: int
) -> None:
    for seed in (0, 1, 2):
        pm = pretty_midi.PrettyMIDI(str(written(tmp_path, style, meter, tempo, bars, seed)))
        assert len(pm.instruments) == 1 and pm.instruments[0].is_drum
        _, tempi = pm.get_tempo_changes()
        quarter_bpm = tempo * 1.5 if meter == "6/8" else tempo  # 6/8: dotted quarters asked
        assert len(tempi) == 1 and tempi[0] == pytest.approx(quarter_bpm, abs=0.01)
        [ts] = pm.time_signature_changes
        assert f"{ts.numerator}/{ts.denominator}" == meter and ts.time == 0
        notes = pm.instruments[0].notes
        assert notes and {n.pitch for n in notes} <= set(GM_NOTE.values())
        total = bars * QUARTERS_PER_BAR[meter]
        starts = [pm.time_to_tick(n.start) / pm.resolution for n in notes]
        ends = [pm.time_to_tick(n.end) / pm.resolution for n in notes]
        assert min(starts) >= 0 and max(starts) < total and max(ends) <= total + 1e-9
        assert max(starts) >= total - QUARTERS_PER_BAR[meter]  # the last bar is played
        assert all(1 <= n.velocity <= 127 for n in notes)


@pytest.mark.parametrize(("style", "meter", "tempo", "bars"), CASES)
def test_mido_reads_channel_10_tempo_and_meter(
    tmp_path: Path, style: str, meter: str, tempo: int, bars: int
) -> None:
    midi = mido.MidiFile(written(tmp_path, style, meter, tempo, bars, seed=4))
    tpb = midi.ticks_per_beat
    channels, pitches, tempos, meters, last_on, last_off = set(), set(), [], [], 0, 0
    for track in midi.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo":
                tempos.append(mido.tempo2bpm(msg.tempo))
            elif msg.type == "time_signature":
                meters.append(f"{msg.numerator}/{msg.denominator}")
            elif msg.type in ("note_on", "note_off"):
                channels.add(msg.channel)
                if msg.type == "note_on" and msg.velocity > 0:
                    pitches.add(msg.note)
                    last_on = max(last_on, tick)
                else:
                    last_off = max(last_off, tick)
    assert channels == {9}  # General MIDI channel 10
    quarter_bpm = tempo * 1.5 if meter == "6/8" else tempo
    assert len(tempos) == 1 and tempos[0] == pytest.approx(quarter_bpm, abs=0.01)
    assert meters == [meter]
    assert pitches and pitches <= set(GM_NOTE.values())
    total_ticks = round(bars * QUARTERS_PER_BAR[meter] * tpb)
    assert last_on < total_ticks and last_off <= total_ticks


def test_quantised_midi_notes_sit_on_16th_ticks(tmp_path: Path) -> None:
    for style, meter in (("rock", "4/4"), ("house", "4/4"), ("jazz", "3/4"), ("funk", "6/8")):
        path = written(tmp_path, style, meter, 100, 8, seed=7, humanize=0.0, swing=0.0)
        midi = mido.MidiFile(path)
        sixteenth = midi.ticks_per_beat / 4
        for track in midi.tracks:
            tick = 0
            for msg in track:
                tick += msg.time
                if msg.type == "note_on" and msg.velocity > 0:
                    assert (tick / sixteenth).is_integer(), (style, tick)


def test_hits_pushed_outside_the_piece_are_kept_inside_it(tmp_path: Path) -> None:
    """A hit played early on beat 1 or a roll at the very end stays within the bars asked."""
    for seed in range(6):
        beat = write_beat(DrumRequest("trap", 160, bars=2, seed=seed, humanize=1.0, swing=1.0))
        piece = to_piece(beat)
        assert piece.total_beats == 8
        notes = piece.tracks[0].notes
        assert all(n.start_beats >= 0 and n.start_beats + n.dur_beats <= 8 for n in notes)
        assert len(notes) == len(beat.hits)
