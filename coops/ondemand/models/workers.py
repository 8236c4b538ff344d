"""Workers of a federation: their online state and position, the day's counters that
dispatch reads, and the documents an organiser checks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

from .rules import DocumentKind


class Vehicle(models.TextChoices):
    BIKE = "bike", _("Bicycle")
    CARGO_BIKE = "cargo_bike", _("Cargo bike")
    CAR = "car", _("Car")
    VAN = "van", _("Van")
    FOOT = "foot", _("On foot")


class Worker(TimeStampedModel):
    """A member who works through the federation's platform."""

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="ondemand_workers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ondemand_workers"
    )
    vehicle = models.CharField(_("vehicle"), max_length=12, choices=Vehicle, default=Vehicle.BIKE)
    is_online = models.BooleanField(_("online"), default=False)
    online_since = models.DateTimeField(_("online since"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    position_at = models.DateTimeField(_("position updated at"), null=True, blank=True)
    # The day's counters, kept by settlement so dispatch reads one row per worker.
    day = models.DateField(_("day of the counters"), null=True, blank=True)
    seconds_today = models.PositiveIntegerField(_("seconds worked today"), default=0)
    earned_today = models.BigIntegerField(_("earned today (minor units)"), default=0)
    # A job accepted and not yet done (one at a time).
    busy = models.BooleanField(_("on a job"), default=False)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["group", "user"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="ondemand_worker_once"),
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True, lon__isnull=True)
                | models.Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="ondemand_worker_position_valid",
            ),
        ]
        indexes = [
            # Dispatch: online workers of a federation, by position.
            models.Index(
                fields=["group", "lat", "lon"],
                name="ondemand_worker_online_idx",
                condition=models.Q(is_online=True, busy=False),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a check")
    APPROVED = "approved", _("Checked and valid")
    REJECTED = "rejected", _("Refused")


class WorkerDocument(TimeStampedModel):
    """An insurance certificate, a licence…: uploaded by the worker, checked by an organiser."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind)
    file = models.FileField(_("file"), upload_to="ondemand/documents/%Y/%m/")
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus, default=DocumentStatus.PENDING
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("worker document")
        verbose_name_plural = _("worker documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.worker})"
