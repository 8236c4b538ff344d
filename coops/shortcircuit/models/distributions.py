"""Hubs' logistics: producers a hub works with, pickup points, distributions (time-boxed
collective orders) with a slot per pickup point, the products offered, recurrences
that generate distributions ahead, and volunteer shifts."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

MAX_HUB_FEE_PERCENT = Decimal("30")


class HubProducer(models.Model):
    """A producer (directory actor) that a hub (group) sells for."""

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="hub_producers"
    )
    producer = models.ForeignKey("directory.Actor", on_delete=models.PROTECT, related_name="hubs")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hub producer")
        verbose_name_plural = _("hub producers")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "producer"], name="shortcircuit_hubproducer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.producer} @ {self.group}"


class PickupPoint(TimeStampedModel):
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="pickup_points"
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=255)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # Same states as directory actors: "to_geolocate", "address", "municipality", "manual".
    geocode_status = models.CharField(_("geocoding"), max_length=20, default="to_geolocate")
    # [{"weekday": 3, "start": "18:00", "end": "19:30"}, …], Monday = 0.
    opening_slots = models.JSONField(_("opening slots"), default=list, blank=True)
    instructions = models.TextField(_("how to find it"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("pickup point")
        verbose_name_plural = _("pickup points")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "name"], name="shortcircuit_pickuppoint_unique_name"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="shortcircuit_pickuppoint_both_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DistributionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for orders")
    CLOSED = "closed", _("Closed")
    DELIVERED = "delivered", _("Delivered")
    SETTLED = "settled", _("Settled")


# The one table of allowed moves (services.distributions.distribution_transition).
DISTRIBUTION_TRANSITIONS: dict[str, frozenset[str]] = {
    DistributionStatus.DRAFT: frozenset({DistributionStatus.OPEN}),
    DistributionStatus.OPEN: frozenset({DistributionStatus.CLOSED, DistributionStatus.DRAFT}),
    DistributionStatus.CLOSED: frozenset({DistributionStatus.DELIVERED, DistributionStatus.OPEN}),
    DistributionStatus.DELIVERED: frozenset({DistributionStatus.SETTLED}),
    DistributionStatus.SETTLED: frozenset(),
}


class Recurrence(TimeStampedModel):
    """ "Every Thursday 18:00–19:30 at the village hall": generates distributions ahead."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # Monday = 0
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    pickup_point = models.ForeignKey(
        PickupPoint, on_delete=models.PROTECT, related_name="recurrences"
    )
    opens_days_before = models.PositiveSmallIntegerField(_("orders open (days before)"), default=7)
    closes_hours_before = models.PositiveSmallIntegerField(
        _("orders close (hours before)"), default=48
    )
    weeks_ahead = models.PositiveSmallIntegerField(_("generated weeks ahead"), default=4)
    hub_fee_percent = models.DecimalField(
        _("hub fee (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    hub_fee_per_item = models.DecimalField(
        _("hub fee per item"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    volunteers_needed = models.PositiveSmallIntegerField(
        _("volunteers per distribution"), default=2
    )
    starts_on = models.DateField(_("first date"))
    ends_on = models.DateField(_("last date"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("recurring distribution")
        verbose_name_plural = _("recurring distributions")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="shortcircuit_recurrence_weekday"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="shortcircuit_recurrence_times",
            ),
            models.CheckConstraint(
                condition=Q(weeks_ahead__gte=1) & Q(weeks_ahead__lte=26),
                name="shortcircuit_recurrence_weeks_ahead",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DistributionQuerySet(models.QuerySet):
    def accepting_orders(self, now=None) -> DistributionQuerySet:
        now = now or timezone.now()
        return self.filter(status=DistributionStatus.OPEN, opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, today=None) -> DistributionQuerySet:
        today = today or timezone.localdate()
        return self.filter(delivery_date__gte=today).exclude(status=DistributionStatus.SETTLED)


class Distribution(TimeStampedModel):
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="distributions"
    )
    title = models.CharField(_("title"), max_length=160)
    opens_at = models.DateTimeField(_("orders open at"))
    closes_at = models.DateTimeField(_("orders close at"))
    delivery_date = models.DateField(_("delivery date"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DistributionStatus.choices,
        default=DistributionStatus.DRAFT,
    )
    hub_fee_percent = models.DecimalField(
        _("hub fee (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    hub_fee_per_item = models.DecimalField(
        _("hub fee per item"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    currency = models.CharField(_("currency"), max_length=12, default="EUR")
    notes = models.TextField(_("notes for buyers"), blank=True)
    recurrence = models.ForeignKey(
        Recurrence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="distributions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DistributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-delivery_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="shortcircuit_distribution_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DistributionStatus.values),
                name="shortcircuit_distribution_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(hub_fee_percent__gte=0) & Q(hub_fee_percent__lte=MAX_HUB_FEE_PERCENT),
                name="shortcircuit_distribution_fee_percent",
            ),
            models.CheckConstraint(
                condition=Q(hub_fee_per_item__gte=0), name="shortcircuit_distribution_fee_item"
            ),
            models.UniqueConstraint(
                fields=["recurrence", "delivery_date"],
                condition=Q(recurrence__isnull=False),
                name="shortcircuit_distribution_once_per_recurrence_date",
            ),
        ]
        indexes = [models.Index(fields=["group", "status", "delivery_date"])]

    def __str__(self) -> str:
        return self.title


class DistributionSlot(models.Model):
    """When the distribution is at one pickup point."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="slots")
    pickup_point = models.ForeignKey(PickupPoint, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))

    class Meta:
        verbose_name = _("pickup slot")
        verbose_name_plural = _("pickup slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "pickup_point"], name="shortcircuit_slot_unique_point"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shortcircuit_slot_times"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pickup_point} {self.starts_at:%Y-%m-%d %H:%M}"


class Offer(models.Model):
    """A variant on sale in a distribution, at the price buyers pay before the hub fee
    (the producer's price, or the organiser's adjustment)."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="offers")
    variant = models.ForeignKey(
        "shortcircuit.Variant", on_delete=models.PROTECT, related_name="offers"
    )
    price = models.DecimalField(_("price incl. VAT"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "variant"], name="shortcircuit_offer_unique_variant"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="shortcircuit_offer_price"),
        ]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.distribution}"


class Shift(models.Model):
    """A volunteer shift (permanence) at a distribution."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="shifts")
    title = models.CharField(_("task"), max_length=120)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    needed = models.PositiveSmallIntegerField(_("volunteers needed"), default=2)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("volunteer shift")
        verbose_name_plural = _("volunteer shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(needed__gte=1), name="shortcircuit_shift_needed"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shortcircuit_shift_times"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ShiftSignup(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortcircuit_shifts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shift sign-up")
        verbose_name_plural = _("shift sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="shortcircuit_signup_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.shift}"
