"""No overselling under concurrency (PostgreSQL, real threads and connections).

The race helper releases every thread together. PostgreSQL allows 100 connections
shared by every test run on the machine, so the 200 buyers race through 40
connections, each thread buying for 5 buyers in turn: 40 purchases are in flight at
any moment and the stock runs out in the middle of the race.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from coops.core.tests.concurrency import race
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr

from ..models import Order, OrderStatus, Variant
from ..services import order_cancel
from .factories import DistributionFactory, VariantFactory, hub, offer, place

THREADS = 40


def chunks(items: list, n: int) -> list[list]:
    return [items[i::n] for i in range(n)]


def attempt(call):
    try:
        return call()
    except ValidationError as error:
        return error


def test_200_buyers_for_100_units_sell_exactly_100(pg):
    group = hub()
    distribution = DistributionFactory(group=group)
    on_sale = offer(distribution, VariantFactory(stock=Decimal("100")))
    buyers = [MembershipFactory(group=group, role=Role.MEMBER).user for _ in range(200)]

    def buy_for(some):
        return [attempt(lambda b=b: place(distribution, b, {on_sale: 1})) for b in some]

    results = [r for batch in race(*(lambda c=c: buy_for(c) for c in chunks(buyers, THREADS)))
               for r in batch]  # fmt: skip
    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(placed), len(refused)) == (100, 100)
    expected = fr("%(product)s is no longer available in that quantity.") % {
        "product": str(on_sale.variant)
    }
    assert {tuple(e.messages) for e in refused} == {(expected,)}
    assert Variant.objects.get(pk=on_sale.variant_id).stock == 0
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 100
    assert len({o.buyer_id for o in placed}) == 100


def test_changing_and_cancelling_at_once_give_stock_back_exactly(pg):
    group = hub()
    distribution = DistributionFactory(group=group)
    on_sale = offer(distribution, VariantFactory(stock=Decimal("100")))
    buyers = [MembershipFactory(group=group, role=Role.MEMBER).user for _ in range(30)]
    orders = [place(distribution, b, {on_sale: 2}) for b in buyers]
    assert Variant.objects.get(pk=on_sale.variant_id).stock == 40

    def change(index: int):
        order, buyer = orders[index], buyers[index]
        if index % 3 == 0:
            return attempt(lambda: order_cancel(order=order, acting_user=buyer))
        quantity = 1 if index % 3 == 1 else 3
        return attempt(lambda: place(distribution, buyer, {on_sale: quantity}))

    results = race(*(lambda i=i: change(i) for i in range(30)))
    assert all(isinstance(r, Order) for r in results)
    kept = sum(
        line.quantity
        for o in Order.objects.filter(distribution=distribution, status=OrderStatus.PLACED)
        for line in o.lines.all()
    )
    # 10 cancelled (0), 10 down to 1, 10 up to 3
    assert kept == Decimal("40")
    assert Variant.objects.get(pk=on_sale.variant_id).stock == Decimal("100") - kept
    assert Order.objects.filter(status=OrderStatus.CANCELLED).count() == 10
