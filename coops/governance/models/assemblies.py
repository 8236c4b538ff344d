"""Assemblies (the Agora): scheduling, the agenda and its cut-off, attendance, and the
double speaking list of each agenda item."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel


class AssemblyStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class AssemblyQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(
            status__in=[AssemblyStatus.SCHEDULED, AssemblyStatus.IN_PROGRESS],
            ends_at__gte=timezone.now(),
        ).order_by("starts_at")


class Assembly(TimeStampedModel):
    """A meeting of a group's members. The agenda takes members' items until
    `agenda_closes_at` (set when scheduled, from the group's cut-off in days); then it is
    frozen and only organisers re-order it. Quorum is computed live from attendance."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="assemblies")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    agenda_closes_at = models.DateTimeField(_("agenda closes at"))
    status = models.CharField(
        _("status"), max_length=12, choices=AssemblyStatus.choices, default=AssemblyStatus.SCHEDULED
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of members present or represented)"), default=0
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    convened_at = models.DateTimeField(_("convocation sent at"), null=True, blank=True)
    started_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    minutes_notes = models.TextField(_("general notes for the minutes"), blank=True)
    minutes_proposal = models.ForeignKey(
        "governance.Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approves_minutes_of",
        verbose_name=_("vote approving the minutes"),
    )
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)

    objects = AssemblyQuerySet.as_manager()

    class Meta:
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["group", "starts_at"], name="governance_assembly_when")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="governance_assembly_ends_after",
            ),
            models.CheckConstraint(
                condition=Q(agenda_closes_at__lte=models.F("starts_at")),
                name="governance_agenda_closes_before",
            ),
            models.CheckConstraint(
                condition=Q(quorum_percent__lte=100), name="governance_assembly_quorum_range"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""), name="governance_assembly_somewhere"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def agenda_open(self) -> bool:
        return self.status == AssemblyStatus.SCHEDULED and timezone.now() < self.agenda_closes_at


class AgendaItemStatus(models.TextChoices):
    PROPOSED = "proposed", _("On the agenda")
    DISCUSSED = "discussed", _("Discussed")
    DEFERRED = "deferred", _("Moved to the next assembly")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AgendaItem(TimeStampedModel):
    """A point of the agenda (ordre du jour), proposed by a member before the cut-off or
    by an organiser. `position` orders the agenda; notes and outcome feed the minutes."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AgendaItemStatus.choices,
        default=AgendaItemStatus.PROPOSED,
    )
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    deferred_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposal = models.ForeignKey(
        "governance.Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        verbose_name=_("vote in the room"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["assembly", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    REPRESENTED = "represented", _("Represented by proxy")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """Who was there: one row per member and assembly."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=AttendanceStatus.choices)
    proxy_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("represented by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "user"], name="governance_attend_once"),
            models.CheckConstraint(
                condition=Q(status="represented", proxy_holder__isnull=False)
                | (~Q(status="represented") & Q(proxy_holder__isnull=True)),
                name="governance_represented_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()}"


class SpeakingStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    SPEAKING = "speaking", _("Speaking")
    DONE = "done", _("Has spoken")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SpeakingRequest(models.Model):
    """A raised hand on an agenda item. The double list: those who have not yet spoken on
    the item are served before those who have, first come first served within each
    queue (see selectors.speaking_queues). At most one waiting hand per person and item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="speaking")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=SpeakingStatus.choices, default=SpeakingStatus.WAITING
    )
    raised_at = models.DateTimeField(_("hand raised at"), default=timezone.now)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("speaking request")
        verbose_name_plural = _("speaking requests")
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user"],
                condition=Q(status__in=["waiting", "speaking"]),
                name="governance_one_hand_per_item",
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="speaking"), name="governance_one_speaker"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()}"
