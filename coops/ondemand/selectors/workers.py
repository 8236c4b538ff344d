"""Reads about workers: who may work now (and why not), their documents, the day's
counters as dispatch reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from coops.groups.permissions import is_member

from ..models import DocumentKind, DocumentStatus, Worker, WorkerDocument
from ..services._base import rules_of


def worker_of(*, group, user) -> Worker | None:
    """The user's worker row in the federation, or None if they never registered."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Worker.objects.filter(group=group, user=user).select_related("group", "user").first()


def seconds_today(worker: Worker, today: date) -> int:
    """Seconds worked on `today`: the counters count only on the day they are for."""
    return worker.seconds_today if worker.day == today else 0


def earned_today(worker: Worker, today: date) -> int:
    return worker.earned_today if worker.day == today else 0


def charter_signed(user: Any) -> bool:
    """True when the user owns a directory actor (not archived, not merged) whose
    signature is of the current charter; also True while no charter is published,
    since there is nothing to sign."""
    from coops.charter.models import CharterVersion, Signature
    from coops.directory.models import ActorStatus

    current = CharterVersion.objects.current()
    if current is None:
        return True
    return (
        Signature.objects.filter(
            version=current, actor__owners=user, actor__merged_into__isnull=True
        )
        .exclude(actor__status__in=[ActorStatus.ARCHIVED, ActorStatus.REJECTED])
        .exists()
    )


def valid_document_kinds(worker: Worker, today: date) -> set[str]:
    """Kinds the worker has an approved document for, still valid on `today`."""
    return set(
        WorkerDocument.objects.filter(
            worker=worker, status=DocumentStatus.APPROVED, valid_until__gte=today
        ).values_list("kind", flat=True)
    )


def _kind_label(kind: str) -> str:
    try:
        return str(DocumentKind(kind).label)
    except ValueError:
        return kind


def eligibility(worker: Worker, *, rules=None, today: date | None = None) -> list[str]:
    """Why the worker cannot work now, in words for them ([] means eligible): active
    membership, then the federation's access conditions (charter, dues, documents)."""
    from coops.ledger.dues.selectors import member_is_up_to_date

    group = worker.group
    rules = rules or rules_of(group)
    today = today or group.today()
    reasons: list[str] = []
    if not is_member(worker.user, group):
        reasons.append(_("You are not an active member of the federation."))
    if rules.require_charter and not charter_signed(worker.user):
        reasons.append(
            _(
                "The federation asks its workers to sign the current charter: sign it for "
                "an organisation of the directory you manage."
            )
        )
    if rules.require_dues and not member_is_up_to_date(group=group, user=worker.user, on=today):
        reasons.append(_("Your dues are not up to date."))
    required = [k for k in rules.required_documents or [] if k]
    if required:
        valid = valid_document_kinds(worker, today)
        for kind in required:
            if kind not in valid:
                reasons.append(
                    _("You need a valid %(document)s, checked by an organiser.")
                    % {"document": _kind_label(kind).lower()}
                )
    return reasons


def documents_of(worker: Worker) -> QuerySet[WorkerDocument]:
    return WorkerDocument.objects.filter(worker=worker).select_related("checked_by")


def documents_to_check(group) -> QuerySet[WorkerDocument]:
    """Documents waiting for an organiser, oldest first."""
    return (
        WorkerDocument.objects.filter(worker__group=group, status=DocumentStatus.PENDING)
        .select_related("worker__user")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class FairnessTerms:
    """The worker's own numbers in the fairness formula (shown on their page)."""

    radius_km: float
    max_hours: float
    hours_today: float
    hours_term: float
    distance_km: float | None = None  # to the pickup of the pending offer, if any
    distance_term: float | None = None

    @property
    def score(self) -> float | None:
        if self.distance_term is None:
            return None
        return self.distance_term + self.hours_term


@dataclass(frozen=True)
class WorkerState:
    """Everything the worker's page shows, read in a few queries."""

    worker: Worker
    reasons: list[str]
    today: date
    hours_today: float
    earned_today_minor: int
    max_hours: float
    offer: Any
    offer_seconds_left: int
    job: Any
    fairness: FairnessTerms
    documents: list[WorkerDocument]
    required_documents: list[str]

    @property
    def version(self) -> str:
        """Changes when what the live part of the page shows changes."""
        offer = self.offer.pk if self.offer else 0
        job = f"{self.job.pk}:{self.job.status}" if self.job else "0"
        return f"{int(self.worker.is_online)}-{offer}-{job}"


def worker_state(worker: Worker) -> WorkerState:
    from .dispatch import Limits, current_job_of, pending_offer_for, seconds_left

    group = worker.group
    rules = rules_of(group)
    today = group.today()
    limits = Limits.of(rules)
    hours = seconds_today(worker, today) / 3600
    offer = pending_offer_for(worker)
    distance = distance_term = None
    if offer is not None:
        distance = offer.distance_km  # as measured when the job was offered
        distance_term = distance / limits.radius_km
    return WorkerState(
        worker=worker,
        reasons=eligibility(worker, rules=rules, today=today),
        today=today,
        hours_today=hours,
        earned_today_minor=earned_today(worker, today),
        max_hours=limits.max_hours,
        offer=offer,
        offer_seconds_left=seconds_left(offer.expires_at) if offer else 0,
        job=current_job_of(worker),
        fairness=FairnessTerms(
            radius_km=limits.radius_km,
            max_hours=limits.max_hours,
            hours_today=hours,
            hours_term=hours / limits.max_hours,
            distance_km=distance,
            distance_term=distance_term,
        ),
        documents=list(documents_of(worker)),
        required_documents=[_kind_label(k) for k in rules.required_documents or [] if k],
    )
