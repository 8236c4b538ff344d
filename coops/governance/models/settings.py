"""Per-group governance settings, colleges (SCIC stakeholder categories) and proxies."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

COLLEGE_MIN_WEIGHT = 10  # percent
COLLEGE_MAX_WEIGHT = 50


class GroupGovernance(models.Model):
    """How a group decides by default. A row is created on first use with the defaults;
    changing it is itself a decision (the "change a group setting" motion)."""

    group = models.OneToOneField(
        "groups.Group", on_delete=models.CASCADE, related_name="governance", primary_key=True
    )
    agenda_cutoff_days = models.PositiveSmallIntegerField(
        _("agenda closes (days before the assembly)"),
        default=7,
        validators=[MaxValueValidator(60)],
    )
    max_proxies = models.PositiveSmallIntegerField(
        _("proxies a member may hold"), default=1, validators=[MaxValueValidator(10)]
    )
    default_method = models.CharField(_("default method"), max_length=12, default="consent")
    uses_colleges = models.BooleanField(_("votes are weighted by college"), default=False)

    class Meta:
        verbose_name = _("governance settings")
        verbose_name_plural = _("governance settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(agenda_cutoff_days__lte=60), name="governance_cutoff_range"
            ),
            models.CheckConstraint(condition=Q(max_proxies__lte=10), name="governance_proxy_range"),
        ]

    def __str__(self) -> str:
        return str(self.group)


class College(models.Model):
    """A stakeholder category of a SCIC: its votes weigh `weight` % of every weighted
    result. The weights of a group's colleges sum to 100 (checked when they are saved
    together by `colleges_set`); each lies between 10 and 50 (a constraint)."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="colleges")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=255, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"),
        validators=[MinValueValidator(COLLEGE_MIN_WEIGHT), MaxValueValidator(COLLEGE_MAX_WEIGHT)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("college")
        verbose_name_plural = _("colleges")
        ordering = ["group", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="governance_college_name_once"),
            models.CheckConstraint(
                condition=Q(weight__gte=COLLEGE_MIN_WEIGHT) & Q(weight__lte=COLLEGE_MAX_WEIGHT),
                name="governance_college_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight} %)"


class CollegeMember(models.Model):
    """A member's college in a group: one college per member and group."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("college member")
        verbose_name_plural = _("college members")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="governance_one_college"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.college}"


class Proxy(TimeStampedModel):
    """A procuration: `giver` lets `holder` vote for them, for one assembly (every vote
    held in it) or one proposal. No chains (a holder cannot have given their own vote
    for the same scope), at most `GroupGovernance.max_proxies` per holder, and no
    withdrawal once the holder has voted with it (all checked by `proxy_give` under a
    lock on the group)."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proxies_given"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proxies_held"
    )
    assembly = models.ForeignKey(
        "governance.Assembly",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proxies",
    )
    proposal = models.ForeignKey(
        "governance.Proposal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proxies",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.CheckConstraint(
                condition=Q(assembly__isnull=True, proposal__isnull=False)
                | Q(assembly__isnull=False, proposal__isnull=True),
                name="governance_proxy_one_scope",
            ),
            models.CheckConstraint(
                condition=~Q(giver=models.F("holder")), name="governance_proxy_not_self"
            ),
            models.UniqueConstraint(
                fields=["giver", "assembly"],
                condition=Q(withdrawn_at__isnull=True, assembly__isnull=False),
                name="governance_proxy_once_per_assembly",
            ),
            models.UniqueConstraint(
                fields=["giver", "proposal"],
                condition=Q(withdrawn_at__isnull=True, proposal__isnull=False),
                name="governance_proxy_once_per_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.holder}"
