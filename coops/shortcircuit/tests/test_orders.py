"""The buyer's pages: cart, placing and changing an order, my orders, one order,
cancelling, with the authorisation of each page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from coops.core.money import Money, format_money
from coops.groups.tests.helpers import fr, messages_of, page
from coops.ledger.models import Transaction
from coops.ledger.providers import payment_record

from ..models import DistributionStatus, Order, OrderPayment, OrderStatus, Variant
from .factories import DistributionFactory, VariantFactory, hub, offer, place

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "member", "other_member", "organiser", "admin"]


def u(name: str, group, **kwargs) -> str:
    return reverse(f"groups:shortcircuit:{name}", kwargs={"slug": group.slug, **kwargs})


@pytest.fixture
def distribution(personas):
    return DistributionFactory(group=hub(personas.group), title="Jeudi 12")


def give_balance(group, user, amount: str, acting_user) -> None:
    payment_record(
        group=group, member=user, amount=Decimal(amount), method="cash",
        received_on=group.today(), acting_user=acting_user,
    )  # fmt: skip


def state() -> tuple:
    """What a refused request must leave as it was."""
    return (
        sorted(Order.objects.values_list("pk", "status", "total")),
        sorted(Variant.objects.values_list("pk", "stock")),
        Transaction.objects.count(),
    )


def test_add_to_cart_then_place_the_order(personas, distribution):
    o = offer(distribution, price=Decimal("3.20"))
    client = personas.client("member")
    response = client.post(
        u("cart_add", distribution.group, pk=distribution.pk),
        {"offer": o.pk, "quantity": "2", "next": u("shop", distribution.group, pk=distribution.pk)},
    )
    assert response.status_code == 302
    assert response["Location"] == u("shop", distribution.group, pk=distribution.pk)
    html = page(client.get(u("cart", distribution.group, pk=distribution.pk)))
    assert format_money(Money(Decimal("6.40"), "EUR")) in html
    assert (
        fr("Your available balance: %(amount)s.")
        % {"amount": format_money(Money(Decimal("0"), "EUR"))}
        in html
    )
    response = client.post(
        u("cart_place", distribution.group, pk=distribution.pk),
        {"slot": distribution.slots.get().pk, "payment": "on_site", "note": "Après 19 h"},
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == u("order", distribution.group, pk=order.pk)
    assert (order.buyer, order.total, order.payment, order.note) == (
        personas.member, Decimal("6.40"), OrderPayment.ON_SITE, "Après 19 h",
    )  # fmt: skip
    assert Variant.objects.get(pk=o.variant_id).stock == Decimal("48")
    assert client.session.get("shortcircuit_carts") == {}


def test_htmx_add_returns_the_cart_count(personas, distribution):
    o = offer(distribution)
    response = personas.client("member").post(
        u("cart_add", distribution.group, pk=distribution.pk),
        {"offer": o.pk, "quantity": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="cart-link"' in page(response)
    assert "(1" in page(response)


def test_update_and_remove_lines(personas, distribution):
    a, b = offer(distribution), offer(distribution)
    client = personas.client("member")
    for o in (a, b):
        client.post(
            u("cart_add", distribution.group, pk=distribution.pk), {"offer": o.pk, "quantity": "1"}
        )
    client.post(
        u("cart_update", distribution.group, pk=distribution.pk), {"offer": a.pk, "quantity": "3"}
    )
    client.post(u("cart_remove", distribution.group, pk=distribution.pk), {"offer": b.pk})
    assert client.session["shortcircuit_carts"] == {str(distribution.pk): {str(a.pk): "3"}}


def test_a_zero_or_off_step_quantity_is_refused(personas, distribution):
    o = offer(distribution, VariantFactory(step=Decimal("0.5")))
    client = personas.client("member")
    response = client.post(
        u("cart_add", distribution.group, pk=distribution.pk), {"offer": o.pk, "quantity": "0"}
    )
    assert messages_of(response) == [fr("Enter a quantity above zero.")]
    client = personas.client("member")
    response = client.post(
        u("cart_add", distribution.group, pk=distribution.pk), {"offer": o.pk, "quantity": "0.3"}
    )
    assert messages_of(response) == [
        fr("%(product)s: order a positive multiple of %(step)s.")
        % {"product": str(o.variant), "step": "0,5"}
    ]
    assert "shortcircuit_carts" not in client.session


def test_paying_from_a_short_balance_is_refused_and_shown(personas, distribution):
    o = offer(distribution, price=Decimal("10"))
    give_balance(distribution.group, personas.member, "5", personas.organiser)
    client = personas.client("member")
    client.post(
        u("cart_add", distribution.group, pk=distribution.pk), {"offer": o.pk, "quantity": "1"}
    )
    html = page(client.get(u("cart", distribution.group, pk=distribution.pk)))
    assert fr("It does not cover this order: pay on site, or top up your balance first.") in html
    response = client.post(
        u("cart_place", distribution.group, pk=distribution.pk),
        {"slot": distribution.slots.get().pk, "payment": "balance"},
    )
    assert response.status_code == 400
    assert 'data-testid="checkout-error"' in page(response)
    assert Order.objects.count() == 0
    assert Variant.objects.get(pk=o.variant_id).stock == Decimal("50")


def test_placing_again_changes_my_order(personas, distribution):
    a, b = offer(distribution), offer(distribution)
    order = place(distribution, personas.member, {a: 2})
    client = personas.client("member")
    html = page(client.get(u("cart", distribution.group, pk=distribution.pk)))
    assert 'data-testid="cart-order"' in html
    assert f'data-testid="cart-line-{a.pk}"' in html
    client.post(
        u("cart_add", distribution.group, pk=distribution.pk), {"offer": b.pk, "quantity": "1"}
    )
    client.post(
        u("cart_place", distribution.group, pk=distribution.pk),
        {"slot": distribution.slots.get().pk, "payment": "on_site"},
    )
    order.refresh_from_db()
    assert Order.objects.count() == 1
    assert sorted(order.lines.values_list("offer_id", "quantity")) == [
        (a.pk, Decimal("2")),
        (b.pk, Decimal("1")),
    ]


def test_my_orders_lists_my_orders_only(personas, distribution):
    mine = place(distribution, personas.member, {offer(distribution): 1})
    theirs = place(distribution, personas.organiser, {offer(distribution): 1})
    html = page(personas.client("member").get(u("orders_mine", distribution.group)))
    assert f'data-testid="order-{mine.pk}"' in html
    assert f'data-testid="order-{theirs.pk}"' not in html
    assert "Jeudi 12" in html


def test_order_page_shows_snapshot_prices_payment_and_pickup(personas, distribution):
    o = offer(distribution, price=Decimal("3.20"))
    order = place(distribution, personas.member, {o: 2})
    Variant.objects.filter(pk=o.variant_id).update(price=Decimal("9.99"))
    html = page(personas.client("member").get(u("order", distribution.group, pk=order.pk)))
    assert format_money(Money(Decimal("3.20"), "EUR")) in html
    assert format_money(Money(Decimal("6.40"), "EUR")) in html
    assert fr("On site (cash or cheque)") in html
    assert distribution.slots.get().pickup_point.name in html
    assert 'data-testid="cancel-order"' in html


def test_modify_fills_the_cart_from_the_order(personas, distribution):
    a = offer(distribution)
    order = place(distribution, personas.member, {a: 2})
    client = personas.client("member")
    response = client.post(u("order_modify", distribution.group, pk=order.pk))
    assert response["Location"] == u("cart", distribution.group, pk=distribution.pk)
    assert client.session["shortcircuit_carts"] == {str(distribution.pk): {str(a.pk): "2.000"}}


def test_cancel_gives_the_stock_back(personas, distribution):
    a = offer(distribution)
    order = place(distribution, personas.member, {a: 2})
    response = personas.client("member").post(u("order_cancel", distribution.group, pk=order.pk))
    assert response["Location"] == u("orders_mine", distribution.group)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Variant.objects.get(pk=a.variant_id).stock == Decimal("50")


def test_after_closing_an_order_can_no_longer_change(personas, distribution):
    a = offer(distribution)
    order = place(distribution, personas.member, {a: 2})
    distribution.__class__.objects.filter(pk=distribution.pk).update(
        status=DistributionStatus.CLOSED
    )
    client = personas.client("member")
    html = page(client.get(u("order", distribution.group, pk=order.pk)))
    assert 'data-testid="cancel-order"' not in html
    before = state()
    response = client.post(u("order_cancel", distribution.group, pk=order.pk))
    assert messages_of(response) == [fr("Orders for this distribution are closed.")]
    response = personas.client("member").post(u("order_modify", distribution.group, pk=order.pk))
    assert messages_of(response) == [fr("This order can no longer be changed.")]
    assert state() == before


# Authorisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("member", 200),
        ("other_member", 403),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_cart_page_authorisation(personas, distribution, who, status):
    response = personas.client(who).get(u("cart", distribution.group, pk=distribution.pk))
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if who == "other_member":
        assert fr("Only the group's active members can order.") in page(response)


@pytest.mark.parametrize("who", ["anonymous", "other_member"])
@pytest.mark.parametrize("name", ["cart_add", "cart_update", "cart_remove", "cart_place"])
def test_refused_cart_posts_change_nothing(personas, distribution, who, name):
    o = offer(distribution)
    client = personas.client(who)
    before = state()
    response = client.post(
        u(name, distribution.group, pk=distribution.pk),
        {"offer": o.pk, "quantity": "1", "slot": distribution.slots.get().pk, "payment": "on_site"},
    )
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert state() == before
    assert "shortcircuit_carts" not in client.session


@pytest.mark.parametrize("who", ["member", "organiser", "admin"])
def test_members_can_place_an_order(personas, distribution, who):
    o = offer(distribution)
    client = personas.client(who)
    client.post(
        u("cart_add", distribution.group, pk=distribution.pk), {"offer": o.pk, "quantity": "1"}
    )
    client.post(
        u("cart_place", distribution.group, pk=distribution.pk),
        {"slot": distribution.slots.get().pk, "payment": "on_site"},
    )
    assert Order.objects.get().buyer == getattr(personas, who)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("member", 200),
        ("other_member", 403),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_my_orders_authorisation(personas, distribution, who, status):
    assert personas.client(who).get(u("orders_mine", distribution.group)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("member", 200),
        ("other_member", 403),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_order_page_is_for_its_buyer_and_organisers(personas, distribution, who, status):
    order = place(distribution, personas.member, {offer(distribution): 1})
    response = personas.client(who).get(u("order", distribution.group, pk=order.pk))
    assert response.status_code == status
    if who == "other_member":
        assert fr("This order is someone else's.") in page(response)
    if who == "organiser":
        assert 'data-testid="cancel-order"' not in page(response)


@pytest.mark.parametrize("who", ["anonymous", "other_member", "organiser", "admin"])
@pytest.mark.parametrize("name", ["order_cancel", "order_modify"])
def test_only_the_buyer_cancels_or_modifies(personas, distribution, who, name):
    order = place(distribution, personas.member, {offer(distribution): 1})
    client = personas.client(who)
    before = state()
    response = client.post(u(name, distribution.group, pk=order.pk))
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert state() == before
    assert "shortcircuit_carts" not in client.session


def test_get_on_a_post_only_page_is_refused(personas, distribution):
    order = place(distribution, personas.member, {offer(distribution): 1})
    client = personas.client("member")
    assert client.get(u("order_cancel", distribution.group, pk=order.pk)).status_code == 405
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLACED


def test_an_order_of_another_group_is_not_found(personas):
    theirs = DistributionFactory(group=hub(personas.other_group))
    order = place(theirs, personas.other_member, {offer(theirs): 1})
    url = u("order", hub(personas.group), pk=order.pk)
    assert personas.client("organiser").get(url).status_code == 404
