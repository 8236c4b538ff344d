"""The assigned worker's steps (picked up, done), who may take them, and cancelling:
free before a worker accepts, a fee for the worker's time after, never after pickup."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coops.accounts.tests.factories import UserFactory
from coops.core.money import Money
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr
from coops.ledger.models import Purpose, Transaction
from coops.notifications.models import Notification

from .. import kinds
from ..models import Job, JobEvent, JobOffer, JobStatus, OfferAnswer, Worker
from ..pricing import floor_pay
from ..services.jobs import job_cancel, job_done, job_pickup
from .factories import FederationFactory, JobFactory
from .jobs_helpers import accepted_job, balance, member_worker, picked_job

pytestmark = pytest.mark.django_db


def floor_minor(seconds: int) -> int:
    """The minimum pay for `seconds` at the default 12 €/h, in cents."""
    return Money(floor_pay(Decimal("12.00"), seconds), "EUR").to_minor()


@pytest.fixture
def group():
    return FederationFactory()


@pytest.fixture
def worker(group):
    return member_worker(group, online=True)


def state(job) -> tuple:
    """What a refused request must leave as it was."""
    job.refresh_from_db()
    return (
        job.status,
        job.cancelled_at,
        job.picked_up_at,
        job.done_at,
        job.cancellation_fee_minor,
        JobEvent.objects.filter(job=job).count(),
        Transaction.objects.count(),
        list(Worker.objects.values_list("pk", "busy", "seconds_today", "earned_today")),
    )


# --- Pick-up and done -------------------------------------------------------------------


def test_the_worker_picks_up_then_finishes(group, worker, django_capture_on_commit_callbacks):
    job = accepted_job(group, worker, minutes_ago=40)
    with django_capture_on_commit_callbacks(execute=True):
        job_pickup(job=job, acting_user=worker.user)
    job.refresh_from_db()
    assert job.status == JobStatus.PICKED_UP and job.picked_up_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        job_done(job=job, acting_user=worker.user)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.picked_up_at <= job.done_at
    assert job.worked_seconds == int((job.done_at - job.accepted_at).total_seconds())
    assert 40 * 60 <= job.worked_seconds < 41 * 60
    assert list(job.events.values_list("status", "by")) == [
        (JobStatus.PICKED_UP, worker.user.pk),
        (JobStatus.DONE, worker.user.pk),
    ]
    titles = list(
        Notification.objects.filter(recipient=job.customer, kind=kinds.JOB_STATUS)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert titles == [
        fr("Your job #%(id)s: %(status)s", id=job.pk, status=fr("Picked up").lower()),
        fr("Your job #%(id)s: %(status)s", id=job.pk, status=fr("Done").lower()),
    ]


def test_nobody_but_the_assigned_worker_moves_the_job(group, worker):
    job = accepted_job(group, worker)
    dispatcher = MembershipFactory(group=group, role="organiser").user
    other_worker = member_worker(group)
    before = state(job)
    for who in (job.customer, dispatcher, other_worker.user, UserFactory()):
        with pytest.raises(PermissionDenied):
            job_pickup(job=job, acting_user=who)
    assert state(job) == before
    job.status, job.picked_up_at = JobStatus.PICKED_UP, timezone.now()
    job.save()
    before = state(job)
    for who in (job.customer, dispatcher, other_worker.user):
        with pytest.raises(PermissionDenied):
            job_done(job=job, acting_user=who)
    assert state(job) == before


def test_steps_cannot_be_skipped_or_repeated(group, worker):
    job = accepted_job(group, worker)
    before = state(job)
    with pytest.raises(ValidationError) as caught:
        job_done(job=job, acting_user=worker.user)
    assert caught.value.messages == [
        fr(
            "This job is %(status)s: it cannot become %(to)s.",
            status=fr("Accepted").lower(),
            to=fr("Done").lower(),
        )
    ]
    assert state(job) == before
    job_pickup(job=job, acting_user=worker.user)
    before = state(job)
    with pytest.raises(ValidationError):
        job_pickup(job=job, acting_user=worker.user)
    assert state(job) == before


# --- Cancelling -------------------------------------------------------------------------


def test_the_customer_cancels_for_free_before_a_worker_accepts(
    group, django_capture_on_commit_callbacks
):
    job = JobFactory(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        job_cancel(job=job, acting_user=job.customer)
    job.refresh_from_db()
    assert (job.status, job.cancellation_fee_minor, job.transaction) == (
        JobStatus.CANCELLED,
        0,
        None,
    )
    assert job.cancelled_at is not None
    assert Transaction.objects.count() == 0
    # The customer did it: they are not told what they just did.
    assert not Notification.objects.filter(recipient=job.customer).exists()


def test_cancelling_an_offered_job_withdraws_the_offer(group, worker):
    job = JobFactory(group=group, status=JobStatus.OFFERED, offered_at=timezone.now())
    now = timezone.now()
    offer = JobOffer.objects.create(
        job=job, worker=worker, offered_at=now, expires_at=now + timedelta(minutes=2)
    )
    job_cancel(job=job, acting_user=job.customer)
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.WITHDRAWN
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED


def test_after_acceptance_the_customer_pays_the_workers_time(
    group, worker, django_capture_on_commit_callbacks
):
    job = accepted_job(group, worker, minutes_ago=30)
    with django_capture_on_commit_callbacks(execute=True):
        job_cancel(job=job, acting_user=job.customer, reason="Plus besoin")
    job.refresh_from_db()
    # 30 min at 12 €/h = 6.00 (over the base fare, 3.50; under the job's pay).
    assert 1800 <= job.worked_seconds < 1860
    fee = job.cancellation_fee_minor
    assert fee == floor_minor(job.worked_seconds) >= 600
    assert job.cancel_reason == "Plus besoin"
    assert job.transaction.kind == kinds.CANCELLATION
    assert balance(group, job.customer) == -fee
    assert balance(group, worker.user) == fee
    worker.refresh_from_db()
    assert (worker.busy, worker.earned_today, worker.seconds_today) == (
        False,
        fee,
        job.worked_seconds,
    )
    assert Notification.objects.filter(recipient=worker.user, kind=kinds.JOB_STATUS).count() == 1


def test_a_quick_cancellation_costs_the_base_fare(group, worker):
    job = accepted_job(group, worker, minutes_ago=5)
    job_cancel(job=job, acting_user=job.customer)
    job.refresh_from_db()
    # 5 min at 12 €/h = 1.00, under the base fare of 3.50.
    assert job.cancellation_fee_minor == 350
    assert balance(group, worker.user) == 350


def test_the_fee_is_at_most_the_jobs_pay_and_the_day_is_topped_up(group, worker):
    job = accepted_job(group, worker, minutes_ago=10 * 60)
    job_cancel(job=job, acting_user=job.customer)
    job.refresh_from_db()
    assert job.cancellation_fee_minor == job.worker_pay_minor
    # Ten hours of waiting at 12 €/h is 120.00: the federation pays the rest.
    assert balance(group, worker.user) == floor_minor(job.worked_seconds) >= 12000
    assert balance(group, job.customer) == -job.worker_pay_minor
    topup = Transaction.objects.get(kind=kinds.TOPUP)
    assert topup.idempotency_key == f"ondemand:job:{job.pk}:topup"
    assert balance(group, group, Purpose.FEES) == job.worker_pay_minor - balance(group, worker.user)


def test_nobody_cancels_after_pickup(group, worker):
    job = picked_job(group, worker)
    dispatcher = MembershipFactory(group=group, role="organiser").user
    before = state(job)
    for who in (job.customer, worker.user, dispatcher):
        with pytest.raises(ValidationError) as caught:
            job_cancel(job=job, acting_user=who, reason="Trop tard")
        assert caught.value.messages == [fr("The job is picked up: it can no longer be cancelled.")]
    assert state(job) == before


def test_a_dispatcher_cancels_with_a_reason_and_the_federation_pays_the_worker(group, worker):
    job = accepted_job(group, worker, minutes_ago=30)
    dispatcher = MembershipFactory(group=group, role="organiser").user
    before = state(job)
    with pytest.raises(ValidationError) as caught:
        job_cancel(job=job, acting_user=dispatcher, reason="  ")
    assert caught.value.messages == [fr("Give the reason for cancelling.")]
    assert state(job) == before
    job_cancel(job=job, acting_user=dispatcher, reason="Adresse introuvable")
    job.refresh_from_db()
    fee = job.cancellation_fee_minor
    assert fee == floor_minor(job.worked_seconds) >= 600
    assert balance(group, job.customer) is None
    assert balance(group, group, Purpose.FEES) == -fee
    assert balance(group, worker.user) == fee
    assert job.events.last().note == "Adresse introuvable"


def test_a_worker_gives_a_job_up_with_a_reason_and_no_fee(group, worker):
    job = accepted_job(group, worker, minutes_ago=30)
    before = state(job)
    with pytest.raises(ValidationError):
        job_cancel(job=job, acting_user=worker.user)
    assert state(job) == before
    job_cancel(job=job, acting_user=worker.user, reason="Crevaison")
    job.refresh_from_db()
    assert (job.status, job.cancellation_fee_minor, job.worked_seconds) == (
        JobStatus.CANCELLED,
        0,
        0,
    )
    assert Transaction.objects.count() == 0
    worker.refresh_from_db()
    assert (worker.busy, worker.seconds_today, worker.earned_today) == (False, 0, 0)


def test_strangers_cannot_cancel(group, worker):
    job = accepted_job(group, worker)
    strangers = (UserFactory(), member_worker(group).user, MembershipFactory(group=group).user)
    before = state(job)
    for who in strangers:
        with pytest.raises(PermissionDenied):
            job_cancel(job=job, acting_user=who, reason="Non")
    assert state(job) == before


def test_a_done_job_cannot_be_cancelled(group, worker):
    job = picked_job(group, worker)
    job_done(job=job, acting_user=worker.user)
    before = state(job)
    with pytest.raises(ValidationError) as caught:
        job_cancel(job=job, acting_user=job.customer)
    assert caught.value.messages == [
        fr("This job is %(status)s: it cannot be cancelled.", status=fr("Done").lower())
    ]
    assert state(job) == before
