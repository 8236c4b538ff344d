"""Imports of open data into the directory (CSV, GeoJSON, GoGoCarto JSON): a job holds
the uploaded file, the field mapping, the dry-run counts, the progress of the real run
and one error row per rejected input row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

from .actor import ActorStatus


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    GEOJSON = "geojson", _("GeoJSON")
    GOGOCARTO = "gogocarto", _("GoGoCarto JSON export")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: map the fields")
    PREVIEWED = "previewed", _("Dry run done: confirm")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(TimeStampedModel):
    """One import, from upload to the last committed batch."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_imports",
        verbose_name=_("imported by"),
    )
    source = models.CharField(
        _("source"),
        max_length=60,
        help_text=_("Short name of the source; with each row's id it makes imports idempotent."),
    )
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    file = models.FileField(_("file"), upload_to="directory/imports/")
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    mapping = models.JSONField(_("field mapping"), default=dict, blank=True)
    status_on_import = models.CharField(
        _("status of imported entries"),
        max_length=10,
        choices=[
            (ActorStatus.PENDING, ActorStatus.PENDING.label),
            (ActorStatus.PUBLISHED, ActorStatus.PUBLISHED.label),
        ],
        default=ActorStatus.PENDING,
    )
    licence = models.CharField(_("licence"), max_length=60, blank=True, default="ODbL-1.0")
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    preview = models.JSONField(
        _("dry-run result"),
        default=dict,
        blank=True,
        help_text=_("Counts of new, updated, duplicate and invalid rows, and sample rows."),
    )
    counts = models.JSONField(_("result"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_format_display()}, {self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportRowError(models.Model):
    """Why one input row was not imported."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="errors", verbose_name=_("import")
    )
    row_number = models.PositiveIntegerField(_("row"))
    source_id = models.CharField(_("identifier at the source"), max_length=120, blank=True)
    field = models.CharField(_("field"), max_length=60, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=500)
    dry_run = models.BooleanField(_("found by the dry run"), default=False)

    class Meta:
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")
        ordering = ["row_number", "id"]
        indexes = [
            models.Index(fields=["job", "dry_run", "row_number"], name="directory_imperr_idx")
        ]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"
