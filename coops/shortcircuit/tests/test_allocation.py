"""The Foodsoft allocation of cases: worked examples and properties."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..allocation import (
    Ask,
    Reason,
    allocate,
    cases_for,
    likely_range,
    next_tier,
    unit_price_for,
)


def got(allocation) -> dict[int, int]:
    return {s.id: s.allocated for s in allocation.shares}


# --- worked examples: Foodsoft's tolerance tutorial (doc/user/de/tutorials/toleranz.md) ----
# A case of 10 packs of 500 g; three ordering groups OG1, OG2, OG3 arrive in that order.


def tutorial(og1, og2=None, og3=None):
    asks = [Ask(1, *og1, at=1)]
    if og2:
        asks.append(Ask(2, *og2, at=2))
    if og3:
        asks.append(Ask(3, *og3, at=3))
    return allocate(10, asks)


def test_one_pack_alone_is_not_ordered_and_nine_are_missing():
    a = tutorial((1, 0))
    assert (a.cases, a.missing, got(a)) == (0, 9, {1: 0})
    assert a.shares[0].reason == Reason.NO_CASE


def test_a_tolerance_lowers_what_is_missing():
    assert tutorial((1, 1)).missing == 8
    assert tutorial((1, 1), (2, 3)).missing == 3
    assert tutorial((1, 1), (2, 3), (2, 0)).missing == 1


def test_the_third_tolerance_completes_the_case_and_every_tolerance_is_used():
    a = tutorial((1, 1), (2, 3), (2, 1))
    assert (a.cases, a.missing, got(a)) == (1, 0, {1: 2, 2: 5, 3: 3})
    assert [s.reason for s in a.shares] == [Reason.ALL] * 3


def test_a_larger_tolerance_than_needed_is_only_partly_used():
    a = tutorial((1, 1), (2, 3), (2, 2))
    assert got(a) == {1: 2, 2: 5, 3: 3}
    assert a.share(3).reason == Reason.QUANTITY_AND_PART


def test_more_quantity_makes_the_later_tolerances_useless():
    a = tutorial((1, 1), (2, 3), (3, 2))
    assert got(a) == {1: 2, 2: 5, 3: 3}
    assert (a.share(2).from_tolerance, a.share(3).reason) == (3, Reason.QUANTITY)


def test_the_first_arrival_tolerance_is_used_first():
    a = tutorial((4, 1), (2, 3), (3, 2))
    assert got(a) == {1: 5, 2: 2, 3: 3}


def test_quantities_that_fill_the_case_ignore_every_tolerance():
    a = tutorial((5, 1), (2, 3), (3, 2))
    assert (a.cases, got(a)) == (1, {1: 5, 2: 2, 3: 3})
    assert a.units == 10


# --- worked examples of the brief ------------------------------------------------------------


def test_two_cases_of_six_with_a_tolerance_top_up():
    # 5 + 2 and 5 + 2: 10 asked, 4 more would be taken; the second case is topped up.
    a = allocate(6, [Ask(1, 5, 2, at=1), Ask(2, 5, 2, at=2)])
    assert (a.cases, a.units, a.total_quantity, a.total_tolerance) == (2, 12, 10, 4)
    assert got(a) == {1: 7, 2: 5}
    assert (a.share(1).reason, a.share(2).reason) == (Reason.ALL, Reason.QUANTITY)


def test_four_units_of_six_are_not_ordered():
    a = allocate(6, [Ask(1, 3, 1, at=1), Ask(2, 1, 0, at=2)])
    assert (a.cases, a.remainder, a.missing, got(a)) == (0, 4, 1, {1: 0, 2: 0})


def test_a_late_request_gets_nothing_when_the_case_is_full():
    a = allocate(6, [Ask(1, 6, 0, at=1), Ask(2, 2, 0, at=2)])
    assert got(a) == {1: 6, 2: 0}
    assert a.share(2).reason == Reason.LATE


def test_the_request_cut_by_the_end_of_the_cases_gets_part_of_its_quantity():
    a = allocate(6, [Ask(1, 4, 0, at=1), Ask(2, 4, 0, at=2)])
    assert got(a) == {1: 4, 2: 2}
    assert a.share(2).reason == Reason.PART


def test_tolerance_alone_orders_nothing():
    assert allocate(6, [Ask(1, 0, 12)]).cases == 0
    assert cases_for(6, 0, 100) == 0


def test_ties_go_by_id_and_shares_come_in_arrival_order():
    a = allocate(6, [Ask(9, 3, 0, at=1), Ask(3, 4, 0, at=1), Ask(1, 4, 0, at=0)])
    assert [s.id for s in a.shares] == [1, 3, 9]
    assert got(a) == {1: 4, 3: 2, 9: 0}


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        allocate(0, [Ask(1, 1)])
    with pytest.raises(ValueError):
        allocate(6, [Ask(1, -1)])
    with pytest.raises(ValueError):
        allocate(6, [Ask(1, 1), Ask(1, 2)])


# --- the likely range ------------------------------------------------------------------------


def test_range_before_the_case_fills():
    asks = [Ask(1, 2, 2, at=1), Ask(2, 1, 0, at=2)]
    a = allocate(6, asks)
    assert likely_range(a, 1, asks) == (0, 4)
    assert likely_range(a, 2, asks) == (0, 1)
    assert likely_range(a, 99, asks) == (0, 0)


def test_range_once_a_case_is_ordered():
    asks = [Ask(1, 5, 2, at=1), Ask(2, 4, 0, at=2)]
    a = allocate(6, asks)
    assert likely_range(a, 1, asks) == (5, 7)
    assert likely_range(a, 2, asks) == (1, 4)


# --- price tiers -----------------------------------------------------------------------------

TIERS = [{"min_units": 48, "unit_price": "1.95"}, {"min_units": 24, "unit_price": "2.10"}]


@pytest.mark.parametrize(
    ("units", "price"), [(0, "2.40"), (23, "2.40"), (24, "2.10"), (47, "2.10"), (48, "1.95")]
)
def test_unit_price_by_volume(units, price):
    assert unit_price_for(Decimal("2.40"), TIERS, units) == Decimal(price)


def test_next_tier():
    assert next_tier(TIERS, 12) == TIERS[1]
    assert next_tier(TIERS, 24) == TIERS[0]
    assert next_tier(TIERS, 48) is None


# --- properties ------------------------------------------------------------------------------

asks_strategy = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 5)), max_size=8
).map(lambda rows: [Ask(i + 1, q, t, at=at) for i, (q, t, at) in enumerate(rows)])


@given(st.integers(1, 12), asks_strategy)
def test_nobody_gets_more_than_quantity_plus_tolerance(s, asks):
    for share in allocate(s, asks).shares:
        assert 0 <= share.from_quantity <= share.quantity
        assert 0 <= share.from_tolerance <= share.tolerance


@given(st.integers(1, 12), asks_strategy)
def test_every_ordered_unit_is_allocated(s, asks):
    a = allocate(s, asks)
    assert sum(got(a).values()) == a.cases * s
    assert a.units <= a.total_quantity + a.total_tolerance


@given(st.integers(1, 12), asks_strategy)
def test_every_quantity_is_served_before_any_tolerance(s, asks):
    a = allocate(s, asks)
    if any(share.from_tolerance for share in a.shares):
        assert all(share.from_quantity == share.quantity for share in a.shares)


@given(st.integers(1, 12), asks_strategy)
def test_tolerances_never_fill_a_case_alone(s, asks):
    a = allocate(s, asks)
    # Each ordered case holds at least one unit of quantity.
    assert a.cases <= -(-a.total_quantity // s)
    assert a.cases in (a.total_quantity // s, a.total_quantity // s + 1)


@given(st.integers(1, 12), asks_strategy, st.integers(0, 30), st.integers(0, 30))
def test_a_later_arrival_never_takes_an_earlier_quantity(s, asks, q, t):
    before = allocate(s, asks)
    after = allocate(s, [*asks, Ask(1000, q, t, at=99)])
    for share in before.shares:
        assert after.share(share.id).from_quantity >= share.from_quantity


@given(st.integers(1, 12), asks_strategy)
def test_earlier_arrivals_are_served_first(s, asks):
    shares = allocate(s, asks).shares
    for earlier, later in pairwise(shares):
        if later.from_quantity:
            assert earlier.from_quantity == earlier.quantity
        if later.from_tolerance:
            assert earlier.from_tolerance == earlier.tolerance


@given(st.integers(1, 12), asks_strategy)
def test_the_range_holds_what_the_request_gets_now(s, asks):
    a = allocate(s, asks)
    for share in a.shares:
        low, high = likely_range(a, share.id, asks)
        assert low == share.allocated <= high <= share.quantity + share.tolerance
