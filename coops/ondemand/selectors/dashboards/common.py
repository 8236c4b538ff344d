"""Figures both dashboards use: hours and the effective hourly rate, and the jobs of a
working day."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, Sum, When
from django.db.models.functions import Coalesce, TruncDate

from coops.core.money import Money
from coops.ledger.models import Entry, Purpose

from ... import kinds
from ...models import JobStatus

HOURS_BUCKETS = (0, 10, 20, 40, 80, 120)  # hours over 30 days
EARNINGS_BUCKETS = (0, 100, 250, 500, 1000, 2000)  # in the currency's units
# Under this many workers, a distribution would reveal someone's own figures.
MIN_WORKERS_FOR_DISTRIBUTION = 3


def hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def hourly_rate(paid_minor: int, seconds: int) -> int | None:
    """Minor units earned per hour worked (None before any time is worked)."""
    if seconds <= 0:
        return None
    return int((Decimal(paid_minor) * 3600 / seconds).to_integral_value(ROUND_HALF_UP))


def paid_sum() -> Sum:
    """A job's pay when done, its cancellation fee when cancelled."""
    return Sum(
        Case(
            When(status=JobStatus.DONE, then=F("worker_pay_minor")),
            default=F("cancellation_fee_minor"),
        )
    )


def topup_entries(group, start, end, *, user_id=None):
    """Top-ups credited to workers (to one worker with `user_id`) between two instants."""
    entries = Entry.objects.filter(
        transaction__group=group,
        transaction__kind=kinds.TOPUP,
        transaction__created_at__gte=start,
        transaction__created_at__lt=end,
        account__purpose=Purpose.MEMBER,
        account__owner_type=ContentType.objects.get_for_model(get_user_model()),
        amount__gt=0,
    )
    return entries if user_id is None else entries.filter(account__owner_id=str(user_id))


def day_of_job(zone):
    return Coalesce(TruncDate("done_at", tzinfo=zone), TruncDate("cancelled_at", tzinfo=zone))


def money_text(minor: int, currency: str) -> str:
    return str(Money.from_minor(int(minor), currency))
