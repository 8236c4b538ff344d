"""AMAP season contracts: a producer and a hub agree on deliveries over a season;
members subscribe (alone or with a co-subscriber on alternate weeks), declare
absences within the contract's rules and pay in instalments. Each delivery's orders
are generated from the subscriptions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel


class ContractKind(models.TextChoices):
    FIXED = "fixed", _("Fixed basket")
    VARIABLE = "variable", _("Variable orders with a minimum")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for subscriptions")
    CLOSED = "closed", _("Closed")


class Contract(TimeStampedModel):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="contracts")
    producer = models.ForeignKey(
        "directory.Actor", on_delete=models.PROTECT, related_name="contracts"
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ContractKind.choices, default=ContractKind.FIXED
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    starts_on = models.DateField(_("first delivery"))
    ends_on = models.DateField(_("last delivery"))
    pickup_point = models.ForeignKey(
        "shortcircuit.PickupPoint",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("pickup point"),
    )
    max_absences = models.PositiveSmallIntegerField(_("absences allowed"), default=2)
    absence_notice_days = models.PositiveSmallIntegerField(_("absence notice (days)"), default=7)
    allow_co_subscribers = models.BooleanField(_("co-subscribers allowed"), default=True)
    # Instalment counts a member may choose, e.g. [1, 3, 8].
    instalment_choices = models.JSONField(_("payment plans"), default=list)
    # Variable contracts: the minimum a subscriber orders per delivery.
    minimum_per_delivery = models.DecimalField(
        _("minimum per delivery"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=12, default="EUR")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("season contract")
        verbose_name_plural = _("season contracts")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="shortcircuit_contract_dates"
            ),
            models.CheckConstraint(
                condition=Q(kind="fixed") | Q(minimum_per_delivery__gte=0),
                name="shortcircuit_contract_variable_has_minimum",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ContractOption(models.Model):
    """A basket size (small, large…) at a price per delivery."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("what is in it"), max_length=255, blank=True)
    price_per_delivery = models.DecimalField(
        _("price per delivery"), max_digits=10, decimal_places=2
    )
    # The catalog variant the generated order lines sell (the producer's basket).
    variant = models.ForeignKey(
        "shortcircuit.Variant", on_delete=models.PROTECT, related_name="contract_options"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("contract option")
        verbose_name_plural = _("contract options")
        ordering = ["contract", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "name"], name="shortcircuit_option_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(price_per_delivery__gte=0), name="shortcircuit_option_price"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContractDelivery(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="deliveries")
    date = models.DateField(_("date"))
    distribution = models.ForeignKey(
        "shortcircuit.Distribution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contract_deliveries",
    )
    orders_generated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("contract delivery")
        verbose_name_plural = _("contract deliveries")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "date"], name="shortcircuit_delivery_unique_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.date}"


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class Subscription(TimeStampedModel):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="subscriptions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="shortcircuit_subscriptions",
    )
    option = models.ForeignKey(ContractOption, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("baskets per delivery"), default=1)
    co_subscriber = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shortcircuit_co_subscriptions",
        verbose_name=_("co-subscriber"),
    )
    # With a co-subscriber: the member collects the 1st, 3rd… deliveries, or the 2nd, 4th…
    member_takes_first = models.BooleanField(_("I collect the first delivery"), default=True)
    instalments = models.PositiveSmallIntegerField(_("instalments"), default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
    )

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["contract", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "member"],
                condition=Q(status="active"),
                name="shortcircuit_subscription_one_per_member",
            ),
            models.CheckConstraint(
                condition=~Q(co_subscriber=F("member")),
                name="shortcircuit_subscription_co_not_self",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(instalments__gte=1),
                name="shortcircuit_subscription_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.contract}"


class Absence(models.Model):
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="absences"
    )
    delivery = models.ForeignKey(ContractDelivery, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "delivery"], name="shortcircuit_absence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription} ✗ {self.delivery.date}"


class DeliveryChoice(models.Model):
    """Variable contracts: what a subscriber takes at one delivery (≥ the minimum)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="choices")
    delivery = models.ForeignKey(ContractDelivery, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(ContractOption, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("delivery choice")
        verbose_name_plural = _("delivery choices")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "delivery", "option"],
                name="shortcircuit_choice_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.option}"


class InstalmentMethod(models.TextChoices):
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    BALANCE = "balance", _("From my balance")


class Instalment(models.Model):
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="instalment_rows"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    due_on = models.DateField(_("due on"))
    method = models.CharField(
        _("method"),
        max_length=10,
        choices=InstalmentMethod.choices,
        default=InstalmentMethod.CHEQUE,
    )
    cheque_number = models.CharField(_("cheque number"), max_length=30, blank=True)
    bank = models.CharField(_("bank"), max_length=80, blank=True)
    cash_on = models.DateField(_("to cash on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    payment = models.OneToOneField(
        "ledger.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["subscription", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "number"], name="shortcircuit_instalment_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=Decimal("0")), name="shortcircuit_instalment_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.number}/{self.subscription.instalments}"
