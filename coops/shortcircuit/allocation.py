"""Allocating an article sold by the case among members' requests (pure, no database).

The Foodsoft rule. Each member asks a quantity and a tolerance (extra units they would
also take to help fill a case), in units. With a case of ``s`` units, a total quantity
``Q`` and a total tolerance ``T``:

- ``cases = Q // s`` full cases come from quantities alone; the remainder is
  ``r = Q - cases * s``;
- when ``r > 0`` and ``r + T >= s``, tolerances top the last case up and one more case
  is ordered. Tolerance only tops up: with ``Q == 0`` nothing is ordered, whatever ``T``;
- the ``U = cases * s`` units go first to quantities, in order of arrival (each gets
  ``min(quantity, units left)``), then to tolerances, in the same order.

Order of arrival is the request time, then the id (ties). Each result carries the
numbers that explain it (`Share.reason` and the totals of `Allocation`), so a page or a
notification can write, in the reader's language, why the member gets what they get.

`unit_price_for` picks the unit price of a volume from an article's price tiers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any


class Reason:
    """Why a request got what it got (codes of `Share.reason`)."""

    ALL = "all"  # quantity and whole tolerance
    QUANTITY_AND_PART = "quantity_and_part"  # quantity and part of the tolerance
    QUANTITY = "quantity"  # quantity only, no unit left for the tolerance
    PART = "part"  # part of the quantity: the cases ran out in arrival order
    NO_CASE = "no_case"  # no case of this article was ordered
    LATE = "late"  # cases were ordered but their units went to earlier requests


@dataclass(frozen=True, slots=True)
class Ask:
    """One member's request: `at` orders arrivals (any comparable, e.g. a datetime)."""

    id: int
    quantity: int
    tolerance: int = 0
    at: Any = 0


@dataclass(frozen=True, slots=True)
class Share:
    id: int
    quantity: int
    tolerance: int
    from_quantity: int
    from_tolerance: int
    reason: str

    @property
    def allocated(self) -> int:
        return self.from_quantity + self.from_tolerance


@dataclass(frozen=True, slots=True)
class Allocation:
    case_size: int
    total_quantity: int
    total_tolerance: int
    cases: int
    shares: tuple[Share, ...]

    @property
    def units(self) -> int:
        return self.cases * self.case_size

    @property
    def full_cases(self) -> int:
        """Cases the quantities fill alone (without any tolerance)."""
        return self.total_quantity // self.case_size

    @property
    def remainder(self) -> int:
        """Units asked beyond the full cases (0..s-1)."""
        return self.total_quantity % self.case_size

    @property
    def topped_up(self) -> bool:
        """Whether tolerances completed one more case."""
        return self.cases > self.full_cases

    @property
    def missing(self) -> int:
        """More units someone must ask for the incomplete case to be ordered, the
        tolerances counted (0 when there is no incomplete case or it is topped up)."""
        if self.remainder == 0 or self.topped_up:
            return 0
        return self.case_size - self.remainder - self.total_tolerance

    def share(self, ask_id: int) -> Share | None:
        return next((s for s in self.shares if s.id == ask_id), None)


def arrival_order(asks: Iterable[Ask]) -> list[Ask]:
    return sorted(asks, key=lambda a: (a.at, a.id))


def _check(case_size: int, asks: Sequence[Ask]) -> None:
    if case_size < 1:
        raise ValueError("a case holds at least one unit")
    if any(a.quantity < 0 or a.tolerance < 0 for a in asks):
        raise ValueError("quantities and tolerances are never negative")
    if len({a.id for a in asks}) != len(asks):
        raise ValueError("each request appears once")


def cases_for(case_size: int, total_quantity: int, total_tolerance: int) -> int:
    """Cases ordered for these totals: full ones, plus one that tolerances top up."""
    cases, remainder = divmod(total_quantity, case_size)
    if remainder > 0 and remainder + total_tolerance >= case_size:
        cases += 1
    return cases


def distribute(units: int, asks: Sequence[Ask]) -> list[tuple[int, int]]:
    """Give `units` to the asks (already in arrival order): quantities first, then
    tolerances. Returns (from quantity, from tolerance) per ask."""
    left = units
    from_quantity = []
    for a in asks:
        take = min(a.quantity, left)
        from_quantity.append(take)
        left -= take
    result = []
    for a, q in zip(asks, from_quantity, strict=True):
        take = min(a.tolerance, left)
        result.append((q, take))
        left -= take
    return result


def _reason(ask: Ask, got_q: int, got_t: int, cases: int) -> str:
    if got_q + got_t == 0:
        return Reason.NO_CASE if cases == 0 else Reason.LATE
    if got_q < ask.quantity:
        return Reason.PART
    if got_t == ask.tolerance:
        return Reason.ALL
    return Reason.QUANTITY_AND_PART if got_t else Reason.QUANTITY


def allocate(case_size: int, asks: Iterable[Ask]) -> Allocation:
    """Allocate one article's cases among `asks` by the Foodsoft rule (module docstring).
    Deterministic; shares come back in arrival order."""
    ordered = arrival_order(asks)
    _check(case_size, ordered)
    total_q = sum(a.quantity for a in ordered)
    total_t = sum(a.tolerance for a in ordered)
    cases = cases_for(case_size, total_q, total_t)
    shares = tuple(
        Share(a.id, a.quantity, a.tolerance, q, t, _reason(a, q, t, cases))
        for a, (q, t) in zip(ordered, distribute(cases * case_size, ordered), strict=True)
    )
    return Allocation(case_size, total_q, total_t, cases, shares)


def likely_range(allocation: Allocation, ask_id: int, asks: Iterable[Ask]) -> tuple[int, int]:
    """What a request will probably get, as (at least, at most).

    At least: what it gets if requests closed now (`allocation`). At most: what it
    would get if one more case were ordered with the requests as they stand (someone
    tops the incomplete case up), never more than its quantity plus tolerance.
    Later requests may still change both: their quantities come before earlier
    tolerances."""
    share = allocation.share(ask_id)
    if share is None:
        return (0, 0)
    ordered = arrival_order(asks)
    more = distribute((allocation.cases + 1) * allocation.case_size, ordered)
    index = [a.id for a in ordered].index(ask_id)
    high = min(sum(more[index]), share.quantity + share.tolerance)
    return (share.allocated, max(high, share.allocated))


def explanation_data(allocation: Allocation, share: Share) -> dict:
    """What the member's explanation is written from (stored as JSON at closing)."""
    return {
        **asdict(share),
        "allocated": share.allocated,
        "case_size": allocation.case_size,
        "cases": allocation.cases,
        "units": allocation.units,
        "total_quantity": allocation.total_quantity,
        "total_tolerance": allocation.total_tolerance,
        "remainder": allocation.remainder,
    }


# --- price tiers -----------------------------------------------------------------------------


def unit_price_for(base: Decimal, tiers: Sequence[Mapping], units: int) -> Decimal:
    """The unit price for a total of `units`: the tier with the highest `min_units` not
    above `units`, else `base`."""
    price = base
    for tier in sorted(tiers, key=lambda t: int(t["min_units"])):
        if units >= int(tier["min_units"]):
            price = Decimal(str(tier["unit_price"]))
    return price


def next_tier(tiers: Sequence[Mapping], units: int) -> Mapping | None:
    """The first tier above `units` (to say "from 24 units: 2.10 €"), or None."""
    above = [t for t in tiers if int(t["min_units"]) > units]
    return min(above, key=lambda t: int(t["min_units"])) if above else None
