"""Jobs: asking for one (checked, quoted and offered to a worker at once), cancelling
it, and the assigned worker's pick-up and done, which settles it (ADR 0025).

Every refusal is a ValidationError or PermissionDenied raised before anything is
written; each status change goes through `transitions.job_transition` under the job's
row lock and is told to the customer after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.geo import Point, haversine_km
from coops.core.geocoding import GeocodeResult, geocode
from coops.core.permissions import require
from coops.core.routing import Route, route
from coops.groups.models import GroupModule
from coops.notifications.services import notify

from .. import kinds
from ..models import Job, JobEvent, JobKind, JobOffer, JobStatus, OfferAnswer
from ..pricing import Quote, Tariff, quote
from ..selectors.jobs import cancellation_fee, is_assigned, job_role
from . import settlement
from ._base import lock_objects, rules_of
from .transitions import job_transition

# Routing profile per kind: deliveries by bike, rides by car.
PROFILES = {JobKind.DELIVERY: "bike", JobKind.RIDE: "car"}
SAME_PLACE_M = 50
MAX_DAYS_AHEAD = 30
MAX_ITEMS = 99
MAX_SERVICE_MINUTES = 12 * 60


@dataclass(frozen=True, slots=True)
class Place:
    address: str
    point: Point
    town: str
    approximate: bool  # only the town's centre is known


@dataclass(frozen=True, slots=True)
class JobQuote:
    """A checked request and its quote, before anything is written."""

    kind: str
    pickup: Place
    dropoff: Place | None
    route: Route
    quote: Quote
    commission_percent: Decimal
    fund_percent: Decimal


def module_on(group) -> bool:
    return GroupModule.objects.filter(group=group, module="ondemand").exists()


def _geocoded(address: str) -> tuple[GeocodeResult | None, bool]:
    """The address found, and whether it is only known by its town. A full street
    address the geocoder does not know falls back to its last part ("…, 59000 Lille")."""
    found = geocode(address)
    if found is None and "," in address:
        found = geocode(address.rsplit(",", 1)[1])
        return found, True
    return found, found is not None and found.source == "offline"


def _place(address: str, point: Point | None, *, missing: str, unknown: str) -> Place:
    """Where the pin is if there is one, else where the geocoder puts the address."""
    address = " ".join((address or "").split())
    if point is not None:
        label = address or _("Point on the map (%(lat).5f, %(lon).5f)") % {
            "lat": point.lat,
            "lon": point.lon,
        }
        return Place(label[:255], point, "", approximate=False)
    if not address:
        raise ValidationError(missing)
    found, approximate = _geocoded(address)
    if found is None:
        raise ValidationError(unknown % {"address": address})
    return Place(address[:255], found.point, found.city, approximate)


def _check_window(window_start: datetime | None, window_end: datetime | None, now: datetime,
                  errors: dict) -> None:  # fmt: skip
    if window_start is None or window_end is None:
        errors["window_start"] = [_("Give the time window.")]
    elif window_end <= window_start:
        errors["window_end"] = [_("The time window ends before it starts.")]
    elif window_end <= now:
        errors["window_end"] = [_("This time window is already over: choose a time to come.")]
    elif window_start > now + timedelta(days=MAX_DAYS_AHEAD):
        errors["window_start"] = [
            _("You can ask at most %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD}
        ]


def _check_same_place(pickup: Place, dropoff: Place, errors: dict) -> None:
    if haversine_km(pickup.point, dropoff.point) * 1000 >= SAME_PLACE_M:
        return
    if pickup.approximate and dropoff.approximate:
        errors["dropoff_address"] = [
            _(
                "Both addresses are only known as the centre of %(town)s: place the pickup "
                "and the drop-off on the map."
            )
            % {"town": pickup.town or dropoff.town}
        ]
    else:
        errors["dropoff_address"] = [
            _("The drop-off is the pickup place (less than %(m)s m away).") % {"m": SAME_PLACE_M}
        ]


def job_quote(*, group, kind: str, pickup_address: str, pickup_point: Point | None,
              dropoff_address: str, dropoff_point: Point | None, window_start: datetime | None,
              window_end: datetime | None, items: int, service_minutes: int | None,
              now: datetime | None = None) -> JobQuote:  # fmt: skip
    """Check a request and quote it, writing nothing. Raises a ValidationError whose
    messages are keyed by the form's fields, all problems at once."""
    if not module_on(group):
        raise ValidationError(_("This group does not run worker-owned services."), code="module")
    errors: dict[str, list[str]] = {}
    if kind not in JobKind.values:
        errors["kind"] = [_("Choose a delivery, a ride or a service.")]
    if items is None or not 1 <= items <= MAX_ITEMS:
        errors["items"] = [_("Between 1 and %(max)s items.") % {"max": MAX_ITEMS}]
    is_service = kind == JobKind.SERVICE
    if is_service and not (service_minutes and 1 <= service_minutes <= MAX_SERVICE_MINUTES):
        errors["service_minutes"] = [
            _("Give the time the service takes, from 1 minute to %(hours)s hours.")
            % {"hours": MAX_SERVICE_MINUTES // 60}
        ]
    _check_window(window_start, window_end, now or timezone.now(), errors)
    pickup = dropoff = None
    try:
        pickup = _place(
            pickup_address,
            pickup_point,
            missing=_("Give the pickup address, or place it on the map."),
            unknown=_(
                "We could not find the pickup address “%(address)s”: check it, or place "
                "it on the map."
            ),
        )
    except ValidationError as error:
        errors["pickup_address"] = error.messages
    if not is_service:
        try:
            dropoff = _place(
                dropoff_address,
                dropoff_point,
                missing=_("Give the drop-off address, or place it on the map."),
                unknown=_(
                    "We could not find the drop-off address “%(address)s”: check it, or "
                    "place it on the map."
                ),
            )
        except ValidationError as error:
            errors["dropoff_address"] = error.messages
        if pickup is not None and dropoff is not None:
            _check_same_place(pickup, dropoff, errors)
    if errors:
        raise ValidationError(errors)
    if is_service:
        way = Route(0, service_minutes * 60, "customer")
    else:
        way = route(pickup.point, dropoff.point, profile=PROFILES[kind])
    rules = rules_of(group)
    return JobQuote(
        kind=kind,
        pickup=pickup,
        dropoff=dropoff,
        route=way,
        quote=quote(
            Tariff.of(rules), distance_m=way.distance_m, duration_s=way.duration_s, items=items
        ),
        commission_percent=rules.commission_percent,
        fund_percent=rules.fund_percent,
    )


def job_request(*, group, customer, kind: str, pickup_address: str, pickup_point: Point | None,
                dropoff_address: str, dropoff_point: Point | None, window_start: datetime,
                window_end: datetime, items: int, service_minutes: int | None, notes: str,
                acting_user: Any) -> Job:  # fmt: skip
    """Create the job with its quote snapshot and offer it to the best free worker in
    the same transaction; it stays REQUESTED when nobody is free. A dispatcher may ask
    on a customer's behalf (a phone order)."""
    require(acting_user, "ondemand.request", group)
    if customer.pk != acting_user.pk:
        require(acting_user, "ondemand.dispatch", group)
    checked = job_quote(
        group=group, kind=kind, pickup_address=pickup_address, pickup_point=pickup_point,
        dropoff_address=dropoff_address, dropoff_point=dropoff_point,
        window_start=window_start, window_end=window_end, items=items,
        service_minutes=service_minutes,
    )  # fmt: skip
    q, dropoff = checked.quote, checked.dropoff
    job = Job(
        group=group,
        customer=customer,
        kind=kind,
        pickup_address=checked.pickup.address,
        pickup_lat=checked.pickup.point.lat,
        pickup_lon=checked.pickup.point.lon,
        dropoff_address=dropoff.address if dropoff else "",
        dropoff_lat=dropoff.point.lat if dropoff else None,
        dropoff_lon=dropoff.point.lon if dropoff else None,
        window_start=window_start,
        window_end=window_end,
        items=items,
        service_minutes=service_minutes if kind == JobKind.SERVICE else 0,
        notes=(notes or "").strip(),
        distance_m=checked.route.distance_m,
        duration_s=checked.route.duration_s,
        route_source=checked.route.source,
        currency=q.currency,
        tariff_minor=q.minor(q.tariff),
        floor_minor=q.minor(q.floor),
        worker_pay_minor=q.minor(q.worker_pay),
        commission_minor=q.minor(q.commission),
        fund_minor=q.minor(q.fund),
        price_minor=q.minor(q.price),
        commission_percent=checked.commission_percent,
    )
    job.full_clean(exclude=["transaction", "worker"])
    from .dispatch import dispatch_next

    with transaction.atomic():
        job.save()
        JobEvent.objects.create(job=job, status=JobStatus.REQUESTED, at=job.created_at,
                                by=acting_user)  # fmt: skip
        event_record(actor=acting_user, verb="ondemand.job_requested", target=job,
                     price=job.price_minor, customer=customer.pk)  # fmt: skip
        locked = lock_objects(Job, job.pk)
        dispatch_next(job=locked, acting_user=acting_user)
    job.refresh_from_db()
    return job


# --- Status changes ---------------------------------------------------------------------


def _job_url(job: Job) -> str:
    return reverse("groups:ondemand:job", kwargs={"slug": job.group.slug, "pk": job.pk})


def _tell(job: Job, recipients: list[int], acting_user: Any, title, body="") -> None:
    """Notify after commit (kind JOB_STATUS); the actor is never told their own act."""
    transaction.on_commit(
        partial(
            notify,
            recipients=recipients,
            kind=kinds.JOB_STATUS,
            title=title,
            body=body,
            url=_job_url(job),
            group=job.group,
            actor=acting_user,
        )
    )


def job_status_notify(job: Job, acting_user: Any) -> None:
    """Tell the customer the job's new status, after commit."""
    pk, status = job.pk, JobStatus(job.status)
    _tell(
        job,
        [job.customer_id],
        acting_user,
        lambda user: _("Your job #%(id)s: %(status)s") % {"id": pk, "status": status.label.lower()},
    )


def _locked_for_worker(job: Job, acting_user: Any) -> Job:
    job = lock_objects(Job, job.pk)
    if not is_assigned(job, acting_user):
        raise PermissionDenied(_("Only the worker on this job can do this."))
    return job


def job_pickup(*, job: Job, acting_user: Any) -> Job:
    """The assigned worker has picked up the goods (or the passenger, or arrived for
    the service): ACCEPTED → PICKED_UP. From now on nobody can cancel."""
    with transaction.atomic():
        job = _locked_for_worker(job, acting_user)
        job_transition(job, JobStatus.PICKED_UP, acting_user=acting_user)
        job_status_notify(job, acting_user)
    return job


def job_done(*, job: Job, acting_user: Any) -> Job:
    """The assigned worker has finished: PICKED_UP → DONE, and in the same transaction
    the job is settled, the worker's day counters move on, and the day is topped up
    to the minimum hourly rate if it fell short."""
    with transaction.atomic():
        job = _locked_for_worker(job, acting_user)
        job_transition(job, JobStatus.DONE, acting_user=acting_user)
        started = job.accepted_at or job.done_at
        job.worked_seconds = max(0, int((job.done_at - started).total_seconds()))
        job.save(update_fields=["worked_seconds"])
        settlement.job_settle(job=job, acting_user=acting_user)
        settlement.worker_counters_add(job=job, earned=job.worker_pay_minor)
        settlement.worker_day_topup(job=job, acting_user=acting_user)
        job_status_notify(job, acting_user)
    return job


def _refuse_cancel(job: Job, role: str | None, reason: str) -> None:
    if role is None:
        raise PermissionDenied(
            _("Only the customer, the worker on the job or a dispatcher can cancel it.")
        )
    if job.status == JobStatus.PICKED_UP:
        raise ValidationError(
            _("The job is picked up: it can no longer be cancelled."), code="picked_up"
        )
    if job.status in (JobStatus.DONE, JobStatus.CANCELLED):
        raise ValidationError(
            _("This job is %(status)s: it cannot be cancelled.")
            % {"status": JobStatus(job.status).label.lower()},
            code="closed",
        )
    if role != "customer" and not reason:
        raise ValidationError(_("Give the reason for cancelling."), code="reason")


def job_cancel(*, job: Job, acting_user: Any, reason: str = "") -> Job:
    """Cancel a job before it is picked up (ADR 0025): free for the customer before a
    worker accepts; after that, the customer pays the worker a fee for their time (the
    minimum pay for it, at least the base fare, at most the job's pay). A dispatcher
    cancels with a reason, and the federation pays that fee; a worker gives the job
    up with a reason and no fee."""
    reason = " ".join((reason or "").split())[:300]
    with transaction.atomic():
        job = lock_objects(Job, job.pk)
        role = job_role(job, acting_user)
        _refuse_cancel(job, role, reason)
        fee = worked = 0
        if job.status == JobStatus.ACCEPTED and role != "worker":
            fee, worked = cancellation_fee(job, rules_of(job.group), timezone.now())
        JobOffer.objects.filter(job=job, answer=OfferAnswer.PENDING).update(
            answer=OfferAnswer.WITHDRAWN, answered_at=timezone.now()
        )
        job.cancel_reason, job.cancellation_fee_minor, job.worked_seconds = reason, fee, worked
        assigned = job.worker_id is not None
        job_transition(
            job,
            JobStatus.CANCELLED,
            acting_user=acting_user,
            note=reason,
            fields=("cancel_reason", "cancellation_fee_minor", "worked_seconds"),
        )
        if assigned:
            settlement.cancellation_settle(
                job=job, by_federation=role == "dispatcher", acting_user=acting_user
            )
            settlement.worker_counters_add(job=job, earned=fee)
            if worked:
                settlement.worker_day_topup(job=job, acting_user=acting_user)
            pk = job.pk
            _tell(job, [job.worker.user_id], acting_user,
                  lambda user: _("The job #%(id)s you accepted was cancelled") % {"id": pk},
                  reason)  # fmt: skip
        job_status_notify(job, acting_user)
    return job
