"""Carpool services: every write goes through these functions."""

from .bookings import booking_accept, booking_cancel, booking_decline, booking_request
from .rides import currency_choices, ride_cancel, ride_geometry, ride_publish
from .settlement import TripOutcome, booking_settle, trip_complete

__all__ = [
    "TripOutcome",
    "booking_accept",
    "booking_cancel",
    "booking_decline",
    "booking_request",
    "booking_settle",
    "currency_choices",
    "ride_cancel",
    "ride_geometry",
    "ride_publish",
    "trip_complete",
]
