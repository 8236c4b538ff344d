"""Collaborative moderation of the directory: members' votes on pending entries, the
thresholds that publish or reject, moderators' decisions with their reasons, reports on
published entries, and owners' edits waiting for review (with the diff they make)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

from .actor import Actor


class VoteChoice(models.TextChoices):
    DOES_NOT_EXIST = "not_exist", _("Does not exist")
    WRONG_INFORMATION = "wrong_info", _("Exists, but with wrong information")
    EXISTS = "exists", _("Exists")
    EXISTS_GOOD_INFORMATION = "exists_good", _("Exists, and the information is right")
    AGAINST_CHARTER = "not_charter", _("Does not respect the charter")


class ModerationVote(TimeStampedModel):
    """One member's opinion on a pending entry; one per member and entry."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="votes", verbose_name=_("actor")
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="directory_votes",
        verbose_name=_("voter"),
    )
    choice = models.CharField(_("opinion"), max_length=12, choices=VoteChoice.choices)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("moderation vote")
        verbose_name_plural = _("moderation votes")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "voter"], name="directory_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_choice_display()}"


class ModerationSettings(models.Model):
    """The platform's moderation thresholds: one row (pk 1), edited in the admin."""

    votes_to_publish = models.PositiveSmallIntegerField(
        _("votes to publish"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Favourable votes, net of unfavourable ones, that publish an entry."),
    )
    votes_to_reject = models.PositiveSmallIntegerField(
        _("votes to reject"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Unfavourable votes, net of favourable ones, that reject an entry."),
    )
    freshness_months = models.PositiveSmallIntegerField(
        _("months before a freshness reminder"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    class Meta:
        verbose_name = _("moderation settings")
        verbose_name_plural = _("moderation settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="directory_settings_one")]

    def __str__(self) -> str:
        return str(_("Moderation settings"))

    @classmethod
    def current(cls) -> ModerationSettings:
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class DecisionOutcome(models.TextChoices):
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")
    MERGED = "merged", _("Merged into another entry")
    CHANGE_ACCEPTED = "change_accepted", _("Change accepted")
    CHANGE_REJECTED = "change_rejected", _("Change rejected")
    REPORT_DISMISSED = "report_dismissed", _("Report dismissed")


class ModerationDecision(models.Model):
    """What was decided about an entry, by whom (nobody: the votes' thresholds), why."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("actor")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_outcome_display()}"


class ReportReason(models.TextChoices):
    DOES_NOT_EXIST = "not_exist", _("Does not exist (any more)")
    WRONG_INFORMATION = "wrong_info", _("Wrong information")
    AGAINST_CHARTER = "not_charter", _("Does not respect the charter")
    DUPLICATE = "duplicate", _("Duplicate of another entry")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class ActorReport(TimeStampedModel):
    """Someone's report on a published entry, open until a moderator handles it."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="reports", verbose_name=_("actor")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_reports",
        verbose_name=_("reported by"),
    )
    reporter_email = models.EmailField(_("email of the person reporting"), blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=ReportReason.choices)
    duplicate_of = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolution = models.TextField(_("why it was handled so"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "actor"], name="directory_report_open_idx")]

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_reason_display()}"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ActorChange(TimeStampedModel):
    """An owner's edit of a published entry, waiting for a moderator.

    `proposed` maps each changed field to its new value (taxonomy fields as lists of
    slugs); `original` holds the same fields' values when the change was proposed, so
    the diff shows what the owner saw and a conflicting edit since then is detected.
    An entry has at most one pending change: editing again updates it.
    """

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="changes", verbose_name=_("actor")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="directory_changes",
        verbose_name=_("proposed by"),
    )
    proposed = models.JSONField(_("proposed values"), default=dict)
    original = models.JSONField(_("values before"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor"],
                condition=Q(status="pending"),
                name="directory_change_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_status_display()}"
