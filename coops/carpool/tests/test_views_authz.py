"""Every carpool page and action, as each persona: anonymous visitors are sent to log
in, members of another group are refused with the rule's message, and a refused request
changes nothing."""

from __future__ import annotations

import pytest

from coops.groups.models import GroupModule
from coops.groups.tests.helpers import fr, page

from ..models import Booking, BookingStatus, Ride, RideStatus, Trip
from ..services import booking_accept
from .factories import RideFactory, days_ahead, move_to_past
from .views_helpers import EVERYONE, MEMBERS, denied, snapshot, url

pytestmark = pytest.mark.django_db


# --- pages everyone in the group reads -------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("name", ["index", "rides_mine", "bookings", "ride"])
def test_pages_are_for_members(p, who, name):
    kwargs = {"pk": p.ride.pk} if name == "ride" else {}
    response = p.client(who).get(url(p.group, name, **kwargs))
    if who in MEMBERS:
        assert response.status_code == 200
        return
    denied(who, response, "Only the group's members can see its rides.")


@pytest.mark.parametrize("who", EVERYONE)
def test_offer_page(p, who):
    response = p.client(who).get(url(p.group, "ride_create"))
    if who in MEMBERS:
        assert response.status_code == 200
        assert 'data-testid="ride-form"' in page(response)
        return
    denied(who, response, "Only the group's active members can offer and book rides.")


def test_the_module_must_be_on(p):
    GroupModule.objects.filter(group=p.group, module="carpool").delete()
    assert p.client("member").get(url(p.group, "index")).status_code == 404


def test_a_ride_of_another_group_is_not_found_here(p):
    other = RideFactory(group=p.other_group, driver=p.other_member)
    assert p.client("member").get(url(p.group, "ride", pk=other.pk)).status_code == 404


# --- actions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_publishing(p, who):
    before = Ride.objects.count()
    data = {
        "origin": "Roubaix",
        "destination": "Lille",
        "frequency": "once",
        "departure_date": days_ahead(2).isoformat(),
        "departure_time": "07:45",
        "margin_minutes": "15",
        "seats": "2",
        "contribution_per_km": "0.08",
        "currency": "EUR",
    }
    response = p.client(who).post(url(p.group, "ride_create"), data)
    if who not in MEMBERS:
        denied(who, response, "Only the group's active members can offer and book rides.")
        assert Ride.objects.count() == before
        return
    ride = Ride.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == url(p.group, "ride", pk=ride.pk)
    assert (ride.driver, ride.origin_label, ride.seats) == (getattr(p, who), "Roubaix (59100)", 2)


@pytest.mark.parametrize("who", EVERYONE)
def test_booking(p, who):
    before = snapshot()
    response = p.client(who).post(url(p.group, "book", pk=p.ride.pk), {"seats": "1"})
    if who not in MEMBERS:
        denied(who, response, "Only the group's active members can offer and book rides.")
        assert snapshot() == before
        return
    if who in ("driver", "passenger"):  # their own ride; a booking already held
        assert response.status_code == 200
        expected = {
            "driver": "You cannot book a seat on your own ride.",
            "passenger": "You already have a booking on this trip.",
        }[who]
        assert fr(expected) in page(response)
        assert snapshot() == before
        return
    assert response.status_code == 302 and response["Location"] == url(p.group, "bookings")
    assert Booking.objects.filter(passenger=getattr(p, who), status="requested").exists()
    assert Trip.objects.get(pk=p.trip.pk).seats_left == 1


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("action", ["booking_accept", "booking_decline"])
def test_answering_is_for_the_driver(p, who, action):
    before = snapshot()
    response = p.client(who).post(url(p.group, action, pk=p.booking.pk))
    if who != "driver":
        denied(who, response, "Only the driver can manage this ride and its bookings.")
        assert snapshot() == before
        return
    assert response.status_code == 302 and response["Location"] == url(p.group, "rides_mine")
    expected = BookingStatus.ACCEPTED if action == "booking_accept" else BookingStatus.DECLINED
    assert Booking.objects.get(pk=p.booking.pk).status == expected


@pytest.mark.parametrize("who", EVERYONE)
def test_cancelling_a_booking_is_for_its_passenger(p, who):
    before = snapshot()
    response = p.client(who).post(url(p.group, "booking_cancel", pk=p.booking.pk))
    if who != "passenger":
        denied(who, response, "Only the passenger can change this booking.")
        assert snapshot() == before
        return
    assert response.status_code == 302
    assert Booking.objects.get(pk=p.booking.pk).status == BookingStatus.CANCELLED
    assert Trip.objects.get(pk=p.trip.pk).seats_left == 3


@pytest.mark.parametrize("who", EVERYONE)
def test_cancelling_a_ride_is_for_its_driver_and_the_organisers(p, who):
    before = snapshot()
    response = p.client(who).post(url(p.group, "ride_cancel", pk=p.ride.pk))
    if who not in ("driver", "organiser", "admin"):
        denied(who, response, "Only the driver or the group's organisers can cancel this ride.")
        assert snapshot() == before
        return
    assert response.status_code == 302
    assert Ride.objects.get(pk=p.ride.pk).status == RideStatus.CANCELLED
    assert Booking.objects.get(pk=p.booking.pk).status == BookingStatus.CANCELLED


@pytest.mark.parametrize("who", EVERYONE)
def test_confirming_is_for_the_passenger_or_the_driver(p, who):
    p.ride.solidarity = True
    Ride.objects.filter(pk=p.ride.pk).update(solidarity=True, contribution_per_km=0)
    Booking.objects.filter(pk=p.booking.pk).update(contribution=0)
    booking_accept(booking=p.booking, acting_user=p.driver)
    move_to_past(p.trip)
    before = snapshot()
    response = p.client(who).post(url(p.group, "booking_settle", pk=p.booking.pk))
    if who not in ("driver", "passenger"):
        denied(who, response, "Only the passenger or the driver can confirm this ride.")
        assert snapshot() == before
        return
    assert response.status_code == 302
    assert Booking.objects.get(pk=p.booking.pk).status == BookingStatus.COMPLETED


@pytest.mark.parametrize("who", EVERYONE)
def test_marking_a_trip_done_is_for_the_driver(p, who):
    move_to_past(p.trip)
    before = snapshot()
    response = p.client(who).post(url(p.group, "trip_complete", pk=p.trip.pk))
    if who != "driver":
        denied(who, response, "Only the driver can manage this ride and its bookings.")
        assert snapshot() == before
        return
    assert response.status_code == 302
    assert Trip.objects.get(pk=p.trip.pk).completed_at is not None


@pytest.mark.parametrize(
    "name", ["book", "ride_cancel", "booking_accept", "booking_decline", "booking_cancel",
             "booking_settle", "trip_complete"]
)  # fmt: skip
def test_actions_answer_post_only(p, name):
    pk = {"book": p.ride.pk, "ride_cancel": p.ride.pk, "trip_complete": p.trip.pk}.get(
        name, p.booking.pk
    )
    assert p.client("driver").get(url(p.group, name, pk=pk)).status_code == 405
