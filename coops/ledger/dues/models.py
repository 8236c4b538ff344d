"""Dues (cotisations): a group's plans, members' declared income brackets and the
dues each member owes per period.

A dues row is generated once per plan × member × period (a unique constraint makes
generation idempotent) with its amount frozen. Its state lives in `status`; the
only transitions are due → paid (settled through the ledger) and due → waived
(by an organiser, with a reason), checked by `check_transition`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel
from coops.core.money import Money

from .periods import PeriodDates, period_dates, period_label

MAX_GRACE_DAYS = 365


class Period(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    MONTHLY = "monthly", _("Monthly")


class Pricing(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    SLIDING = "sliding", _("Sliding scale by declared income")


class DuesStatus(models.TextChoices):
    DUE = "due", _("Due")
    PAID = "paid", _("Paid")
    WAIVED = "waived", _("Waived")


TRANSITIONS: dict[str, frozenset[str]] = {
    DuesStatus.DUE: frozenset({DuesStatus.PAID, DuesStatus.WAIVED}),
    # Paid dues are due again when the payment that paid them is cancelled (a bounced
    # cheque): see services.payment_cancel.
    DuesStatus.PAID: frozenset({DuesStatus.DUE}),
    DuesStatus.WAIVED: frozenset(),
}


def check_transition(current: str, new: str) -> None:
    """Raise ValidationError unless dues may go from `current` to `new`."""
    if new in TRANSITIONS.get(current, frozenset()):
        return
    if current == DuesStatus.PAID:
        message = gettext("These dues are already paid.")
    elif current == DuesStatus.WAIVED:
        message = gettext("These dues were waived.")
    else:
        message = gettext("These dues cannot change from %(current)s to %(new)s.") % {
            "current": current,
            "new": new,
        }
    raise ValidationError(message, code="invalid_transition")


class DuesPlan(TimeStampedModel):
    """What a group asks its members to pay, every year or every month.

    Periods begin on the first of a month: a yearly plan's periods begin each year in
    the month of `start_date` (September for an AMAP season), a monthly plan's on
    the first of every month. Dues fall due on `due_day` of the period's first month
    and are late `grace_days` after that.
    """

    group = models.ForeignKey(
        "groups.Group", verbose_name=_("group"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    pricing = models.CharField(_("pricing"), max_length=10, choices=Pricing.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a fixed amount only; a sliding scale sets an amount per bracket."),
    )
    currency = models.CharField(_("currency"), max_length=12, default="EUR", editable=False)
    start_date = models.DateField(_("first period starts on"))
    due_day = models.PositiveSmallIntegerField(
        _("due on day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the period's first month the dues are due (1 to 28)."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=30,
        validators=[MaxValueValidator(MAX_GRACE_DAYS)],
        help_text=_("Days after the due date before the dues count as overdue."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Dues are generated for active plans only.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("dues plan")
        verbose_name_plural = _("dues plans")
        ordering = ["group_id", "-is_active", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="dues_plan_name_once"),
            models.CheckConstraint(
                condition=Q(period__in=Period.values), name="dues_plan_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(pricing=Pricing.FIXED, amount__gt=0)
                | Q(pricing=Pricing.SLIDING, amount__isnull=True),
                name="dues_plan_amount_matches_pricing",
            ),
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=28), name="dues_plan_due_day_valid"
            ),
            models.CheckConstraint(
                condition=Q(grace_days__lte=MAX_GRACE_DAYS), name="dues_plan_grace_days_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.start_date.day != 1:
            errors["start_date"] = _("Periods begin on the first of a month.")
        if self.pricing == Pricing.FIXED and not self.amount:
            errors["amount"] = _("A fixed-amount plan needs its amount.")
        if errors:
            raise ValidationError(errors)

    @property
    def money(self) -> Money | None:
        return Money(self.amount, self.currency) if self.amount is not None else None

    def period_containing(self, on) -> PeriodDates:
        return period_dates(
            self.period,
            self.start_date.month,
            on,
            due_day=self.due_day,
            grace_days=self.grace_days,
        )


class DuesBracket(models.Model):
    """One line of a sliding scale: a declared income range and what it pays."""

    plan = models.ForeignKey(DuesPlan, on_delete=models.CASCADE, related_name="brackets")
    label = models.CharField(_("income bracket"), max_length=120)
    amount = models.DecimalField(
        _("amount"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_default = models.BooleanField(
        _("reference bracket"),
        default=False,
        help_text=_("Charged to members who have not declared a bracket."),
    )

    class Meta:
        verbose_name = _("income bracket")
        verbose_name_plural = _("income brackets")
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="dues_bracket_position_once"),
            models.UniqueConstraint(fields=["plan", "label"], name="dues_bracket_label_once"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(is_default=True), name="dues_bracket_one_default"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="dues_bracket_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def money(self) -> Money:
        return Money(self.amount, self.plan.currency)


class DuesDeclaration(TimeStampedModel):
    """The income bracket a member declares for a sliding-scale plan (self-declared,
    or set by an organiser). It prices the dues generated after it; dues already
    generated keep their amount."""

    plan = models.ForeignKey(DuesPlan, on_delete=models.CASCADE, related_name="declarations")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dues_declarations"
    )
    bracket = models.ForeignKey(DuesBracket, on_delete=models.CASCADE, related_name="+")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bracket declaration")
        verbose_name_plural = _("bracket declarations")
        constraints = [
            models.UniqueConstraint(fields=["plan", "member"], name="dues_declaration_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.plan} · {self.bracket}"


class DuesQuerySet(models.QuerySet):
    def outstanding(self) -> DuesQuerySet:
        return self.filter(status=DuesStatus.DUE)

    def overdue(self, on) -> DuesQuerySet:
        """Still due after the due date plus the grace period, as of day `on`."""
        return self.filter(status=DuesStatus.DUE, grace_until__lt=on)


class Dues(models.Model):
    """What one member owes under one plan for one period, frozen at generation."""

    group = models.ForeignKey(
        "groups.Group", verbose_name=_("group"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        DuesPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="dues"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="dues",
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    due_on = models.DateField(_("due on"))
    grace_until = models.DateField(_("overdue after"))
    bracket = models.ForeignKey(
        DuesBracket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bracket_label = models.CharField(_("income bracket"), max_length=120, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=12, default="EUR")
    status = models.CharField(
        _("status"), max_length=10, choices=DuesStatus.choices, default=DuesStatus.DUE
    )
    created_at = models.DateTimeField(_("generated at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    transaction = models.OneToOneField(
        "ledger.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dues",
    )
    payment = models.ForeignKey(
        "ledger.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waive_reason = models.CharField(_("reason for waiving"), max_length=255, blank=True)
    issued_notice_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    overdue_notice_at = models.DateTimeField(_("reminded as overdue at"), null=True, blank=True)
    # How many times a settlement was undone; part of the next settlement's key.
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)

    objects = DuesQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues")
        verbose_name_plural = _("dues")
        ordering = ["-period_start", "plan_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "member", "period_start"], name="dues_once_per_member_and_period"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="dues_amount_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start"))
                & Q(grace_until__gte=models.F("due_on")),
                name="dues_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=DuesStatus.DUE,
                    transaction__isnull=True,
                    paid_at__isnull=True,
                    waived_at__isnull=True,
                )
                | Q(
                    status=DuesStatus.PAID,
                    transaction__isnull=False,
                    paid_at__isnull=False,
                    waived_at__isnull=True,
                )
                | (
                    Q(
                        status=DuesStatus.WAIVED,
                        transaction__isnull=True,
                        waived_at__isnull=False,
                    )
                    & ~Q(waive_reason="")
                ),
                name="dues_status_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "member", "status", "grace_until"]),
            models.Index(fields=["status", "grace_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.period_label} · {self.member}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.period_start)

    def is_overdue(self, on) -> bool:
        return self.status == DuesStatus.DUE and self.grace_until < on
