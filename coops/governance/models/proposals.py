"""Proposals, their options and versions, the eligible voters snapshotted at opening,
ballots (one per voter, changes kept) and the marks of option methods."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel


class Method(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus")
    CONSENT = "consent", _("Consent")
    MAJORITY = "majority", _("Simple majority")
    QUALIFIED = "qualified", _("Qualified majority")
    JUDGMENT = "judgment", _("Majority judgment")
    SCHULZE = "schulze", _("Ranked choice (Schulze)")
    DOTS = "dots", _("Dot voting")
    SCORE = "score", _("Score voting")


OPTION_METHODS = {Method.JUDGMENT, Method.SCHULZE, Method.DOTS, Method.SCORE}


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    NO_QUORUM = "no_quorum", _("No quorum")
    WITHDRAWN = "withdrawn", _("Withdrawn")


FINAL_STATUSES = {
    ProposalStatus.ADOPTED,
    ProposalStatus.REJECTED,
    ProposalStatus.NO_QUORUM,
    ProposalStatus.WITHDRAWN,
}


class QuorumRule(models.TextChoices):
    NONE = "none", _("No quorum")
    PARTICIPANTS = "participants", _("A number of participants")
    PERCENT = "percent", _("A share of eligible voters (%)")


class ProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ProposalStatus.OPEN)

    def due(self):
        """Open proposals whose closing time has passed (for the scheduled task)."""
        return self.open().filter(closes_at__lte=timezone.now())

    def adopted(self):
        return self.filter(status=ProposalStatus.ADOPTED)


class Proposal(TimeStampedModel):
    """A question put to a group, decided by `method`. The state lives in `status` and
    changes only through services.proposals.proposal_transition. When opened, the
    group's active members are snapshotted as `voters` (with their college). An adopted
    proposal applies its motion (`motion_type`, `motion_data`) in the same transaction."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(_("decision method"), max_length=12, choices=Method.choices)
    settings = models.JSONField(_("method settings"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    quorum_rule = models.CharField(
        _("quorum"), max_length=12, choices=QuorumRule.choices, default=QuorumRule.NONE
    )
    quorum_value = models.PositiveIntegerField(_("quorum value"), default=0)
    secret = models.BooleanField(_("secret ballot"), default=False)
    results_hidden = models.BooleanField(_("results hidden until closing"), default=False)
    changes_allowed = models.BooleanField(_("votes can be changed until closing"), default=True)
    weighted = models.BooleanField(_("weighted by college"), default=False)
    counters = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counter_proposals",
        verbose_name=_("counter-proposal to"),
    )
    motion_type = models.CharField(_("effect"), max_length=40, blank=True)
    motion_data = models.JSONField(_("effect details"), default=dict, blank=True)
    motion_applied_at = models.DateTimeField(_("effect applied at"), null=True, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    outcome_summary = models.TextField(_("outcome summary"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    review_notified_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "closes_at"], name="governance_proposal_due"),
            models.Index(fields=["group", "status", "-decided_at"], name="governance_register"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="governance_proposal_closes_after",
            ),
            models.CheckConstraint(
                condition=Q(method__in=[m.value for m in Method]),
                name="governance_proposal_method_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def uses_options(self) -> bool:
        return self.method in OPTION_METHODS

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class ProposalOption(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["proposal", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "label"], name="governance_option_once"),
        ]

    def __str__(self) -> str:
        return self.label


class ProposalVersion(models.Model):
    """The text of a proposal before an amendment (consent: an objection integrated)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    reason = models.TextField(_("why it changed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["proposal", "version"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "version"], name="governance_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} v{self.version}"


class Voter(models.Model):
    """An eligible voter, snapshotted when the proposal opens, with their college."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    college = models.ForeignKey(
        "governance.College", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="governance_voter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.proposal_id}"


class Ballot(models.Model):
    """A voter's answer: one per voter and proposal (a constraint). `cast_by` is the
    voter or the holder of their proxy. Positions methods use `position` (+ reason and
    counter-proposal); option methods store one `BallotMark` per option."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proxy = models.ForeignKey(
        "governance.Proxy", null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    college = models.ForeignKey(
        "governance.College", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.CharField(max_length=12, blank=True)
    reason = models.TextField(blank=True)
    counter_proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)
    # An amendment integrated this answer (an objection): it no longer counts until the
    # voter answers the new version.
    set_aside_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="governance_ballot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} · {self.proposal_id}"


class BallotMark(models.Model):
    """An option's grade, rank, dots or score on a ballot (aggregated in SQL)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    option = models.ForeignKey(ProposalOption, on_delete=models.CASCADE, related_name="+")
    value = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "option"], name="governance_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.option_id}: {self.value}"


class BallotChange(models.Model):
    """The previous answer each time a voter changes their ballot (history)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="changes")
    response = models.JSONField()
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ballot", "replaced_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ballot_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"
