"""Settling a booking after the ride: the contribution moves from the passenger's
account to the driver's in the group's books (euros, or the group's local currency).

Each booking posts at most once (idempotency key `carpool.contribution:<booking>`,
taken under the booking's row lock). Solidarity rides and free rides post nothing.
Euro accounts are opened with a floor of 0, like dues: a contribution is paid from
money the member put in, never on credit. Local-currency accounts keep the currency's
own limits (mutual credit)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.money import Money, format_money
from coops.ledger import services as ledger
from coops.ledger.models import Purpose, Transaction

from .. import kinds
from ..models import Booking, BookingStatus, Trip, transition_party
from ._base import check, lock_objects
from .bookings import _lock_booking


def _account(booking: Booking, user, acting_user):
    ride = booking.trip.ride
    if booking.currency == "EUR":
        return ledger.account_open(
            group=ride.group,
            currency="EUR",
            owner=user,
            purpose=Purpose.MEMBER,
            name=user.public_name,
            min_balance=0,
            acting_user=acting_user,
        )
    from coops.currency.models import Currency
    from coops.currency.services import member_account_open

    currency = Currency.objects.get(group=ride.group, code=booking.currency)
    return member_account_open(currency=currency, user=user, acting_user=acting_user)


def _post(booking: Booking, acting_user) -> Transaction | None:
    """The contribution's ledger transaction (None when there is nothing to pay)."""
    minor = Money(booking.contribution, booking.currency).to_minor()
    if minor == 0:
        return None
    ride = booking.trip.ride
    payer = _account(booking, booking.passenger, acting_user)
    payee = _account(booking, ride.driver, acting_user)
    amount = format_money(Money(booking.contribution, booking.currency))
    try:
        return ledger.transfer(
            group=ride.group,
            payer=payer,
            payee=payee,
            amount=minor,
            kind=kinds.CONTRIBUTION,
            acting_user=acting_user,
            memo=_("Carpool %(ride)s, %(date)s")
            % {"ride": str(ride), "date": booking.trip.date.strftime("%d/%m/%Y")},
            source=booking,
            idempotency_key=f"{kinds.CONTRIBUTION}:{booking.pk}",
        )
    except ledger.LimitExceeded as refusal:
        if refusal.code == "over_maximum":
            message = _(
                "%(name)s cannot receive %(amount)s: their account would go over its maximum "
                "balance."
            ) % {"name": ride.driver.public_name, "amount": amount}
        else:
            message = _(
                "%(name)s's balance is too low to pay the contribution of %(amount)s: top up the "
                "account with the group's treasurer, then confirm the ride again."
            ) % {"name": booking.passenger.public_name, "amount": amount}
        raise ValidationError(message, code="balance") from None


def booking_settle(*, booking: Booking, acting_user) -> Booking:
    """Mark an accepted booking done after its departure (its passenger or its driver)
    and post its contribution. Refused, with nothing written, before the departure or
    when the passenger's balance is too low."""
    with transaction.atomic():
        trip, booking = _lock_booking(booking.pk)
        check(acting_user, "carpool.settle", booking)
        if transition_party(booking.status, BookingStatus.COMPLETED) is None:
            raise ValidationError(
                _("Only an accepted booking can be confirmed (this one is %(status)s).")
                % {"status": booking.get_status_display().lower()},
                code="transition",
            )
        if trip.departure_at > timezone.now():
            raise ValidationError(
                _("The ride has not taken place yet: confirm it after the departure."),
                code="early",
            )
        tx = _post(booking, acting_user)
        booking.status = BookingStatus.COMPLETED
        booking.settled_at = timezone.now()
        booking.transaction = tx
        booking.save(update_fields=["status", "settled_at", "transaction", "updated_at"])
        event_record(
            actor=acting_user,
            verb="carpool.booking_completed",
            target=booking,
            before=BookingStatus.ACCEPTED,
            after=BookingStatus.COMPLETED,
            transaction=tx.pk if tx else None,
        )
    return booking


@dataclass
class TripOutcome:
    settled: list[Booking] = field(default_factory=list)
    refused: list[tuple[Booking, str]] = field(default_factory=list)


def trip_complete(*, trip: Trip, acting_user) -> TripOutcome:
    """The driver marks a trip done: every accepted booking is settled, each on its own
    (a passenger whose balance is too low stays accepted, with the reason returned)."""
    outcome = TripOutcome()
    with transaction.atomic():
        trip = lock_objects(Trip, trip.pk, "ride__group", "ride__driver")
        check(acting_user, "carpool.drive", trip.ride)
        if trip.departure_at > timezone.now():
            raise ValidationError(
                _("The ride has not taken place yet: mark it done after the departure."),
                code="early",
            )
        if trip.completed_at is None:
            trip.completed_at = timezone.now()
            trip.save(update_fields=["completed_at"])
            event_record(actor=acting_user, verb="carpool.trip_completed", target=trip)
        accepted = trip.bookings.filter(status=BookingStatus.ACCEPTED).order_by("pk")
        for booking in accepted.select_related("passenger"):
            try:
                with transaction.atomic():
                    outcome.settled.append(booking_settle(booking=booking, acting_user=acting_user))
            except ValidationError as refusal:
                outcome.refused.append((booking, " ".join(refusal.messages)))
    return outcome
