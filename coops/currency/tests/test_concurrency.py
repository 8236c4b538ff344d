"""Real concurrency on PostgreSQL: payments from one account near its limit, the same
form sent twice at once, a request accepted twice at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coops.core.tests.concurrency import race
from coops.currency import kinds, services
from coops.currency.models import PaymentRequest, RequestStatus
from coops.currency.tests.conftest import create_lien
from coops.groups.models import Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Transaction
from coops.ledger.services import LimitExceeded
from coops.notifications.models import Notification

pytestmark = pytest.mark.postgres


@pytest.fixture
def people(pg):
    group = GroupFactory()
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    alice, bob, carol = (MembershipFactory(group=group).user for _ in range(3))
    return create_lien(group, organiser), alice, bob, carol


def _balance(currency, user) -> int:
    from coops.currency.selectors import account_of

    account = account_of(currency, user)
    return 0 if account is None else account.balance


def test_two_payments_near_the_limit_exactly_one_goes_through(people):
    currency, alice, bob, carol = people
    # Open every account first, so the race is on the payments alone.
    services.transfer_create(currency=currency, acting_user=bob, payee=carol, amount=Decimal(1))
    services.transfer_create(currency=currency, acting_user=carol, payee=alice, amount=Decimal(1))
    for round_ in range(5):

        def pay(payee, n, round_=round_):
            return lambda: services.transfer_create(
                currency=currency,
                acting_user=alice,
                payee=payee,
                amount=Decimal("200"),
                idempotency_key=f"{round_:016x}{n:016x}",
            )

        before = _balance(currency, alice)
        results = race(pay(bob, 1), pay(carol, 2))
        posted = [r for r in results if isinstance(r, Transaction)]
        refused = [r for r in results if isinstance(r, LimitExceeded)]
        assert (len(posted), len(refused)) == (1, 1), results
        assert refused[0].code == "under_minimum"
        assert _balance(currency, alice) == before - 20000
        # The one who was paid gives Alice her credit back for the next round.
        paid = bob if isinstance(results[0], Transaction) else carol
        services.transfer_create(
            currency=currency, acting_user=paid, payee=alice, amount=Decimal("200")
        )
    assert ledger_violations() == []


def test_the_same_form_sent_twice_at_once_pays_once_and_notifies_once(people):
    currency, alice, bob, _ = people
    for round_ in range(5):
        key = f"{round_:032x}"

        def pay(key=key):
            return services.transfer_create(
                currency=currency,
                acting_user=alice,
                payee=bob,
                amount=Decimal("10"),
                idempotency_key=key,
            )

        results = race(pay, pay)
        assert all(isinstance(r, Transaction) for r in results), results
        assert results[0].pk == results[1].pk
    assert Transaction.objects.filter(kind=kinds.TRANSFER).count() == 5
    assert _balance(currency, alice) == -5000
    assert Notification.objects.filter(recipient=bob, kind=kinds.PAYMENT_RECEIVED).count() == 5
    assert ledger_violations() == []


def test_a_request_accepted_twice_at_once_is_paid_once(people):
    currency, alice, bob, _ = people
    for _round in range(5):
        request = services.payment_request_create(
            currency=currency, acting_user=bob, payer=alice, amount=Decimal("3"), memo="Pain"
        )

        def accept(request=request):
            return services.payment_request_transition(
                payment_request=request, to=RequestStatus.ACCEPTED, acting_user=alice
            )

        results = race(accept, accept)
        done = [r for r in results if isinstance(r, PaymentRequest)]
        assert len(done) == 1, results
    assert Transaction.objects.filter(kind=kinds.TRANSFER).count() == 5
    assert _balance(currency, alice) == -1500
    assert ledger_violations() == []
