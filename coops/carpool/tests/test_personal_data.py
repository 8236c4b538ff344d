"""RGPD: a member's rides and bookings are exported; erasure frees the seats they held,
cancels their rides to come and blanks their places, keeping what the book relies on."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from coops.accounts.personal_data import personal_data_sources
from coops.accounts.services import user_erase
from coops.ledger.providers import payment_record

from ..models import Booking, BookingStatus, Ride, RideStatus, Trip
from ..personal_data import export
from ..services import booking_accept, booking_settle
from .factories import RideFactory, book, move_to_past, place

pytestmark = pytest.mark.django_db


def test_the_source_is_registered():
    assert "carpool" in [s.name for s in personal_data_sources()]


def test_export_lists_rides_and_bookings(world):
    ride = RideFactory(group=world.group, driver=world.driver, notes="Départ place du Théâtre")
    booking = book(ride, world.alice, 2, pickup=place("Mons-en-Barœul"), message="Merci !")
    driver = export(world.driver)
    assert driver["bookings"] == []
    assert [(r["from"], r["to"], r["seats"], r["notes"]) for r in driver["rides"]] == [
        ("Lille (59000)", "Villeneuve-d'Ascq (59650)", 3, "Départ place du Théâtre")
    ]
    alice = export(world.alice)
    assert alice["rides"] == []
    [row] = alice["bookings"]
    assert (row["pickup"], row["seats"], row["message"], row["status"]) == (
        "Mons-en-Barœul (59370)",
        2,
        "Merci !",
        "requested",
    )
    assert row["contribution"] == str(booking.contribution) == "0.84"
    assert driver["rides"][0]["contribution_per_km"] == "0.1"
    json.dumps(driver), json.dumps(alice)  # serialisable


def test_erasing_a_passenger_frees_their_seats_and_keeps_settled_bookings(world):
    payment_record(
        group=world.group,
        member=world.alice,
        amount=Decimal("10"),
        method="cash",
        received_on=date(2026, 11, 2),
        acting_user=world.organiser,
    )
    past = RideFactory(group=world.group, driver=world.driver)
    settled = booking_accept(booking=book(past, world.alice), acting_user=world.driver)
    move_to_past(settled.trip)
    booking_settle(booking=settled, acting_user=world.alice)
    coming = RideFactory(group=world.group, driver=world.bob, seats=2)
    held = book(coming, world.alice, 2)
    user_erase(user=world.alice, acting_user=world.alice)
    held.refresh_from_db()
    settled.refresh_from_db()
    assert held.status == BookingStatus.CANCELLED
    assert Trip.objects.get(pk=held.trip_id).seats_left == 2
    assert settled.status == BookingStatus.COMPLETED and settled.transaction_id is not None
    assert (settled.pickup_label, settled.message) == ("—", "")
    assert settled.pickup_lat == round(settled.pickup_lat, 2)


def test_erasing_a_driver_cancels_their_rides_to_come(world):
    ride = RideFactory(group=world.group, driver=world.driver, notes="Appelez-moi")
    booking = book(ride, world.alice)
    user_erase(user=world.driver, acting_user=world.driver)
    ride.refresh_from_db()
    booking.refresh_from_db()
    assert (ride.status, ride.origin_label, ride.notes) == (RideStatus.CANCELLED, "—", "")
    assert booking.status == BookingStatus.CANCELLED
    assert Trip.objects.get(ride=ride).seats_left == ride.seats
    assert Ride.objects.filter(driver=world.driver).count() == 1
    assert Booking.objects.count() == 1
