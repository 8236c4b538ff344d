"""RGPD: a member's orders, subscriptions, shifts, needs and requests are exported;
erasure withdraws what commits them to the future and keeps what the book relies on."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coops.accounts.personal_data import personal_data_sources
from coops.accounts.services import user_erase
from coops.groups.tests.factories import MembershipFactory

from ..models import (
    BulkArticle,
    BulkOrder,
    BulkRequest,
    BulkStatus,
    Need,
    NeedVote,
    Order,
    OrderStatus,
    Shift,
    ShiftSignup,
)
from ..personal_data import export
from .factories import DistributionFactory, offer, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    distribution = DistributionFactory()
    carrots = offer(distribution, price=Decimal("2.40"), stock=Decimal("10"))
    buyer = MembershipFactory(group=distribution.group).user
    other = MembershipFactory(group=distribution.group).user
    return distribution, carrots, buyer, other


def test_the_source_is_registered():
    assert "shortcircuit" in [s.name for s in personal_data_sources()]


def test_export_lists_orders_with_their_lines(world):
    distribution, carrots, buyer, _ = world
    order = place(distribution, buyer, {carrots: 3})
    Order.objects.filter(pk=order.pk).update(note="Je passe vers 19 h")
    need = Need.objects.create(group=distribution.group, author=buyer, title="Riz bio")
    NeedVote.objects.create(need=need, user=buyer, quantity=Decimal("5"))

    data = json.loads(json.dumps(export(buyer)))

    assert data["orders"] == [
        {
            "group": distribution.group.slug,
            "distribution": "Distribution du jeudi",
            "delivery_date": distribution.delivery_date.isoformat(),
            "pickup_point": distribution.slots.get().pickup_point.name,
            "status": "placed",
            "payment": "on_site",
            "total": "7.2",
            "currency": "EUR",
            "note": "Je passe vers 19 h",
            "created_at": order.created_at.isoformat(),
            "settlement": None,
            "lines": [
                {
                    "product": carrots.variant.product.name,
                    "variant": "1 kg",
                    "quantity": "3",
                    "unit_price": "2.4",
                    "unit_fee": "0",
                    "weighed_kg": None,
                    "total": "7.2",
                }
            ],
        }
    ]
    assert data["needs"][0]["what"] == "Riz bio"
    assert data["needs_supported"] == [{"need": "Riz bio", "quantity": "5"}]


def test_erasure_cancels_open_orders_and_gives_stock_back(world):
    distribution, carrots, buyer, other = world
    place(distribution, buyer, {carrots: 4})
    kept = place(distribution, other, {carrots: 1})
    now = timezone.now()
    shift = Shift.objects.create(
        distribution=distribution,
        title="Accueil",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
    )
    ShiftSignup.objects.create(shift=shift, user=buyer)
    bulk = BulkOrder.objects.create(
        group=distribution.group,
        title="Riz",
        supplier_name="Moulin",
        closes_at=now + timedelta(days=2),
        status=BulkStatus.OPEN,
    )
    article = BulkArticle.objects.create(
        bulk_order=bulk, name="Riz", case_size=6, unit_price=Decimal("3")
    )
    BulkRequest.objects.create(article=article, member=buyer, quantity=2, requested_at=now)

    user_erase(user=buyer, acting_user=buyer)

    carrots.variant.refresh_from_db()
    assert carrots.variant.stock == Decimal("9")  # 10 − the other buyer's 1
    assert Order.objects.get(buyer=buyer).status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=kept.pk).status == OrderStatus.PLACED
    assert not ShiftSignup.objects.filter(user=buyer).exists()
    assert not BulkRequest.objects.filter(member=buyer).exists()


def test_erasure_keeps_orders_of_closed_distributions(world):
    distribution, carrots, buyer, _ = world
    order = place(distribution, buyer, {carrots: 2})
    type(distribution).objects.filter(pk=distribution.pk).update(status="closed")

    user_erase(user=buyer, acting_user=buyer)

    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert order.total == Decimal("4.80")
