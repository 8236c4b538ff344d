"""Selectors of the organiser space and the index: counts done in SQL, free places on
shifts, the catalog organisers pick from, candidates from the directory, distances."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coops.core.geo import Point
from coops.directory.models import ActorKind
from coops.groups.tests.factories import MembershipFactory

from ..models import HubProducer, Shift, ShiftSignup
from ..selectors.distributions import (
    offer_catalog,
    open_distributions,
    organiser_distributions,
    producer_candidates,
    upcoming_shifts,
)
from ..selectors.map import points_near
from ..services import order_cancel
from .factories import (
    DistributionFactory,
    PickupPointFactory,
    ProducerFactory,
    VariantFactory,
    hub,
    offer,
    place,
)

pytestmark = pytest.mark.django_db


def test_order_counts_leave_cancelled_orders_out():
    group = hub()
    distribution = DistributionFactory(group=group)
    sale = offer(distribution)
    buyers = [MembershipFactory(group=group).user for _ in range(3)]
    orders = [place(distribution, buyer, {sale: 1}) for buyer in buyers]
    order_cancel(order=orders[0], acting_user=buyers[0])
    empty = DistributionFactory(group=group, status="draft")
    rows = {d.pk: (d.orders_count, d.offers_count, d.slots_count) for d in
            organiser_distributions(group=group)}  # fmt: skip
    assert rows == {distribution.pk: (2, 1, 1), empty.pk: (0, 0, 1)}


def test_open_distributions_leave_drafts_and_closed_ones_out():
    group = hub()
    shown = DistributionFactory(group=group)
    DistributionFactory(group=group, status="draft")
    DistributionFactory(group=group, status="closed")
    DistributionFactory(group=hub(), status="open")
    assert list(open_distributions(group=group)) == [shown]


def test_upcoming_shifts_count_free_places_and_mine():
    group = hub()
    member = MembershipFactory(group=group).user
    start = timezone.now() + timedelta(days=1)
    distribution = DistributionFactory(group=group)
    shift = Shift.objects.create(
        distribution=distribution, title="Accueil", starts_at=start,
        ends_at=start + timedelta(hours=1), needed=3,
    )  # fmt: skip
    Shift.objects.create(
        distribution=distribution, title="Passé", starts_at=start - timedelta(days=2),
        ends_at=start - timedelta(days=2, hours=-1), needed=3,
    )  # fmt: skip
    ShiftSignup.objects.create(shift=shift, user=member)
    rows = [
        (s.title, s.taken, s.free, s.signed_up) for s in upcoming_shifts(group=group, user=member)
    ]
    assert rows == [("Accueil", 1, 2, True)]


def test_candidates_are_published_producers_outside_the_hub():
    group = hub()
    inside = ProducerFactory(name="Ferme du Bois")
    HubProducer.objects.create(group=group, producer=inside)
    outside = ProducerFactory(name="Ferme du Bosquet")
    ProducerFactory(name="Ferme du Bocage", pending=True)
    ProducerFactory(name="Boutique du Bourg", kind=ActorKind.SHOP)
    assert list(producer_candidates(group=group, query="ferme du bo")) == [outside]
    assert list(producer_candidates(group=group, query="f")) == []


def test_the_catalog_keeps_an_offered_variant_taken_off_sale():
    distribution = DistributionFactory(status="draft")
    sale = offer(distribution, price=Decimal("2.00"))
    on_sale = VariantFactory(product=sale.variant.product, name="2 kg")
    sale.variant.active = False
    sale.variant.save()
    rows = [(r["variant"], r["offer"]) for r in offer_catalog(distribution=distribution)]
    assert rows == [(sale.variant, sale), (on_sale, None)]


def test_points_near_sort_by_distance_and_filter_by_radius():
    group = hub()
    far = PickupPointFactory(group=group, name="Arras", latitude=Decimal("50.29"),
                             longitude=Decimal("2.78"))  # fmt: skip
    near = PickupPointFactory(group=group, name="Zénith", latitude=Decimal("50.63"),
                              longitude=Decimal("3.06"))  # fmt: skip
    lost = PickupPointFactory(group=group, name="Atelier", latitude=None, longitude=None,
                              geocode_status="to_geolocate")  # fmt: skip
    lille = Point(50.6292, 3.0573)
    assert [r.point for r in points_near(group=group, origin=lille)] == [near, far, lost]
    assert [r.point for r in points_near(group=group, origin=lille, radius_km=10)] == [near]
    assert [r.point for r in points_near(group=group, origin=None)] == [far, lost, near]  # by name
