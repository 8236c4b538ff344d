"""Named permission rules for carpooling, registered with core.permissions.

The group's active members search, offer and book rides; its organisers may cancel any
ride (moderation). A ride's bookings are the driver's business and a booking is its
passenger's: those rules take the ride or the booking.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule
from coops.groups.models import Group
from coops.groups.permissions import is_member, is_organiser


@rule("carpool.view", _("Only the group's members can see its rides."))
def _view(user, group: Group) -> bool:
    return is_member(user, group)


@rule("carpool.participate", _("Only the group's active members can offer and book rides."))
def _participate(user, group: Group) -> bool:
    return is_member(user, group)


@rule("carpool.drive", _("Only the driver can manage this ride and its bookings."))
def _drive(user, ride) -> bool:
    return ride.driver_id == user.pk and is_member(user, ride.group)


@rule("carpool.cancel_ride", _("Only the driver or the group's organisers can cancel this ride."))
def _cancel_ride(user, ride) -> bool:
    return (ride.driver_id == user.pk and is_member(user, ride.group)) or is_organiser(
        user, ride.group
    )


@rule("carpool.travel", _("Only the passenger can change this booking."))
def _travel(user, booking) -> bool:
    return booking.passenger_id == user.pk


@rule("carpool.settle", _("Only the passenger or the driver can confirm this ride."))
def _settle(user, booking) -> bool:
    return user.pk in (booking.passenger_id, booking.trip.ride.driver_id)
