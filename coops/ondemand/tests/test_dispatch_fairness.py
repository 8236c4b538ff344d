"""The fairness score: worked examples and properties (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..fairness import Candidate, fairness_score, rank

RADIUS, MAX_HOURS = 8.0, 10.0
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

distances = st.floats(min_value=0, max_value=RADIUS, allow_nan=False)
hours = st.floats(min_value=0, max_value=MAX_HOURS, allow_nan=False)


def score(km: float, h: float) -> float:
    return fairness_score(distance_km=km, radius_km=RADIUS, hours_today=h, max_hours=MAX_HOURS)


def candidate(worker_id: int, km: float, h: float, since_minutes: int = 0) -> Candidate:
    return Candidate(worker_id, km, h, T0 - timedelta(minutes=since_minutes), score(km, h))


def test_worked_example():
    # 2 km of 8 and 1 h of 10: 0.25 + 0.1.
    assert score(2, 1) == pytest.approx(0.35)
    near_tired, far_fresh = candidate(1, 1, 6), candidate(2, 4, 0)
    assert [c.worker_id for c in rank([near_tired, far_fresh])] == [2, 1]


def test_radius_and_cap_must_be_positive():
    with pytest.raises(ValueError):
        fairness_score(distance_km=1, radius_km=0, hours_today=0, max_hours=10)
    with pytest.raises(ValueError):
        fairness_score(distance_km=1, radius_km=8, hours_today=0, max_hours=0)


@given(distances, hours, hours)
def test_more_hours_today_never_improves_rank_at_equal_distance(km, h1, h2):
    fewer, more = sorted([h1, h2])
    rested, tired = candidate(1, km, fewer), candidate(2, km, more)
    order = [c.worker_id for c in rank([tired, rested])]
    if more > fewer:
        assert order == [1, 2]
    assert score(km, fewer) <= score(km, more)


@given(distances, distances, hours)
def test_closer_never_ranks_worse_at_equal_hours(d1, d2, h):
    near, far = sorted([d1, d2])
    assert score(near, h) <= score(far, h)


@given(distances, hours)
def test_an_eligible_score_is_between_0_and_2(km, h):
    assert 0 <= score(km, h) <= 2


@given(
    st.lists(st.tuples(distances, hours, st.integers(0, 600)), min_size=1, max_size=30),
    st.randoms(),
)
def test_rank_is_a_total_order_independent_of_input_order(rows, rnd):
    cands = [candidate(i, km, h, since) for i, (km, h, since) in enumerate(rows)]
    shuffled = cands[:]
    rnd.shuffle(shuffled)
    assert rank(shuffled) == rank(cands)
    ranked = rank(cands)
    assert all(a.sort_key() <= b.sort_key() for a, b in itertools.pairwise(ranked))


@given(distances, hours, st.integers(0, 600), st.integers(0, 600))
def test_ties_go_to_the_longest_online(km, h, m1, m2):
    a, b = candidate(1, km, h, m1), candidate(2, km, h, m2)
    first = rank([a, b])[0].worker_id
    if m1 != m2:
        assert first == (1 if m1 > m2 else 2)
    else:
        assert first == 1


@given(
    st.lists(distances, min_size=2, max_size=8),
    st.integers(min_value=1, max_value=60),
    st.floats(min_value=0.05, max_value=1.0),
)
def test_the_nearest_does_not_take_everything(workers_km, jobs, job_hours):
    """Simulate a day of identical jobs at one pickup, each to the best candidate.
    Whenever i last got a job its score was at most j's, and j's only grew since, so
    hours_i − hours_j ≤ max_hours × (d_j − d_i) / radius + one job, for every pair
    where i got a job."""
    worked = [0.0] * len(workers_km)
    for _ in range(jobs):
        cands = [candidate(i, km, worked[i]) for i, km in enumerate(workers_km)]
        worked[rank(cands)[0].worker_id] += job_hours
    for i, di in enumerate(workers_km):
        for j, dj in enumerate(workers_km):
            if worked[i] == 0:
                continue
            bound = MAX_HOURS * (dj - di) / RADIUS + job_hours
            assert worked[i] - worked[j] <= bound + 1e-9


def test_two_workers_share_a_day_of_jobs():
    """1 km and 3 km from the pickup, 20 jobs of half an hour: the nearer one works
    2.5 h more (10 × (3 − 1) / 8), not all day."""
    worked = [0.0, 0.0]
    for _ in range(20):
        cands = [candidate(0, 1, worked[0]), candidate(1, 3, worked[1])]
        worked[rank(cands)[0].worker_id] += 0.5
    assert worked == [6.5, 3.5]


def test_rank_sorts_unknown_online_time_last():
    a = Candidate(1, 1.0, 0.0, None, score(1, 0))
    b = candidate(2, 1, 0)
    assert [c.worker_id for c in rank([a, b])] == [2, 1]
    assert rank([]) == []
