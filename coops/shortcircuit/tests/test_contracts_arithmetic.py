"""Pure arithmetic of season contracts: instalments, re-planning, dates, alternation."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ..services.contracts import weekly_dates
from ..services.subscriptions import (
    add_months,
    collector_is_member,
    instalment_amounts,
    instalment_due_dates,
    replanned_amounts,
)

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2)


def test_instalments_put_the_remainder_on_the_first():
    assert instalment_amounts(Decimal("100.00"), 3) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert instalment_amounts(Decimal("0.02"), 8) == [Decimal("0.02")] + [Decimal("0.00")] * 7


@given(total=amounts, count=st.integers(min_value=1, max_value=12))
def test_instalments_always_sum_to_the_price_and_none_is_negative(total, count):
    plan = instalment_amounts(total, count)
    assert len(plan) == count
    assert sum(plan) == total
    assert all(a >= 0 for a in plan)
    assert max(plan) - min(plan) < Decimal("0.01") * count


@given(
    total=amounts,
    paid=st.lists(amounts, max_size=5),
    unpaid=st.integers(min_value=1, max_value=8),
)
def test_replanning_keeps_the_paid_ones_and_sums_to_the_price_when_it_can(total, paid, unpaid):
    plan = replanned_amounts(total, paid, unpaid)
    assert len(plan) == unpaid
    assert all(a >= 0 for a in plan)
    if sum(paid) <= total:
        assert sum(paid) + sum(plan) == total
    else:  # the overpayment stays on the member's balance
        assert sum(plan) == 0


def test_due_dates_are_monthly_and_stay_in_short_months():
    assert instalment_due_dates(date(2025, 1, 31), 4) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    ]
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_weekly_dates_fall_on_the_weekday_between_the_dates():
    # 2025-04-01 is a Tuesday; Thursdays until 2025-04-24 included.
    assert weekly_dates(date(2025, 4, 1), date(2025, 4, 24), 3) == [
        date(2025, 4, 3),
        date(2025, 4, 10),
        date(2025, 4, 17),
        date(2025, 4, 24),
    ]
    assert weekly_dates(date(2025, 4, 1), date(2025, 4, 2), 3) == []


@given(index=st.integers(min_value=0, max_value=60), first=st.booleans())
def test_co_subscribers_alternate_every_delivery(index, first):
    assert collector_is_member(index, first) != collector_is_member(index + 1, first)
    assert collector_is_member(0, first) is first
