"""The drum engine: seeds reproduce, each style keeps its idioms over many bars, the controls do
what they say, and the feel is a drummer's (humanised) or the grid's (quantised) on request."""

from __future__ import annotations

from collections import defaultdict
from statistics import pstdev

import pytest

from models.drums.engine import Beat, DrumRequest, get_engine, write_beat
from models.drums.styles import STYLES
from models.errors import InputError

SEEDS = (0, 1, 2, 3)
BARS = 16
BEATS = (0, 4, 8, 12)  # the four beats of a 4/4 bar, in 16th steps


def beat(style: str, **kw) -> Beat:  # noqa: ANN003
    kw.setdefault("tempo_bpm", STYLES[style].tempo[1])
    return write_beat(DrumRequest(style, **kw))


def groove(style: str, seed: int, **kw) -> Beat:  # noqa: ANN003
    """16 bars with no fills: every bar must hold the style's rules."""
    return beat(style, bars=BARS, seed=seed, fills_every=0, **kw)


def steps(b: Beat, name: str) -> dict[int, set[int]]:
    """The steps `name` is played on, bar by bar (every bar present, maybe empty)."""
    out: dict[int, set[int]] = {bar: set() for bar in range(b.request.bars)}
    for h in b.hits:
        if h.name == name:
            out[h.bar].add(h.step)
    return out


def as_tuples(b: Beat) -> list[tuple]:
    return [(h.bar, h.step, h.name, h.velocity, h.offset) for h in b.hits]


# -- seeds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["rock", "jazz", "trap", "house", "reggaeton", "lofi"])
def test_same_request_and_seed_give_identical_hits(style: str) -> None:
    req = DrumRequest(style, STYLES[style].tempo[1], bars=8, seed=1234, swing=0.2)
    first = write_beat(req)
    again = get_engine().write(req)
    assert first.hits and as_tuples(first) == as_tuples(again)
    assert first.fills == again.fills == [3, 7]


@pytest.mark.parametrize("style", ["rock", "funk", "trap", "house"])
def test_different_seeds_give_different_beats(style: str) -> None:
    beats = [as_tuples(beat(style, bars=8, seed=seed)) for seed in (1, 2, 3, 4)]
    assert len({tuple(b) for b in beats}) == 4


# -- quantised and humanised ----------------------------------------------------------------


@pytest.mark.parametrize("meter", ["4/4", "3/4", "6/8"])
@pytest.mark.parametrize("style", sorted(STYLES))
def test_quantised_hits_land_exactly_on_the_16th_grid(style: str, meter: str) -> None:
    for seed in (0, 1):
        b = beat(style, bars=8, meter=meter, seed=seed, humanize=0.0, swing=0.0)
        assert b.hits
        for h in b.hits:
            assert 0 <= h.step < b.steps_per_bar
            if STYLES[style].hat_rolls and h.offset >= 0.25:  # a trap roll: 32nds or triplets
                assert h.name == "closed_hat" and abs(h.offset * 12 - round(h.offset * 12)) < 2e-3
                continue
            assert h.offset == 0.0, h
            assert (b.start_beats(h) * 4).is_integer(), h


@pytest.mark.parametrize("style", ["rock", "funk", "jazz", "hiphop", "reggae", "soul"])
def test_humanised_hits_vary_like_a_drummer(style: str) -> None:
    """Same drum, same step, different bars: a drummer never hits it twice the same."""
    b = groove(style, seed=5, humanize=1.0)
    by_place: dict[tuple[str, int], list[int]] = defaultdict(list)
    for h in b.hits:
        by_place[h.name, h.step].append(h.velocity)
    repeated = [v for v in by_place.values() if len(v) >= 8]
    assert repeated
    spread = [pstdev(v) for v in repeated]
    assert sum(s > 2.0 for s in spread) >= 0.8 * len(spread), spread
    assert pstdev([h.velocity for h in b.hits]) > 8
    offsets = [h.offset for h in b.hits]
    assert sum(o != 0 for o in offsets) >= 0.9 * len(offsets)
    assert all(-0.45 <= o <= 0.9 for o in offsets)


@pytest.mark.parametrize("style", ["rock", "funk", "jazz", "hiphop", "reggae", "soul"])
def test_quantised_hits_repeat_exactly(style: str) -> None:
    b = groove(style, seed=5, humanize=0.0, swing=0.0)
    by_place: dict[tuple[str, int], set[int]] = defaultdict(set)
    for h in b.hits:
        by_place[h.name, h.step].add(h.velocity)
        assert h.offset == 0.0
    assert all(len(v) == 1 for v in by_place.values()), by_place


@pytest.mark.parametrize("swing", [0.3, 0.6, 1.0])
def test_with_humanize_0_swing_is_the_only_offset(swing: float) -> None:
    b = beat("rock", bars=8, seed=3, humanize=0.0, swing=swing)
    for h in b.hits:
        expected = round(swing / 3, 4) if h.step % 2 else 0.0
        assert h.offset == pytest.approx(expected, abs=1e-4), h
    assert any(h.step % 2 for h in b.hits)


