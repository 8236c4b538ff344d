"""What the carpool pages show and do: search, offers, the ride page and its booking
form, the driver's and the passenger's lists; refusals say why and change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from coops.groups.tests.helpers import fr, messages_of, nfr, page

from ..models import Ride, Trip
from ..services import booking_accept
from .factories import RideFactory, book, days_ahead, move_to_past, tomorrow_at
from .views_helpers import snapshot, url

pytestmark = pytest.mark.django_db

ONLY = "Only %(count)s seat is left on this ride."
ONLY_PLURAL = "Only %(count)s seats are left on this ride."


# --- what the pages show -----------------------------------------------------------------


def test_the_search_page_finds_rides(p):
    response = p.client("member").get(
        url(p.group, "index"),
        {"origin": "Lille", "destination": "Villeneuve-d'Ascq", "day": days_ahead(1).isoformat(),
         "at": "08:00", "margin": "60", "seats": "1"},
    )  # fmt: skip
    text = page(response)
    assert [r.ride for r in response.context["outcome"].results] == [p.ride]
    assert f'data-testid="result-{p.ride.pk}"' in text
    assert response.context["outcome"].results[0].seats_left == 2
    assert 'data-testid="seats-left"' in text
    assert f'href="{url(p.group, "ride", pk=p.ride.pk)}?date={days_ahead(1).isoformat()}' in text


@pytest.mark.parametrize(
    ("data", "field", "message", "params"),
    [
        ({"origin": "Lille", "destination": "Lille"}, "destination",
         "The start and the end are the same place.", {}),
        ({"origin": "Nulle-Part-sur-Mer", "destination": "Lille"}, "origin",
         "We could not find “%(place)s”: try a town name or a postcode, or give its coordinates.",
         {"place": "Nulle-Part-sur-Mer"}),
        ({"day": "2020-01-01"}, "day", "This date is in the past.", {}),
        ({"seats": "0"}, "seats", "Ask for at least one seat.", {}),
        ({"origin": "", "origin_lat": "50.63", "origin_lon": "300"}, "origin_lon", None, {}),
    ],
)  # fmt: skip
def test_bad_searches_say_why(p, data, field, message, params):
    query = {"origin": "Lille", "destination": "Villeneuve-d'Ascq", "margin": "60",
             "day": days_ahead(1).isoformat(), "seats": "1", **data}  # fmt: skip
    response = p.client("member").get(url(p.group, "index"), query)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if message:
        assert form.errors[field] == [fr(message, **params)]
        assert fr(message, **params) in page(response)
    assert response.context["outcome"] is None


def test_searching_with_coordinates(p):
    response = p.client("member").get(
        url(p.group, "index"),
        {"origin_lat": "50.6292", "origin_lon": "3.0573", "destination": "59650",
         "day": days_ahead(1).isoformat(), "at": "08:00", "margin": "60", "seats": "1"},
    )  # fmt: skip
    assert [r.ride for r in response.context["outcome"].results] == [p.ride]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"destination": "Roubaix"}, "destination", "The start and the end are the same place."),
        ({"departure_date": "2020-01-01"}, "departure_date", "The departure is in the past."),
        ({"seats": "0"}, "seats", "Offer at least one seat."),
        ({"frequency": "regular"}, "weekdays", "Choose at least one weekday."),
        ({"origin": "Atlantide"}, "origin", None),
        ({"contribution_per_km": "0.50"}, "contribution_per_km", None),
    ],
)
def test_bad_offers_say_why_and_write_nothing(p, data, field, message):
    form = {
        "origin": "Roubaix",
        "destination": "Lille",
        "frequency": "once",
        "departure_date": days_ahead(2).isoformat(),
        "departure_time": "07:45",
        "margin_minutes": "15",
        "seats": "2",
        "contribution_per_km": "0.08",
        "currency": "EUR",
        **data,
    }
    before = snapshot()
    response = p.client("member").post(url(p.group, "ride_create"), form)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message:
        assert response.context["form"].errors[field] == [fr(message)]
    assert snapshot() == before


def test_a_regular_offer_with_waypoints(p):
    response = p.client("member").post(
        url(p.group, "ride_create"),
        {"origin": "Roubaix", "destination": "Seclin", "waypoints": "Croix\n50.6292, 3.0573",
         "frequency": "regular", "weekdays": ["0", "1", "2", "3", "4"],
         "departure_time": "07:30", "margin_minutes": "15", "seats": "3",
         "contribution_per_km": "0.06", "currency": "EUR"},
    )  # fmt: skip
    assert response.status_code == 302
    ride = Ride.objects.latest("pk")
    assert (ride.regular, ride.weekday_list, ride.via_labels) == (
        True,
        [0, 1, 2, 3, 4],
        ["Croix (59170)", "50.62920, 3.05730"],
    )


def test_the_ride_page_shows_seats_and_the_booking_form(p):
    text = page(p.client("member").get(url(p.group, "ride", pk=p.ride.pk)))
    assert 'data-testid="seats-left" data-seats-left="2"' in text
    assert 'data-testid="booking-form"' in text and 'data-testid="book-button"' in text
    assert p.passenger.public_name not in text  # bookings are the driver's business
    driver_view = page(p.client("driver").get(url(p.group, "ride", pk=p.ride.pk)))
    assert 'data-testid="booking-form"' not in driver_view
    assert p.passenger.public_name in driver_view
    assert f'data-testid="accept-{p.booking.pk}"' in driver_view


def test_booking_the_last_seat_twice_is_refused_with_a_message(p):
    book(p.ride, p.organiser, 1)  # one seat left
    first = p.client("member").post(url(p.group, "book", pk=p.ride.pk), {"seats": "1"})
    assert first.status_code == 302
    before = snapshot()
    second = p.client("admin").post(url(p.group, "book", pk=p.ride.pk), {"seats": "1"})
    assert second.status_code == 200
    assert fr("This ride is full: no seat is left.") in page(second)
    assert 'data-testid="booking-error"' in page(second)
    assert snapshot() == before


def test_asking_more_seats_than_are_left(p):
    before = snapshot()
    response = p.client("member").post(url(p.group, "book", pk=p.ride.pk), {"seats": "3"})
    assert nfr(ONLY, ONLY_PLURAL, 2, count=2) in page(response)
    assert snapshot() == before


def test_the_driver_answers_from_my_rides(p):
    client = p.client("driver")
    text = page(client.get(url(p.group, "rides_mine")))
    assert f'data-testid="my-ride-{p.ride.pk}"' in text
    assert f'data-testid="accept-{p.booking.pk}"' in text
    response = client.post(url(p.group, "booking_accept", pk=p.booking.pk))
    assert messages_of(response) == [
        fr("%(name)s’s booking is accepted.", name=p.passenger.public_name)
    ]


def test_my_bookings_list_only_mine(p):
    text = page(p.client("passenger").get(url(p.group, "bookings")))
    assert f'data-testid="my-booking-{p.booking.pk}"' in text
    assert f'data-testid="cancel-{p.booking.pk}"' in text
    other = page(p.client("member").get(url(p.group, "bookings")))
    assert f'data-testid="my-booking-{p.booking.pk}"' not in other


def test_a_regular_ride_page_lists_its_dates(p):
    ride = RideFactory(
        group=p.group,
        driver=p.driver,
        departure_at=None,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        departure_time=tomorrow_at(9).time(),
    )
    day = days_ahead(3)
    response = p.client("member").get(url(p.group, "ride", pk=ride.pk), {"date": day.isoformat()})
    assert response.context["day"] == day
    assert len(response.context["dates"]) == 8
    assert isinstance(response.context["dates"][0][0], date)


def test_before_a_search_the_page_lists_the_next_rides(p):
    weekly = RideFactory(
        group=p.group,
        driver=p.driver,
        departure_at=None,
        weekdays=[0, 1, 2, 3, 4],
        departure_time=tomorrow_at(7).time(),
    )
    response = p.client("member").get(url(p.group, "index"))
    assert response.context["next_rides"] == [p.ride]
    assert response.context["weekly_rides"] == [weekly]
    assert 'data-testid="next-rides"' in page(response)


def test_the_search_form_starts_on_today_in_a_date_input(p):
    text = page(p.client("member").get(url(p.group, "index")))
    assert f'type="date" name="day" value="{days_ahead(0).isoformat()}"' in text


def test_booking_a_date_of_a_regular_ride_from_its_page(p):
    ride = RideFactory(
        group=p.group,
        driver=p.driver,
        departure_at=None,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        departure_time=tomorrow_at(9).time(),
        seats=2,
    )
    day = days_ahead(3)
    form = page(p.client("member").get(url(p.group, "ride", pk=ride.pk), {"date": day.isoformat()}))
    assert f'name="day" value="{day.isoformat()}"' in form
    response = p.client("member").post(
        url(p.group, "book", pk=ride.pk), {"seats": "2", "day": day.isoformat()}
    )
    assert response.status_code == 302
    assert Trip.objects.get(ride=ride, date=day).seats_left == 0
    again = page(
        p.client("member").get(url(p.group, "ride", pk=ride.pk), {"date": day.isoformat()})
    )
    assert 'data-seats-left="0"' in again


def test_a_refused_booking_keeps_the_passengers_trip(p):
    mons = {"pickup": "Mons-en-Barœul (59370)", "pickup_lat": "50.6417", "pickup_lon": "3.1097"}
    before = snapshot()
    response = p.client("member").post(url(p.group, "book", pk=p.ride.pk), {"seats": "3", **mons})
    assert response.context["pickup"].label == "Mons-en-Barœul (59370)"
    assert nfr(ONLY, ONLY_PLURAL, 2, count=2) in page(response)
    assert snapshot() == before


def test_confirming_with_a_balance_too_low_says_so(p):
    booking_accept(booking=p.booking, acting_user=p.driver)
    move_to_past(p.trip)
    before = snapshot()
    response = p.client("passenger").post(url(p.group, "booking_settle", pk=p.booking.pk))
    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith(fr(
        "%(name)s's balance is too low to pay the contribution of %(amount)s: top up the "
        "account with the group's treasurer, then confirm the ride again.",
        name=p.passenger.public_name, amount="0,81\xa0€",
    ))  # fmt: skip
    assert snapshot() == before
