"""Season contracts: definition, linking deliveries to distributions, generating
each delivery's orders (idempotent, absences skipped, co-subscribers alternating)
and the tick."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory

from ..models import (
    ContractDelivery,
    ContractStatus,
    Distribution,
    DistributionStatus,
    HubProducer,
    Order,
    OrderLine,
    OrderPayment,
    OrderStatus,
    Variant,
)
from ..services.contracts import (
    OptionSpec,
    contract_deliveries_link,
    contract_orders_generate,
    contract_save,
    contract_transition,
    contracts_tick,
)
from ..services.subscriptions import subscription_change, subscription_create
from .factories import DistributionFactory, PickupPointFactory, ProducerFactory, hub

pytestmark = pytest.mark.django_db


def member_of(group, role=Role.MEMBER):
    return MembershipFactory(group=group, role=role).user


def season(
    group,
    *,
    organiser=None,
    first_in=14,
    weeks=6,
    status=ContractStatus.OPEN,
    options=None,
    **fields,
):
    """A weekly contract of `weeks` deliveries, the first in `first_in` days, with a
    small (12.50) and a large (20.00) basket."""
    organiser = organiser or member_of(group, Role.ORGANISER)
    producer = ProducerFactory()
    HubProducer.objects.get_or_create(group=group, producer=producer)
    start = group.today() + timedelta(days=first_in)
    fields.setdefault("instalment_choices", [1, 3, 8])
    contract = contract_save(
        group=group,
        acting_user=organiser,
        producer=producer,
        title="Panier de légumes",
        kind=fields.pop("kind", "fixed"),
        starts_on=start,
        ends_on=start + timedelta(weeks=weeks - 1),
        weekday=start.weekday(),
        pickup_point=fields.pop("pickup_point", None) or PickupPointFactory(group=group),
        options=options
        or [
            OptionSpec(name="Petit", price_per_delivery=Decimal("12.50")),
            OptionSpec(name="Grand", price_per_delivery=Decimal("20.00")),
        ],
        **fields,
    )
    if status != ContractStatus.DRAFT:
        contract_transition(contract=contract, status=ContractStatus.OPEN, acting_user=organiser)
    if status == ContractStatus.CLOSED:
        contract_transition(contract=contract, status=ContractStatus.CLOSED, acting_user=organiser)
    contract.refresh_from_db()
    return contract


def subscribe(contract, member, option="Petit", **kwargs):
    kwargs.setdefault("quantity", 1)
    kwargs.setdefault("instalments", 1)
    return subscription_create(
        contract=contract,
        option=contract.options.get(name=option),
        acting_user=member,
        **kwargs,
    )


def test_a_contract_delivers_every_week_but_the_dates_left_out():
    group = hub()
    contract = season(group, weeks=4)
    dates = list(contract.deliveries.values_list("date", flat=True))
    assert [(d - dates[0]).days for d in dates] == [0, 7, 14, 21]
    organiser = member_of(group, Role.ORGANISER)
    options = [
        OptionSpec(pk=o.pk, name=o.name, price_per_delivery=o.price_per_delivery)
        for o in contract.options.all()
    ]
    contract_save(
        group=group,
        contract=contract,
        acting_user=organiser,
        producer=contract.producer,
        title=contract.title,
        kind="fixed",
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        weekday=contract.starts_on.weekday(),
        pickup_point=contract.pickup_point,
        options=options,
        skipped=[dates[1]],
    )
    assert list(contract.deliveries.values_list("date", flat=True)) == [
        dates[0],
        dates[2],
        dates[3],
    ]


def test_options_without_a_product_sell_a_made_to_order_basket_of_the_producer():
    contract = season(hub())
    small, large = contract.options.order_by("position")
    assert (small.variant.product.name, small.variant.name) == ("Panier", "Petit")
    assert small.variant.product.producer == contract.producer
    assert small.variant.product == large.variant.product
    assert (small.variant.stock, small.variant.price) == (None, Decimal("12.50"))


def test_an_option_must_sell_the_contracts_producers_product():
    group = hub()
    other = Variant.objects.create(
        product=season(group).options.first().variant.product,
        name="Autre",
        price=Decimal("1"),
    )
    with pytest.raises(ValidationError):
        season(
            group, options=[OptionSpec(name="X", price_per_delivery=Decimal("5"), variant=other)]
        )


def test_a_contract_moves_draft_open_closed_only():
    group = hub()
    contract = season(group, status=ContractStatus.DRAFT)
    organiser = member_of(group, Role.ORGANISER)
    contract_transition(contract=contract, status="open", acting_user=organiser)
    with pytest.raises(ValidationError):
        contract_transition(contract=contract, status="draft", acting_user=organiser)
    contract_transition(contract=contract, status="closed", acting_user=organiser)
    contract.refresh_from_db()
    assert contract.status == "closed"


def test_linking_uses_the_groups_distribution_at_the_pickup_point_or_creates_one():
    group = hub()
    contract = season(group, first_in=3, weeks=2)
    first, second = contract.deliveries.all()
    existing = DistributionFactory(
        group=group, delivery_date=first.date, slot=contract.pickup_point
    )
    assert contract_deliveries_link(contract=contract) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.distribution == existing
    created = second.distribution
    assert (created.title, created.status, created.delivery_date) == (
        "Panier de légumes",
        DistributionStatus.OPEN,
        second.date,
    )
    assert list(created.slots.values_list("pickup_point", flat=True)) == [contract.pickup_point_id]
    assert Distribution.objects.filter(group=group).count() == 2


def test_generation_orders_one_basket_per_subscription_and_skips_the_absent():
    group = hub()
    contract = season(group, first_in=10, absence_notice_days=7)
    alice, bob = member_of(group), member_of(group)
    subscribe(contract, alice, option="Grand", quantity=2)
    first = contract.deliveries.first()
    subscribe(contract, bob, absences=[first])
    orders = contract_orders_generate(delivery=first, acting_user=None)
    assert len(orders) == 1
    order = Order.objects.get()
    assert (order.buyer, order.payment, order.total, order.status) == (
        alice,
        OrderPayment.CONTRACT,
        Decimal("40.00"),
        OrderStatus.PLACED,
    )
    line = order.lines.get()
    assert (line.product_name, line.variant_name, line.quantity) == ("Panier", "Grand", 2)
    assert (line.unit_price, line.unit_fee, line.total) == (
        Decimal("20.00"),
        Decimal("0"),
        Decimal("40.00"),
    )
    first.refresh_from_db()
    assert first.orders_generated_at is not None
    # Idempotent: a second run generates nothing.
    assert contract_orders_generate(delivery=first, acting_user=None) == []
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 1


def test_co_subscribers_collect_alternate_deliveries_by_their_index_in_the_season():
    group = hub()
    contract = season(group, first_in=10, weeks=3)
    alice, bob = member_of(group), member_of(group)
    subscribe(contract, alice, co_subscriber=bob, member_takes_first=False)
    buyers = []
    for delivery in contract.deliveries.all():
        (order,) = contract_orders_generate(delivery=delivery, acting_user=None)
        buyers.append(order.buyer)
    assert buyers == [bob, alice, bob]


def test_stocked_baskets_are_taken_from_stock_and_a_shortage_refuses_the_delivery():
    group = hub()
    contract = season(group, first_in=10)
    variant = contract.options.get(name="Petit").variant
    Variant.objects.filter(pk=variant.pk).update(stock=Decimal("3"))
    alice, bob = member_of(group), member_of(group)
    subscribe(contract, alice, quantity=2)
    subscribe(contract, bob, quantity=2)
    first = contract.deliveries.first()
    with pytest.raises(ValidationError):
        contract_orders_generate(delivery=first, acting_user=None)
    assert Order.objects.count() == 0
    variant.refresh_from_db()
    assert variant.stock == Decimal("3")
    Variant.objects.filter(pk=variant.pk).update(stock=Decimal("5"))
    assert len(contract_orders_generate(delivery=first, acting_user=None)) == 2
    variant.refresh_from_db()
    assert variant.stock == Decimal("1")


def test_the_tick_generates_the_deliveries_of_the_coming_week_only():
    group = hub()
    contract = season(group, first_in=3, weeks=3)
    draft = season(group, first_in=3, weeks=1, status=ContractStatus.DRAFT)
    subscribe(contract, member_of(group))
    assert contracts_tick(today=group.today()) == 1
    generated = ContractDelivery.objects.filter(orders_generated_at__isnull=False)
    assert list(generated) == [contract.deliveries.first()]
    assert not draft.deliveries.filter(orders_generated_at__isnull=False).exists()
    assert contracts_tick(today=group.today()) == 0
    assert Order.objects.count() == 1


def test_an_absence_declared_after_generation_cancels_the_order_while_changes_are_open():
    group = hub()
    contract = season(group, first_in=5, absence_notice_days=2)
    alice = member_of(group)
    subscription = subscribe(contract, alice)
    first = contract.deliveries.first()
    (order,) = contract_orders_generate(delivery=first, acting_user=None)
    change = subscription_change(
        subscription=subscription,
        option=subscription.option,
        quantity=1,
        co_subscriber=None,
        member_takes_first=True,
        absences=[first],
        acting_user=alice,
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert (change.price_before, change.price_after) == (Decimal("75.00"), Decimal("62.50"))
    # Withdrawing the absence generates the order again.
    subscription_change(
        subscription=subscription,
        option=subscription.option,
        quantity=1,
        co_subscriber=None,
        member_takes_first=True,
        absences=[],
        acting_user=alice,
    )
    assert Order.objects.filter(subscription=subscription, status="placed").count() == 1


def test_an_absence_after_generation_is_refused_once_the_distribution_closed():
    group = hub()
    contract = season(group, first_in=5, absence_notice_days=2)
    alice = member_of(group)
    subscription = subscribe(contract, alice)
    first = contract.deliveries.first()
    (order,) = contract_orders_generate(delivery=first, acting_user=None)
    Distribution.objects.filter(pk=order.distribution_id).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(ValidationError):
        subscription_change(
            subscription=subscription,
            option=subscription.option,
            quantity=1,
            co_subscriber=None,
            member_takes_first=True,
            absences=[first],
            acting_user=alice,
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert not subscription.absences.exists()
