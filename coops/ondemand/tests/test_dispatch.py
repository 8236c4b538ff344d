"""Dispatch: one worker at a time by the fairness score, accept, decline, expiry,
the manual assignment, and the waiting jobs offered again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coops.core.models import Event
from coops.groups.models import Role
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from .. import kinds
from ..models import Job, JobEvent, JobOffer, JobStatus, OfferAnswer, Worker
from ..selectors.dispatch import candidates_for
from ..services._base import lock_objects, rules_of
from ..services.dispatch import (
    dispatch_next,
    job_assign,
    offer_accept,
    offer_decline,
    offers_expire_due,
    waiting_jobs_dispatch,
)
from .dispatch_helpers import east_of_lille, member_worker, north_of_lille, online_for, worked_today
from .factories import FederationFactory, JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return FederationFactory()


def dispatch(job, user=None):
    with transaction.atomic():
        job = lock_objects(Job, job.pk)
        return dispatch_next(job=job, acting_user=user or job.customer)


def offers(job):
    return list(JobOffer.objects.filter(job=job).order_by("id").values_list("worker_id", "answer"))


# --- Candidates ---------------------------------------------------------------------------


def test_candidates_are_ranked_by_distance_plus_hours(group):
    today = group.today()
    near_tired = worked_today(member_worker(group, km=1), 6, today)  # 1/8 + 6/10 = 0.725
    far_fresh = member_worker(group, km=4)  # 4/8 + 0 = 0.5
    middle = worked_today(member_worker(group, km=2), 1, today)  # 2/8 + 1/10 = 0.35
    job = JobFactory(group=group)
    ranked = candidates_for(job)
    assert [c.worker_id for c in ranked] == [middle.pk, far_fresh.pk, near_tired.pk]
    assert [round(c.score, 3) for c in ranked] == [0.35, 0.5, 0.725]


def test_candidates_leave_out_offline_busy_far_over_cap_and_other_groups(group):
    today = group.today()
    ok = member_worker(group, km=1)
    member_worker(group, km=1, online=False)
    member_worker(group, km=1, busy=True)
    member_worker(group, km=8.5)  # outside the 8 km radius
    lat, lon = east_of_lille(7.9)  # inside the box's corner-free axis: still in
    inside = member_worker(group, km=0)
    inside.lat, inside.lon = lat, lon
    inside.save()
    worked_today(member_worker(group, km=1), 9.9, today)  # the job would pass 10 h
    member_worker(FederationFactory(), km=1)
    job = JobFactory(group=group)
    assert {c.worker_id for c in candidates_for(job)} == {ok.pk, inside.pk}


def test_a_customer_who_works_is_not_offered_their_own_job(group):
    customer_worker = member_worker(group, km=0)
    other = member_worker(group, km=3)
    job = JobFactory(group=group, customer=customer_worker.user)
    assert [c.worker_id for c in candidates_for(job)] == [other.pk]


def test_yesterdays_hours_do_not_count(group):
    yesterday = group.today() - timedelta(days=1)
    tired_yesterday = worked_today(member_worker(group, km=1), 9.9, yesterday)
    job = JobFactory(group=group)
    [candidate] = candidates_for(job)
    assert candidate.worker_id == tired_yesterday.pk
    assert candidate.hours_today == 0


def test_ties_go_to_the_longest_online_then_lowest_id(group):
    a = online_for(member_worker(group, km=1), 5)
    b = online_for(member_worker(group, km=1), 30)
    c = online_for(member_worker(group, km=1), 30)
    job = JobFactory(group=group)
    assert [x.worker_id for x in candidates_for(job)] == [b.pk, c.pk, a.pk]


# --- dispatch_next ------------------------------------------------------------------------


def test_dispatch_offers_to_the_best_candidate(group, django_capture_on_commit_callbacks):
    best = member_worker(group, km=1)
    member_worker(group, km=3)
    job = JobFactory(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        offer = dispatch(job)
    job.refresh_from_db()
    assert job.status == JobStatus.OFFERED
    assert job.offered_at is not None
    assert offer.worker == best
    assert offer.rank == 1
    assert offer.answer == OfferAnswer.PENDING
    timeout = rules_of(group).offer_timeout_seconds
    assert offer.expires_at == offer.offered_at + timedelta(seconds=timeout)
    assert round(offer.distance_km, 2) == 1.0
    note = Notification.objects.get(recipient=best.user)
    assert note.kind == kinds.JOB_OFFERED
    assert note.url == f"/g/{group.slug}/m/ondemand/worker/"
    assert Event.objects.filter(verb="ondemand.offer_made").count() == 1


def test_dispatch_with_nobody_leaves_the_job_waiting(group):
    job = JobFactory(group=group)
    assert dispatch(job) is None
    job.refresh_from_db()
    assert job.status == JobStatus.REQUESTED
    assert JobOffer.objects.count() == 0
    assert Event.objects.filter(verb="ondemand.dispatch_none").count() == 1


def test_a_worker_with_a_pending_offer_gets_no_second_one(group):
    only = member_worker(group, km=1)
    first, second = JobFactory(group=group), JobFactory(group=group)
    assert dispatch(first).worker == only
    assert dispatch(second) is None


def test_dispatch_refuses_a_job_with_an_offer_pending(group):
    member_worker(group, km=1)
    member_worker(group, km=2)
    job = JobFactory(group=group)
    dispatch(job)
    with pytest.raises(ValidationError) as error:
        dispatch(job)
    assert error.value.messages == [fr("This job is already offered to a worker.")]


def test_an_ineligible_online_worker_is_skipped_and_put_offline(group):
    from coops.groups.models import Membership, MembershipStatus

    gone = member_worker(group, km=0.5)
    Membership.objects.filter(user=gone.user, group=group).update(status=MembershipStatus.LEFT)
    next_one = member_worker(group, km=2)
    job = JobFactory(group=group)
    offer = dispatch(job)
    assert offer.worker == next_one
    assert offer.rank == 2
    gone.refresh_from_db()
    assert gone.is_online is False
    assert Event.objects.filter(verb="ondemand.worker_offline", target_id=str(gone.pk)).exists()


# --- Accept -------------------------------------------------------------------------------


def test_accept_assigns_the_job(group, django_capture_on_commit_callbacks):
    worker = member_worker(group, km=1)
    job = JobFactory(group=group)
    offer = dispatch(job)
    with django_capture_on_commit_callbacks(execute=True):
        job = offer_accept(offer=offer, acting_user=worker.user)
    job.refresh_from_db()
    worker.refresh_from_db()
    offer.refresh_from_db()
    assert (job.status, job.worker, worker.busy) == (JobStatus.ACCEPTED, worker, True)
    assert offer.answer == OfferAnswer.ACCEPTED and offer.answered_at is not None
    assert list(job.events.values_list("status", flat=True)) == ["offered", "accepted"]
    assert Notification.objects.filter(recipient=job.customer, kind=kinds.JOB_STATUS).count() == 1


def test_only_the_offered_worker_may_accept(group):
    member_worker(group, km=1)
    other = member_worker(group, km=2)
    offer = dispatch(JobFactory(group=group))
    with pytest.raises(PermissionDenied):
        offer_accept(offer=offer, acting_user=other.user)
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.PENDING


def test_an_expired_offer_cannot_be_accepted(group):
    worker = member_worker(group, km=1)
    offer = dispatch(JobFactory(group=group))
    JobOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError) as error:
        offer_accept(offer=offer, acting_user=worker.user)
    assert error.value.messages == [fr("This offer has expired.")]
    assert Job.objects.get(pk=offer.job_id).worker is None


def test_accepting_a_job_already_taken_is_refused_and_changes_nothing(group):
    worker = member_worker(group, km=1)
    other = member_worker(group, km=2)
    organiser = member_worker(group, km=5, role=Role.ORGANISER).user
    job = JobFactory(group=group)
    offer = dispatch(job)
    job_assign(job=job, worker=other, acting_user=organiser)
    before = (Job.objects.get(pk=job.pk).worker_id, JobEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        offer_accept(offer=offer, acting_user=worker.user)
    assert error.value.messages == [fr("This job was already taken.")]
    assert (Job.objects.get(pk=job.pk).worker_id, JobEvent.objects.count()) == before
    worker.refresh_from_db()
    assert worker.busy is False
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.WITHDRAWN


# --- Decline and expiry --------------------------------------------------------------------


def test_decline_passes_the_job_to_the_next_candidate(group):
    first = member_worker(group, km=1)
    second = member_worker(group, km=2)
    job = JobFactory(group=group)
    offer = dispatch(job)
    offer_decline(offer=offer, acting_user=first.user, reason="Crevaison")
    assert offers(job) == [(first.pk, "declined"), (second.pk, "pending")]
    event = Event.objects.get(verb="ondemand.offer_declined")
    assert event.data["reason"] == "Crevaison"
    job.refresh_from_db()
    assert job.status == JobStatus.OFFERED


def test_decline_by_the_last_candidate_leaves_the_job_waiting(group):
    only = member_worker(group, km=1)
    job = JobFactory(group=group)
    offer_decline(offer=dispatch(job), acting_user=only.user)
    job.refresh_from_db()
    assert job.status == JobStatus.REQUESTED
    assert list(job.events.values_list("status", flat=True)) == ["offered", "requested"]


def test_declining_twice_is_refused(group):
    only = member_worker(group, km=1)
    offer = dispatch(JobFactory(group=group))
    offer_decline(offer=offer, acting_user=only.user)
    with pytest.raises(ValidationError) as error:
        offer_decline(offer=offer, acting_user=only.user)
    assert error.value.messages == [fr("This offer is no longer waiting for your answer.")]


def test_expired_offers_move_on(group):
    first = member_worker(group, km=1)
    second = member_worker(group, km=2)
    job = JobFactory(group=group)
    offer = dispatch(job)
    assert offers_expire_due(now=offer.expires_at - timedelta(seconds=1)) == 0
    assert offers_expire_due(now=offer.expires_at, group=group) == 1
    assert offers(job) == [(first.pk, "expired"), (second.pk, "pending")]
    assert offers_expire_due(now=offer.expires_at, group=FederationFactory()) == 0


def test_expiry_of_other_groups_is_left_alone_when_a_group_is_given(group):
    member_worker(group, km=1)
    offer = dispatch(JobFactory(group=group))
    other = FederationFactory()
    assert offers_expire_due(now=offer.expires_at + timedelta(hours=1), group=other) == 0
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.PENDING


def test_waiting_jobs_are_offered_when_a_worker_comes_online(group):
    job = JobFactory(group=group)
    assert dispatch(job) is None
    late = member_worker(group, km=1)
    assert waiting_jobs_dispatch(group=group) == 1
    assert offers(job) == [(late.pk, "pending")]
    assert waiting_jobs_dispatch(group=group) == 0


def test_waiting_jobs_past_their_window_are_not_offered(group):
    job = JobFactory(group=group)
    member_worker(group, km=1)
    assert waiting_jobs_dispatch(now=job.window_end) == 0


# --- Manual assignment ----------------------------------------------------------------------


def test_dispatcher_assigns_by_hand_and_withdraws_the_pending_offer(
    group, django_capture_on_commit_callbacks
):
    offered = member_worker(group, km=1)
    chosen = member_worker(group, km=5)
    organiser = member_worker(group, km=6, role=Role.ORGANISER).user
    job = JobFactory(group=group)
    dispatch(job)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_assign(job=job, worker=chosen, acting_user=organiser)
    assert (job.status, job.worker) == (JobStatus.ACCEPTED, chosen)
    assert offers(job) == [(offered.pk, "withdrawn"), (chosen.pk, "accepted")]
    assert JobOffer.objects.get(job=job, worker=chosen).by_dispatcher is True
    assert Worker.objects.get(pk=chosen.pk).busy is True
    assert Notification.objects.filter(recipient=chosen.user, kind=kinds.JOB_OFFERED).exists()


def test_dispatcher_can_assign_a_worker_who_declined(group):
    worker = member_worker(group, km=1)
    organiser = member_worker(group, km=6, role=Role.ORGANISER, online=False).user
    job = JobFactory(group=group)
    offer_decline(offer=dispatch(job), acting_user=worker.user)
    job_assign(job=job, worker=worker, acting_user=organiser)
    assert offers(job) == [(worker.pk, "accepted")]


def test_only_dispatchers_assign(group):
    worker = member_worker(group, km=1)
    job = JobFactory(group=group)
    with pytest.raises(PermissionDenied):
        job_assign(job=job, worker=worker, acting_user=worker.user)
    assert Job.objects.get(pk=job.pk).worker is None


def test_assign_refuses_a_busy_worker_or_one_over_the_cap(group):
    organiser = member_worker(group, km=6, role=Role.ORGANISER).user
    busy = member_worker(group, km=1, busy=True)
    tired = worked_today(member_worker(group, km=1), 9.9, group.today())
    job = JobFactory(group=group)
    with pytest.raises(ValidationError) as error:
        job_assign(job=job, worker=busy, acting_user=organiser)
    assert error.value.messages == [fr("%(name)s is already on a job.", name=busy.user.public_name)]
    with pytest.raises(ValidationError) as error:
        job_assign(job=job, worker=tired, acting_user=organiser)
    assert error.value.messages == [
        fr("%(name)s would work more than the day’s maximum hours.", name=tired.user.public_name)
    ]
    job.refresh_from_db()
    assert (job.status, job.worker) == (JobStatus.REQUESTED, None)


def test_assign_refuses_an_ineligible_worker(group):
    organiser = member_worker(group, km=6, role=Role.ORGANISER).user
    rules = rules_of(group)
    rules.required_documents = ["insurance"]
    rules.save()
    worker = member_worker(group, km=1)
    job = JobFactory(group=group)
    with pytest.raises(ValidationError) as error:
        job_assign(job=job, worker=worker, acting_user=organiser)
    insurance = fr("Professional insurance").lower()
    assert error.value.messages == [
        fr("You need a valid %(document)s, checked by an organiser.", document=insurance)
    ]
    assert Job.objects.get(pk=job.pk).worker is None


def test_radius_comes_from_the_rules(group):
    rules = rules_of(group)
    rules.dispatch_radius_km = Decimal("2.0")
    rules.save()
    member_worker(group, km=3)
    assert candidates_for(JobFactory(group=group)) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ring_by_ring_stream_gives_the_full_ranking(group, seed):
    """candidate_stream reads small boxes first; its order is candidates_for's."""
    import random

    from ..selectors.dispatch import candidate_stream

    rnd = random.Random(seed)
    today = group.today()
    for _ in range(40):
        worker = member_worker(group, km=0)
        worker.lat, worker.lon = (
            north_of_lille(rnd.uniform(-9, 9))[0],
            east_of_lille(rnd.uniform(-9, 9))[1],
        )
        worker.online_since = timezone.now() - timedelta(minutes=rnd.choice([5, 10, 15]))
        worker.save()
        worked_today(worker, rnd.choice([0, 0.5, 1, 2, 4, 8]), today)
    job = JobFactory(group=group)
    streamed = list(candidate_stream(job))
    assert [c.worker_id for c in streamed] == [c.worker_id for c in candidates_for(job)]
    assert len(streamed) > 5


def test_one_failing_job_does_not_hold_back_the_others(group, monkeypatch, caplog):
    from ..services import dispatch as dispatch_module

    broken, fine = JobFactory(group=group), JobFactory(group=group)
    member_worker(group, km=1)
    real = dispatch_module._dispatch

    def flaky(job, acting_user, *, record_none):
        if job.pk == broken.pk:
            raise RuntimeError("boom")
        return real(job, acting_user, record_none=record_none)

    monkeypatch.setattr(dispatch_module, "_dispatch", flaky)
    assert waiting_jobs_dispatch(group=group) == 1
    assert JobOffer.objects.get().job_id == fine.pk
    assert "boom" in caplog.text
