"""Hub producers and pickup points: who may join, who may leave, geocoding (never
0,0), opening slots, deactivating a used point instead of deleting it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coops.directory.models import ActorKind
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr

from ..models import HubProducer, PickupPoint
from ..services.pickup import (
    hub_producer_add,
    hub_producer_remove,
    opening_slots_clean,
    pickup_point_remove,
    pickup_point_save,
)
from .factories import DistributionFactory, ProducerFactory, hub, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return MembershipFactory(group=hub(), role=Role.ORGANISER)


def test_a_published_producer_joins_once(organiser):
    producer = ProducerFactory()
    hub_producer_add(group=organiser.group, producer=producer, acting_user=organiser.user)
    with pytest.raises(ValidationError) as caught:
        hub_producer_add(group=organiser.group, producer=producer, acting_user=organiser.user)
    assert caught.value.messages == [fr("This producer already sells through the hub.")]
    for actor in (ProducerFactory(pending=True), ProducerFactory(kind=ActorKind.SHOP)):
        with pytest.raises(ValidationError):
            hub_producer_add(group=organiser.group, producer=actor, acting_user=organiser.user)
    assert list(HubProducer.objects.values_list("producer", flat=True)) == [producer.pk]


def test_a_producer_on_offer_in_an_open_distribution_stays(organiser):
    distribution = DistributionFactory(group=organiser.group)
    link = HubProducer.objects.get(producer=offer(distribution).variant.product.producer)
    with pytest.raises(ValidationError):
        hub_producer_remove(link=link, acting_user=organiser.user)
    distribution.status = "closed"
    distribution.save()
    hub_producer_remove(link=link, acting_user=organiser.user)
    assert not HubProducer.objects.exists()


def save(organiser, **fields):
    data = {"name": "Salle des fêtes", "address": "1 place de la Mairie"}
    return pickup_point_save(group=organiser.group, acting_user=organiser.user, **(data | fields))


def test_a_point_is_placed_at_its_town(organiser):
    point = save(organiser, postcode="59136", city="Wavrin")
    assert point.geocode_status == "municipality"
    assert point.latitude is not None and point.latitude != Decimal("0")


def test_an_unknown_place_stays_to_geolocate_never_at_zero(organiser):
    point = save(organiser, postcode="", city="Nulle-Part-sur-Rien")
    assert (point.geocode_status, point.latitude, point.longitude) == ("to_geolocate", None, None)


def test_opening_slots_are_checked_and_sorted():
    rows = [
        {"weekday": 4, "start": "17:00", "end": "19:00"},
        {"weekday": 1, "start": "18:00", "end": "19:30"},
    ]
    assert opening_slots_clean(rows) == [rows[1], rows[0]]
    with pytest.raises(ValidationError) as caught:
        opening_slots_clean([{"weekday": 1, "start": "19:00", "end": "18:00"}])
    assert caught.value.messages == [fr("An opening slot must end after it starts.")]
    with pytest.raises(ValidationError):
        opening_slots_clean([{"weekday": 7, "start": "18:00", "end": "19:00"}])


def test_names_are_unique_in_the_hub(organiser):
    save(organiser)
    with pytest.raises(ValidationError):
        save(organiser, address="ailleurs")
    assert PickupPoint.objects.count() == 1


def test_a_used_point_is_deactivated_an_unused_one_deleted(organiser):
    used = DistributionFactory(group=organiser.group).slots.get().pickup_point
    unused = save(organiser)
    assert pickup_point_remove(point=used, acting_user=organiser.user) is False
    assert pickup_point_remove(point=unused, acting_user=organiser.user) is True
    assert list(PickupPoint.objects.values_list("pk", "active")) == [(used.pk, False)]
