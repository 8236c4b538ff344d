"""Reads about jobs: who a person is to a job, the jobs they may see, a job's timeline
and money, and the breakdown both the customer and the worker read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from coops.core.money import Money
from coops.ledger.models import Transaction

from ..kinds import TOPUP
from ..models import Job, JobEvent, JobOffer, JobStatus, OfferAnswer, Worker
from ..permissions import is_dispatcher
from ..pricing import Quote, floor_pay

ROLES = ("customer", "worker", "dispatcher")


def is_assigned(job: Job, user: Any) -> bool:
    """`user` is the worker the job is assigned to."""
    return (
        job.worker_id is not None
        and getattr(user, "is_authenticated", False)
        and Worker.objects.filter(pk=job.worker_id, user=user).exists()
    )


def job_role(job: Job, user: Any) -> str | None:
    """What `user` is to `job`: "customer", "worker" (the assigned one), "dispatcher"
    of the federation, or None. A customer who is also a dispatcher acts as customer."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if job.customer_id == user.pk:
        return "customer"
    if is_assigned(job, user):
        return "worker"
    if is_dispatcher(user, job.group):
        return "dispatcher"
    return None


def is_offered_to(job: Job, user: Any) -> bool:
    """The job is waiting for this user's answer (they may read it to decide)."""
    return JobOffer.objects.filter(job=job, worker__user=user, answer=OfferAnswer.PENDING).exists()


def visible_job(*, group, pk: int, user: Any) -> tuple[Job, str]:
    """The job and the viewer's role ("offered" for a worker it is offered to), or
    404 for anybody else: a job's existence is nobody else's business."""
    job = (
        Job.objects.filter(group=group, pk=pk)
        .select_related("group", "customer", "worker__user", "transaction")
        .first()
    )
    if job is None:
        raise Http404
    role = job_role(job, user)
    if role is None and getattr(user, "is_authenticated", False) and is_offered_to(job, user):
        role = "offered"
    if role is None:
        raise Http404
    return job, role


def customer_jobs(*, group, user, page: Any = 1, per_page: int = 20) -> Page:
    """The customer's own requests in the federation, newest first."""
    jobs = Job.objects.filter(group=group, customer=user).select_related("worker__user")
    return Paginator(jobs, per_page).get_page(page)


def job_timeline(job: Job) -> QuerySet[JobEvent]:
    return JobEvent.objects.filter(job=job).select_related("by").order_by("at", "id")


def job_transactions(job: Job) -> list[Transaction]:
    """The book's movements of the job: its settlement or cancellation fee, and the
    top-up to the minimum hourly rate that followed it, if any."""
    return list(
        Transaction.objects.filter(
            source_type=ContentType.objects.get_for_model(Job), source_id=str(job.pk)
        )
        .prefetch_related("entries")
        .order_by("created_at", "id")
    )


def topup_minor(transactions: list[Transaction]) -> int:
    """What the worker was topped up by after this job (0 when the day was paid enough)."""
    return sum(
        entry.amount
        for tx in transactions
        if tx.kind == TOPUP
        for entry in tx.entries.all()
        if entry.amount > 0
    )


def first_name(user: Any) -> str:
    """What a customer sees of their worker: the first word of their public name."""
    name = user.public_name.split()
    return name[0] if name else ""


def cancellation_fee(job: Job, rules, now: datetime) -> tuple[int, int]:
    """(fee, seconds) if the accepted `job` were cancelled at `now`: the minimum pay
    for the worker's time since they accepted, at least the base fare, at most the
    job's pay. (0, 0) before a worker accepts."""
    if job.status != JobStatus.ACCEPTED or job.accepted_at is None:
        return 0, 0
    seconds = max(0, int((now - job.accepted_at).total_seconds()))
    floor = Money(floor_pay(rules.min_hourly_rate, seconds), job.currency).to_minor()
    base = Money(rules.tariff_base, job.currency).to_minor()
    return min(job.worker_pay_minor, max(floor, base)), seconds


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The one breakdown a customer and a worker both read (in minor units)."""

    currency: str
    distance_m: int
    duration_s: int
    tariff: int
    floor: int
    worker_pay: int
    commission: int
    fund: int
    price: int
    commission_percent: Decimal

    @property
    def raised_to_floor(self) -> bool:
        return self.worker_pay > self.tariff

    @property
    def km(self) -> Decimal:
        return (Decimal(self.distance_m) / 1000).quantize(Decimal("0.1"))

    @property
    def minutes(self) -> int:
        return (self.duration_s + 59) // 60

    @classmethod
    def of_job(cls, job: Job) -> Breakdown:
        return cls(
            currency=job.currency,
            distance_m=job.distance_m,
            duration_s=job.duration_s,
            tariff=job.tariff_minor,
            floor=job.floor_minor,
            worker_pay=job.worker_pay_minor,
            commission=job.commission_minor,
            fund=job.fund_minor,
            price=job.price_minor,
            commission_percent=job.commission_percent,
        )

    @classmethod
    def of_quote(cls, q: Quote, commission_percent: Decimal) -> Breakdown:
        return cls(
            currency=q.currency,
            distance_m=q.distance_m,
            duration_s=q.duration_s,
            tariff=q.minor(q.tariff),
            floor=q.minor(q.floor),
            worker_pay=q.minor(q.worker_pay),
            commission=q.minor(q.commission),
            fund=q.minor(q.fund),
            price=q.minor(q.price),
            commission_percent=commission_percent,
        )
