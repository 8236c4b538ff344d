"""Concurrency on PostgreSQL: a job goes to at most one worker whatever the timing,
and a worker takes one job at a time."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coops.core.tests.concurrency import race
from coops.groups.models import Role
from coops.groups.tests.helpers import fr

from ..models import Job, JobOffer, JobStatus, OfferAnswer, Worker
from ..services._base import lock_objects
from ..services.dispatch import (
    dispatch_next,
    job_assign,
    offer_accept,
    offer_decline,
    offers_expire_due,
)
from ..services.transitions import job_transition
from .dispatch_helpers import member_worker
from .factories import FederationFactory, JobFactory


def dispatch(job):
    with transaction.atomic():
        return dispatch_next(job=lock_objects(Job, job.pk), acting_user=job.customer)


def outcome(results):
    wins = [r for r in results if not isinstance(r, Exception)]
    errors = [r for r in results if isinstance(r, Exception)]
    return wins, errors


def test_manual_assign_racing_an_accept_gives_the_job_once(pg):
    group = FederationFactory()
    offered = member_worker(group, km=1)
    other = member_worker(group, km=3)
    organiser = member_worker(group, km=5, role=Role.ORGANISER, online=False).user
    job = JobFactory(group=group)
    offer = dispatch(job)
    results = race(
        lambda: offer_accept(offer=offer, acting_user=offered.user),
        lambda: job_assign(job=job, worker=other, acting_user=organiser),
    )
    wins, errors = outcome(results)
    assert len(wins) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert errors[0].messages == [fr("This job was already taken.")]
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED
    assert job.worker_id == wins[0].worker_id
    assert JobOffer.objects.filter(job=job, answer=OfferAnswer.ACCEPTED).count() == 1
    assert Worker.objects.filter(busy=True).count() == 1


def test_two_accepts_of_one_offer_give_the_job_once(pg):
    group = FederationFactory()
    worker = member_worker(group, km=1)
    job = JobFactory(group=group)
    offer = dispatch(job)
    results = race(
        lambda: offer_accept(offer=offer, acting_user=worker.user),
        lambda: offer_accept(offer=offer, acting_user=worker.user),
    )
    wins, errors = outcome(results)
    assert len(wins) == 1
    assert [e.messages for e in errors] == [[fr("This job was already taken.")]]
    assert Job.objects.get(pk=job.pk).events.filter(status=JobStatus.ACCEPTED).count() == 1


def test_a_worker_accepting_two_jobs_at_once_gets_one(pg):
    group = FederationFactory()
    worker = member_worker(group, km=1)
    now = timezone.now()
    offers = []
    for _ in range(2):
        job = JobFactory(group=group)
        with transaction.atomic():
            job = lock_objects(Job, job.pk)
            job_transition(job, JobStatus.OFFERED, acting_user=None)
            offers.append(
                JobOffer.objects.create(
                    job=job, worker=worker, offered_at=now, expires_at=now + timedelta(minutes=5)
                )
            )
    results = race(*[lambda o=o: offer_accept(offer=o, acting_user=worker.user) for o in offers])
    wins, errors = outcome(results)
    assert len(wins) == 1
    assert [e.messages for e in errors] == [
        [fr("%(name)s is already on a job.", name=worker.user.public_name)]
    ]
    assert Job.objects.filter(worker=worker).count() == 1
    loser = next(o for o in offers if o.job_id != wins[0].pk)
    loser.refresh_from_db()
    assert loser.answer == OfferAnswer.PENDING  # nothing changed for the refused accept


def test_decline_racing_expiry_leaves_one_pending_offer(pg):
    group = FederationFactory()
    first = member_worker(group, km=1)
    member_worker(group, km=2)
    member_worker(group, km=3)
    job = JobFactory(group=group)
    offer = dispatch(job)
    results = race(
        lambda: offer_decline(offer=offer, acting_user=first.user),
        lambda: offers_expire_due(now=offer.expires_at),
    )
    assert sum(1 for r in results if isinstance(r, Exception)) <= 1
    offer.refresh_from_db()
    assert offer.answer in (OfferAnswer.DECLINED, OfferAnswer.EXPIRED)
    assert JobOffer.objects.filter(job=job, answer=OfferAnswer.PENDING).count() == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.OFFERED
