"""Workers: registering, going online or offline, sharing a position, and the
documents an organiser checks.

A worker's position is kept only while they are online (going offline clears it) and
position updates leave no audit row: the co-op keeps no trail of where its workers
went (docs/adr/0023-fair-dispatch.md).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.geo import GeoError, Point
from coops.core.permissions import require
from coops.notifications.services import notify

from .. import kinds
from ..models import (
    DocumentKind,
    DocumentStatus,
    Job,
    JobOffer,
    OfferAnswer,
    Vehicle,
    Worker,
    WorkerDocument,
)
from ..selectors.workers import eligibility
from ._base import lock_objects


def _own(worker: Worker, acting_user: Any) -> None:
    if not getattr(acting_user, "is_authenticated", False) or worker.user_id != acting_user.pk:
        raise PermissionDenied(_("Only the worker themself can do this."))


def _point(lat: Any, lon: Any) -> Point:
    try:
        return Point(float(lat), float(lon))
    except (TypeError, ValueError, GeoError):
        raise ValidationError(_("This position is not valid."), code="position") from None


def worker_register(*, group, user, vehicle: str, acting_user: Any) -> Worker:
    """An active member registers as a worker of the federation (once), offline."""
    require(acting_user, "ondemand.work", group)
    if user.pk != acting_user.pk:
        raise PermissionDenied(_("Members register themselves as workers."))
    if vehicle not in Vehicle.values:
        raise ValidationError(_("Choose a vehicle from the list."), code="vehicle")
    try:
        with transaction.atomic():
            worker = Worker.objects.create(group=group, user=user, vehicle=vehicle)
            event_record(actor=acting_user, verb="ondemand.worker_registered", target=worker)
    except IntegrityError:
        raise ValidationError(
            _("You are already registered as a worker."), code="registered"
        ) from None
    return worker


def worker_go_online(*, worker: Worker, lat: Any, lon: Any, acting_user: Any) -> Worker:
    """The worker starts working at a position. Refused, with every reason and nothing
    changed, unless they meet the federation's access conditions."""
    _own(worker, acting_user)
    point = _point(lat, lon)
    with transaction.atomic():
        worker = lock_objects(Worker, worker.pk)
        if reasons := eligibility(worker):
            raise ValidationError(reasons, code="not_eligible")
        now = timezone.now()
        was_online = worker.is_online
        worker.is_online = True
        worker.online_since = worker.online_since if was_online else now
        worker.lat, worker.lon, worker.position_at = point.lat, point.lon, now
        worker.save(
            update_fields=["is_online", "online_since", "lat", "lon", "position_at", "updated_at"]
        )
        if not was_online:
            event_record(actor=acting_user, verb="ondemand.worker_online", target=worker)
    return worker


def worker_go_offline(*, worker: Worker, acting_user: Any) -> Worker:
    """The worker stops: their position is forgotten and an offer waiting for them goes
    to the next candidate. A job they already accepted stays theirs."""
    from .dispatch import dispatch_next

    _own(worker, acting_user)
    with transaction.atomic():
        # Jobs first, then the worker: the lock order every dispatch writer follows.
        job_ids = sorted(
            JobOffer.objects.filter(worker=worker, answer=OfferAnswer.PENDING).values_list(
                "job_id", flat=True
            )
        )
        jobs = [lock_objects(Job, pk) for pk in job_ids]
        worker = lock_objects(Worker, worker.pk)
        was_online = worker.is_online
        worker.is_online = False
        worker.online_since = None
        worker.lat = worker.lon = worker.position_at = None
        worker.save(
            update_fields=["is_online", "online_since", "lat", "lon", "position_at", "updated_at"]
        )
        now = timezone.now()
        for job in jobs:
            withdrawn = JobOffer.objects.filter(
                job=job, worker=worker, answer=OfferAnswer.PENDING
            ).update(answer=OfferAnswer.WITHDRAWN, answered_at=now)
            if withdrawn and job.worker_id is None:
                dispatch_next(job=job, acting_user=acting_user)
        if was_online or jobs:
            event_record(
                actor=acting_user, verb="ondemand.worker_offline", target=worker, withdrawn=job_ids
            )
    return worker


def worker_set_position(*, worker: Worker, lat: Any, lon: Any, acting_user: Any) -> Worker:
    """An online worker's new position (from their phone's location or the form).
    Not audited on purpose: the co-op keeps no trail of its workers' movements."""
    _own(worker, acting_user)
    point = _point(lat, lon)
    updated = Worker.objects.filter(pk=worker.pk, is_online=True).update(
        lat=point.lat, lon=point.lon, position_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(
            _("Your position is shared only while you are online."), code="offline"
        )
    worker.refresh_from_db()
    return worker


MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


def document_upload(
    *, worker: Worker, kind: str, file: Any, valid_until: date, acting_user: Any
) -> WorkerDocument:
    """The worker uploads a document for an organiser to check."""
    _own(worker, acting_user)
    if kind not in DocumentKind.values:
        raise ValidationError(_("Choose a kind of document from the list."), code="kind")
    if valid_until < worker.group.today():
        raise ValidationError(
            _("This document is no longer valid: check its end date."), code="expired"
        )
    if getattr(file, "size", 0) > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is too large (5 MB at most)."), code="size")
    with transaction.atomic():
        document = WorkerDocument(worker=worker, kind=kind, file=file, valid_until=valid_until)
        document.full_clean()
        document.save()
        event_record(
            actor=acting_user, verb="ondemand.document_uploaded", target=document, kind=kind
        )
    return document


def document_check(
    *, document: WorkerDocument, approve: bool, note: str, acting_user: Any
) -> WorkerDocument:
    """An organiser approves or refuses a document waiting for a check (a refusal says
    why); the worker is notified after the commit."""
    group = document.worker.group
    require(acting_user, "ondemand.organise", group)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError(_("Say why the document is refused."), code="note")
    with transaction.atomic():
        document = lock_objects(WorkerDocument, document.pk)
        worker = Worker.objects.select_related("group").get(pk=document.worker_id)
        if worker.user_id == acting_user.pk:
            raise PermissionDenied(_("Another organiser checks your own documents."))
        if document.status != DocumentStatus.PENDING:
            raise ValidationError(_("This document was already checked."), code="checked")
        document.status = DocumentStatus.APPROVED if approve else DocumentStatus.REJECTED
        document.checked_by = acting_user
        document.checked_at = timezone.now()
        document.note = note[:300]
        document.save(update_fields=["status", "checked_by", "checked_at", "note", "updated_at"])
        event_record(
            actor=acting_user,
            verb="ondemand.document_checked",
            target=document,
            status=document.status,
        )
        label = DocumentKind(document.kind).label

        def title(user):
            if approve:
                return _("Your document was approved: %(kind)s") % {"kind": label}
            return _("Your document was refused: %(kind)s") % {"kind": label}

        transaction.on_commit(
            partial(
                notify,
                recipients=[worker.user_id],
                kind=kinds.DOCUMENT_CHECKED,
                title=title,
                body=note,
                url=reverse("groups:ondemand:worker", kwargs={"slug": worker.group.slug}),
                group=worker.group,
                actor=acting_user,
            )
        )
    return document
