"""Ride offers: one-off or regular, with the columns the search filters on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from coops.core.geo import Point
from coops.core.models import TimeStampedModel
from coops.core.money import symbol

from ..matching import Leg

MAX_SEATS = 8
MAX_MARGIN_MINUTES = 180
MAX_WAYPOINTS = 5
ALL_DAYS = 0b1111111


class Weekday(models.IntegerChoices):
    """Bit positions in `Ride.weekdays`, Monday first (as `date.weekday()`)."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def weekday_bits(days) -> int:
    return sum(1 << int(d) for d in set(days))


def weekdays_of(bits: int) -> list[int]:
    return [d for d in range(7) if bits & (1 << d)]


class RideStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class RideQuerySet(models.QuerySet):
    def published(self) -> RideQuerySet:
        return self.filter(status=RideStatus.PUBLISHED)


class Ride(TimeStampedModel):
    group = models.ForeignKey(
        "groups.Group", verbose_name=_("group"), on_delete=models.PROTECT, related_name="+"
    )
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("driver"),
        on_delete=models.PROTECT,
        related_name="carpool_rides",
        db_index=False,  # covered by carpool_ride_driver
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RideStatus.choices, default=RideStatus.PUBLISHED
    )
    origin_label = models.CharField(_("from"), max_length=200)
    origin_lat = models.FloatField()
    origin_lon = models.FloatField()
    destination_label = models.CharField(_("to"), max_length=200)
    destination_lat = models.FloatField()
    destination_lon = models.FloatField()
    # [{"label": "Marcq-en-Barœul (59700)", "lat": 50.67, "lon": 3.09}, …] in driving order.
    waypoints = models.JSONField(_("via"), default=list, blank=True)
    has_waypoints = models.BooleanField(default=False, editable=False)
    # [[metres, seconds], …]: one per leg, origin → waypoints → destination.
    legs = models.JSONField(default=list, editable=False)
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    duration_s = models.PositiveIntegerField(_("duration (s)"))
    bearing = models.PositiveSmallIntegerField(_("heading (°)"))
    reach_min_lat = models.FloatField()
    reach_max_lat = models.FloatField()
    reach_min_lon = models.FloatField()
    reach_max_lon = models.FloatField()
    regular = models.BooleanField(_("regular"), default=False)
    # One-off rides.
    departure_at = models.DateTimeField(_("departure"), null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_end = models.DateTimeField(null=True, blank=True, editable=False)
    # Regular rides: weekdays (bits, Monday = 1) at a time of day in the group's zone.
    departure_time = models.TimeField(_("departure time"), null=True, blank=True)
    weekdays = models.PositiveSmallIntegerField(_("weekdays"), default=0)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)
    day_start_min = models.IntegerField(null=True, blank=True, editable=False)
    day_end_min = models.IntegerField(null=True, blank=True, editable=False)
    # The window's length class (matching.SPAN_BOUNDS): leads the search indexes.
    span_class = models.PositiveSmallIntegerField(default=0, editable=False)
    margin_minutes = models.PositiveSmallIntegerField(_("margin (minutes)"), default=15)
    seats = models.PositiveSmallIntegerField(_("seats"))
    contribution_per_km = models.DecimalField(
        _("contribution per km and seat"), max_digits=8, decimal_places=4
    )
    currency = models.CharField(_("currency"), max_length=12, default="EUR")
    solidarity = models.BooleanField(
        _("solidarity ride"),
        default=False,
        help_text=_("Free of charge, for people without a car."),
    )
    notes = models.TextField(_("notes"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = RideQuerySet.as_manager()

    class Meta:
        verbose_name = _("ride offer")
        verbose_name_plural = _("ride offers")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The search: per kind of ride and window class, one range scan of the starts,
            # on published rides only.
            models.Index(
                fields=["group", "span_class", "window_start"],
                condition=models.Q(status="published", regular=False),
                name="carpool_ride_once_window",
            ),
            models.Index(
                fields=["group", "span_class", "day_start_min"],
                condition=models.Q(status="published", regular=True),
                name="carpool_ride_regular_window",
            ),
            models.Index(fields=["driver", "status"], name="carpool_ride_driver"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RideStatus.values), name="carpool_ride_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(seats__gte=1, seats__lte=MAX_SEATS),
                name="carpool_ride_seats_range",
            ),
            models.CheckConstraint(
                condition=models.Q(margin_minutes__lte=MAX_MARGIN_MINUTES),
                name="carpool_ride_margin_range",
            ),
            models.CheckConstraint(
                condition=models.Q(contribution_per_km__gte=0),
                name="carpool_ride_contribution_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(solidarity=False) | models.Q(contribution_per_km=0),
                name="carpool_ride_solidarity_is_free",
            ),
            models.CheckConstraint(
                condition=models.Q(bearing__lte=359), name="carpool_ride_bearing_range"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    regular=False,
                    departure_at__isnull=False,
                    window_start__isnull=False,
                    window_end__isnull=False,
                )
                | models.Q(
                    regular=True,
                    departure_time__isnull=False,
                    weekdays__gte=1,
                    weekdays__lte=ALL_DAYS,
                    valid_from__isnull=False,
                    day_start_min__isnull=False,
                    day_end_min__isnull=False,
                ),
                name="carpool_ride_schedule_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="carpool_ride_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin_label} → {self.destination_label}"

    # --- shape --------------------------------------------------------------------------

    @property
    def origin(self) -> Point:
        return Point(self.origin_lat, self.origin_lon)

    @property
    def destination(self) -> Point:
        return Point(self.destination_lat, self.destination_lon)

    @property
    def stops(self) -> tuple[Point, ...]:
        via = tuple(Point(w["lat"], w["lon"]) for w in self.waypoints)
        return (self.origin, *via, self.destination)

    @property
    def leg_list(self) -> tuple[Leg, ...]:
        return tuple(Leg(int(m), int(s)) for m, s in self.legs)

    @property
    def via_labels(self) -> list[str]:
        return [w["label"] for w in self.waypoints]

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 1)

    @property
    def margin(self) -> timedelta:
        return timedelta(minutes=self.margin_minutes)

    @property
    def is_free(self) -> bool:
        return self.solidarity or self.contribution_per_km == 0

    @property
    def per_km_text(self) -> str:
        """ "0,08 €" (the contribution per km and seat, with as many digits as it has)."""
        value = self.contribution_per_km.normalize()
        digits = max(2, -value.as_tuple().exponent)
        number = number_format(value, decimal_pos=digits, use_l10n=True)
        return f"{number}\N{NO-BREAK SPACE}{symbol(self.currency)}"

    # --- schedule -----------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return self.group.zone

    @property
    def weekday_list(self) -> list[int]:
        return weekdays_of(self.weekdays)

    @property
    def weekday_labels(self) -> list[str]:
        return [str(Weekday(d).label) for d in self.weekday_list]

    def runs_on(self, day: date) -> bool:
        """True when the ride has a trip on `day` (the group's calendar)."""
        if not self.regular:
            return self.departure_at.astimezone(self.zone).date() == day
        if not self.weekdays & (1 << day.weekday()):
            return False
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def departure_on(self, day: date) -> datetime:
        """The departure of the trip on `day`, an aware datetime."""
        if not self.regular:
            return self.departure_at
        return datetime.combine(day, self.departure_time, tzinfo=self.zone)

    def next_dates(self, start: date, count: int) -> list[date]:
        """Up to `count` dates from `start` on which the ride runs (regular rides)."""
        if not self.regular:
            day = self.departure_at.astimezone(self.zone).date()
            return [day] if day >= start else []
        found, day = [], max(start, self.valid_from)
        for _step in range(7 * count + 7):
            if self.valid_until is not None and day > self.valid_until:
                break
            if self.runs_on(day):
                found.append(day)
                if len(found) == count:
                    break
            day += timedelta(days=1)
        return found
