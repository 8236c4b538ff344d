"""Properties of `pricing.line_amounts`, and worked examples."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ..pricing import CENT, cents, line_amounts, on_step

prices = st.decimals(min_value="0", max_value="500", places=3)
quantities = st.decimals(min_value="0.001", max_value="100", places=3)
percents = st.decimals(min_value="0", max_value="30", places=2)
per_item = st.decimals(min_value="0", max_value="5", places=2)
weights = st.decimals(min_value="0.001", max_value="20", places=3)


def on_cents(value: Decimal) -> bool:
    return value == value.quantize(CENT)


@given(price=prices, quantity=quantities, fee_percent=percents, fee_per_item=per_item,
       estimated=st.none() | weights, actual=st.none() | weights)  # fmt: skip
def test_total_is_producer_part_plus_fee_part_never_negative_and_in_cents(
    price, quantity, fee_percent, fee_per_item, estimated, actual
):
    amounts = line_amounts(
        price=price, quantity=quantity, fee_percent=fee_percent, fee_per_item=fee_per_item,
        estimated_weight=estimated, actual_weight=actual if estimated is not None else None,
    )  # fmt: skip
    assert amounts.total == amounts.producer_total + amounts.fee_total
    for value in (amounts.unit_price, amounts.unit_fee, amounts.total, amounts.fee_total,
                  amounts.producer_total):  # fmt: skip
        assert value >= 0
        assert on_cents(value)


@given(price=prices, quantity=quantities, fee_percent=percents, fee_per_item=per_item)
def test_fixed_lines_round_per_unit_then_per_line(price, quantity, fee_percent, fee_per_item):
    amounts = line_amounts(
        price=price, quantity=quantity, fee_percent=fee_percent, fee_per_item=fee_per_item
    )
    unit = cents(price)
    fee = cents(unit * fee_percent / 100 + fee_per_item)
    assert (amounts.unit_price, amounts.unit_fee) == (unit, fee)
    assert amounts.producer_total == cents(unit * quantity)
    assert amounts.fee_total == cents(fee * quantity)


@given(price=prices, quantity=st.integers(1, 20), fee_percent=percents, estimated=weights)
def test_an_unweighed_line_is_priced_as_weighing_the_estimate(
    price, quantity, fee_percent, estimated
):
    kwargs = {"price": price, "quantity": Decimal(quantity), "fee_percent": fee_percent,
              "estimated_weight": estimated}  # fmt: skip
    assert line_amounts(**kwargs) == line_amounts(
        **kwargs, actual_weight=estimated * Decimal(quantity)
    )


@given(price=prices, quantity=st.integers(1, 20), estimated=weights, a=weights, b=weights)
def test_heavier_never_costs_less(price, quantity, estimated, a, b):
    light, heavy = sorted((a, b))
    kwargs = {"price": price, "quantity": Decimal(quantity), "estimated_weight": estimated,
              "fee_percent": Decimal("10"), "fee_per_item": Decimal("0.05")}  # fmt: skip
    assert (
        line_amounts(**kwargs, actual_weight=light).total
        <= line_amounts(**kwargs, actual_weight=heavy).total
    )


def test_worked_examples():
    fixed = line_amounts(
        price=Decimal("3.20"), quantity=Decimal("3"), fee_percent=Decimal("5"),
        fee_per_item=Decimal("0.10"),
    )  # fmt: skip
    assert (fixed.unit_price, fixed.unit_fee, fixed.total, fixed.fee_total) == (
        Decimal("3.20"), Decimal("0.26"), Decimal("10.38"), Decimal("0.78"),
    )  # fmt: skip
    weighed = line_amounts(
        price=Decimal("8"), quantity=Decimal("2"), fee_percent=Decimal("5"),
        fee_per_item=Decimal("0.10"), estimated_weight=Decimal("1.25"),
        actual_weight=Decimal("2.6"),
    )  # fmt: skip
    assert (weighed.unit_price, weighed.total, weighed.fee_total) == (
        Decimal("10.00"), Decimal("22.04"), Decimal("1.24"),
    )  # fmt: skip
    # Half a cent rounds up.
    assert line_amounts(price=Decimal("0.005"), quantity=Decimal("1")).total == Decimal("0.01")


@given(step=st.decimals(min_value="0.001", max_value="10", places=3), n=st.integers(1, 1000))
def test_multiples_of_the_step_are_on_step(step, n):
    assert on_step(step * n, step)
    assert not on_step(Decimal(0), step)
    assert not on_step(-step, step)
