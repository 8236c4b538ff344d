"""Group purchasing by the case: members' needs (+1), bulk orders from a supplier,
articles sold by the case, and members' requests with a tolerance, allocated at
closing by the Foodsoft rule (allocation.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

from .catalog import Unit


class NeedPeriod(models.TextChoices):
    ONCE = "once", _("once")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class Need(TimeStampedModel):
    """ "Organic rice, 10 kg/month": what a member would buy together with others."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="needs")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortcircuit_needs"
    )
    title = models.CharField(_("what"), max_length=160)
    quantity = models.DecimalField(
        _("how much"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, blank=True)
    period = models.CharField(
        _("how often"), max_length=8, choices=NeedPeriod.choices, default=NeedPeriod.MONTH
    )
    note = models.TextField(_("note"), blank=True)
    closed = models.BooleanField(_("met"), default=False)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="shortcircuit_need_quantity",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NeedVote(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(
        _("how much for me"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("+1 on a need")
        verbose_name_plural = _("+1 on needs")
        constraints = [
            models.UniqueConstraint(fields=["need", "user"], name="shortcircuit_needvote_once")
        ]

    def __str__(self) -> str:
        return f"+1 {self.user} · {self.need}"


class BulkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for requests")
    CLOSED = "closed", _("Closed and allocated")
    CANCELLED = "cancelled", _("Cancelled")


class BulkOrder(TimeStampedModel):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="bulk_orders")
    title = models.CharField(_("title"), max_length=160)
    supplier_name = models.CharField(_("supplier"), max_length=160)
    supplier = models.ForeignKey(
        "directory.Actor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bulk_orders",
        verbose_name=_("supplier in the directory"),
    )
    closes_at = models.DateTimeField(_("requests close at"))
    status = models.CharField(
        _("status"), max_length=10, choices=BulkStatus.choices, default=BulkStatus.DRAFT
    )
    minimum_total = models.DecimalField(
        _("supplier's minimum order"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=12, default="EUR")
    notes = models.TextField(_("notes"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bulk order")
        verbose_name_plural = _("bulk orders")
        ordering = ["-closes_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class BulkArticle(models.Model):
    bulk_order = models.ForeignKey(BulkOrder, on_delete=models.CASCADE, related_name="articles")
    name = models.CharField(_("article"), max_length=160)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.KILOGRAM)
    unit_size = models.DecimalField(_("unit size"), max_digits=10, decimal_places=3, default=1)
    case_size = models.PositiveIntegerField(_("units per case"))
    unit_price = models.DecimalField(_("price per unit"), max_digits=10, decimal_places=2)
    # [{"min_units": 24, "unit_price": "2.10"}, …]: cheaper from a total volume.
    price_tiers = models.JSONField(_("price tiers"), default=list, blank=True)
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    cases_ordered = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("bulk article")
        verbose_name_plural = _("bulk articles")
        ordering = ["bulk_order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(case_size__gte=1), name="shortcircuit_case_size"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="shortcircuit_article_price"
            ),
            models.CheckConstraint(
                condition=Q(unit_size__gt=0), name="shortcircuit_article_unit_size"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BulkRequest(models.Model):
    article = models.ForeignKey(BulkArticle, on_delete=models.CASCADE, related_name="requests")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortcircuit_bulk"
    )
    quantity = models.PositiveIntegerField(_("quantity (units)"))
    tolerance = models.PositiveIntegerField(_("tolerance (units)"), default=0)
    # First come, first served: the time the request was first made.
    requested_at = models.DateTimeField()
    allocated = models.PositiveIntegerField(null=True, blank=True, editable=False)
    explanation = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("bulk request")
        verbose_name_plural = _("bulk requests")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "member"], name="shortcircuit_bulkrequest_once"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="shortcircuit_bulkrequest_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.quantity}+{self.tolerance} {self.article}"
