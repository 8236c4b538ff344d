"""Carpooling in Chromium: a passenger books a seat on a ride and the driver accepts;
two passengers then look at the last seat together, one books it, and the other's
booking, sent from the page that still showed one seat, is refused with a clear
message; no seat is ever overbooked."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.carpool.models import Booking, BookingStatus, Trip
from coops.carpool.tests.factories import RideFactory
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.tests.browser.conftest import axe_check, console_problems, tr

pytestmark = pytest.mark.browser

SLUG = "metropole-lilloise"


def seats_text(n: int) -> str:
    with translation.override("fr"):
        return translation.ngettext("%(counter)s seat left", "%(counter)s seats left", n) % {
            "counter": n
        }


def requested(n: int) -> str:
    with translation.override("fr"):
        text = translation.ngettext(
            "Your request for %(count)s seat is sent to the driver. The seat is held "
            "for you until they answer.",
            "Your request for %(count)s seats is sent to the driver. The seats are held "
            "for you until they answer.",
            n,
        )
    return text % {"count": n}


@pytest.fixture
def ride(transactional_db):
    group = GroupFactory(name="Groupe local Métropole lilloise", slug=SLUG)

    def member(name: str):
        user = UserFactory(display_name=name)
        MembershipFactory(group=group, user=user)
        return user

    people = {key: member(name) for key, name in [
        ("driver", "Julien Conducteur"), ("alice", "Alice Passagère"),
        ("bob", "Bob Passager"), ("carol", "Carole Passagère"),
    ]}  # fmt: skip
    return RideFactory(group=group, driver=people["driver"], seats=2), people


def test_the_last_seat_cannot_be_booked_twice(ride, new_page, sign_in_as):
    ride, people = ride
    url = f"/g/{SLUG}/m/carpool/rides/{ride.pk}/"

    def person(key: str):
        page = new_page()
        sign_in_as(page, people[key])
        return page

    # Alice books one of the two seats; the driver accepts her.
    alice = person("alice")
    alice.goto(url)
    expect(alice.get_by_test_id("seats-left")).to_have_text(seats_text(2))
    axe_check(alice)
    alice.get_by_test_id("booking-seats").fill("1")
    alice.get_by_test_id("book-button").click()
    expect(alice.locator("main .messages")).to_contain_text(requested(1))
    expect(alice.locator("main")).to_contain_text(tr("Waiting for the driver"))
    booking = Booking.objects.get(passenger=people["alice"])

    driver = person("driver")
    driver.goto(f"/g/{SLUG}/m/carpool/rides/mine/")
    axe_check(driver)
    driver.get_by_test_id(f"accept-{booking.pk}").click()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED

    # Bob and Carole both see the last seat.
    bob, carol = person("bob"), person("carol")
    for page in (bob, carol):
        page.goto(url)
        expect(page.get_by_test_id("seats-left")).to_have_text(seats_text(1))
        page.get_by_test_id("booking-seats").fill("1")
    bob.get_by_test_id("book-button").click()
    expect(bob.locator("main .messages")).to_contain_text(requested(1))
    carol.get_by_test_id("book-button").click()
    expect(carol.get_by_test_id("booking-error")).to_contain_text(
        tr("This ride is full: no seat is left.")
    )

    axe_check(carol)
    carol.goto(f"/g/{SLUG}/m/carpool/")
    axe_check(carol)
    trip = Trip.objects.get(ride=ride)
    assert trip.seats_left == 0
    held = Booking.objects.filter(
        trip=trip, status__in=[BookingStatus.REQUESTED, BookingStatus.ACCEPTED]
    )
    assert sorted(b.passenger.display_name for b in held) == ["Alice Passagère", "Bob Passager"]
    assert sum(b.seats for b in held) == 2
    assert not Booking.objects.filter(passenger=people["carol"]).exists()
    for page in (alice, driver, bob, carol):
        assert console_problems(page) == []
