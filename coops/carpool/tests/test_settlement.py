"""Settling after the ride: the contribution moves from the passenger to the driver in
the group's books (euros from a prepaid balance, or the local currency on credit), once
per booking; solidarity rides post nothing. The suite checks the book's invariants after
every test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coops.core.money import forget_resolved_currency
from coops.currency.services import currency_create
from coops.groups.tests.helpers import fr
from coops.ledger.models import Entry, LedgerAccount, Transaction
from coops.ledger.providers import payment_record
from coops.ledger.services import owner_accounts

from ..models import Booking, BookingStatus
from ..services import booking_accept, booking_settle, trip_complete
from .factories import RideFactory, book, move_to_past, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_currency_cache():
    forget_resolved_currency()
    yield
    forget_resolved_currency()


def prepay(world, user, amount: str) -> None:
    payment_record(
        group=world.group,
        member=user,
        amount=Decimal(amount),
        method="cash",
        received_on=date(2026, 11, 2),
        acting_user=world.organiser,
    )


def accepted(world, ride, passenger, seats: int = 1, **kwargs) -> Booking:
    booking = book(ride, passenger, seats, **kwargs)
    return booking_accept(booking=booking, acting_user=world.driver)


def balance(user, currency: str = "EUR") -> int:
    account = owner_accounts(user).filter(currency=currency).first()
    return 0 if account is None else account.balance


def test_euros_move_from_the_passenger_to_the_driver_once(world):
    prepay(world, world.alice, "20.00")
    ride = RideFactory(group=world.group, driver=world.driver)
    booking = accepted(world, ride, world.alice, 2)  # 1.62 €
    move_to_past(booking.trip)
    booking = booking_settle(booking=booking, acting_user=world.alice)
    assert booking.status == BookingStatus.COMPLETED and booking.settled_at is not None
    tx = Transaction.objects.get(kind="carpool.contribution")
    assert booking.transaction == tx
    assert tx.idempotency_key == f"carpool.contribution:{booking.pk}"
    assert sorted(Entry.objects.filter(transaction=tx).values_list("amount", flat=True)) == [
        -162,
        162,
    ]
    assert (balance(world.alice), balance(world.driver)) == (2000 - 162, 162)
    with pytest.raises(ValidationError) as caught:
        booking_settle(booking=booking, acting_user=world.driver)
    assert caught.value.messages == [
        fr(
            "Only an accepted booking can be confirmed (this one is %(status)s).",
            status=fr("Done").lower(),
        )
    ]
    assert Transaction.objects.filter(kind="carpool.contribution").count() == 1


def test_not_before_the_departure(world):
    prepay(world, world.alice, "20.00")
    booking = accepted(world, RideFactory(group=world.group, driver=world.driver), world.alice)
    with pytest.raises(ValidationError) as caught:
        booking_settle(booking=booking, acting_user=world.alice)
    assert caught.value.messages == [
        fr("The ride has not taken place yet: confirm it after the departure.")
    ]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED
    assert not Transaction.objects.filter(kind="carpool.contribution").exists()


def test_a_balance_too_low_is_refused_and_nothing_moves(world):
    booking = accepted(world, RideFactory(group=world.group, driver=world.driver), world.alice)
    move_to_past(booking.trip)
    with pytest.raises(ValidationError) as caught:
        booking_settle(booking=booking, acting_user=world.driver)
    assert caught.value.messages == [
        fr(
            "%(name)s's balance is too low to pay the contribution of %(amount)s: top up the "
            "account with the group's treasurer, then confirm the ride again.",
            name=world.alice.public_name,
            amount="0,81\xa0€",
        )
    ]
    booking.refresh_from_db()
    assert (booking.status, booking.transaction) == (BookingStatus.ACCEPTED, None)
    assert not Transaction.objects.filter(kind="carpool.contribution").exists()


def test_a_solidarity_ride_posts_nothing(world):
    ride = RideFactory(group=world.group, driver=world.driver, solidarity=True)
    booking = accepted(world, ride, world.alice)
    assert booking.contribution == 0
    move_to_past(booking.trip)
    booking = booking_settle(booking=booking, acting_user=world.alice)
    assert (booking.status, booking.transaction) == (BookingStatus.COMPLETED, None)
    assert not LedgerAccount.objects.exists()


def test_the_local_currency_is_mutual_credit(world):
    currency_create(
        group=world.group,
        acting_user=world.organiser,
        name="Le Lien",
        code="LIEN",
        symbol="ℓ",
        default_min_balance=Decimal("-300"),
    )
    ride = RideFactory(
        group=world.group,
        driver=world.driver,
        currency="LIEN",
        contribution_per_km=Decimal("0.5"),
        origin=place("Roubaix"),
        destination=place("Lille"),
    )
    booking = accepted(world, ride, world.alice)
    assert (booking.contribution, booking.currency) == (Decimal("7.14"), "LIEN")  # 14.276 km
    move_to_past(booking.trip)
    booking_settle(booking=booking, acting_user=world.driver)
    assert (balance(world.alice, "LIEN"), balance(world.driver, "LIEN")) == (-714, 714)
    account = owner_accounts(world.alice).get(currency="LIEN")
    assert account.min_balance == -30000  # the currency's own credit limit


def test_the_driver_marks_the_trip_done(world):
    prepay(world, world.alice, "10.00")
    ride = RideFactory(group=world.group, driver=world.driver)
    paid = accepted(world, ride, world.alice)
    broke = accepted(world, ride, world.bob)
    waiting = book(ride, world.carol)
    trip = move_to_past(paid.trip)
    with pytest.raises(PermissionDenied):
        trip_complete(trip=trip, acting_user=world.alice)
    outcome = trip_complete(trip=trip, acting_user=world.driver)
    assert [b.pk for b in outcome.settled] == [paid.pk]
    assert [(b.pk, reason) for b, reason in outcome.refused] == [
        (
            broke.pk,
            fr(
                "%(name)s's balance is too low to pay the contribution of %(amount)s: top up "
                "the account with the group's treasurer, then confirm the ride again.",
                name=world.bob.public_name,
                amount="0,81\xa0€",
            ),
        )
    ]
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        paid.pk: BookingStatus.COMPLETED,
        broke.pk: BookingStatus.ACCEPTED,
        waiting.pk: BookingStatus.REQUESTED,
    }
    trip.refresh_from_db()
    assert trip.completed_at is not None


@pytest.mark.parametrize("who", ["bob", "organiser", "outsider"])
def test_only_the_passenger_or_the_driver_confirms(world, who):
    prepay(world, world.alice, "10.00")
    booking = accepted(world, RideFactory(group=world.group, driver=world.driver), world.alice)
    move_to_past(booking.trip)
    with pytest.raises(PermissionDenied):
        booking_settle(booking=booking, acting_user=getattr(world, who))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED
    assert not Transaction.objects.filter(kind="carpool.contribution").exists()
