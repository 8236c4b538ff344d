"""Settlement of a done job in the federation's books, the worker's day counters, and
the top-up that keeps every working day at or above the minimum hourly rate. (The
book's invariants are checked after each test by the autouse fixture.)"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coops.core.money import Money
from coops.ledger.models import Entry, Purpose, Transaction
from coops.ledger.services import account_open
from coops.notifications.models import Notification

from .. import kinds
from ..models import JobStatus
from ..pricing import floor_pay
from ..services._base import rules_of
from ..services.jobs import job_done
from ..services.settlement import job_settle
from .factories import FederationFactory
from .jobs_helpers import balance, member_worker, picked_job

pytestmark = pytest.mark.django_db


def floor_minor(seconds: int) -> int:
    return Money(floor_pay(Decimal("12.00"), seconds), "EUR").to_minor()


@pytest.fixture
def group():
    return FederationFactory()


@pytest.fixture
def worker(group):
    return member_worker(group)


def finish(job):
    job_done(job=job, acting_user=job.worker.user)
    job.refresh_from_db()
    job.worker.refresh_from_db()
    return job


def test_a_done_job_is_settled_as_quoted(group, worker):
    job = finish(picked_job(group, worker, minutes_ago=20))
    assert job.status == JobStatus.DONE
    assert balance(group, job.customer) == -job.price_minor
    assert balance(group, worker.user) == job.worker_pay_minor
    assert balance(group, group, Purpose.FEES) == job.commission_minor
    assert balance(group, group, Purpose.SOLIDARITY) is None
    tx = job.transaction
    assert (tx.kind, tx.idempotency_key, tx.source) == (
        kinds.SETTLEMENT,
        f"ondemand:job:{job.pk}:settlement",
        job,
    )
    assert sorted(Entry.objects.filter(transaction=tx).values_list("amount", flat=True)) == sorted(
        [-job.price_minor, job.worker_pay_minor, job.commission_minor]
    )
    # Twenty minutes for a job estimated at about fifty: no top-up.
    assert not Transaction.objects.filter(kind=kinds.TOPUP).exists()


def test_the_worker_counters_follow_the_day(group, worker):
    job = finish(picked_job(group, worker, minutes_ago=20))
    w = job.worker
    assert (w.day, w.seconds_today, w.earned_today, w.busy) == (
        group.today(),
        job.worked_seconds,
        job.worker_pay_minor,
        False,
    )
    assert 20 * 60 <= job.worked_seconds < 21 * 60


def test_counters_of_another_day_start_again(group, worker):
    worker.day = group.today() - timedelta(days=1)
    worker.seconds_today, worker.earned_today = 5000, 9999
    worker.save()
    job = finish(picked_job(group, worker, minutes_ago=20))
    assert (job.worker.seconds_today, job.worker.earned_today) == (
        job.worked_seconds,
        job.worker_pay_minor,
    )


def test_counters_of_the_same_day_add_up(group, worker):
    worker.day = group.today()
    worker.seconds_today, worker.earned_today = 600, 1000
    worker.save()
    job = finish(picked_job(group, worker, minutes_ago=20))
    assert (job.worker.seconds_today, job.worker.earned_today) == (
        600 + job.worked_seconds,
        1000 + job.worker_pay_minor,
    )


def test_the_fund_contribution_goes_to_the_solidarity_fund(group, worker):
    rules = rules_of(group)
    rules.fund_percent = Decimal("2.00")
    rules.save()
    job = finish(picked_job(group, worker, minutes_ago=20))
    assert job.fund_minor > 0
    assert balance(group, group, Purpose.SOLIDARITY) == job.fund_minor
    assert balance(group, job.customer) == -job.price_minor
    assert job.price_minor == job.worker_pay_minor + job.commission_minor + job.fund_minor


def test_without_commission_there_is_no_fees_leg(group, worker):
    rules = rules_of(group)
    rules.commission_percent = Decimal("0")
    rules.save()
    job = finish(picked_job(group, worker, minutes_ago=20))
    assert job.commission_minor == 0
    assert Entry.objects.filter(transaction=job.transaction).count() == 2
    assert balance(group, group, Purpose.FEES) is None


def test_the_customer_is_invoiced_even_with_a_floor_on_their_account(group, worker):
    job = picked_job(group, worker, minutes_ago=20)
    # Dues open the member account with a floor of 0; a settlement is an invoice.
    account_open(
        group=group,
        currency="EUR",
        owner=job.customer,
        name="Client",
        min_balance=0,
        acting_user=None,
    )
    job = finish(job)
    assert balance(group, job.customer) == -job.price_minor


def test_a_worker_who_asked_for_their_own_job_pays_only_the_commission(group, worker):
    job = picked_job(group, worker, minutes_ago=20, customer=worker.user)
    job = finish(job)
    assert balance(group, worker.user) == -job.commission_minor
    assert balance(group, group, Purpose.FEES) == job.commission_minor


def test_settling_twice_posts_once(group, worker):
    job = finish(picked_job(group, worker, minutes_ago=20))
    again = job_settle(job=job, acting_user=worker.user)
    assert again == job.transaction
    assert Transaction.objects.filter(kind=kinds.SETTLEMENT).count() == 1
    assert balance(group, worker.user) == job.worker_pay_minor


def test_a_job_longer_than_its_estimate_is_topped_up_to_the_floor(group, worker):
    job = finish(picked_job(group, worker, minutes_ago=3 * 60))
    # Three hours for a job estimated at about fifty minutes: 12 €/h × 3 h = 36.00.
    assert job.duration_s < 3600 and job.worked_seconds >= 3 * 3600
    required = floor_minor(job.worked_seconds)
    shortfall = required - job.worker_pay_minor
    assert shortfall > 0
    topup = Transaction.objects.get(kind=kinds.TOPUP)
    assert topup.idempotency_key == f"ondemand:job:{job.pk}:topup"
    assert topup.source == job
    assert sorted(topup.entries.values_list("amount", flat=True)) == [-shortfall, shortfall]
    assert balance(group, worker.user) == required
    assert balance(group, group, Purpose.FEES) == job.commission_minor - shortfall
    assert balance(group, job.customer) == -job.price_minor  # the customer pays the quote
    assert job.worker.earned_today == required


def test_a_later_job_of_the_day_counts_the_top_up_already_paid(group, worker):
    first = finish(picked_job(group, worker, minutes_ago=3 * 60))
    worker.refresh_from_db()
    second = finish(picked_job(group, worker, minutes_ago=1))
    assert Transaction.objects.filter(kind=kinds.TOPUP).count() == 1
    paid = first.worker_pay_minor + second.worker_pay_minor
    topup = floor_minor(first.worked_seconds) - first.worker_pay_minor
    assert balance(group, worker.user) == paid + topup
    assert paid + topup >= floor_minor(first.worked_seconds + second.worked_seconds)


def test_a_well_paid_job_earlier_in_the_day_covers_a_slow_one(group, worker):
    first = finish(picked_job(group, worker, minutes_ago=1))
    worker.refresh_from_db()
    slow = finish(picked_job(group, worker, minutes_ago=3 * 60))
    assert floor_minor(slow.worked_seconds) > slow.worker_pay_minor  # alone it would be short
    assert not Transaction.objects.filter(kind=kinds.TOPUP).exists()
    assert first.worker_pay_minor + slow.worker_pay_minor >= floor_minor(
        first.worked_seconds + slow.worked_seconds
    )


def test_yesterdays_jobs_do_not_count_today(group, worker):
    yesterday = timezone.now() - timedelta(days=1, hours=1)
    old = picked_job(group, worker, minutes_ago=25 * 60)
    old.status, old.done_at, old.worked_seconds = JobStatus.DONE, yesterday, 20 * 3600
    old.save()
    worker.busy = False
    worker.save()
    job = finish(picked_job(group, worker, minutes_ago=20))
    assert not Transaction.objects.filter(kind=kinds.TOPUP).exists()
    assert job.worker.seconds_today == job.worked_seconds


def test_the_customer_is_told_only_after_commit(group, worker, django_capture_on_commit_callbacks):
    job = picked_job(group, worker, minutes_ago=20)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job_done(job=job, acting_user=worker.user)
    assert not Notification.objects.filter(recipient=job.customer).exists()
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(recipient=job.customer, kind=kinds.JOB_STATUS).count() == 1
