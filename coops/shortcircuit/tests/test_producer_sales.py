"""The producer space's sales: a producer's distributions across hubs and the delivery
note of one, for the producer's owners only, with the producer's own lines only."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.groups.tests.helpers import fr, page

from ..models import Order, OrderLine
from ..selectors.reports import producer_distributions, report_delivery_note
from .factories import DistributionFactory, VariantFactory, hub, offer, place
from .test_reports_helpers import build_world, csv_rows

pytestmark = pytest.mark.django_db

OWNERS = ("saules_owner",)
EVERYONE = [*PERSONAS, "saules_owner", "bergerie_owner"]
RULE = "Only the producer's own managers can do this."


@pytest.fixture
def w(personas):
    return build_world(personas)


def sales_url(producer) -> str:
    return reverse("producer:sales", kwargs={"producer": producer.pk})


def note_url(producer, distribution) -> str:
    return reverse(
        "producer:delivery_note", kwargs={"producer": producer.pk, "distribution": distribution.pk}
    )


def client_for(personas, w, who: str):
    if who in ("saules_owner", "bergerie_owner"):
        client = personas.client("anonymous")
        client.force_login(getattr(w, who))
        return client
    return personas.client(who)


def rows_of(section):
    return [row for block in section.blocks for row in block.rows]


def piece():
    return f"1 {fr('piece')}"


def kg():
    return f"1 {fr('kg')}"


def test_delivery_note_per_pickup_point(w):
    note = report_delivery_note(w.saules, w.distribution)
    assert [s.title for s in note.sections] == ["Salle des fêtes"]  # nothing at the second
    (section,) = note.sections
    assert rows_of(section) == [
        ("Carottes", "1 kg", kg(), D("3"), None, None, 2, D("10.71"), D("1.11"), D("9.60")),
        ("Oeufs", "boîte de 6", piece(), D("1"), None, None, 1, D("2.80"), D("0.30"), D("2.50")),
    ]
    assert section.total[7:] == (D("13.51"), D("1.41"), D("12.10"))
    lamb = report_delivery_note(w.bergerie, w.distribution)
    assert [(s.title, rows_of(s)) for s in lamb.sections] == [
        (
            "Salle des fêtes",
            [
                (
                    "Gigot d'agneau",
                    "pièce",
                    piece(),
                    D("2"),
                    D("1"),
                    None,
                    1,
                    D("22.10"),
                    D("2.10"),
                    D("20"),
                )
            ],
        ),
        (
            "Ferme du Moulin",
            [
                (
                    "Gigot d'agneau",
                    "pièce",
                    piece(),
                    D("1"),
                    D("0.5"),
                    None,
                    1,
                    D("11.05"),
                    D("1.05"),
                    D("10"),
                )
            ],
        ),
    ]
    assert lamb.summary["total"] == (D("33.15"), D("3.15"), D("30"))


def test_sales_across_hubs_latest_first(w):
    other_hub = hub()
    later = DistributionFactory(group=other_hub, title="Marché de printemps")
    later.delivery_date = w.distribution.delivery_date.replace(
        year=w.distribution.delivery_date.year + 1
    )
    later.save(update_fields=["delivery_date"])
    jam = offer(later, VariantFactory(product__producer=w.saules, price=D("4.00"), stock=None))
    place(later, UserFactory(), {jam: 3})
    rows = producer_distributions(w.saules)
    assert [(r["pk"], r["hub"], r["orders"], r["sales"], r["fee"], r["due"]) for r in rows] == [
        (later.pk, other_hub.name, 1, D("12.00"), D("0.00"), D("12.00")),
        (w.distribution.pk, w.distribution.group.name, 2, D("13.51"), D("1.41"), D("12.10")),
    ]
    assert [r["pk"] for r in producer_distributions(w.bergerie)] == [w.distribution.pk]


def test_sales_page_shows_only_the_producers_figures(personas, w):
    response = client_for(personas, w, "saules_owner").get(sales_url(w.saules))
    assert response.status_code == 200
    text = page(response)
    assert note_url(w.saules, w.distribution) in text
    assert "13,51\xa0€" in text and "12,10\xa0€" in text
    assert "33,15\xa0€" not in text and "46,66\xa0€" not in text


def test_delivery_note_page_and_csv(personas, w):
    client = client_for(personas, w, "saules_owner")
    response = client.get(note_url(w.saules, w.distribution))
    assert response.status_code == 200
    text = page(response)
    assert "Carottes" in text and "data-print" in text and "shortcircuit/print.css" in text
    for hidden in ("Gigot", "Bergerie", "Zoé Martin", "Amélie Durand", w.zoe.email):
        assert hidden not in text
    response = client.get(note_url(w.saules, w.distribution), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_rows(response.content) == [
        [
            fr("Pickup point"),
            fr("Product"),
            fr("Variant"),
            fr("Unit"),
            fr("Quantity"),
            fr("Estimated kg"),
            fr("Weighed kg"),
            fr("Orders"),
            f"{fr('Sales')} (EUR)",
            f"{fr('Hub fee')} (EUR)",
            f"{fr('Due to the producer')} (EUR)",
        ],
        ["Salle des fêtes", "Carottes", "1 kg", kg(), "3", "", "", "2", "10,71", "1,11", "9,60"],
        [
            "Salle des fêtes",
            "Oeufs",
            "boîte de 6",
            piece(),
            "1",
            "",
            "",
            "1",
            "2,80",
            "0,30",
            "2,50",
        ],
    ]


def test_no_delivery_note_where_the_producer_sold_nothing(personas, w):
    other = DistributionFactory(group=w.distribution.group)
    client = client_for(personas, w, "saules_owner")
    assert client.get(note_url(w.saules, other)).status_code == 404
    assert client.get(reverse("producer:sales", kwargs={"producer": 999999})).status_code == 404


def test_a_producer_without_sales(personas, w):
    w.saules.shortcircuit_sales.all().delete()
    response = client_for(personas, w, "saules_owner").get(sales_url(w.saules))
    assert fr("You have sold nothing through a hub yet.") in page(response)


# --- authorisation ---------------------------------------------------------------------------


def snapshot() -> tuple:
    return (
        list(Order.objects.order_by("pk").values_list("pk", "status", "total")),
        OrderLine.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("view", ["sales", "note", "note_csv"])
def test_only_the_producers_owners(personas, w, who, view):
    url = sales_url(w.saules) if view == "sales" else note_url(w.saules, w.distribution)
    params = {"format": "csv"} if view == "note_csv" else {}
    response = client_for(personas, w, who).get(url, params)
    if who in OWNERS:
        assert response.status_code == 200
        return
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        return
    assert response.status_code == 403
    assert fr(RULE) in page(response)


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("view", ["sales", "note"])
def test_posting_changes_nothing(personas, w, who, view):
    url = sales_url(w.saules) if view == "sales" else note_url(w.saules, w.distribution)
    before = snapshot()
    response = client_for(personas, w, who).post(url)
    assert response.status_code == (302 if who == "anonymous" else 405)
    assert snapshot() == before


def test_query_count_does_not_grow(personas, w, django_assert_num_queries):
    client = client_for(personas, w, "saules_owner")
    url = note_url(w.saules, w.distribution)
    with django_assert_num_queries(9):
        client.get(url)
    for _ in range(20):
        place(w.distribution, UserFactory(), {w.carrots: 1, w.eggs: 2})
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(sales_url(w.saules)).status_code == 200
