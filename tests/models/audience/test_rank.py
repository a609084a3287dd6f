"""The audience ranking core on tiny matrices where the right answer is known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from models.audience import rank as R

E = np.eye(3, dtype=np.float32)  # three items with orthogonal content: rock, jazz, folk


def plays_of(rows: list[list[float]]) -> sp.csr_matrix:
    return sp.csr_matrix(np.array(rows, dtype=np.float32))


def test_taste_vectors_are_unit_and_play_weighted() -> None:
    plays = plays_of([[100, 1, 0], [0, 0, 5], [0, 0, 0]])
    tastes = R.taste_vectors(plays, E)
    expected = np.array([math.log1p(100), math.log1p(1), 0.0])
    np.testing.assert_allclose(tastes[0], expected / np.linalg.norm(expected), rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(tastes[:2], axis=1), 1.0, rtol=1e-6)
    assert np.all(tastes[2] == 0)  # plays nothing: zero taste, not NaN


def test_taste_vectors_reject_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="items"):
        R.taste_vectors(plays_of([[1, 1]]), E)


def test_listener_matching_the_new_item_is_ranked_first() -> None:
    plays = plays_of([[9, 0, 0], [0, 9, 0], [0, 0, 9], [3, 3, 3]])
    new_jazz = np.array([0.1, 1.0, 0.0], dtype=np.float32)
    tastes = R.taste_vectors(plays, E)
    assert R.top_k(R.rank_listeners(new_jazz, tastes, R.activity(plays)), 1)[0] == 1
    tastes_c, act = R.prepare_cold_start(plays, E)
    blend = R.cold_start_scores(new_jazz, E, plays, tastes_c, act)
    assert R.top_k(blend, 1)[0] == 1
    index = R.ColdStartIndex.build(plays, E)
    np.testing.assert_allclose(index.scores(new_jazz), blend, rtol=1e-5, atol=1e-6)


def test_activity_breaks_ties_toward_active_listeners() -> None:
    # Listeners 0 and 1 have the same taste (rock only), listener 1 plays two rock artists.
    items = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    plays = plays_of([[5, 0, 0], [5, 5, 0], [0, 0, 5]])
    tastes, act = R.taste_vectors(plays, items), R.activity(plays)
    assert act[1] > act[0]
    for w in (0.0, 0.25):  # even at weight 0 the tie is broken, by TIE_BREAK
        scores = R.rank_listeners(np.array([1.0, 0.0]), tastes, act, activity_weight=w)
        assert list(R.top_k(scores, 3)) == [1, 0, 2]


def test_activity_is_zscored_and_constant_activity_is_zero() -> None:
    act = R.activity(plays_of([[1, 0, 0], [1, 1, 0], [1, 1, 1]]))
    assert abs(act.mean()) < 1e-9 and abs(act.std() - 1) < 1e-9
    assert np.all(R.activity(plays_of([[1, 0], [0, 1]])) == 0)
    np.testing.assert_allclose(R.activity(plays_of([[1, 2], [30, 0]]), "plays"), [-1, 1])


def test_lookalike_counts_listeners_of_similar_items_by_similarity() -> None:
    items = np.array([[1, 0], [0.6, 0.8], [0, 1], [1, 0]], dtype=np.float32)
    plays = plays_of([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]])
    new = np.array([1.0, 0.0], dtype=np.float32)
    scores = R.lookalike_listener_scores(new, items, plays, k=2)
    # Item 3 is identical to the query but nobody plays it, so the neighbours are items 0 and 1.
    np.testing.assert_allclose(scores, [1.0, 0.6, 1.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(R.lookalike_listener_scores(new, items, plays, k=1), [1, 0, 1, 0])


def test_history_match_is_a_soft_maximum_over_the_listeners_items() -> None:
    items = np.array([[1, 0], [0, 1], [0.8, 0.6]], dtype=np.float32)
    plays = plays_of([[1, 1, 0], [0, 0, 1]])  # one exact match + one miss vs two near matches
    scores = R.history_match_scores(np.array([1.0, 0.0]), items, plays, power=8)
    np.testing.assert_allclose(scores, [0.5, 0.8**8], rtol=1e-5)
    assert scores[0] > scores[1]  # the exact match wins despite the unrelated half of the history
    plain = R.history_match_scores(np.array([1.0, 0.0]), items, plays, power=1)
    assert plain[1] > plain[0]  # at power 1 it is a plain mean, which the near matches win


def test_co_listening_is_jaccard_on_listener_sets() -> None:
    # item 0: listeners {0,1,2}; item 1: {0,1}; item 2: {2,3}; item 3: nobody shared
    plays = plays_of([[1, 1, 0, 0], [2, 3, 0, 0], [1, 0, 4, 0], [0, 0, 1, 1]])
    got = R.co_listening(plays, 0, n=5)
    assert [i for i, _ in got] == [1, 2]
    np.testing.assert_allclose([s for _, s in got], [2 / 3, 1 / 4])
    with pytest.raises(IndexError):
        R.co_listening(plays, 9)


def test_item_knn_ranks_the_co_listened_item_and_hides_seen_ones() -> None:
    plays = plays_of([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 0, 0]])
    scores = R.item_knn_scores(plays, [3], k=10)
    assert np.isneginf(scores[0, 0])
    assert R.top_k(scores[0], 1)[0] == 1
    assert np.all(scores[0, 2:] == 0)
    sim = R.item_similarity(plays, k=1)
    assert np.all(np.diff(sim.indptr) <= 1) and sim.diagonal().sum() == 0


def test_recall_and_ndcg_match_hand_computed_values() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    assert R.recall_at_k(scores, [1, 3], 2) == 0.5
    dcg, ideal = 1 / math.log2(3), 1 + 1 / math.log2(3)
    assert R.ndcg_at_k(scores, [1, 3], 2) == pytest.approx(dcg / ideal)
    assert R.ndcg_at_k(scores, [0, 1], 2) == pytest.approx(1.0)
    assert R.ndcg_at_k(scores, [0], 3) == pytest.approx(1.0)  # ideal has one hit, not three
    assert R.recall_at_k(scores, [], 2) == 0.0 and R.ndcg_at_k(scores, [], 2) == 0.0
    assert list(R.top_k(np.array([1.0, 2.0, 2.0, 0.0]), 3)) == [1, 2, 0]  # ties: lower index


def test_empty_inputs_and_zero_vectors_do_not_crash_or_give_nan() -> None:
    no_plays = sp.csr_matrix((3, 3), dtype=np.float32)
    zero = np.zeros(3, dtype=np.float32)
    tastes, act = R.prepare_cold_start(no_plays, E)
    outputs = [
        R.taste_vectors(no_plays, E),
        act,
        R.rank_listeners(zero, tastes, act),
        R.lookalike_listener_scores(E[0], E, no_plays),
        R.history_match_scores(E[0], E, no_plays),
        R.cold_start_scores(zero, np.zeros((3, 3)), no_plays, tastes, act),
        R.ColdStartIndex.build(no_plays, np.zeros((3, 3))).scores(zero),
        R.item_knn_scores(no_plays, [0, 1]),
    ]
    for out in outputs:
        assert np.isfinite(out).all()
    assert R.co_listening(no_plays, 0) == []
    nobody = sp.csr_matrix((0, 3), dtype=np.float32)
    assert R.cold_start_scores(E[0], E, nobody, *R.prepare_cold_start(nobody, E)).shape == (0,)
    no_items = sp.csr_matrix((2, 0), dtype=np.float32)
    empty_vecs = np.zeros((0, 3), dtype=np.float32)
    assert R.lookalike_listener_scores(E[0], empty_vecs, no_items).shape == (2,)
    assert R.taste_vectors(no_items, empty_vecs).shape == (2, 3)


def test_sparse_tfidf_vectors_work_like_dense_ones() -> None:
    plays = plays_of([[9, 0, 0], [0, 9, 0], [0, 0, 9]])
    dense = R.cold_start_scores(E[2], E, plays, *R.prepare_cold_start(plays, E, _no_center()),
                                _no_center())  # fmt: skip
    sparse_e = sp.csr_matrix(E)
    params = _no_center()
    tastes, act = R.prepare_cold_start(plays, sparse_e, params)
    np.testing.assert_allclose(
        R.cold_start_scores(E[2], sparse_e, plays, tastes, act, params), dense, rtol=1e-5
    )


def _no_center() -> R.ColdStartParams:
    return R.ColdStartParams(center=False)
