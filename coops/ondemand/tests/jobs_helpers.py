"""Helpers of the job, settlement and dashboard tests: workers who are members, jobs
already accepted or picked up some minutes ago, and balances read from the book."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from coops.groups.tests.factories import MembershipFactory
from coops.ledger.models import LedgerAccount, Purpose

from ..models import JobStatus
from .factories import JobFactory, WorkerFactory


def member_worker(group, **kwargs):
    """A worker of `group` who is an active member of it."""
    return WorkerFactory(group=group, user=MembershipFactory(group=group).user, **kwargs)


def accepted_job(group, worker, *, minutes_ago: int = 10, **kwargs):
    """A job `worker` accepted `minutes_ago` minutes ago (and who is busy with it)."""
    at = timezone.now() - timedelta(minutes=minutes_ago)
    worker.busy = True
    worker.save(update_fields=["busy"])
    return JobFactory(
        group=group,
        worker=worker,
        status=JobStatus.ACCEPTED,
        offered_at=at,
        accepted_at=at,
        **kwargs,
    )


def picked_job(group, worker, *, minutes_ago: int = 10, **kwargs):
    """A job accepted `minutes_ago` minutes ago and picked up since."""
    job = accepted_job(group, worker, minutes_ago=minutes_ago, **kwargs)
    job.status = JobStatus.PICKED_UP
    job.picked_up_at = timezone.now() - timedelta(minutes=1)
    job.save(update_fields=["status", "picked_up_at"])
    return job


def balance(group, owner, purpose: str = Purpose.MEMBER, currency: str = "EUR") -> int | None:
    """The balance of `owner`'s account in `group`'s books, None if it was never opened."""
    account = LedgerAccount.objects.filter(
        group=group,
        currency=currency,
        purpose=purpose,
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=str(owner.pk),
    ).first()
    return None if account is None else account.balance
