"""Periods of a dues plan: worked examples and properties."""

from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.ledger.dues.periods import MONTHLY, YEARLY, period_dates, period_label


@pytest.mark.parametrize(
    ("on", "start", "end"),
    [
        (date(2026, 9, 1), date(2026, 9, 1), date(2027, 8, 31)),
        (date(2026, 11, 23), date(2026, 9, 1), date(2027, 8, 31)),
        (date(2027, 8, 31), date(2026, 9, 1), date(2027, 8, 31)),
        (date(2026, 8, 31), date(2025, 9, 1), date(2026, 8, 31)),
    ],
)
def test_yearly_periods_begin_in_the_anchor_month(on, start, end):
    dates = period_dates(YEARLY, 9, on, due_day=1, grace_days=30)
    assert (dates.start, dates.end) == (start, end)
    assert dates.due_on == start
    assert dates.grace_until == start + timedelta(days=30)


def test_monthly_period_due_on_the_fifth_with_grace():
    dates = period_dates(MONTHLY, 1, date(2026, 2, 14), due_day=5, grace_days=10)
    assert (dates.start, dates.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (dates.due_on, dates.grace_until) == (date(2026, 2, 5), date(2026, 2, 15))
    december = period_dates(MONTHLY, 1, date(2026, 12, 31), due_day=28, grace_days=0)
    assert (december.start, december.end, december.due_on) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
        date(2026, 12, 28),
    )


def test_labels_in_french_and_english():
    with translation.override("fr"):
        assert period_label(YEARLY, date(2026, 9, 1)) == "2026-2027"
        assert period_label(YEARLY, date(2026, 1, 1)) == "2026"
        assert period_label(MONTHLY, date(2026, 11, 1)) == "novembre 2026"
    with translation.override("en"):
        assert period_label(MONTHLY, date(2026, 11, 1)) == "November 2026"


def test_unknown_period_is_an_error():
    with pytest.raises(ValueError, match="unknown period 'weekly'"):
        period_dates("weekly", 1, date(2026, 1, 1), due_day=1, grace_days=0)


@given(
    period=st.sampled_from([YEARLY, MONTHLY]),
    anchor=st.integers(1, 12),
    on=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    due_day=st.integers(1, 28),
    grace=st.integers(0, 365),
)
def test_periods_tile_the_calendar(period, anchor, on, due_day, grace):
    dates = period_dates(period, anchor, on, due_day=due_day, grace_days=grace)
    assert dates.start <= on <= dates.end
    assert dates.start.day == 1
    following = period_dates(period, anchor, dates.end + timedelta(days=1), due_day=1, grace_days=0)
    assert following.start == dates.end + timedelta(days=1)
    assert (dates.due_on.year, dates.due_on.month, dates.due_on.day) == (
        dates.start.year,
        dates.start.month,
        due_day,
    )
    assert dates.grace_until - dates.due_on == timedelta(days=grace)
    if period == YEARLY:
        assert dates.start.month == anchor
