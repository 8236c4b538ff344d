"""A workers' federation's rules. They change only through an adopted proposal (the
motions in `motions.py`); `RuleChange` keeps which decision set what, and when."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

MAX_COMMISSION = Decimal("10")
MAX_FUND = Decimal("5")


class DocumentKind(models.TextChoices):
    INSURANCE = "insurance", _("Professional insurance")
    LICENCE = "licence", _("Driving licence")
    VEHICLE = "vehicle", _("Vehicle registration")
    OTHER = "other", _("Other document")


def _money(name: str, default: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        name,
        max_digits=9,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class FederationRules(TimeStampedModel):
    """The current rules of a federation (one row per group with the module)."""

    group = models.OneToOneField(
        "groups.Group", on_delete=models.CASCADE, related_name="ondemand_rules"
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    min_hourly_rate = _money(_("minimum hourly rate"), "12.00")
    commission_percent = models.DecimalField(
        _("commission (%)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("8.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_COMMISSION)],
    )
    fund_percent = models.DecimalField(
        _("contribution to the cooperative fund (%)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_FUND)],
    )
    max_hours_per_day = models.DecimalField(
        _("maximum working hours per day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("24"))],
    )
    tariff_base = _money(_("base fare"), "3.50")
    tariff_per_km = _money(_("per kilometre"), "1.20")
    tariff_per_minute = _money(_("per minute"), "0.25")
    tariff_per_item = _money(_("per extra item"), "0.50")
    require_charter = models.BooleanField(_("charter signed"), default=True)
    require_dues = models.BooleanField(_("dues up to date"), default=True)
    required_documents = models.JSONField(
        _("documents required"),
        default=list,
        blank=True,
        help_text=_("Kinds of documents a worker must have checked before going online."),
    )
    dispatch_radius_km = models.DecimalField(
        _("dispatch radius (km)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("8.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
    )
    offer_timeout_seconds = models.PositiveIntegerField(
        _("time to answer an offer (seconds)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(3600)],
    )
    running_costs_monthly = _money(_("platform running costs per month"), "0.00")

    class Meta:
        verbose_name = _("federation rules")
        verbose_name_plural = _("federation rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_percent__gte=0, commission_percent__lte=10),
                name="ondemand_commission_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(fund_percent__gte=0, fund_percent__lte=5),
                name="ondemand_fund_0_5",
            ),
            models.CheckConstraint(
                condition=models.Q(min_hourly_rate__gte=0)
                & models.Q(tariff_base__gte=0)
                & models.Q(tariff_per_km__gte=0)
                & models.Q(tariff_per_minute__gte=0)
                & models.Q(tariff_per_item__gte=0),
                name="ondemand_rates_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(max_hours_per_day__gte=1, max_hours_per_day__lte=24),
                name="ondemand_max_hours_1_24",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Rules of %(group)s") % {"group": self.group})


class RuleChange(models.Model):
    """One change of the rules: which decision made it, and the values before and after."""

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="ondemand_rule_changes"
    )
    proposal = models.ForeignKey(
        "governance.Proposal",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        verbose_name = _("rule change")
        verbose_name_plural = _("rule changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.group_id} {self.changed_at:%Y-%m-%d}"
