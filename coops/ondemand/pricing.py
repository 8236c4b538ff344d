"""The quote: a pure function of the federation's rules and the estimated trip.

- tariff = base + per km × km + per minute × minutes + per item × (items − 1)
- floor = minimum hourly rate × estimated hours
- worker pay = max(tariff, floor): the pay is never under the floor
- commission = pay × commission %, fund contribution = pay × fund %, both added on top
- price = pay + commission + fund

Every amount is rounded to the cent (half up) before it is added, so the three parts
always sum to the price the customer sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from coops.core.money import Money

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Tariff:
    currency: str
    min_hourly_rate: Decimal
    commission_percent: Decimal
    fund_percent: Decimal
    base: Decimal
    per_km: Decimal
    per_minute: Decimal
    per_item: Decimal

    @classmethod
    def of(cls, rules) -> Tariff:
        return cls(
            currency=rules.currency,
            min_hourly_rate=rules.min_hourly_rate,
            commission_percent=rules.commission_percent,
            fund_percent=rules.fund_percent,
            base=rules.tariff_base,
            per_km=rules.tariff_per_km,
            per_minute=rules.tariff_per_minute,
            per_item=rules.tariff_per_item,
        )


@dataclass(frozen=True, slots=True)
class Quote:
    currency: str
    distance_m: int
    duration_s: int
    tariff: Decimal
    floor: Decimal
    worker_pay: Decimal
    commission: Decimal
    fund: Decimal
    price: Decimal

    @property
    def raised_to_floor(self) -> bool:
        return self.worker_pay > self.tariff

    def minor(self, amount: Decimal) -> int:
        return Money(amount, self.currency).to_minor()


def _cents(value: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(CENT, rounding=rounding)


def floor_pay(min_hourly_rate: Decimal, seconds: int) -> Decimal:
    """The minimum pay for `seconds` of work, rounded up to the cent (never under)."""
    return _cents(min_hourly_rate * Decimal(seconds) / Decimal(3600), ROUND_CEILING)


def quote(tariff: Tariff, *, distance_m: int, duration_s: int, items: int = 1) -> Quote:
    """The breakdown a customer and a worker both see for one job."""
    if distance_m < 0 or duration_s < 0 or items < 1:
        raise ValueError("distance and duration are ≥ 0 and items ≥ 1")
    km = Decimal(distance_m) / Decimal(1000)
    minutes = Decimal(duration_s) / Decimal(60)
    raw = (
        tariff.base
        + tariff.per_km * km
        + tariff.per_minute * minutes
        + tariff.per_item * Decimal(items - 1)
    )
    price_tariff = _cents(raw)
    floor = floor_pay(tariff.min_hourly_rate, duration_s)
    pay = max(price_tariff, floor)
    commission = _cents(pay * tariff.commission_percent / HUNDRED)
    fund = _cents(pay * tariff.fund_percent / HUNDRED)
    return Quote(
        currency=tariff.currency,
        distance_m=distance_m,
        duration_s=duration_s,
        tariff=price_tariff,
        floor=floor,
        worker_pay=pay,
        commission=commission,
        fund=fund,
        price=pay + commission + fund,
    )
