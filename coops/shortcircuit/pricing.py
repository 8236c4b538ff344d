"""Pure money arithmetic of order lines (no database).

A line's buyer price per unit is the offer price plus the hub fee (a percentage of the
price and/or a fixed amount per item). A variable-weight variant is priced per kg:
its unit price is the price per kg × the estimated weight of one item, until the line
is weighed, then the price per kg × the weighed total. Amounts round half-up to the
cent per unit, then the line total is unit amount × quantity, rounded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class LineAmounts:
    unit_price: Decimal  # what the producer gets per unit
    unit_fee: Decimal  # what the hub gets per unit
    total: Decimal  # what the buyer pays for the line
    fee_total: Decimal  # the hub's part of the total

    @property
    def producer_total(self) -> Decimal:
        return self.total - self.fee_total


def unit_fee(price: Decimal, fee_percent: Decimal, fee_per_item: Decimal) -> Decimal:
    return cents(price * fee_percent / HUNDRED + fee_per_item)


def line_amounts(
    *,
    price: Decimal,
    quantity: Decimal,
    fee_percent: Decimal = Decimal("0"),
    fee_per_item: Decimal = Decimal("0"),
    estimated_weight: Decimal | None = None,
    actual_weight: Decimal | None = None,
) -> LineAmounts:
    """The line's unit price, unit fee and total. `price` is per unit, or per kg when
    `estimated_weight` (kg per item) is given; `actual_weight` is the weighed total of
    the line in kg and, when known, replaces quantity × estimate."""
    if estimated_weight is None:
        unit = cents(price)
        fee = unit_fee(unit, fee_percent, fee_per_item)
        producer = cents(unit * quantity)
        fees = cents(fee * quantity)
    else:
        weight = actual_weight if actual_weight is not None else estimated_weight * quantity
        unit = cents(price * estimated_weight)
        producer = cents(price * weight)
        fee = unit_fee(unit, fee_percent, fee_per_item)
        # The percentage follows the weighed price; the per-item part follows the items.
        fees = cents(producer * fee_percent / HUNDRED + fee_per_item * quantity)
    return LineAmounts(unit_price=unit, unit_fee=fee, total=producer + fees, fee_total=fees)


def on_step(quantity: Decimal, step: Decimal) -> bool:
    """Whether `quantity` is a positive multiple of the variant's step."""
    return quantity > 0 and (quantity / step) == (quantity / step).to_integral_value()
