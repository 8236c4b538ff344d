"""Races on PostgreSQL, with real threads: a job is settled once, and a cancellation
and a pick-up at the same moment cannot both happen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from coops.core.tests.concurrency import race
from coops.ledger.models import Transaction

from .. import kinds
from ..models import Job, JobStatus
from ..services.jobs import job_cancel, job_done, job_pickup
from .factories import FederationFactory
from .jobs_helpers import accepted_job, balance, member_worker, picked_job

pytestmark = pytest.mark.postgres


def test_done_twice_at_once_settles_once(pg):
    group = FederationFactory()
    worker = member_worker(group)
    job = picked_job(group, worker, minutes_ago=20)
    results = race(
        lambda: job_done(job=job, acting_user=worker.user),
        lambda: job_done(job=job, acting_user=worker.user),
    )
    assert sorted(type(r).__name__ for r in results) == ["Job", "ValidationError"]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Transaction.objects.filter(kind=kinds.SETTLEMENT).count() == 1
    assert balance(group, worker.user) == job.worker_pay_minor
    worker.refresh_from_db()
    assert worker.seconds_today == job.worked_seconds


def test_a_cancellation_and_a_pickup_at_once_cannot_both_win(pg):
    group = FederationFactory()
    worker = member_worker(group)
    job = accepted_job(group, worker, minutes_ago=30)
    results = race(
        lambda: job_cancel(job=job, acting_user=job.customer),
        lambda: job_pickup(job=job, acting_user=worker.user),
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], ValidationError)
    job = Job.objects.get(pk=job.pk)
    if job.status == JobStatus.CANCELLED:
        assert job.cancellation_fee_minor > 0
        assert balance(group, worker.user) == job.cancellation_fee_minor
    else:
        assert job.status == JobStatus.PICKED_UP
        assert job.cancellation_fee_minor == 0 and not Transaction.objects.exists()


def test_two_cancellations_at_once_charge_one_fee(pg):
    group = FederationFactory()
    worker = member_worker(group)
    job = accepted_job(group, worker, minutes_ago=30)
    results = race(
        lambda: job_cancel(job=job, acting_user=job.customer),
        lambda: job_cancel(job=job, acting_user=job.customer),
    )
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert Transaction.objects.filter(kind=kinds.CANCELLATION).count() == 1
    job.refresh_from_db()
    assert balance(group, job.customer) == -job.cancellation_fee_minor
