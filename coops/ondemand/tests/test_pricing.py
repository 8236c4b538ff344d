"""The quote: worked examples with the default rules, and properties of any rules
(the pay is never under the floor, the parts sum to the price, the commission stays
within 10 % of the pay)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..pricing import Tariff, floor_pay, quote

D = Decimal


def tariff(**overrides) -> Tariff:
    """The default rules of a new federation (FederationRules' defaults)."""
    values = {
        "currency": "EUR",
        "min_hourly_rate": D("12.00"),
        "commission_percent": D("8.00"),
        "fund_percent": D("0.00"),
        "base": D("3.50"),
        "per_km": D("1.20"),
        "per_minute": D("0.25"),
        "per_item": D("0.50"),
    }
    return Tariff(**{**values, **overrides})


def test_a_delivery_of_5_km_in_20_minutes():
    q = quote(tariff(), distance_m=5000, duration_s=1200)
    # 3.50 + 5 × 1.20 + 20 × 0.25 = 14.50; floor 12 €/h × 20 min = 4.00.
    assert (q.tariff, q.floor, q.worker_pay) == (D("14.50"), D("4.00"), D("14.50"))
    assert (q.commission, q.fund, q.price) == (D("1.16"), D("0.00"), D("15.66"))
    assert not q.raised_to_floor
    assert (q.minor(q.price), q.minor(q.worker_pay)) == (1566, 1450)


def test_extra_items_cost_per_item_after_the_first():
    q = quote(tariff(), distance_m=5000, duration_s=1200, items=3)
    assert q.tariff == D("15.50")


def test_a_slow_job_is_raised_to_the_floor():
    # A service of an hour priced 2.00 + 60 × 0.10 = 8.00, under 12 €/h × 1 h.
    q = quote(tariff(base=D("2.00"), per_minute=D("0.10")), distance_m=0, duration_s=3600)
    assert (q.tariff, q.floor, q.worker_pay) == (D("8.00"), D("12.00"), D("12.00"))
    assert q.raised_to_floor
    assert (q.commission, q.price) == (D("0.96"), D("12.96"))


def test_the_fund_contribution_is_added_on_top():
    q = quote(tariff(fund_percent=D("2.00")), distance_m=5000, duration_s=1200)
    assert (q.worker_pay, q.commission, q.fund, q.price) == (
        D("14.50"),
        D("1.16"),
        D("0.29"),
        D("15.95"),
    )


def test_the_floor_is_rounded_up_to_the_cent():
    # 12 €/h × 100 s = 0.3333… €: the worker gets 0.34, never 0.33.
    assert floor_pay(D("12.00"), 100) == D("0.34")
    assert floor_pay(D("12.00"), 0) == D("0.00")


@pytest.mark.parametrize(("distance_m", "duration_s", "items"), [(-1, 0, 1), (0, -1, 1), (0, 0, 0)])
def test_impossible_trips_are_refused(distance_m, duration_s, items):
    with pytest.raises(ValueError):
        quote(tariff(), distance_m=distance_m, duration_s=duration_s, items=items)


def cents(low: str, high: str):
    return st.decimals(min_value=D(low), max_value=D(high), places=2)


tariffs = st.builds(
    Tariff,
    currency=st.just("EUR"),
    min_hourly_rate=cents("0", "100"),
    commission_percent=cents("0", "10"),
    fund_percent=cents("0", "5"),
    base=cents("0", "50"),
    per_km=cents("0", "10"),
    per_minute=cents("0", "5"),
    per_item=cents("0", "10"),
)
trips = {
    "distance_m": st.integers(0, 300_000),
    "duration_s": st.integers(0, 12 * 3600),
    "items": st.integers(1, 99),
}


@given(t=tariffs, **trips)
def test_the_pay_is_never_under_the_floor(t, distance_m, duration_s, items):
    q = quote(t, distance_m=distance_m, duration_s=duration_s, items=items)
    assert q.worker_pay >= q.floor
    assert q.worker_pay >= q.tariff
    assert q.floor >= t.min_hourly_rate * duration_s / 3600
    assert q.worker_pay == max(q.tariff, q.floor)


@given(t=tariffs, **trips)
def test_the_parts_sum_to_the_price_in_cents(t, distance_m, duration_s, items):
    q = quote(t, distance_m=distance_m, duration_s=duration_s, items=items)
    assert q.price == q.worker_pay + q.commission + q.fund
    assert q.minor(q.price) == q.minor(q.worker_pay) + q.minor(q.commission) + q.minor(q.fund)
    for amount in (q.tariff, q.floor, q.worker_pay, q.commission, q.fund, q.price):
        assert amount == amount.quantize(D("0.01")) and amount >= 0


@given(t=tariffs, **trips)
def test_the_commission_is_at_most_ten_percent_of_the_pay(t, distance_m, duration_s, items):
    q = quote(t, distance_m=distance_m, duration_s=duration_s, items=items)
    ten_percent = (q.worker_pay / 10).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert q.commission <= ten_percent
    assert q.fund <= (q.worker_pay / 20).quantize(D("0.01"), rounding=ROUND_HALF_UP)
