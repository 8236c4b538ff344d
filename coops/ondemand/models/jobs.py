"""Jobs (deliveries, rides, services), the offers dispatch makes to workers one at a
time, and the timeline of each job."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

from .workers import Worker


class JobKind(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    RIDE = "ride", _("Ride")
    SERVICE = "service", _("Service at an address")


class JobStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    OFFERED = "offered", _("Offered to a worker")
    ACCEPTED = "accepted", _("Accepted")
    PICKED_UP = "picked_up", _("Picked up")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# The one table of allowed moves; services.jobs.job_transition enforces it.
TRANSITIONS: dict[str, frozenset[str]] = {
    JobStatus.REQUESTED: frozenset({JobStatus.OFFERED, JobStatus.ACCEPTED, JobStatus.CANCELLED}),
    JobStatus.OFFERED: frozenset(
        {JobStatus.REQUESTED, JobStatus.OFFERED, JobStatus.ACCEPTED, JobStatus.CANCELLED}
    ),
    JobStatus.ACCEPTED: frozenset({JobStatus.PICKED_UP, JobStatus.CANCELLED}),
    JobStatus.PICKED_UP: frozenset({JobStatus.DONE}),
    JobStatus.DONE: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}
ACTIVE_STATUSES = (JobStatus.REQUESTED, JobStatus.OFFERED, JobStatus.ACCEPTED, JobStatus.PICKED_UP)


class Job(TimeStampedModel):
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="ondemand_jobs"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ondemand_jobs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind, default=JobKind.DELIVERY)
    pickup_address = models.CharField(_("pickup address"), max_length=255)
    pickup_lat = models.FloatField(_("pickup latitude"))
    pickup_lon = models.FloatField(_("pickup longitude"))
    dropoff_address = models.CharField(_("drop-off address"), max_length=255, blank=True)
    dropoff_lat = models.FloatField(_("drop-off latitude"), null=True, blank=True)
    dropoff_lon = models.FloatField(_("drop-off longitude"), null=True, blank=True)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    items = models.PositiveSmallIntegerField(_("items"), default=1)
    service_minutes = models.PositiveIntegerField(_("service time (minutes)"), default=0)
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    # The estimate and the quote, snapshotted when the job is requested.
    distance_m = models.PositiveIntegerField(_("estimated distance (m)"))
    duration_s = models.PositiveIntegerField(_("estimated time (s)"))
    route_source = models.CharField(_("route estimated by"), max_length=20)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    tariff_minor = models.BigIntegerField(_("tariff"))
    floor_minor = models.BigIntegerField(_("minimum pay for the time"))
    worker_pay_minor = models.BigIntegerField(_("worker pay"))
    commission_minor = models.BigIntegerField(_("commission"))
    fund_minor = models.BigIntegerField(_("fund contribution"), default=0)
    price_minor = models.BigIntegerField(_("price"))
    commission_percent = models.DecimalField(_("commission (%)"), max_digits=4, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus, default=JobStatus.REQUESTED
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs"
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    cancellation_fee_minor = models.BigIntegerField(_("cancellation fee"), default=0)
    worked_seconds = models.PositiveIntegerField(_("time worked (s)"), default=0)
    transaction = models.ForeignKey(
        "ledger.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")),
                name="ondemand_job_window_order",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    price_minor=models.F("worker_pay_minor")
                    + models.F("commission_minor")
                    + models.F("fund_minor")
                ),
                name="ondemand_job_price_is_sum",
            ),
            models.CheckConstraint(
                condition=models.Q(worker_pay_minor__gte=models.F("floor_minor")),
                name="ondemand_job_pay_over_floor",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[JobStatus.ACCEPTED, JobStatus.PICKED_UP, JobStatus.DONE],
                    worker__isnull=False,
                )
                | ~models.Q(status__in=[JobStatus.ACCEPTED, JobStatus.PICKED_UP, JobStatus.DONE]),
                name="ondemand_job_assigned_has_worker",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "status"], name="ondemand_job_status_idx"),
            models.Index(fields=["worker", "done_at"], name="ondemand_job_worker_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class OfferAnswer(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JobOffer(models.Model):
    """A job offered to one worker, who accepts or declines before `expires_at`."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="offers")
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="offers")
    rank = models.PositiveSmallIntegerField(_("rank among the candidates"), default=1)
    score = models.FloatField(_("fairness score"), default=0)
    distance_km = models.FloatField(_("distance to the pickup (km)"), default=0)
    offered_at = models.DateTimeField(_("offered at"))
    expires_at = models.DateTimeField(_("expires at"))
    answer = models.CharField(
        _("answer"), max_length=10, choices=OfferAnswer, default=OfferAnswer.PENDING
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    by_dispatcher = models.BooleanField(_("assigned by a dispatcher"), default=False)

    class Meta:
        verbose_name = _("job offer")
        verbose_name_plural = _("job offers")
        ordering = ["job", "offered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "worker"], name="ondemand_offer_once_per_worker"
            ),
            # One worker at a time, and at most one worker ever gets the job.
            models.UniqueConstraint(
                fields=["job"],
                condition=models.Q(answer="pending"),
                name="ondemand_offer_one_pending",
            ),
            models.UniqueConstraint(
                fields=["job"],
                condition=models.Q(answer="accepted"),
                name="ondemand_offer_one_accepted",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"],
                name="ondemand_offer_pending_idx",
                condition=models.Q(answer="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} → {self.worker_id} ({self.answer})"


class JobEvent(models.Model):
    """The job's timeline, shown to the customer and the worker."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=JobStatus)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("job event")
        verbose_name_plural = _("job events")
        ordering = ["job", "at", "id"]

    def __str__(self) -> str:
        return f"{self.job_id} {self.status} {self.at:%H:%M}"
