"""Dispatch: a job is offered to one worker at a time, ranked by the fairness score;
the worker accepts or declines before the offer expires, then the next candidate gets
it. A dispatcher can assign a job by hand.

A job is assigned to at most one worker, whatever the timing: every write here runs
under the job's row lock, the assignment is a conditional UPDATE … WHERE status is
open AND worker IS NULL, and the partial unique constraints on JobOffer allow one
pending and one accepted offer per job.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.geo import Point, haversine_km
from coops.core.permissions import require
from coops.notifications.services import notify

from .. import kinds
from ..fairness import fairness_score
from ..models import Job, JobOffer, JobStatus, OfferAnswer, Worker
from ..selectors.dispatch import Limits, candidate_stream
from ..selectors.workers import eligibility, seconds_today
from ._base import lock_objects, rules_of
from .transitions import job_transition

OPEN = (JobStatus.REQUESTED, JobStatus.OFFERED)

logger = logging.getLogger(__name__)


def _taken() -> ValidationError:
    return ValidationError(_("This job was already taken."), code="taken")


def _worker_url(group) -> str:
    return reverse("groups:ondemand:worker", kwargs={"slug": group.slug})


def _notify_offer(offer: JobOffer, acting_user: Any, *, assigned: bool = False) -> None:
    job, worker = offer.job, offer.worker
    pickup = job.pickup_address

    def title(user):
        if assigned:
            return _("A job was assigned to you: %(pickup)s") % {"pickup": pickup}
        return _("A job is offered to you: %(pickup)s") % {"pickup": pickup}

    def body(user):
        if assigned:
            return _("A dispatcher assigned you this job.")
        return _("Accept or decline it on your work page before the time runs out.")

    transaction.on_commit(
        partial(
            notify,
            recipients=[worker.user_id],
            kind=kinds.JOB_OFFERED,
            title=title,
            body=body,
            url=_worker_url(job.group),
            group=job.group,
            actor=acting_user if assigned else None,
        )
    )


def _notify_customer_accepted(job: Job, acting_user: Any) -> None:
    url = reverse("groups:ondemand:job", kwargs={"slug": job.group.slug, "pk": job.pk})
    transaction.on_commit(
        partial(
            notify,
            recipients=[job.customer_id],
            kind=kinds.JOB_STATUS,
            title=lambda user: _("A worker accepted your job #%(id)s") % {"id": job.pk},
            url=url,
            group=job.group,
            actor=acting_user,
        )
    )


def _take_offline(worker_id: int, reasons: list[str]) -> None:
    """An online worker who is no longer eligible (a document expired, dues lapsed)
    is put offline when dispatch meets them, with the reasons in the audit trail."""
    worker = Worker.objects.select_related("user", "group").get(pk=worker_id)
    if Worker.objects.filter(pk=worker_id, is_online=True).update(
        is_online=False, online_since=None, updated_at=timezone.now()
    ):
        event_record(actor=None, verb="ondemand.worker_offline", target=worker, reasons=reasons)


def dispatch_next(*, job: Job, acting_user: Any, exclude_declined: bool = True) -> JobOffer | None:
    """Offer the locked `job` to its best candidate not yet offered it and return the
    offer; with nobody left, the job is (back) REQUESTED, waiting for a worker, and
    None is returned. The caller holds the job's lock in its transaction; the job is
    REQUESTED or OFFERED with no offer pending.

    A worker is offered a given job at most once (unique constraint), so every worker
    already offered it is always left out; `exclude_declined` is kept for callers and
    must stay True."""
    if not exclude_declined:
        raise ValueError("a worker is offered a job at most once")
    return _dispatch(job, acting_user, record_none=True)


def _dispatch(job: Job, acting_user: Any, *, record_none: bool) -> JobOffer | None:
    if job.status not in OPEN or job.worker_id is not None:
        raise _taken()
    if JobOffer.objects.filter(job=job, answer=OfferAnswer.PENDING).exists():
        raise ValidationError(_("This job is already offered to a worker."), code="pending")
    group = job.group
    rules = rules_of(group)
    today = group.today()
    for position, candidate in enumerate(candidate_stream(job, rules=rules, today=today), 1):
        worker = Worker.objects.select_related("user", "group").get(pk=candidate.worker_id)
        reasons = eligibility(worker, rules=rules, today=today)
        if reasons:
            _take_offline(worker.pk, reasons)
            continue
        now = timezone.now()
        offer = JobOffer.objects.create(
            job=job,
            worker=worker,
            rank=min(position, 32767),
            score=candidate.score,
            distance_km=round(candidate.distance_km, 3),
            offered_at=now,
            expires_at=now + timedelta(seconds=rules.offer_timeout_seconds),
        )
        job_transition(
            job,
            JobStatus.OFFERED,
            acting_user=acting_user,
            note=_("Offered to %(name)s") % {"name": worker.user.public_name},
        )
        event_record(
            actor=acting_user,
            verb="ondemand.offer_made",
            target=job,
            worker=worker.pk,
            score=candidate.score,
            rank=position,
        )
        _notify_offer(offer, acting_user)
        return offer
    if job.status == JobStatus.OFFERED:
        job_transition(
            job, JobStatus.REQUESTED, acting_user=acting_user, note=_("Waiting for a worker")
        )
    if record_none:
        event_record(actor=acting_user, verb="ondemand.dispatch_none", target=job)
    return None


def _locked_offer(offer: JobOffer) -> tuple[Job, JobOffer]:
    """Lock the offer's job (always the job first, the order every writer follows),
    then read the offer afresh."""
    job = lock_objects(Job, offer.job_id)
    offer = JobOffer.objects.select_related("worker__user", "worker__group").get(pk=offer.pk)
    offer.job = job
    return job, offer


def _own(offer: JobOffer, acting_user: Any) -> None:
    if (
        not getattr(acting_user, "is_authenticated", False)
        or offer.worker.user_id != acting_user.pk
    ):
        raise PermissionDenied(_("This offer was made to another worker."))


def _claim(job: Job, worker: Worker, acting_user: Any, note: str) -> Job:
    """Give the locked job to `worker`: conditional UPDATEs on the job (still open and
    without a worker) and on the worker (not busy), then the ACCEPTED transition."""
    claimed = Job.objects.filter(pk=job.pk, status__in=OPEN, worker__isnull=True).update(
        worker=worker
    )
    if not claimed:
        raise _taken()
    if not Worker.objects.filter(pk=worker.pk, busy=False).update(
        busy=True, updated_at=timezone.now()
    ):
        raise ValidationError(
            _("%(name)s is already on a job.") % {"name": worker.user.public_name}, code="busy"
        )
    job.worker = worker
    return job_transition(
        job, JobStatus.ACCEPTED, acting_user=acting_user, note=note, fields=("worker",)
    )


def offer_accept(*, offer: JobOffer, acting_user: Any) -> Job:
    """The worker accepts their pending, unexpired offer: the job becomes theirs
    (ACCEPTED), they become busy. Refused with "already taken" if the job went to
    someone else meanwhile; nothing changes then."""
    _own(offer, acting_user)
    with transaction.atomic():
        job, offer = _locked_offer(offer)
        if job.worker_id is not None or job.status not in OPEN:
            raise _taken()
        if offer.answer != OfferAnswer.PENDING:
            if offer.answer == OfferAnswer.WITHDRAWN:
                raise _taken()
            raise ValidationError(
                _("This offer is no longer waiting for your answer."), code="answered"
            )
        now = timezone.now()
        if offer.expires_at <= now:
            raise ValidationError(_("This offer has expired."), code="expired")
        offer.answer = OfferAnswer.ACCEPTED
        offer.answered_at = now
        offer.save(update_fields=["answer", "answered_at"])
        job = _claim(job, offer.worker, acting_user, _("Accepted"))
        event_record(actor=acting_user, verb="ondemand.offer_accepted", target=job, offer=offer.pk)
        _notify_customer_accepted(job, acting_user)
    return job


def offer_decline(*, offer: JobOffer, acting_user: Any, reason: str = "") -> JobOffer:
    """The worker declines their pending offer; the job goes to the next candidate."""
    _own(offer, acting_user)
    with transaction.atomic():
        job, offer = _locked_offer(offer)
        if offer.answer != OfferAnswer.PENDING:
            raise ValidationError(
                _("This offer is no longer waiting for your answer."), code="answered"
            )
        offer.answer = OfferAnswer.DECLINED
        offer.answered_at = timezone.now()
        offer.save(update_fields=["answer", "answered_at"])
        event_record(
            actor=acting_user,
            verb="ondemand.offer_declined",
            target=job,
            offer=offer.pk,
            reason=reason[:300],
        )
        if job.status in OPEN and job.worker_id is None:
            dispatch_next(job=job, acting_user=acting_user)
    return offer


def _each(ids, step, now: datetime) -> int:
    """Run `step` on each id in its own transaction; one that fails is logged and
    skipped, so it never holds back the others."""
    done = 0
    for pk in ids:
        try:
            done += bool(step(pk, now))
        except Exception:
            logger.exception("ondemand dispatch: %s failed for %s", step.__name__, pk)
    return done


def _expire_one(offer_id: int, now: datetime) -> bool:
    with transaction.atomic():
        job_id = JobOffer.objects.filter(pk=offer_id).values_list("job_id", flat=True).first()
        if job_id is None:
            return False
        job = lock_objects(Job, job_id)
        offer = JobOffer.objects.get(pk=offer_id)
        if offer.answer != OfferAnswer.PENDING or offer.expires_at > now:
            return False
        offer.answer = OfferAnswer.EXPIRED
        offer.answered_at = now
        offer.save(update_fields=["answer", "answered_at"])
        event_record(actor=None, verb="ondemand.offer_expired", target=job, offer=offer.pk)
        if job.status in OPEN and job.worker_id is None:
            dispatch_next(job=job, acting_user=None)
        return True


def offers_expire_due(*, now: datetime | None = None, group=None) -> int:
    """Expire every pending offer past its time (of `group`, or all groups) and offer
    each job to its next candidate; return how many offers expired. One transaction
    per offer, so a slow or failing one never holds back the others. Run every
    minute by `manage.py ondemand_tick`, and lazily by the worker and dispatch pages."""
    now = now or timezone.now()
    due = JobOffer.objects.filter(answer=OfferAnswer.PENDING, expires_at__lte=now)
    if group is not None:
        due = due.filter(job__group=group)
    return _each(
        list(due.order_by("expires_at", "id").values_list("pk", flat=True)), _expire_one, now
    )


def _redispatch_one(job_id: int, now: datetime) -> bool:
    with transaction.atomic():
        job = lock_objects(Job, job_id)
        if job.status != JobStatus.REQUESTED or job.worker_id is not None:
            return False
        if job.window_end <= now:
            return False
        if JobOffer.objects.filter(job=job, answer=OfferAnswer.PENDING).exists():
            return False
        # A retry finding nobody again leaves no audit row: it would be noise.
        return _dispatch(job, None, record_none=False) is not None


def waiting_jobs_dispatch(*, now: datetime | None = None, group=None) -> int:
    """Offer again the jobs waiting for a worker (nobody was free when they were
    asked for), while their window is open; return how many got an offer."""
    now = now or timezone.now()
    waiting = Job.objects.filter(
        status=JobStatus.REQUESTED, worker__isnull=True, window_end__gt=now
    ).exclude(offers__answer=OfferAnswer.PENDING)
    if group is not None:
        waiting = waiting.filter(group=group)
    ids = list(waiting.order_by("window_start", "id").values_list("pk", flat=True)[:200])
    return _each(ids, _redispatch_one, now)


CATCH_UP_SECONDS = 10


def dispatch_catch_up(*, group=None) -> tuple[int, int]:
    """What a page runs first: expire the offers past their time, then (at most every
    few seconds per group, pages being polled) offer the waiting jobs again. Returns
    (expired, offered)."""
    now = timezone.now()
    expired = offers_expire_due(now=now, group=group)
    key = f"ondemand:catch-up:{group.pk if group is not None else 'all'}"
    offered = 0
    if cache.add(key, 1, timeout=CATCH_UP_SECONDS):
        offered = waiting_jobs_dispatch(now=now, group=group)
    return expired, offered


def job_assign(*, job: Job, worker: Worker, acting_user: Any) -> Job:
    """A dispatcher gives the job to `worker` by hand: any pending offer is withdrawn.
    The worker must be of the federation, eligible, free and under the day's cap."""
    require(acting_user, "ondemand.dispatch", job.group)
    with transaction.atomic():
        job = lock_objects(Job, job.pk)
        if job.worker_id is not None or job.status not in OPEN:
            raise _taken()
        worker = Worker.objects.select_related("user", "group").get(pk=worker.pk)
        if worker.group_id != job.group_id:
            raise ValidationError(_("This worker is not in the federation."), code="group")
        rules = rules_of(job.group)
        today = job.group.today()
        if reasons := eligibility(worker, rules=rules, today=today):
            raise ValidationError(reasons, code="not_eligible")
        limits = Limits.of(rules)
        if seconds_today(worker, today) + job.duration_s > limits.max_seconds:
            raise ValidationError(
                _("%(name)s would work more than the day’s maximum hours.")
                % {"name": worker.user.public_name},
                code="max_hours",
            )
        now = timezone.now()
        JobOffer.objects.filter(job=job, answer=OfferAnswer.PENDING).update(
            answer=OfferAnswer.WITHDRAWN, answered_at=now
        )
        km = 0.0
        if worker.lat is not None and worker.lon is not None:
            km = haversine_km(Point(job.pickup_lat, job.pickup_lon), Point(worker.lat, worker.lon))
        score = fairness_score(
            distance_km=km,
            radius_km=limits.radius_km,
            hours_today=seconds_today(worker, today) / 3600,
            max_hours=limits.max_hours,
        )
        answer = {
            "answer": OfferAnswer.ACCEPTED,
            "answered_at": now,
            "by_dispatcher": True,
            "score": score,
            "distance_km": round(km, 3),
        }
        offer, _created = JobOffer.objects.update_or_create(
            job=job,
            worker=worker,
            defaults=answer,
            create_defaults={**answer, "rank": 1, "offered_at": now, "expires_at": now},
        )
        job = _claim(
            job,
            worker,
            acting_user,
            _("Assigned by a dispatcher to %(name)s") % {"name": worker.user.public_name},
        )
        event_record(actor=acting_user, verb="ondemand.job_assigned", target=job, worker=worker.pk)
        offer.job, offer.worker = job, worker
        _notify_offer(offer, acting_user, assigned=True)
        _notify_customer_accepted(job, acting_user)
    return job
