"""The dashboards' figures, exactly: a worker's day and week (hours, pay, top-ups,
effective hourly rate against the floor) and the federation's aggregates (volume,
the month's commission against the running costs, how hours and pay are shared),
in a number of queries that does not grow with the data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coops.ledger.services import Leg, transaction_post

from .. import kinds
from ..models import JobStatus
from ..selectors.dashboards import (
    MIN_WORKERS_FOR_DISTRIBUTION,
    Spread,
    bar_chart,
    federation_dashboard,
    histogram,
    worker_dashboard,
)
from ..services._base import rules_of
from ..services.settlement import day_bounds, fees_account, job_settle, member_account
from .factories import FederationFactory, JobFactory
from .jobs_helpers import member_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return FederationFactory()


def at_noon(group, days_ago: int):
    """Noon of a past day (or today) in the federation's zone."""
    return day_bounds(group, group.today() - timedelta(days=days_ago))[0] + timedelta(hours=12)


def done(group, worker, *, days_ago=0, seconds=1800, pay=1000, commission=80, settle=False):
    """A job `worker` finished `days_ago` days ago, with these exact amounts."""
    when = at_noon(group, days_ago)
    job = JobFactory(
        group=group,
        worker=worker,
        status=JobStatus.DONE,
        accepted_at=when - timedelta(seconds=seconds),
        done_at=when,
        worked_seconds=seconds,
        tariff_minor=pay,
        floor_minor=0,
        worker_pay_minor=pay,
        commission_minor=commission,
        fund_minor=0,
        price_minor=pay + commission,
    )
    if settle:
        job_settle(job=job, acting_user=None)
    return job


def topup(group, job, amount):
    transaction_post(
        group=group,
        kind=kinds.TOPUP,
        legs=[
            Leg(fees_account(group, "EUR", None), -amount),
            Leg(member_account(group, job.worker.user, "EUR", None), amount),
        ],
        acting_user=None,
        source=job,
    )


# --- Charts -----------------------------------------------------------------------------


def test_bars_are_scaled_to_the_highest():
    chart = bar_chart([("a", 0, "0"), ("b", 5, "5"), ("c", 10, "10")])
    assert [b.height for b in chart.bars] == [0, 87.0, 174.0]
    assert [b.y for b in chart.bars] == [190, 103.0, 16.0]
    assert chart.max_text == "10" and not chart.empty
    assert bar_chart([("a", 0, "0")]).empty


def test_labels_are_thinned_out_on_long_charts():
    chart = bar_chart([(str(i), i, str(i)) for i in range(30)])
    shown = [b.label for b in chart.bars if b.show_label]
    assert shown == ["0", "3", "6", "9", "12", "15", "18", "21", "24", "27", "29"]


def test_histogram_buckets():
    values = [Decimal(v) for v in ("0", "9.9", "10", "45", "200")]
    assert histogram(values, (0, 10, 40), "h") == [
        ("0–10 h", 2, "2"),
        ("10–40 h", 1, "1"),
        ("≥ 40 h", 2, "2"),
    ]


# --- A worker's dashboard ---------------------------------------------------------------


def test_a_workers_day_and_week(group):
    worker = member_worker(group)
    today_job = done(group, worker, seconds=1800, pay=1000)
    cancelled = JobFactory(
        group=group,
        worker=worker,
        status=JobStatus.CANCELLED,
        accepted_at=at_noon(group, 0) - timedelta(minutes=5),
        cancelled_at=at_noon(group, 0),
        worked_seconds=300,
        cancellation_fee_minor=350,
    )
    done(group, worker, days_ago=2, seconds=3600, pay=1500)
    done(group, worker, days_ago=8, seconds=3600, pay=9999)  # out of the week
    done(group, member_worker(group), seconds=3600, pay=7777)  # someone else's
    topup(group, today_job, 250)
    board = worker_dashboard(worker)
    day = board.today
    assert (day.jobs, day.seconds, day.pay, day.topups, day.paid) == (1, 2100, 1350, 250, 1600)
    # 16.00 € for 35 minutes: 27.43 €/h, over the floor of 12.00 €/h.
    assert (day.rate, board.floor_rate, board.under_floor) == (2743, 1200, False)
    assert {j.pk for j in board.jobs_today} == {today_job.pk, cancelled.pk}
    assert [e.amount for e in board.topups_today] == [250]
    assert [(d.jobs, d.seconds, d.paid) for d in board.week] == [
        (0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0), (1, 3600, 1500), (0, 0, 0), (1, 2100, 1600),
    ]  # fmt: skip
    assert [d.day for d in board.week][-1] == group.today()
    assert [b.text for b in board.chart.bars][-1] == "16,00\N{NO-BREAK SPACE}€"


