"""The session cart: quantities on the variant's step, stock, starting from an order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coops.groups.tests.helpers import fr

from ..models import DistributionStatus, Order
from ..selectors.shop import cart_summary
from ..services import cart as carts
from .factories import DistributionFactory, VariantFactory, hub, offer, place

pytestmark = pytest.mark.django_db


class Session(dict):
    modified = False


@pytest.fixture
def distribution(personas):
    return DistributionFactory(group=hub(personas.group))


def test_add_then_add_again_sums_and_update_replaces(personas, distribution):
    o = offer(distribution)
    session = Session()
    args = {"session": session, "distribution": distribution, "user": personas.member}
    carts.cart_put(offer_id=o.pk, quantity=Decimal("2"), add=True, **args)
    carts.cart_put(offer_id=o.pk, quantity=Decimal("1"), add=True, **args)
    assert carts.cart_quantities(**args) == {o.pk: Decimal("3")}
    carts.cart_put(offer_id=o.pk, quantity=Decimal("1"), **args)
    assert carts.cart_quantities(**args) == {o.pk: Decimal("1")}
    assert session.modified is True


def test_quantity_must_follow_the_step(personas, distribution):
    o = offer(distribution, VariantFactory(step=Decimal("0.5")))
    args = {"session": Session(), "distribution": distribution, "user": personas.member}
    carts.cart_put(offer_id=o.pk, quantity=Decimal("1.5"), **args)
    with pytest.raises(ValidationError) as caught:
        carts.cart_put(offer_id=o.pk, quantity=Decimal("0.7"), **args)
    assert caught.value.messages == [
        fr("%(product)s: order a positive multiple of %(step)s.")
        % {"product": str(o.variant), "step": "0,5"}
    ]
    assert carts.cart_quantities(**args) == {o.pk: Decimal("1.5")}


def test_quantity_cannot_exceed_the_stock(personas, distribution):
    o = offer(distribution, VariantFactory(stock=Decimal("3")))
    args = {"session": Session(), "distribution": distribution, "user": personas.member}
    with pytest.raises(ValidationError) as caught:
        carts.cart_put(offer_id=o.pk, quantity=Decimal("4"), **args)
    assert caught.value.messages == [
        fr("%(product)s: only %(left)s left.") % {"product": str(o.variant), "left": "3"}
    ]
    assert carts.cart_quantities(**args) == {}


def test_what_my_order_holds_counts_as_available(personas, distribution):
    o = offer(distribution, VariantFactory(stock=Decimal("3")))
    place(distribution, personas.member, {o: 2})
    args = {"session": Session(), "distribution": distribution, "user": personas.member}
    carts.cart_put(offer_id=o.pk, quantity=Decimal("3"), **args)
    assert carts.cart_quantities(**args) == {o.pk: Decimal("3")}


def test_an_offer_of_another_distribution_is_refused(personas, distribution):
    other = offer(DistributionFactory(group=distribution.group))
    args = {"session": Session(), "distribution": distribution, "user": personas.member}
    with pytest.raises(ValidationError) as caught:
        carts.cart_put(offer_id=other.pk, quantity=Decimal("1"), **args)
    assert caught.value.messages == [fr("This product is not on sale in this distribution.")]


def test_a_closed_distribution_takes_nothing_in_the_cart(personas):
    distribution = DistributionFactory(group=hub(personas.group), status=DistributionStatus.CLOSED)
    o = offer(distribution)
    session = Session()
    with pytest.raises(ValidationError) as caught:
        carts.cart_put(
            session=session, distribution=distribution, user=personas.member,
            offer_id=o.pk, quantity=Decimal("1"),
        )  # fmt: skip
    assert caught.value.messages == [fr("Orders for this distribution are closed.")]
    assert session == {}


def test_cart_starts_from_my_order_until_I_change_it(personas, distribution):
    a, b = offer(distribution), offer(distribution)
    place(distribution, personas.member, {a: 2, b: 1})
    session = Session()
    args = {"session": session, "distribution": distribution, "user": personas.member}
    assert carts.cart_quantities(**args) == {a.pk: Decimal("2"), b.pk: Decimal("1")}
    carts.cart_remove(offer_id=b.pk, **args)
    assert carts.cart_quantities(**args) == {a.pk: Decimal("2")}
    carts.cart_clear(session=session, distribution=distribution)
    assert carts.cart_quantities(**args) == {a.pk: Decimal("2"), b.pk: Decimal("1")}


def test_cart_from_order_replaces_the_session_cart(personas, distribution):
    a, b = offer(distribution), offer(distribution)
    order = place(distribution, personas.member, {a: 1})
    session = Session()
    args = {"session": session, "distribution": distribution, "user": personas.member}
    carts.cart_put(offer_id=b.pk, quantity=Decimal("4"), **args)
    carts.cart_from_order(session=session, order=Order.objects.get(pk=order.pk))
    assert carts.cart_quantities(**args) == {a.pk: Decimal("1")}


def test_carts_are_kept_per_distribution(personas, distribution):
    other = DistributionFactory(group=distribution.group)
    a, b = offer(distribution), offer(other)
    session = Session()
    carts.cart_put(session=session, distribution=distribution, user=personas.member,
                   offer_id=a.pk, quantity=Decimal("1"))  # fmt: skip
    carts.cart_put(session=session, distribution=other, user=personas.member,
                   offer_id=b.pk, quantity=Decimal("2"))  # fmt: skip
    assert carts.cart_quantities(
        session=session, distribution=distribution, user=personas.member
    ) == {a.pk: Decimal("1")}
    assert carts.cart_quantities(session=session, distribution=other, user=personas.member) == {
        b.pk: Decimal("2")
    }


def test_cart_summary_prices_like_the_order(personas):
    distribution = DistributionFactory(
        group=hub(personas.group), hub_fee_percent=Decimal("5"), hub_fee_per_item=Decimal("0.10")
    )
    a = offer(distribution, price=Decimal("3.20"))
    b = offer(
        distribution,
        VariantFactory(variable_weight=True, estimated_weight=Decimal("1.250"), price=Decimal("8")),
    )
    summary = cart_summary(
        distribution=distribution, quantities={a.pk: Decimal("3"), b.pk: Decimal("2")}
    )
    order = place(distribution, personas.member, {a: 3, b: 2})
    assert summary.total.amount == order.total
    assert sorted(line.total.amount for line in summary.lines) == sorted(
        order.lines.values_list("total", flat=True)
    )
    # 3 × (3,20 + 0,16 + 0,10) + (20,00 + 1,00 + 0,20)
    assert summary.total.amount == Decimal("31.58")
    assert summary.fee_total.amount == Decimal("1.98")
