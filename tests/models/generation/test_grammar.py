"""The event vocabulary and the constrained sampler, with random logits: every draw is valid."""

from __future__ import annotations

import numpy as np
import pytest

from models.generation.engine import split_bars, window
from models.generation.sample import SCALES, VOICE_RANGES, Grammar, RowState, Rules, draw
from models.generation.vocab import (
    BAR,
    EOS,
    METERS,
    VOCAB_SIZE,
    Event,
    Header,
    bar_steps,
    decode_body,
    encode_body,
    kind,
)


def test_events_round_trip_through_tokens() -> None:
    events = [Event(0, 0, 72, 4), Event(0, 1, 67, 4), Event(4, 0, 74, 2), Event(14, 3, 48, 18)]
    body = encode_body(events, (4, 4), 2, parts=True)
    assert body[0] == BAR and body[-1] == EOS and body.count(BAR) == 2
    back, bars = decode_body(body, (4, 4))
    assert bars == 2 and sorted(back) == sorted(events)


def test_a_melody_keeps_one_note_per_onset_the_highest() -> None:
    body = encode_body([Event(0, 0, 60, 4), Event(0, 0, 67, 4)], (3, 4), 1, parts=False)
    assert decode_body(body, (3, 4))[0] == [Event(0, 0, 67, 4)]


def test_header_tokens_name_the_controls() -> None:
    names = [
        kind(t) for t in Header("irish", "melody", "minor", (6, 8), 20, "low", "high").tokens()
    ]
    assert names == ["BOS", "Style", "Texture", "Mode", "Meter", "Len", "Val", "Aro"]


def _random_walk(rules: Rules, seed: int) -> list[int]:
    """Draw a whole body from uniform random logits through the grammar."""
    rng = np.random.default_rng(seed)
    grammar, state, body = Grammar(rules), RowState(), []
    for _ in range(20_000):
        mask = grammar.allowed(state)[None]
        tok, _ = draw(rng.normal(size=(1, VOCAB_SIZE)), mask, 1.0, 1.0, rng)
        grammar.feed(state, int(tok[0]))
        body.append(int(tok[0]))
        if tok[0] == EOS:
            return body
    raise AssertionError("the grammar did not finish")


@pytest.mark.parametrize("meter", METERS)
@pytest.mark.parametrize("parts", [True, False])
def test_any_draw_has_the_exact_meter_bars_key_and_ranges(meter, parts) -> None:  # noqa: ANN001
    rules = Rules(meter, 5, parts, "minor", "folk", transpose=3)
    body = _random_walk(rules, seed=hash((meter, parts)) % 1000)
    events, bars = decode_body(body, meter)
    size = bar_steps(meter)
    assert bars == 5 and events
    assert all(e.start + e.dur <= 5 * size for e in events)  # nothing rings past the last bar
    for i, bar in enumerate(split_bars(body)):
        positions = [t for t in bar if kind(t) == "Pos"]
        assert positions == sorted(set(positions))  # onsets move forward inside a bar
        assert all(e.start // size == i for e in events if e.start // size == i)
    scale = set(SCALES["minor"])
    assert all(e.pitch % 12 in scale for e in events)
    if parts:
        for e in events:
            lo, hi = VOICE_RANGES[e.voice]
            assert lo + 3 <= e.pitch <= hi + 3  # ranges hold for the sounding (transposed) pitch


def test_four_part_draws_have_no_parallel_fifths_or_octaves_at_an_onset() -> None:
    for seed in range(6):
        body = _random_walk(Rules((4, 4), 4, True, "major", "chorale"), seed)
        events, _ = decode_body(body, (4, 4))
        last: dict[int, int] = {}
        by_onset: dict[int, dict[int, int]] = {}
        for e in sorted(events):
            by_onset.setdefault(e.start, {})[e.voice] = e.pitch
        for onset in sorted(by_onset):
            now = by_onset[onset]
            for u in now:
                for v in now:
                    if u >= v or u not in last or v not in last:
                        continue
                    before, after = (last[u] - last[v]) % 12, (now[u] - now[v]) % 12
                    moved = now[u] != last[u] and now[v] != last[v]
                    same_way = np.sign(now[u] - last[u]) == np.sign(now[v] - last[v])
                    assert not (moved and same_way and before == after and before in (0, 7)), (
                        f"parallel at {onset}: {last[u]},{last[v]} -> {now[u]},{now[v]}"
                    )
            last.update(now)


def test_draw_is_seeded_and_top_p_keeps_the_nucleus() -> None:
    logits = np.log(np.array([[0.5, 0.3, 0.15, 0.05] + [1e-9] * (VOCAB_SIZE - 4)]))
    mask = np.ones_like(logits, bool)
    a = [draw(logits, mask, 1.0, 0.7, np.random.default_rng(5))[0][0] for _ in range(3)]
    assert len(set(a)) == 1  # same seed, same token
    rng = np.random.default_rng(1)
    seen = {int(draw(logits, mask, 1.0, 0.7, rng)[0][0]) for _ in range(300)}
    assert seen == {0, 1}  # 0.5 + 0.3 covers 0.7: the tail is never drawn
    tok, logp = draw(logits, mask, 0.0, 1.0, rng)
    assert tok[0] == 0 and logp[0] == pytest.approx(np.log(0.5), abs=1e-6)


def test_windows_keep_the_header_and_start_at_a_bar_line() -> None:
    header = Header("folk", "melody", "major", (4, 4), 64).tokens()
    body = [t for _ in range(40) for t in [BAR, 100, 120, 160, 101, 121, 161]]
    win = window(header, body, 100)
    assert win[:8] == header and win[8] == BAR and len(win) <= 100
    assert win[8:] == body[len(body) - (len(win) - 8) :]