def test_more_swing_pushes_the_off_beat_16ths_later() -> None:
    straight = beat("boombap", bars=4, seed=2, swing=0.0, humanize=0.0)
    swung = beat("boombap", bars=4, seed=2, swing=0.9, humanize=0.0)
    assert [(h.bar, h.step, h.name) for h in straight.hits] == [
        (h.bar, h.step, h.name) for h in swung.hits
    ]
    late = [s.offset - t.offset for s, t in zip(swung.hits, straight.hits, strict=True)
            if s.step % 2]  # fmt: skip
    assert late and all(d == pytest.approx(0.3) for d in late)


# -- style idioms over 16 bars ----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("style", ["rock", "boombap", "pop", "punk", "lofi", "dnb", "disco"])
def test_backbeat_styles_put_the_snare_on_2_and_4_of_every_bar(style: str, seed: int) -> None:
    for bar, snares in steps(groove(style, seed), "snare").items():
        assert {4, 12} <= snares, (style, seed, bar, sorted(snares))


@pytest.mark.parametrize("seed", SEEDS)
def test_trap_is_half_time_the_clap_on_beat_3_only(seed: int) -> None:
    b = groove("trap", seed)
    claps = steps(b, "clap")
    assert all(8 in s and not s & {4, 12} for s in claps.values()), claps
    assert not any(h.name == "snare" for h in b.hits)
    assert all(8 not in s for s in steps(b, "kick").values())  # the kick leaves beat 3
    assert all({0, 2, 4, 6, 8, 10, 12, 14} <= s for s in steps(b, "closed_hat").values())
    assert any(h.offset >= 0.25 and h.name == "closed_hat" for h in b.hits)  # hat rolls


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("style", ["house", "techno", "disco"])
def test_four_on_the_floor_a_kick_on_every_beat_and_no_other(style: str, seed: int) -> None:
    b = groove(style, seed)
    assert all(s == set(BEATS) for s in steps(b, "kick").values()), steps(b, "kick")
    assert all({2, 6, 10, 14} <= s for s in steps(b, "open_hat").values())


@pytest.mark.parametrize("seed", SEEDS)
def test_house_claps_on_2_and_4(seed: int) -> None:
    b = groove("house", seed)
    assert all(s == {4, 12} for s in steps(b, "clap").values())
    assert not any(h.name in ("snare", "ride", "tom_high", "tom_low") for h in b.hits)


@pytest.mark.parametrize("seed", SEEDS)
def test_reggae_one_drop_kick_and_rim_on_3_never_on_1(seed: int) -> None:
    b = groove("reggae", seed)
    kicks, rims = steps(b, "kick"), steps(b, "rim")
    assert all(8 in kicks[bar] and 0 not in kicks[bar] and 8 in rims[bar] for bar in kicks)
    assert all(not s & {4, 12} for s in steps(b, "snare").values())


@pytest.mark.parametrize("seed", SEEDS)
def test_reggaeton_plays_the_dembow(seed: int) -> None:
    b = groove("reggaeton", seed)
    assert all(s == set(BEATS) for s in steps(b, "kick").values())
    assert all(s == {3, 6, 11, 14} for s in steps(b, "snare").values())


@pytest.mark.parametrize("seed", SEEDS)
def test_drum_and_bass_two_step(seed: int) -> None:
    b = groove("dnb", seed)
    assert all({0, 10} <= s and not s & {4, 12} for s in steps(b, "kick").values())


@pytest.mark.parametrize("style", sorted(s for s, v in STYLES.items() if v.require))
def test_every_required_step_is_played_in_every_groove_bar(style: str) -> None:
    spec = STYLES[style]
    for seed in SEEDS[:2]:
        b = groove(style, seed)
        for name, wanted in spec.require.items():
            for bar, played in steps(b, name).items():
                assert set(wanted) <= played, (style, seed, name, bar, sorted(played))


# -- half-time and double-time ----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("style", ["rock", "boombap", "pop", "funk"])
def test_half_time_moves_the_backbeat_to_beat_3(style: str, seed: int) -> None:
    b = groove(style, seed, half_time=True)
    for bar, snares in steps(b, "snare").items():
        assert 8 in snares and not snares & {4, 12}, (bar, sorted(snares))
    assert all(8 not in s for s in steps(b, "kick").values())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("style", ["rock", "boombap", "pop"])
def test_double_time_snare_on_every_off_beat_eighth_kick_on_every_beat(
    style: str, seed: int
) -> None:
    b = groove(style, seed, double_time=True)
    for bar, snares in steps(b, "snare").items():
        assert {2, 6, 10, 14} <= snares and not snares & {4, 12}, (bar, sorted(snares))
    assert all(set(BEATS) <= s for s in steps(b, "kick").values())


