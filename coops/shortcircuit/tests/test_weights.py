"""Weighing variable-weight lines after closing: the line and its order are repriced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coops.core.money import Money, format_money
from coops.groups.tests.helpers import fr, page

from ..models import Distribution, DistributionStatus, Order, OrderLine
from ..services.weights import line_weigh
from .factories import DistributionFactory, VariantFactory, hub, offer, place

pytestmark = pytest.mark.django_db


def set_status(distribution, status) -> None:
    Distribution.objects.filter(pk=distribution.pk).update(status=status)


@pytest.fixture
def order(personas):
    distribution = DistributionFactory(
        group=hub(personas.group), hub_fee_percent=Decimal("5"), hub_fee_per_item=Decimal("0.10")
    )
    ham = offer(
        distribution,
        VariantFactory(variable_weight=True, estimated_weight=Decimal("1.25"), price=Decimal("8")),
    )
    bread = offer(distribution, price=Decimal("3.00"))
    placed = place(distribution, personas.member, {ham: 2, bread: 1})
    set_status(distribution, DistributionStatus.CLOSED)
    return placed


def ham_line(order) -> OrderLine:
    return order.lines.get(estimated_weight__isnull=False)


def test_the_estimate_prices_the_order(order):
    # ham: 8 €/kg × 2 × 1,25 kg = 20,00 + 5 % + 2 × 0,10 = 21,20; bread 3,00 + 0,15 + 0,10
    assert ham_line(order).total == Decimal("21.20")
    assert order.total == Decimal("24.45")


def test_weighing_reprices_the_line_and_the_order(personas, order):
    line = line_weigh(
        line=ham_line(order), actual_weight=Decimal("2.6"), acting_user=personas.organiser
    )
    # 8 × 2,6 = 20,80; fee 5 % of it = 1,04 + 0,20
    assert (line.actual_weight, line.total) == (Decimal("2.6"), Decimal("22.04"))
    order.refresh_from_db()
    assert order.total == Decimal("25.29")
    assert order.total == sum(order.lines.values_list("total", flat=True))


def test_weighing_again_replaces_the_weight(personas, order):
    line_weigh(line=ham_line(order), actual_weight=Decimal("2.6"), acting_user=personas.organiser)
    line_weigh(line=ham_line(order), actual_weight=Decimal("2.4"), acting_user=personas.organiser)
    order.refresh_from_db()
    # 8 × 2,4 = 19,20; fee 0,96 + 0,20
    assert ham_line(order).total == Decimal("20.36")
    assert order.total == Decimal("23.61")


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (DistributionStatus.OPEN, "Lines are weighed once orders are closed."),
        (DistributionStatus.SETTLED, "This distribution is settled: its weights are final."),
    ],
)
def test_weighing_is_refused_before_closing_and_after_settlement(personas, order, status, message):
    set_status(order.distribution, status)
    with pytest.raises(ValidationError) as caught:
        line_weigh(line=ham_line(order), actual_weight=Decimal("3"), acting_user=personas.organiser)
    assert caught.value.messages == [fr(message)]
    assert ham_line(order).actual_weight is None
    assert Order.objects.get(pk=order.pk).total == Decimal("24.45")


def test_only_variable_weight_lines_of_placed_orders(personas, order):
    bread = order.lines.get(estimated_weight__isnull=True)
    with pytest.raises(ValidationError) as caught:
        line_weigh(line=bread, actual_weight=Decimal("1"), acting_user=personas.organiser)
    assert caught.value.messages == [fr("This product is not sold by weight.")]
    Order.objects.filter(pk=order.pk).update(status="cancelled")
    with pytest.raises(ValidationError) as caught:
        line_weigh(line=ham_line(order), actual_weight=Decimal("1"), acting_user=personas.organiser)
    assert caught.value.messages == [fr("This order is cancelled.")]


def test_a_weight_must_be_positive(personas, order):
    with pytest.raises(ValidationError) as caught:
        line_weigh(line=ham_line(order), actual_weight=Decimal("0"), acting_user=personas.organiser)
    assert caught.value.messages == [fr("Enter a weight above zero.")]


def weights_url(order) -> str:
    return reverse(
        "groups:shortcircuit:weights",
        kwargs={"slug": order.distribution.group.slug, "pk": order.distribution_id},
    )


def test_weights_page_lists_lines_and_saves_a_weight(personas, order):
    client = personas.client("organiser")
    line = ham_line(order)
    html = page(client.get(weights_url(order)))
    assert f'data-testid="weigh-line-{line.pk}"' in html
    assert "2,5" in html  # 2 × 1,25 kg estimated
    response = client.post(weights_url(order), {"line": line.pk, "actual_weight": "2.6"})
    assert response.status_code == 302
    html = page(client.get(weights_url(order)))
    assert format_money(Money(Decimal("22.04"), "EUR")) in html


def test_a_line_of_another_distribution_is_refused(personas, order):
    other = DistributionFactory(group=order.distribution.group)
    url = reverse("groups:shortcircuit:weights", kwargs={"slug": other.group.slug, "pk": other.pk})
    response = personas.client("organiser").post(
        url, {"line": ham_line(order).pk, "actual_weight": "2.6"}
    )
    assert response.status_code == 400
    assert fr("This line is not in this distribution.") in page(response)
    assert ham_line(order).actual_weight is None


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [("anonymous", 302, 302), ("member", 403, 403), ("other_member", 403, 403),
     ("organiser", 200, 302), ("admin", 200, 302)],
)  # fmt: skip
def test_weights_authorisation(personas, order, who, get, post):
    client = personas.client(who)
    assert client.get(weights_url(order)).status_code == get
    response = client.post(weights_url(order), {"line": ham_line(order).pk, "actual_weight": "3"})
    assert response.status_code == post
    allowed = who in ("organiser", "admin")
    assert ham_line(order).actual_weight == (Decimal("3") if allowed else None)
    # weighed: 24,00 + 1,20 + 0,20 + bread 3,25
    assert Order.objects.get(pk=order.pk).total == Decimal("28.65" if allowed else "24.45")


def test_the_buyer_sees_the_weighed_line(personas, order):
    line_weigh(line=ham_line(order), actual_weight=Decimal("2.6"), acting_user=personas.organiser)
    url = reverse(
        "groups:shortcircuit:order",
        kwargs={"slug": order.distribution.group.slug, "pk": order.pk},
    )
    html = page(personas.client("member").get(url))
    assert fr("weighed %(weight)s kg") % {"weight": "2,6"} in html
    assert format_money(Money(Decimal("25.29"), "EUR")) in html