def test_a_day_under_the_floor_shows_it(group):
    worker = member_worker(group)
    done(group, worker, seconds=3600, pay=1000)
    board = worker_dashboard(worker)
    assert (board.today.rate, board.under_floor) == (1000, True)


def test_the_worker_dashboard_takes_a_fixed_number_of_queries(group):
    worker = member_worker(group)
    done(group, worker)
    with CaptureQueriesContext(connection) as few:
        worker_dashboard(worker)
    for days_ago in range(7):
        for _ in range(3):
            job = done(group, worker, days_ago=days_ago)
            topup(group, job, 10)
    with CaptureQueriesContext(connection) as many:
        worker_dashboard(worker)
    assert len(many) == len(few) <= 6


# --- The federation's dashboard ---------------------------------------------------------


def test_the_federations_figures(group):
    rules = rules_of(group)
    rules.running_costs_monthly = Decimal("20.00")
    rules.save()
    alice, bob, chloe = (member_worker(group) for _ in range(3))
    a1 = done(group, alice, seconds=3600, pay=1500, commission=120, settle=True)
    done(group, alice, days_ago=1, seconds=7200, pay=2500, commission=200)
    done(group, bob, seconds=1800, pay=1000, commission=80, settle=True)
    done(group, chloe, days_ago=3, seconds=10800, pay=3000, commission=240)
    done(group, chloe, days_ago=40, seconds=3600, pay=5000)  # before the 30 days
    topup(group, a1, 500)
    board = federation_dashboard(group, per_worker=False)
    today = group.today()
    volume = dict(board.volume)
    assert len(board.volume) == 30 and board.volume[-1][0] == today
    assert (
        volume[today],
        volume[today - timedelta(days=1)],
        volume[today - timedelta(days=3)],
    ) == (
        2,
        1,
        1,
    )
    assert sum(volume.values()) == 4
    days_ago = (0, 0, 1, 3, 40)
    assert board.jobs_month == sum(
        1 for d in days_ago if (today - timedelta(days=d)).month == today.month
    )
    # Only settled jobs put commission in the book: 1.20 + 0.80; one top-up of 5.00.
    assert (board.commission_month, board.topups_month, board.running_costs) == (200, 500, 2000)
    assert (board.covered_percent, board.net_month) == (10, -300)
    assert board.distribution_shown
    # Alice 3 h, 45.00 € (with the top-up); Bob 0.5 h, 10.00 €; Chloé 3 h, 30.00 €.
    assert board.hours_spread == Spread(Decimal("3.00"), Decimal("0.5"), Decimal("3.0"))
    assert board.earnings_spread == Spread(Decimal("30.00"), Decimal("10"), Decimal("45"))
    assert board.rate_spread == Spread(Decimal("15.00"), Decimal("10"), Decimal("20"))
    assert [b.value for b in board.hours_chart.bars] == [3, 0, 0, 0, 0, 0]
    assert [b.value for b in board.earnings_chart.bars] == [3, 0, 0, 0, 0, 0]
    assert board.per_worker == []
    named = federation_dashboard(group, per_worker=True).per_worker
    assert [(r.name, r.jobs, r.seconds, r.paid, r.topups) for r in named] == [
        (alice.user.public_name, 2, 10800, 4500, 500),
        (chloe.user.public_name, 1, 10800, 3000, 0),
        (bob.user.public_name, 1, 1800, 1000, 0),
    ]


def test_the_month_counts_jobs_since_the_first(group):
    worker = member_worker(group)
    today = group.today()
    for days_ago in range(0, 29):
        done(group, worker, days_ago=days_ago)
    board = federation_dashboard(group, per_worker=False)
    assert board.jobs_month == min(today.day, 29)


def test_too_few_workers_show_no_distribution(group):
    for _ in range(MIN_WORKERS_FOR_DISTRIBUTION - 1):
        done(group, member_worker(group))
    board = federation_dashboard(group, per_worker=False)
    assert not board.distribution_shown
    assert board.hours_spread is None and board.hours_chart is None


def test_the_federation_dashboard_takes_a_fixed_number_of_queries(group):
    done(group, member_worker(group), settle=True)
    with CaptureQueriesContext(connection) as few:
        federation_dashboard(group, per_worker=True)
    for _ in range(6):
        worker = member_worker(group)
        for days_ago in range(0, 30, 3):
            job = done(group, worker, days_ago=days_ago, settle=days_ago == 0)
            topup(group, job, 10)
    with CaptureQueriesContext(connection) as many:
        federation_dashboard(group, per_worker=True)
    assert len(many) == len(few) <= 8
