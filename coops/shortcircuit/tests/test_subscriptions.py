"""Subscribing: season price, instalments, absences rules, re-planning, variable
minimum, recording instalments in the ledger, notifications."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coops.ledger.models import LedgerAccount, Payment
from coops.notifications.models import Notification

from ..kinds import CONTRACT
from ..models import Instalment, Subscription
from ..services.subscriptions import (
    delivery_choices_set,
    instalment_due_dates,
    instalment_record,
    season_price,
    subscription_cancel,
    subscription_change,
)
from .factories import hub
from .test_contracts import member_of, season, subscribe

pytestmark = pytest.mark.django_db


def amounts(subscription):
    return list(subscription.instalment_rows.order_by("number").values_list("amount", flat=True))


def change(subscription, **kwargs):
    fields = {
        "option": subscription.option,
        "quantity": subscription.quantity,
        "co_subscriber": subscription.co_subscriber,
        "member_takes_first": subscription.member_takes_first,
        "absences": [a.delivery for a in subscription.absences.all()],
        "acting_user": subscription.member,
    }
    return subscription_change(subscription=subscription, **{**fields, **kwargs})


def test_the_season_price_counts_the_deliveries_collected_and_splits_in_instalments():
    group = hub()
    contract = season(group, weeks=6)
    first = contract.deliveries.first()
    subscription = subscribe(
        contract, member_of(group), quantity=2, absences=[first], instalments=3
    )
    # 12.50 × 2 × (6 − 1 absence) = 125.00, the remaining cents on the first.
    assert season_price(subscription) == Decimal("125.00")
    assert amounts(subscription) == [Decimal("41.68"), Decimal("41.66"), Decimal("41.66")]
    dues = list(subscription.instalment_rows.values_list("due_on", flat=True))
    assert dues == instalment_due_dates(group.today(), 3)
    assert {i.method for i in subscription.instalment_rows.all()} == {"cheque"}


def test_a_plan_outside_the_contracts_choices_is_refused():
    group = hub()
    contract = season(group)
    with pytest.raises(ValidationError):
        subscribe(contract, member_of(group), instalments=2)
    assert not Subscription.objects.exists()


def test_absences_are_limited_in_number():
    group = hub()
    contract = season(group, max_absences=2)
    three = list(contract.deliveries.all()[:3])
    with pytest.raises(ValidationError) as exc:
        subscribe(contract, member_of(group), absences=three)
    assert "2" in exc.value.messages[0]
    assert not Subscription.objects.exists()


def test_absences_need_the_notice():
    group = hub()
    contract = season(group, first_in=5, absence_notice_days=7)
    first, second = contract.deliveries.all()[:2]
    with pytest.raises(ValidationError):
        subscribe(contract, member_of(group), absences=[first])
    subscription = subscribe(contract, member_of(group), absences=[second])
    assert [a.delivery for a in subscription.absences.all()] == [second]


def test_a_change_replans_the_unpaid_instalments_and_keeps_the_received_ones():
    group = hub()
    organiser = member_of(group, "organiser")
    contract = season(group, weeks=6, organiser=organiser)
    subscription = subscribe(contract, member_of(group), instalments=3)
    assert amounts(subscription) == [Decimal("25.00")] * 3
    first = subscription.instalment_rows.get(number=1)
    instalment_record(
        instalment=first,
        cheque_number="0001",
        bank="Crédit Coopératif",
        received_on=group.today(),
        acting_user=organiser,
    )
    result = change(subscription, option=contract.options.get(name="Grand"))
    # 20.00 × 6 = 120.00: 25.00 received, 95.00 left over two instalments.
    assert (result.price_before, result.price_after, result.unpaid_after) == (
        Decimal("75.00"),
        Decimal("120.00"),
        Decimal("95.00"),
    )
    assert amounts(subscription) == [Decimal("25.00"), Decimal("47.50"), Decimal("47.50")]


def test_a_change_to_less_than_received_leaves_the_rest_on_the_balance():
    group = hub()
    organiser = member_of(group, "organiser")
    contract = season(group, weeks=6, organiser=organiser)
    subscription = subscribe(contract, member_of(group), option="Grand", instalments=1)
    instalment_record(
        instalment=subscription.instalment_rows.get(),
        cheque_number="42",
        bank="La Banque Postale",
        received_on=group.today(),
        acting_user=organiser,
    )
    result = subscription_cancel(subscription=subscription, acting_user=subscription.member)
    assert (result.price_after, result.unpaid_after) == (Decimal("0"), Decimal("0"))
    assert amounts(subscription) == [Decimal("120.00")]
    subscription.refresh_from_db()
    assert subscription.status == "cancelled"


def test_all_received_and_more_due_adds_an_instalment():
    group = hub()
    organiser = member_of(group, "organiser")
    contract = season(group, weeks=4, organiser=organiser)
    subscription = subscribe(contract, member_of(group), instalments=1)
    instalment_record(
        instalment=subscription.instalment_rows.get(),
        cheque_number="7",
        bank="Crédit Mutuel",
        received_on=group.today(),
        acting_user=organiser,
    )
    change(subscription, quantity=2)
    assert amounts(subscription) == [Decimal("50.00"), Decimal("50.00")]
    subscription.refresh_from_db()
    assert subscription.instalments == 2


def test_co_subscribers_are_active_members_other_than_oneself():
    group = hub()
    contract = season(group)
    alice = member_of(group)
    outsider = member_of(hub())
    for co in (alice, outsider):
        with pytest.raises(ValidationError):
            subscribe(contract, alice, co_subscriber=co)
    assert not Subscription.objects.exists()
    no_co = season(group, allow_co_subscribers=False)
    with pytest.raises(ValidationError):
        subscribe(no_co, alice, co_subscriber=member_of(group))


def test_variable_contracts_enforce_the_minimum_per_delivery():
    group = hub()
    contract = season(group, kind="variable", minimum_per_delivery=Decimal("15.00"), weeks=4)
    alice = member_of(group)
    with pytest.raises(ValidationError):
        subscribe(contract, alice, option="Petit", quantity=1)  # 12.50 < 15.00
    subscription = subscribe(contract, alice, option="Grand")
    first = contract.deliveries.first()
    small, large = contract.options.get(name="Petit"), contract.options.get(name="Grand")
    with pytest.raises(ValidationError):
        delivery_choices_set(
            subscription=subscription,
            delivery=first,
            quantities={small.pk: 1},
            acting_user=alice,
        )
    result = delivery_choices_set(
        subscription=subscription,
        delivery=first,
        quantities={small.pk: 1, large.pk: 1},
        acting_user=alice,
    )
    # 32.50 at the first delivery, 20.00 at the three others.
    assert (result.price_before, result.price_after) == (Decimal("80.00"), Decimal("92.50"))
    assert sum(amounts(subscription)) == Decimal("92.50")


def test_a_received_instalment_credits_the_members_balance_once():
    group = hub()
    organiser = member_of(group, "organiser")
    contract = season(group, organiser=organiser)
    alice = member_of(group)
    subscription = subscribe(contract, alice, instalments=3)
    instalment = subscription.instalment_rows.get(number=1)
    instalment_record(
        instalment=instalment,
        cheque_number="1234567",
        bank="Crédit Agricole",
        cash_on=group.today() + timedelta(days=30),
        received_on=group.today(),
        acting_user=organiser,
    )
    instalment.refresh_from_db()
    payment = Payment.objects.get()
    assert instalment.payment == payment
    assert (payment.member, payment.amount, payment.method, payment.cheque_number) == (
        alice,
        Decimal("25.00"),
        "cheque",
        "1234567",
    )
    account = LedgerAccount.objects.get(purpose="member", owner_id=str(alice.pk))
    assert account.balance == 2500
    with pytest.raises(ValidationError):
        instalment_record(
            instalment=instalment,
            received_on=group.today() - timedelta(days=1),
            acting_user=organiser,
        )
    assert Payment.objects.count() == 1


def test_a_cheque_needs_its_number_and_bank_to_be_received():
    group = hub()
    organiser = member_of(group, "organiser")
    subscription = subscribe(season(group, organiser=organiser), member_of(group))
    with pytest.raises(ValidationError):
        instalment_record(
            instalment=subscription.instalment_rows.get(),
            received_on=group.today(),
            acting_user=organiser,
        )
    assert Instalment.objects.get().received_on is None
    assert not Payment.objects.exists()


def test_subscribing_notifies_the_member_and_the_co_subscriber_after_commit(
    django_capture_on_commit_callbacks,
):
    group = hub()
    contract = season(group)
    alice, bob = member_of(group), member_of(group)
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(contract, alice, co_subscriber=bob)
    assert sorted(
        Notification.objects.filter(kind=CONTRACT).values_list("recipient", flat=True)
    ) == sorted([alice.pk, bob.pk])
