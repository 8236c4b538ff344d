"""Every organiser page and action and every shift page, as each persona: anonymous
visitors go to log in, others are refused with the rule's message, and a refused
request changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.core.models import Event
from coops.groups.tests.helpers import fr, page, pfr

from ..models import (
    Distribution,
    HubProducer,
    Offer,
    PickupPoint,
    Recurrence,
    Shift,
    ShiftSignup,
)
from .factories import (
    DistributionFactory,
    PickupPointFactory,
    ProducerFactory,
    VariantFactory,
    hub,
    local_at,
    offer,
)

pytestmark = pytest.mark.django_db

ORGANISERS = ("organiser", "admin")
MEMBERS = ("member", "organiser", "admin")
ORGANISE = "Only the group's organisers can do this."
PARTICIPATE = "Only the group's active members can take part."


def url(group, name: str, **kwargs) -> str:
    return reverse(f"groups:shortcircuit:{name}", kwargs={"slug": group.slug, **kwargs})


def snapshot() -> tuple:
    return (
        list(Distribution.objects.order_by("pk").values_list("pk", "status", "title")),
        list(Offer.objects.order_by("pk").values_list("pk", "price")),
        list(PickupPoint.objects.order_by("pk").values_list("pk", "name", "active")),
        list(HubProducer.objects.order_by("pk").values_list("pk")),
        list(Recurrence.objects.order_by("pk").values_list("pk", "active")),
        list(Shift.objects.order_by("pk").values_list("pk")),
        list(ShiftSignup.objects.order_by("pk").values_list("pk")),
        Event.objects.count(),
    )


def denied(who: str, response, message: str) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        return
    assert response.status_code == 403
    assert fr(message) in page(response)


@pytest.fixture
def p(personas):
    hub(personas.group)
    hub(personas.other_group)
    personas.distribution = DistributionFactory(group=personas.group, status="draft")
    personas.offer = offer(personas.distribution)
    personas.point = personas.distribution.slots.get().pickup_point
    personas.link = HubProducer.objects.get(group=personas.group)
    start = timezone.now() + timedelta(days=2)
    personas.shift = Shift.objects.create(
        distribution=DistributionFactory(group=personas.group),
        title="Accueil",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        needed=2,
    )
    personas.recurrence = Recurrence.objects.create(
        group=personas.group,
        title="Mardi",
        weekday=1,
        start_time="18:00",
        end_time="19:00",
        pickup_point=personas.point,
        starts_on=personas.group.today(),
    )
    return personas


PAGES = [
    ("organise", {}),
    ("hub_producers", {}),
    ("pickup_point_create", {}),
    ("pickup_point_edit", {"pk": "point"}),
    ("recurrence_create", {}),
    ("recurrence_edit", {"pk": "recurrence"}),
    ("distribution_create", {}),
    ("distribution", {"pk": "distribution"}),
    ("distribution_edit", {"pk": "distribution"}),
    ("distribution_offers", {"pk": "distribution"}),
]


def kwargs_of(p, spec: dict) -> dict:
    return {k: getattr(p, v).pk for k, v in spec.items()}


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize(("name", "spec"), PAGES)
def test_organiser_pages(p, who, name, spec):
    response = p.client(who).get(url(p.group, name, **kwargs_of(p, spec)))
    if who in ORGANISERS:
        assert response.status_code == 200
        return
    denied(who, response, ORGANISE)


@pytest.mark.parametrize("who", PERSONAS)
def test_the_dashboard_shows_order_counts(p, who):
    if who not in ORGANISERS:
        return
    response = p.client(who).get(url(p.group, "organise"))
    assert f'data-testid="orders-{p.distribution.pk}">0<' in response.content.decode()
    assert p.point.name in page(response)


def actions(p) -> list:
    """(url name, kwargs, data, what the organiser's request leaves in the database)."""
    day = local_at(6, 0).date()
    return [
        (
            "distribution_create",
            {},
            {
                "title": "Marché d'été",
                "opens_at": local_at(0, 8).strftime("%Y-%m-%dT%H:%M"),
                "closes_at": local_at(4, 20).strftime("%Y-%m-%dT%H:%M"),
                "delivery_date": day.isoformat(),
                "hub_fee_percent": "5",
                "hub_fee_per_item": "0",
                f"point_{p.point.pk}": "on",
                f"start_{p.point.pk}": "18:00",
                f"end_{p.point.pk}": "19:30",
            },
            lambda: Distribution.objects.filter(title="Marché d'été", status="draft").count() == 1,
        ),
        (
            "distribution_transition",
            {"pk": p.distribution.pk},
            {"to": "open"},
            lambda: Distribution.objects.get(pk=p.distribution.pk).status == "open",
        ),
        (
            "distribution_offers",
            {"pk": p.distribution.pk},
            {f"offer_{p.offer.variant_id}": "on", f"price_{p.offer.variant_id}": "9.99"},
            lambda: str(Offer.objects.get(pk=p.offer.pk).price) == "9.99",
        ),
        (
            "pickup_point_create",
            {},
            {
                "name": "Ferme du Moulin",
                "address": "2 rue du Moulin",
                "city": "Wavrin",
                "active": "on",
                "weekday_0": "2",
                "start_0": "17:00",
                "end_0": "19:00",
            },
            lambda: (
                PickupPoint.objects.get(name="Ferme du Moulin").opening_slots
                == [{"weekday": 2, "start": "17:00", "end": "19:00"}]
            ),
        ),
        (
            "pickup_point_remove",
            {"pk": p.point.pk},
            {},
            lambda: PickupPoint.objects.get(pk=p.point.pk).active is False,
        ),
        (
            "hub_producer_add",
            {},
            {"producer": ProducerFactory(name="Ferme des Saules").pk},
            lambda: HubProducer.objects.filter(producer__name="Ferme des Saules").exists(),
        ),
        (
            "recurrence_create",
            {},
            {
                "title": "Panier du jeudi",
                "weekday": "3",
                "start_time": "18:00",
                "end_time": "19:30",
                "pickup_point": p.point.pk,
                "opens_days_before": "7",
                "closes_hours_before": "48",
                "weeks_ahead": "4",
                "hub_fee_percent": "0",
                "hub_fee_per_item": "0",
                "volunteers_needed": "2",
                "starts_on": p.group.today().isoformat(),
            },
            lambda: Recurrence.objects.filter(title="Panier du jeudi", weekday=3).exists(),
        ),
        (
            "recurrence_deactivate",
            {"pk": p.recurrence.pk},
            {},
            lambda: Recurrence.objects.get(pk=p.recurrence.pk).active is False,
        ),
        (
            "shift_create",
            {"pk": p.distribution.pk},
            {"title": "Rangement", "start": "19:30", "end": "20:30", "needed": "2"},
            lambda: Shift.objects.filter(title="Rangement", distribution=p.distribution).exists(),
        ),
        (
            "shift_delete",
            {"pk": p.shift.pk},
            {},
            lambda: not Shift.objects.filter(pk=p.shift.pk).exists(),
        ),
    ]


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("index", range(10))
def test_organiser_actions(p, who, index):
    name, kwargs, data, done = actions(p)[index]
    before = snapshot()
    response = p.client(who).post(url(p.group, name, **kwargs), data)
    if who not in ORGANISERS:
        denied(who, response, ORGANISE)
        assert snapshot() == before
        return
    assert response.status_code == 302, page(response)
    assert done()


@pytest.mark.parametrize("who", PERSONAS)
def test_removing_a_hub_producer(p, who):
    Offer.objects.all().delete()
    before = snapshot()
    response = p.client(who).post(url(p.group, "hub_producer_remove", pk=p.link.pk))
    if who not in ORGANISERS:
        denied(who, response, ORGANISE)
        assert snapshot() == before
        return
    assert response.status_code == 302
    assert not HubProducer.objects.filter(pk=p.link.pk).exists()


def test_a_refused_transition_is_explained(p):
    Offer.objects.all().delete()
    response = p.client("organiser").post(
        url(p.group, "distribution_transition", pk=p.distribution.pk), {"to": "open"}, follow=True
    )
    assert fr("Offer at least one product before opening it.") in page(response)
    assert Distribution.objects.get(pk=p.distribution.pk).status == "draft"


def test_another_groups_distribution_is_not_found(p):
    other = DistributionFactory(group=p.other_group)
    response = p.client("organiser").get(url(p.group, "distribution", pk=other.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("who", PERSONAS)
def test_shifts_page(p, who):
    response = p.client(who).get(url(p.group, "shifts"))
    if who not in MEMBERS:
        denied(who, response, PARTICIPATE)
        return
    assert response.status_code == 200
    assert f'data-testid="free-{p.shift.pk}">2<' in response.content.decode()


@pytest.mark.parametrize("who", PERSONAS)
def test_signing_up_and_withdrawing(p, who):
    before = snapshot()
    response = p.client(who).post(url(p.group, "shift_signup", pk=p.shift.pk))
    if who not in MEMBERS:
        denied(who, response, PARTICIPATE)
        assert snapshot() == before
        response = p.client(who).post(url(p.group, "shift_withdraw", pk=p.shift.pk))
        denied(who, response, PARTICIPATE)
        assert snapshot() == before
        return
    assert response.status_code == 302
    user = getattr(p, who)
    assert ShiftSignup.objects.filter(shift=p.shift, user=user).exists()
    p.client(who).post(url(p.group, "shift_withdraw", pk=p.shift.pk))
    assert not ShiftSignup.objects.filter(shift=p.shift).exists()


def test_the_offers_page_lists_the_hubs_catalog(p):
    VariantFactory(product__producer=p.link.producer, name="Botte")
    response = p.client("organiser").get(url(p.group, "distribution_offers", pk=p.distribution.pk))
    assert response.content.decode().count('data-testid="variant-') == 2


def test_a_refused_form_shows_why_and_changes_nothing(p):
    before = snapshot()
    data = {
        "title": "Marché",
        "opens_at": local_at(0, 8).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": local_at(4, 20).strftime("%Y-%m-%dT%H:%M"),
        "delivery_date": local_at(6, 0).date().isoformat(),
        "hub_fee_percent": "5",
        "hub_fee_per_item": "0",
        f"point_{p.point.pk}": "on",
        f"start_{p.point.pk}": "19:00",
        f"end_{p.point.pk}": "18:00",
    }
    response = p.client("organiser").post(url(p.group, "distribution_create"), data)
    assert response.status_code == 200
    assert fr("A pickup slot must end after it starts.") in page(response)
    point = {"name": "Ferme", "address": "1 rue", "weekday_0": "1", "start_0": "19:00",
             "end_0": "18:00"}  # fmt: skip
    response = p.client("organiser").post(url(p.group, "pickup_point_create"), point)
    assert fr("An opening slot must end after it starts.") in page(response)
    assert snapshot() == before


def test_the_distribution_page_shows_slots_offers_and_volunteers(p):
    shift = Shift.objects.create(
        distribution=p.distribution,
        title="Rangement",
        starts_at=p.shift.starts_at,
        ends_at=p.shift.ends_at,
        needed=3,
    )
    ShiftSignup.objects.create(shift=shift, user=p.member)
    response = p.client("organiser").get(url(p.group, "distribution", pk=p.distribution.pk))
    text = page(response)
    assert p.point.name in text and str(p.offer.variant) in text
    assert fr("%(taken)s of %(needed)s volunteers", taken=1, needed=3) in text
    assert p.member.public_name in text
    assert pfr("button", "Open for orders") in text


def test_searching_the_directory_for_producers(p):
    ProducerFactory(name="Ferme des Saules", city="Lomme")
    response = p.client("organiser").get(url(p.group, "hub_producers"), {"q": "saules"})
    assert 'data-testid="candidates"' in response.content.decode()
    assert "Ferme des Saules (Lomme)" in page(response)
    already = p.link.producer.name
    response = p.client("organiser").get(url(p.group, "hub_producers"), {"q": already})
    assert 'data-testid="candidates"' not in response.content.decode()


@pytest.mark.parametrize("name", ["organise", "shifts"])
def test_query_count_does_not_grow_with_rows(p, name, django_assert_max_num_queries):
    client = p.client("organiser")
    client.get(url(p.group, name))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url(p.group, name))
    for _ in range(3):
        d = DistributionFactory(group=p.group)
        offer(d)
        Shift.objects.create(
            distribution=d, title="Accueil", starts_at=p.shift.starts_at,
            ends_at=p.shift.ends_at, needed=1,
        )  # fmt: skip
    PickupPointFactory(group=p.group)
    with django_assert_max_num_queries(len(few)):
        client.get(url(p.group, name))
