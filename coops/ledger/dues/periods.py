"""Periods of a dues plan, as pure functions of dates.

A period begins on the first of a month. Yearly periods begin every year in the
plan's anchor month (the month of its start date); monthly periods on the first of
every month. Dues fall due on the plan's due day of the period's first month and
become overdue the day after `grace_until` (due date + grace days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format

YEARLY = "yearly"
MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class PeriodDates:
    start: date
    end: date  # inclusive
    due_on: date
    grace_until: date


def _add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(period: str, anchor_month: int, on: date) -> date:
    """First day of the period that contains `on`."""
    if period == MONTHLY:
        return date(on.year, on.month, 1)
    if period == YEARLY:
        year = on.year if on.month >= anchor_month else on.year - 1
        return date(year, anchor_month, 1)
    raise ValueError(f"unknown period {period!r}")


def period_dates(
    period: str, anchor_month: int, on: date, *, due_day: int, grace_days: int
) -> PeriodDates:
    """Bounds, due date and end of grace of the period that contains `on`."""
    start = period_start(period, anchor_month, on)
    following = _add_months(start, 12 if period == YEARLY else 1)
    due_on = start.replace(day=due_day)
    return PeriodDates(
        start=start,
        end=following - timedelta(days=1),
        due_on=due_on,
        grace_until=due_on + timedelta(days=grace_days),
    )


def period_label(period: str, start: date) -> str:
    """ "2026-2027" for a yearly period from September, "2026" for one from January,
    "novembre 2026" (in the active language) for a month."""
    if period == MONTHLY:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if start.month == 1:
        return str(start.year)
    return f"{start.year}-{start.year + 1}"