@pytest.mark.parametrize(
    ("style", "change"),
    [("house", "half_time"), ("house", "double_time"), ("disco", "half_time"),
     ("reggaeton", "half_time"), ("reggaeton", "double_time")],
)  # fmt: skip
def test_half_and_double_time_keep_a_four_on_the_floor_style_s_own_rules(
    style: str, change: str
) -> None:
    spec = STYLES[style]
    backbeat = {"half_time": {8}, "double_time": {2, 6, 10, 14}}[change]
    for seed in SEEDS[:2]:
        b = groove(style, seed, **{change: True})
        assert all(s == set(BEATS) for s in steps(b, "kick").values()), steps(b, "kick")
        if spec.forbid.get("snare") in ("all", "others"):  # no stray snare strokes
            played = steps(b, spec.backbeat_sound)
            assert all(s <= backbeat for s in played.values()), played


# -- the kit ----------------------------------------------------------------------------------


def test_without_ride_leaves_no_ride() -> None:
    for seed in SEEDS:
        assert any(h.name == "ride" for h in groove("jazz", seed).hits)  # jazz lives on the ride
        assert not any(h.name == "ride" for h in groove("jazz", seed, without=("ride",)).hits)


@pytest.mark.parametrize("style", ["rock", "funk", "boombap", "jazz"])
def test_only_kick_and_snare_leaves_only_those(style: str) -> None:
    for seed in SEEDS[:2]:
        b = beat(style, bars=8, seed=seed, only=("kick", "snare"))
        assert {h.name for h in b.hits} == {"kick", "snare"}


@pytest.mark.parametrize("style", ["rock", "jazz", "trap"])
def test_add_shaker_plays_shaker_16ths_in_every_bar(style: str) -> None:
    assert not any(h.name == "shaker" for h in groove(style, 1).hits)
    b = groove(style, 1, add=("shaker",))
    assert all(s == set(range(16)) for s in steps(b, "shaker").values())


def test_add_clap_doubles_the_snare() -> None:
    b = groove("rock", 2, add=("clap",))
    snares, claps = steps(b, "snare"), steps(b, "clap")
    assert all(claps[bar] == snares[bar] and {4, 12} <= claps[bar] for bar in snares)


def test_afrobeats_plays_its_documented_shaker_16ths() -> None:
    assert any(h.name == "shaker" for h in groove("afrobeats", 0).hits)


# -- fills ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("style", ["rock", "funk", "trap", "house"])
def test_a_fill_every_4_bars_then_a_crash_on_the_next_downbeat(style: str, seed: int) -> None:
    b = beat(style, bars=8, seed=seed, fills_every=4)
    assert b.fills == [3, 7]
    assert any(h.name == "crash" and h.bar == 4 and h.step == 0 for h in b.hits)


def test_fills_every_0_and_other_lengths() -> None:
    for seed in SEEDS:
        assert beat("rock", bars=8, seed=seed, fills_every=0).fills == []
        assert beat("rock", bars=8, seed=seed, fills_every=2).fills == [1, 3, 5, 7]
        assert beat("rock", bars=1, seed=seed, fills_every=1).fills == []  # one bar is a groove
    no_crash = beat("rock", bars=8, seed=0, fills_every=4, without=("crash",))
    assert no_crash.fills == [3, 7] and not any(h.name == "crash" for h in no_crash.hits)


def test_a_style_that_forbids_the_crash_gets_none_outside_its_fills() -> None:
    for seed in SEEDS:
        b = beat("bossanova", bars=8, seed=seed, fills_every=4)
        assert not [h for h in b.hits if h.name == "crash" and h.bar not in b.fills]


# -- meters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("meter", "kick", "snare"), [("3/4", {0}, {4, 8}), ("6/8", {0}, {6})])
def test_three_and_six_beat_bars_have_their_own_shape(meter: str, kick: set, snare: set) -> None:
    for style in ("rock", "jazz", "hiphop"):
        b = groove(style, 1, meter=meter)
        assert b.steps_per_bar == 12 and all(h.step < 12 for h in b.hits)
        assert all(kick <= s for s in steps(b, "kick").values())
        assert all(snare <= s for s in steps(b, "snare").values())


# -- bad requests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"meter": "5/4"}, "4/4, 3/4 and 6/8, not 5/4"),
        ({"bars": 0}, "1 to 256 bars"),
        ({"bars": 10000}, "1 to 256 bars"),
        ({"tempo_bpm": 0}, "out of range"),
        ({"tempo_bpm": 999}, "out of range"),
        ({"half_time": True, "double_time": True}, "not both"),
        ({"without": ("cowbell",)}, "don't have a cowbell"),
        ({"only": ("gong",)}, "don't have a gong"),
        ({"add": ("kazoo",)}, "don't have a kazoo"),
    ],
)
def test_a_bad_request_is_refused_in_one_sentence(change: dict, words: str) -> None:
    req = DrumRequest(**{"style": "rock", "tempo_bpm": 120, **change})
    with pytest.raises(InputError) as err:
        write_beat(req)
    message = str(err.value)
    assert words in message and message.count(". ") <= 1 and "\n" not in message
