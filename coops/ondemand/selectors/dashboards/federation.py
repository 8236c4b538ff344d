"""The federation's dashboard: anonymous aggregates, and the per-worker table for
organisers."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext

from coops.core.money import Money, symbol
from coops.ledger.models import Entry, Purpose

from ... import kinds
from ...models import Job, JobStatus, Worker
from ...services._base import rules_of
from ...services.settlement import day_bounds, day_jobs_q
from .charts import Chart, bar_chart, histogram
from .common import (
    EARNINGS_BUCKETS,
    HOURS_BUCKETS,
    MIN_WORKERS_FOR_DISTRIBUTION,
    hourly_rate,
    hours,
    money_text,
    paid_sum,
    topup_entries,
)


@dataclass
class WorkerRow:
    worker_id: int
    name: str = ""
    jobs: int = 0
    seconds: int = 0
    pay: int = 0
    topups: int = 0

    @property
    def paid(self) -> int:
        return self.pay + self.topups

    @property
    def hours(self) -> Decimal:
        return hours(self.seconds)

    @property
    def rate(self) -> int | None:
        return hourly_rate(self.paid, self.seconds)


@dataclass
class Spread:
    """Median, minimum and maximum of one figure among the workers."""

    median: Decimal
    low: Decimal
    high: Decimal


def spread(values: list[Decimal]) -> Spread | None:
    if not values:
        return None
    return Spread(
        median=Decimal(statistics.median(values)).quantize(Decimal("0.01")),
        low=min(values),
        high=max(values),
    )


@dataclass
class FederationDashboard:
    currency: str
    volume: list[tuple[date, int]]
    volume_chart: Chart
    jobs_month: int
    commission_month: int
    topups_month: int
    federation_cancellations_month: int
    fund_month: int
    running_costs: int
    workers: list[WorkerRow]
    distribution_shown: bool
    hours_spread: Spread | None = None
    earnings_spread: Spread | None = None
    rate_spread: Spread | None = None
    hours_chart: Chart | None = None
    earnings_chart: Chart | None = None
    costs_chart: Chart | None = None
    per_worker: list[WorkerRow] = field(default_factory=list)

    @property
    def covered_percent(self) -> int | None:
        if not self.running_costs:
            return None
        return round(self.commission_month * 100 / self.running_costs)

    @property
    def net_month(self) -> int:
        return self.commission_month - self.topups_month - self.federation_cancellations_month


def _per_worker(group, start, end) -> dict[int, WorkerRow]:
    rows: dict[int, WorkerRow] = {}
    jobs = (
        Job.objects.filter(day_jobs_q(start, end), group=group, worker__isnull=False)
        .values("worker", "worker__user_id")
        .annotate(
            jobs=Count("id", filter=Q(status=JobStatus.DONE)),
            seconds=Sum("worked_seconds"),
            pay=paid_sum(),
        )
        .order_by()
    )
    by_user: dict[str, WorkerRow] = {}
    for row in jobs:
        r = WorkerRow(
            row["worker"], jobs=row["jobs"], seconds=row["seconds"] or 0, pay=row["pay"] or 0
        )
        rows[r.worker_id] = by_user[str(row["worker__user_id"])] = r
    topups = (
        topup_entries(group, start, end)
        .values("account__owner_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in topups:
        if row["account__owner_id"] in by_user:
            by_user[row["account__owner_id"]].topups = row["total"] or 0
    return rows


def _fees_by_kind(group, start, end) -> dict[str, int]:
    """The federation's fees account, this month, by kind of movement."""
    rows = (
        Entry.objects.filter(
            account__group=group,
            account__purpose=Purpose.FEES,
            transaction__created_at__gte=start,
            transaction__created_at__lt=end,
        )
        .values("transaction__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["transaction__kind"]: row["total"] or 0 for row in rows}


def federation_dashboard(group, *, per_worker: bool) -> FederationDashboard:
    """Volume of the last 30 days, the month's commission against the running costs,
    and how hours and earnings spread among the workers over 30 days (names only
    with `per_worker`, for organisers). Seven queries at most."""
    rules = rules_of(group)
    currency = rules.currency
    zone = group.zone
    today = group.today()
    first = today - timedelta(days=29)
    start = day_bounds(group, first)[0]
    end = day_bounds(group, today)[1]
    month_start = day_bounds(group, today.replace(day=1))[0]
    done = Job.objects.filter(group=group, status=JobStatus.DONE)
    per_day = dict(
        done.filter(done_at__gte=start, done_at__lt=end)
        .annotate(day=TruncDate("done_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("day", "n")
    )
    days = [first + timedelta(days=i) for i in range(30)]
    volume = [(d, per_day.get(d, 0)) for d in days]
    month = done.filter(done_at__gte=month_start, done_at__lt=end).aggregate(
        jobs=Count("id"), fund=Sum("fund_minor")
    )
    fees = _fees_by_kind(group, month_start, end)
    rows = _per_worker(group, start, end)
    workers = sorted(rows.values(), key=lambda r: (-r.seconds, r.worker_id))
    running = Money(rules.running_costs_monthly, currency).to_minor()
    commission = fees.get(kinds.SETTLEMENT, 0)
    dashboard = FederationDashboard(
        currency=currency,
        volume=volume,
        volume_chart=bar_chart([(f"{d:%d/%m}", n, str(n)) for d, n in volume]),
        jobs_month=month["jobs"],
        commission_month=commission,
        topups_month=-fees.get(kinds.TOPUP, 0),
        federation_cancellations_month=-fees.get(kinds.CANCELLATION, 0),
        fund_month=month["fund"] or 0,
        running_costs=running,
        workers=workers,
        distribution_shown=len(workers) >= MIN_WORKERS_FOR_DISTRIBUTION,
    )
    dashboard.costs_chart = bar_chart(
        [
            (gettext("Commission"), commission, money_text(commission, currency)),
            (gettext("Running costs"), running, money_text(running, currency)),
        ]
    )
    if dashboard.distribution_shown:
        hours_list = [w.hours for w in workers]
        earnings = [Money.from_minor(w.paid, currency).amount for w in workers]
        rates = [Money.from_minor(w.rate, currency).amount for w in workers if w.rate is not None]
        dashboard.hours_spread = spread(hours_list)
        dashboard.earnings_spread = spread(earnings)
        dashboard.rate_spread = spread(rates)
        dashboard.hours_chart = bar_chart(histogram(hours_list, HOURS_BUCKETS, "h"))
        dashboard.earnings_chart = bar_chart(
            histogram(earnings, EARNINGS_BUCKETS, symbol(currency))
        )
    if per_worker and workers:
        names = Worker.objects.filter(pk__in=rows).select_related("user").in_bulk()
        for row in workers:
            row.name = names[row.worker_id].user.public_name
        dashboard.per_worker = workers
    return dashboard
