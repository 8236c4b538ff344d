"""Voting by colleges (SCIC): each college counts for its weight, whatever its size.

`tally` aggregates each college, normalises each college's aggregate to shares of its own
ballots, combines the colleges by weight, and decides on the combined aggregate.

Exactly: a ballot of college c counts w_c / (W × n_c) of the whole, where n_c is the number of
ballots the college cast and W the sum of the weights of the colleges that voted. To keep every
count an integer (and every method's rule exact), these shares are multiplied by D, the least
common denominator of all of them: each ballot of college c counts k_c = D × w_c / (W × n_c)
times, and the combined aggregate holds D weighted ballot units. Records (consensus blocks,
consent objections) are kept once each: a valid block or objection in any college blocks.

A college that cast no ballot (or has weight 0) contributes nothing, and its weight is left
out: the weights of the colleges that voted are re-normalised to sum to 1. With one college,
or colleges of equal weight and equal size, every k_c is 1 and the result is exactly the plain
tally of all the ballots. When some k_c differs from 1 the combined aggregate carries
`"weighted": True` and the summary speaks in shares rather than in ballots.

Without colleges, call `tally(method, {None: responses}, {None: Fraction(1)}, …)`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import Any

from .base import Aggregate, Method, Outcome, merge_aggregates, scale_aggregate


@dataclass(frozen=True)
class CollegeOutcome:
    """The combined decision, and each college's own tally to show beside it."""

    outcome: Outcome
    colleges: dict[Hashable, Outcome] = field(default_factory=dict)
    ballots: dict[Hashable, int] = field(default_factory=dict)
    # Weights as applied: re-normalised over the colleges that voted, 0 for the others.
    weights: dict[Hashable, Fraction] = field(default_factory=dict)
    # How many times one ballot of each college counts in the combined aggregate.
    multiplicity: dict[Hashable, int] = field(default_factory=dict)
    aggregate: Aggregate = field(default_factory=dict)


def _weight(value: Any) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Fraction | Decimal | str):
        raise ValueError(
            f"a college weight is exact (int, Fraction, Decimal, 'n/d'), not {value!r}"
        )
    weight = Fraction(value)
    if weight < 0:
        raise ValueError("a college weight is never negative")
    return weight


def tally(
    method: Method | str,
    responses_by_college: Mapping[Hashable, Iterable[Mapping[str, Any]]],
    weights: Mapping[Hashable, Any],
    *,
    options: Sequence[int] = (),
    settings: Mapping[str, Any] | None = None,
) -> CollegeOutcome:
    """Decide by colleges (see the module docstring). `responses_by_college` holds cleaned
    ballots; every college needs a weight (a college in `weights` without ballots is fine)."""
    from . import get_method

    method = get_method(method) if isinstance(method, str) else method
    settings = settings or {}
    missing = [key for key in responses_by_college if key not in weights]
    if missing:
        raise ValueError(f"no weight for the colleges {missing!r}")
    keys = list(responses_by_college) + [key for key in weights if key not in responses_by_college]
    applied = {key: _weight(weights[key]) for key in keys}
    aggregates = {
        key: method.aggregate(responses_by_college.get(key, ()), options=options, settings=settings)
        for key in keys
    }
    return combine(method, aggregates, applied, options=options, settings=settings)


def combine(
    method: Method | str,
    aggregates: Mapping[Hashable, Aggregate],
    weights: Mapping[Hashable, Any],
    *,
    options: Sequence[int] = (),
    settings: Mapping[str, Any] | None = None,
) -> CollegeOutcome:
    """`tally` from each college's aggregate, computed elsewhere (in SQL for large votes):
    every college of `weights` needs an aggregate."""
    from . import get_method

    method = get_method(method) if isinstance(method, str) else method
    settings = settings or {}
    keys = list(aggregates) + [key for key in weights if key not in aggregates]
    applied = {key: _weight(weights[key]) for key in keys}
    empty = method.aggregate((), options=options, settings=settings)
    aggregates = {key: aggregates.get(key, empty) for key in keys}
    ballots = {key: aggregates[key]["ballots"] for key in keys}
    voting = [key for key in keys if ballots[key] > 0 and applied[key] > 0]
    total = sum((applied[key] for key in voting), Fraction(0))
    shares = {key: applied[key] / total / ballots[key] for key in voting}
    scale = lcm(*(share.denominator for share in shares.values())) if shares else 1
    multiplicity = {key: int(shares[key] * scale) if key in shares else 0 for key in keys}
    if voting:
        combined = merge_aggregates(
            *(scale_aggregate(aggregates[key], multiplicity[key]) for key in voting)
        )
        if any(multiplicity[key] != 1 for key in voting):
            combined["weighted"] = True
    else:
        combined = method.aggregate((), options=options, settings=settings)
    return CollegeOutcome(
        outcome=method.decide(combined, options=options, settings=settings),
        colleges={
            key: method.decide(aggregates[key], options=options, settings=settings) for key in keys
        },
        ballots=ballots,
        weights={key: applied[key] / total if key in shares else Fraction(0) for key in keys},
        multiplicity=multiplicity,
        aggregate=combined,
    )
