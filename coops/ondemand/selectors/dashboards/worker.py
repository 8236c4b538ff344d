"""A worker's own dashboard: today and the last 7 days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from coops.core.money import Money
from coops.ledger.models import Entry

from ...models import ACTIVE_STATUSES, Job, JobStatus, Worker
from ...services._base import rules_of
from ...services.settlement import day_bounds, day_jobs_q
from .charts import Chart, bar_chart
from .common import day_of_job, hourly_rate, hours, money_text, paid_sum, topup_entries


@dataclass
class WorkDay:
    day: date
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
class WorkerDashboard:
    worker: Worker
    currency: str
    floor_rate: int  # the minimum hourly rate, minor units
    today: WorkDay
    week: list[WorkDay]
    jobs_today: list[Job]
    topups_today: list[Entry]
    chart: Chart | None = None

    @property
    def under_floor(self) -> bool:
        return self.today.rate is not None and self.today.rate < self.floor_rate


def worker_dashboard(worker: Worker) -> WorkerDashboard:
    """The worker's today (jobs, hours, earnings, top-ups, effective hourly rate against
    the floor) and their last 7 days: four queries."""
    group = worker.group
    rules = rules_of(group)
    zone = group.zone
    today = group.today()
    first = today - timedelta(days=6)
    start = day_bounds(group, first)[0]
    today_start, end = day_bounds(group, today)
    days = {first + timedelta(days=i): WorkDay(first + timedelta(days=i)) for i in range(7)}
    rows = (
        Job.objects.filter(day_jobs_q(start, end), worker=worker)
        .annotate(day=day_of_job(zone))
        .values("day")
        .annotate(
            jobs=Count("id", filter=Q(status=JobStatus.DONE)),
            seconds=Sum("worked_seconds"),
            pay=paid_sum(),
        )
        .order_by()
    )
    for row in rows:
        if row["day"] in days:
            d = days[row["day"]]
            d.jobs, d.seconds, d.pay = row["jobs"], row["seconds"] or 0, row["pay"] or 0
    topups = (
        topup_entries(worker.group, start, end, user_id=worker.user_id)
        .annotate(day=TruncDate("transaction__created_at", tzinfo=zone))
        .values("day")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in topups:
        if row["day"] in days:
            days[row["day"]].topups = row["total"] or 0
    jobs_today = list(
        Job.objects.filter(
            day_jobs_q(today_start, end) | Q(status__in=ACTIVE_STATUSES), worker=worker
        ).order_by("-accepted_at", "-id")
    )
    topups_today = list(
        topup_entries(worker.group, today_start, end, user_id=worker.user_id)
        .select_related("transaction")
        .order_by("transaction__created_at", "id")
    )
    week = [days[d] for d in sorted(days)]
    currency = rules.currency
    dashboard = WorkerDashboard(
        worker=worker,
        currency=currency,
        floor_rate=Money(rules.min_hourly_rate, currency).to_minor(),
        today=days[today],
        week=week,
        jobs_today=jobs_today,
        topups_today=topups_today,
    )
    dashboard.chart = bar_chart(
        [(f"{d.day:%d/%m}", d.paid, money_text(d.paid, currency)) for d in week]
    )
    return dashboard
