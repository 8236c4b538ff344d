"""Buyers' orders in a distribution. Lines snapshot what was sold and at what price, so
a later catalog change never rewrites an order; the order's total is the sum of its
lines (kept by the services, checked by the tests and `ledger_check`'s peers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

from .catalog import Unit


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    CANCELLED = "cancelled", _("Cancelled")


class OrderPayment(models.TextChoices):
    BALANCE = "balance", _("From my balance")
    ON_SITE = "on_site", _("On site (cash or cheque)")
    CONTRACT = "contract", _("Season contract")


class OrderQuerySet(models.QuerySet):
    def placed(self) -> OrderQuerySet:
        return self.filter(status=OrderStatus.PLACED)


class Order(TimeStampedModel):
    distribution = models.ForeignKey(
        "shortcircuit.Distribution", on_delete=models.PROTECT, related_name="orders"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shortcircuit_orders"
    )
    slot = models.ForeignKey(
        "shortcircuit.DistributionSlot",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("pickup"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    payment = models.CharField(
        _("payment"), max_length=10, choices=OrderPayment.choices, default=OrderPayment.BALANCE
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0)
    subscription = models.ForeignKey(
        "shortcircuit.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    settlement = models.ForeignKey(
        "ledger.Transaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="shortcircuit_order_total"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="shortcircuit_order_status"
            ),
            # One shop order per buyer and distribution (they modify it), and one
            # generated order per season subscription and distribution.
            models.UniqueConstraint(
                fields=["distribution", "buyer"],
                condition=Q(status="placed", subscription__isnull=True),
                name="shortcircuit_order_one_per_buyer",
            ),
            models.UniqueConstraint(
                fields=["distribution", "subscription"],
                condition=Q(status="placed", subscription__isnull=False),
                name="shortcircuit_order_one_per_subscription",
            ),
        ]
        indexes = [models.Index(fields=["distribution", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.buyer}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "shortcircuit.Variant", on_delete=models.PROTECT, related_name="order_lines"
    )
    offer = models.ForeignKey(
        "shortcircuit.Offer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
    )
    # Snapshots, so reports group and print without touching the catalog.
    producer = models.ForeignKey(
        "directory.Actor", on_delete=models.PROTECT, related_name="shortcircuit_sales"
    )
    product_name = models.CharField(_("product"), max_length=200)
    variant_name = models.CharField(_("variant"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    unit_size = models.DecimalField(_("unit size"), max_digits=10, decimal_places=3)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    unit_fee = models.DecimalField(_("hub fee per unit"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    # Variable weight: price is per kg; the estimate prices the order, the weighed
    # total (for the whole line) prices the settlement.
    estimated_weight = models.DecimalField(
        _("estimated weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    actual_weight = models.DecimalField(
        _("weighed (kg)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="shortcircuit_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(unit_fee__gte=0) & Q(total__gte=0),
                name="shortcircuit_line_amounts",
            ),
            models.CheckConstraint(
                condition=Q(actual_weight__isnull=True) | Q(actual_weight__gt=0),
                name="shortcircuit_line_weight_positive",
            ),
            models.UniqueConstraint(
                fields=["order", "variant"], name="shortcircuit_line_one_per_variant"
            ),
        ]
        indexes = [models.Index(fields=["producer", "order"])]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"
