"""RGPD: a member's ride offers and bookings.

Export lists both. Erasure cancels what still holds seats (rides to come, open bookings:
their seats go back to the trips) and blanks the places and messages, keeping coarse
coordinates (about 1 km) so settled bookings linked to the ledger stay readable as
amounts and dates. Nobody is notified: the member is leaving."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import HOLDING, Booking, BookingStatus, Ride, RideStatus, Trip

ERASED = "—"


def export(user: Any) -> dict:
    rides = Ride.objects.filter(driver=user).select_related("group").order_by("created_at", "pk")
    bookings = (
        Booking.objects.filter(passenger=user)
        .select_related("trip__ride__group")
        .order_by("created_at", "pk")
    )
    return {
        "rides": [
            {
                "group": r.group.slug,
                "from": r.origin_label,
                "to": r.destination_label,
                "via": r.via_labels,
                "regular": r.regular,
                "departure": r.departure_at.isoformat() if r.departure_at else None,
                "time": r.departure_time.isoformat() if r.departure_time else None,
                "weekdays": r.weekday_list,
                "seats": r.seats,
                "contribution_per_km": _plain(r.contribution_per_km),
                "currency": r.currency,
                "solidarity": r.solidarity,
                "notes": r.notes,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in rides
        ],
        "bookings": [
            {
                "group": b.trip.ride.group.slug,
                "ride": str(b.trip.ride),
                "date": b.trip.date.isoformat(),
                "pickup": b.pickup_label,
                "dropoff": b.dropoff_label,
                "seats": b.seats,
                "contribution": _plain(b.contribution),
                "currency": b.currency,
                "status": b.status,
                "message": b.message,
                "created_at": b.created_at.isoformat(),
                "transaction": b.transaction_id,
            }
            for b in bookings
        ],
    }


def _plain(value: Decimal) -> str:
    """12.500000 -> "12.5", 2.000000 -> "2"."""
    return format(value.normalize(), "f")


def _coarse(value: float) -> float:
    return round(value, 2)


def erase(user: Any) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Their open bookings free their seats.
        mine = Booking.objects.select_for_update().filter(passenger=user, status__in=HOLDING)
        for booking in mine.order_by("trip_id", "pk"):
            Trip.objects.filter(pk=booking.trip_id).update(
                seats_left=F("seats_left") + booking.seats
            )
        mine.update(status=BookingStatus.CANCELLED, decided_at=now)
        # Their rides stop; others' open bookings on trips to come are cancelled.
        rides = Ride.objects.filter(driver=user, status=RideStatus.PUBLISHED)
        trips = Trip.objects.filter(ride__in=rides, departure_at__gt=now)
        Booking.objects.filter(trip__in=trips, status__in=HOLDING).update(
            status=BookingStatus.CANCELLED, decided_at=now
        )
        trips.update(seats_left=F("seats"))
        rides.update(status=RideStatus.CANCELLED, cancelled_at=now)
        for ride in Ride.objects.filter(driver=user):
            Ride.objects.filter(pk=ride.pk).update(
                origin_label=ERASED,
                destination_label=ERASED,
                origin_lat=_coarse(ride.origin_lat),
                origin_lon=_coarse(ride.origin_lon),
                destination_lat=_coarse(ride.destination_lat),
                destination_lon=_coarse(ride.destination_lon),
                waypoints=[
                    {"label": ERASED, "lat": _coarse(w["lat"]), "lon": _coarse(w["lon"])}
                    for w in ride.waypoints
                ],
                notes="",
            )
        for booking in Booking.objects.filter(passenger=user):
            Booking.objects.filter(pk=booking.pk).update(
                pickup_label=ERASED,
                dropoff_label=ERASED,
                pickup_lat=_coarse(booking.pickup_lat),
                pickup_lon=_coarse(booking.pickup_lon),
                dropoff_lat=_coarse(booking.dropoff_lat),
                dropoff_lon=_coarse(booking.dropoff_lon),
                message="",
            )
