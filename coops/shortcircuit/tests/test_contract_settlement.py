"""A season contract's money: instalments credit the subscriber's balance, and each
delivery's settlement debits the subscriber — also for the weeks their co-subscriber
collects — and pays the producer, with no hub fee on baskets."""

from decimal import Decimal

import pytest

from coops.groups.models import Role
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import LedgerAccount, Purpose

from ..models import Distribution, DistributionStatus, Order
from ..services.contracts import contract_orders_generate
from ..services.settlement import distribution_settle
from ..services.subscriptions import instalment_record
from .factories import hub
from .test_contracts import member_of, season, subscribe

pytestmark = pytest.mark.django_db


def balance(owner, purpose) -> int:
    return LedgerAccount.objects.get(owner_id=str(owner.pk), purpose=purpose).balance


def deliver(distribution: Distribution) -> None:
    Distribution.objects.filter(pk=distribution.pk).update(
        status=DistributionStatus.DELIVERED, hub_fee_percent=Decimal("5")
    )


def test_the_subscriber_pays_every_delivery_and_the_producer_is_paid():
    group = hub()
    organiser = member_of(group, Role.ORGANISER)
    contract = season(group, organiser=organiser, first_in=10, weeks=2)
    alice, bob = member_of(group), member_of(group)
    subscription = subscribe(contract, alice, option="Grand", instalments=1, co_subscriber=bob)
    cheque = subscription.instalment_rows.get()
    assert cheque.amount == Decimal("40.00")
    instalment_record(
        instalment=cheque,
        acting_user=organiser,
        cheque_number="0001234",
        bank="Crédit Coopératif",
        received_on=group.today(),
    )
    assert balance(alice, Purpose.MEMBER) == 4000

    collectors = []
    for delivery in contract.deliveries.order_by("date"):
        (order,) = contract_orders_generate(delivery=delivery, acting_user=organiser)
        collectors.append(order.buyer)
        deliver(order.distribution)
        distribution_settle(distribution=order.distribution, acting_user=organiser)

    assert collectors == [alice, bob]
    assert Order.objects.filter(settlement__isnull=False).count() == 2
    assert balance(alice, Purpose.MEMBER) == 0
    assert not LedgerAccount.objects.filter(owner_id=str(bob.pk), purpose=Purpose.MEMBER).exists()
    assert balance(contract.producer, Purpose.PRODUCER) == 4000
    # A basket carries no hub fee, even in a distribution that charges one.
    assert not LedgerAccount.objects.filter(purpose=Purpose.FEES, balance__gt=0).exists()
    assert ledger_violations() == []
