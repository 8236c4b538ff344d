"""Trips (a ride on one date, holding its seats) and the passengers' bookings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coops.core.geo import Point
from coops.core.models import TimeStampedModel
from coops.core.money import Money

from .rides import MAX_SEATS, Ride


class Trip(models.Model):
    """A ride on one date: the row its bookings hold seats on (locked while booking)."""

    ride = models.ForeignKey(
        Ride,
        verbose_name=_("ride"),
        on_delete=models.PROTECT,
        related_name="trips",
        db_index=False,  # covered by carpool_trip_once_per_date
    )
    date = models.DateField(_("date"))
    departure_at = models.DateTimeField(_("departure"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    seats_left = models.SmallIntegerField(_("seats left"))
    completed_at = models.DateTimeField(_("marked done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["departure_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ride", "date"], name="carpool_trip_once_per_date"),
            models.CheckConstraint(
                condition=models.Q(seats_left__gte=0), name="carpool_trip_seats_left_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(seats_left__lte=models.F("seats")),
                name="carpool_trip_seats_left_at_most_seats",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ride} · {self.date:%d/%m/%Y}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the driver")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Done")


# Who may move a booking from one state to another.
TRANSITIONS: dict[tuple[str, str], str] = {
    (BookingStatus.REQUESTED, BookingStatus.ACCEPTED): "driver",
    (BookingStatus.REQUESTED, BookingStatus.DECLINED): "driver",
    (BookingStatus.REQUESTED, BookingStatus.CANCELLED): "passenger",
    (BookingStatus.ACCEPTED, BookingStatus.CANCELLED): "passenger",
    (BookingStatus.ACCEPTED, BookingStatus.COMPLETED): "either",
}
# Bookings that hold their seats.
HOLDING = (BookingStatus.REQUESTED, BookingStatus.ACCEPTED)


def transition_party(old: str, new: str) -> str | None:
    """ "driver", "passenger" or "either" when `old` → `new` is allowed, else None."""
    return TRANSITIONS.get((old, new))


class Booking(TimeStampedModel):
    trip = models.ForeignKey(
        Trip,
        verbose_name=_("trip"),
        on_delete=models.PROTECT,
        related_name="bookings",
        db_index=False,  # covered by carpool_booking_trip
    )
    passenger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("passenger"),
        on_delete=models.PROTECT,
        related_name="carpool_bookings",
        db_index=False,  # covered by carpool_booking_passenger
    )
    seats = models.PositiveSmallIntegerField(_("seats"))
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    pickup_label = models.CharField(_("pickup"), max_length=200)
    pickup_lat = models.FloatField()
    pickup_lon = models.FloatField()
    dropoff_label = models.CharField(_("drop-off"), max_length=200)
    dropoff_lat = models.FloatField()
    dropoff_lon = models.FloatField()
    pickup_at = models.DateTimeField(_("estimated pickup"))
    distance_m = models.PositiveIntegerField(_("passenger's trip (m)"))
    detour_m = models.IntegerField(_("detour (m)"), default=0)
    # Snapshotted when booking: per km × the passenger's km × seats, in the ride's currency.
    contribution = models.DecimalField(_("contribution"), max_digits=14, decimal_places=6)
    currency = models.CharField(_("currency"), max_length=12)
    message = models.TextField(_("message to the driver"), blank=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    transaction = models.ForeignKey(
        "ledger.Transaction",
        verbose_name=_("ledger transaction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["passenger", "status"], name="carpool_booking_passenger"),
            models.Index(fields=["trip", "status"], name="carpool_booking_trip"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats__gte=1, seats__lte=MAX_SEATS),
                name="carpool_booking_seats_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BookingStatus.values),
                name="carpool_booking_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(contribution__gte=0),
                name="carpool_booking_contribution_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BookingStatus.COMPLETED)
                | models.Q(settled_at__isnull=False),
                name="carpool_booking_completed_is_settled",
            ),
            models.UniqueConstraint(
                fields=["trip", "passenger"],
                condition=models.Q(status__in=[s.value for s in HOLDING]),
                name="carpool_booking_one_open_per_trip",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.passenger} · {self.trip}"

    @property
    def pickup(self) -> Point:
        return Point(self.pickup_lat, self.pickup_lon)

    @property
    def dropoff(self) -> Point:
        return Point(self.dropoff_lat, self.dropoff_lon)

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 1)

    @property
    def holds_seats(self) -> bool:
        return self.status in HOLDING

    @property
    def contribution_money(self) -> Money:
        return Money(self.contribution, self.currency)
