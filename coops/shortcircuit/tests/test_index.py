"""The module's index: open distributions with their closing time in the group's zone,
pickup points sorted by distance ("near me"), and the map's JSON."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PERSONAS
from coops.groups.models import GroupModule, Visibility
from coops.groups.tests.helpers import fr, page

from ..models import HubProducer
from .factories import DistributionFactory, PickupPointFactory, ProducerFactory, hub

pytestmark = pytest.mark.django_db


def url(group, name: str) -> str:
    return reverse(f"groups:shortcircuit:{name}", kwargs={"slug": group.slug})


@pytest.fixture
def p(personas):
    hub(personas.group)
    personas.open = DistributionFactory(group=personas.group, title="Distribution du jeudi")
    personas.draft = DistributionFactory(group=personas.group, title="Brouillon", status="draft")
    return personas


@pytest.mark.parametrize("who", PERSONAS)
def test_whoever_sees_the_group_sees_its_open_distributions(p, who):
    response = p.client(who).get(url(p.group, "index"))
    assert response.status_code == 200
    text = page(response)
    assert "Distribution du jeudi" in text and "Brouillon" not in text
    closes = p.open.closes_at.astimezone(p.group.zone)
    assert f"{closes:%H:%M}" in text  # the closing time as the group lives it


def test_a_members_only_group_hides_the_index(p):
    p.group.visibility = Visibility.MEMBERS
    p.group.save()
    assert p.client("other_member").get(url(p.group, "index")).status_code == 404
    assert p.client("member").get(url(p.group, "index")).status_code == 200


def test_the_module_must_be_on(p):
    GroupModule.objects.filter(group=p.group, module="shortcircuit").delete()
    assert p.client("member").get(url(p.group, "index")).status_code == 404


def test_near_me_sorts_pickup_points_by_distance(p):
    lille = PickupPointFactory(
        group=p.group, name="Gare Lille", latitude=Decimal("50.6365"), longitude=Decimal("3.0700")
    )
    unplaced = PickupPointFactory(
        group=p.group, name="À placer", latitude=None, longitude=None, geocode_status="to_geolocate"
    )
    response = p.client("anonymous").get(url(p.group, "index"), {"lat": "50.63", "lng": "3.06"})
    text = response.content.decode()
    wavrin = p.open.slots.get().pickup_point
    order = [text.index(f'data-testid="point-{pt.pk}"') for pt in (lille, wavrin, unplaced)]
    assert order == sorted(order)
    assert f'data-testid="km-{lille.pk}">' in text
    within = p.client("anonymous").get(url(p.group, "index"), {"place": "Lille", "km": "5"})
    shown = within.content.decode()
    assert f'data-testid="point-{lille.pk}"' in shown
    assert f'data-testid="point-{wavrin.pk}"' not in shown


def test_an_unknown_place_is_said(p):
    response = p.client("anonymous").get(url(p.group, "index"), {"place": "Nulle-Part-sur-Rien"})
    assert fr("We could not find this place.") in page(response)


def test_the_map_data_lists_placed_producers_and_points(p):
    producer = ProducerFactory(name="Ferme Dupont")
    HubProducer.objects.create(group=p.group, producer=producer)
    PickupPointFactory(group=p.group, latitude=None, longitude=None, geocode_status="to_geolocate")
    points = sorted((d.slots.get().pickup_point for d in (p.open, p.draft)), key=str)
    response = p.client("anonymous").get(url(p.group, "map_data"))
    assert response.json() == {
        "producers": [[50.5741, 2.9346, "Ferme Dupont", "Wavrin"]],
        "points": [[50.573, 2.935, pt.name, "Place de la République"] for pt in points],
    }


def test_the_index_query_count_does_not_grow_with_rows(p):
    client = p.client("member")
    client.get(url(p.group, "index"))
    with CaptureQueriesContext(connection) as few:
        client.get(url(p.group, "index"))
    for _ in range(3):
        DistributionFactory(group=p.group)
    with CaptureQueriesContext(connection) as many:
        client.get(url(p.group, "index"))
    assert len(many) == len(few)
