"""Carpooling: ride offers, their trips (one per date) and the passengers' bookings.

A ride is published once, one-off (a departure date and time) or regular (weekdays and a
time of day in the group's time zone). Seats are counted per trip: the one row per ride
and date that bookings hold seats on, created with the first booking of that date. The
columns the search filters on (windows, weekdays, the reach box, route length and
heading) are computed when the ride is published and never change afterwards.
"""

from .bookings import HOLDING, TRANSITIONS, Booking, BookingStatus, Trip, transition_party
from .rides import (
    ALL_DAYS,
    MAX_MARGIN_MINUTES,
    MAX_SEATS,
    MAX_WAYPOINTS,
    Ride,
    RideQuerySet,
    RideStatus,
    Weekday,
    weekday_bits,
    weekdays_of,
)

__all__ = [
    "ALL_DAYS",
    "HOLDING",
    "MAX_MARGIN_MINUTES",
    "MAX_SEATS",
    "MAX_WAYPOINTS",
    "TRANSITIONS",
    "Booking",
    "BookingStatus",
    "Ride",
    "RideQuerySet",
    "RideStatus",
    "Trip",
    "Weekday",
    "transition_party",
    "weekday_bits",
    "weekdays_of",
]
