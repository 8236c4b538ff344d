"""The organisers' reports of a distribution: exact figures, order of rows, CSV bytes,
and a query count that does not grow with the orders (the worked example is described
in test_reports_helpers)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from coops.groups.tests.helpers import fr, page

from ..models import Unit
from ..reports_csv import csv_number, report_csv_text
from ..selectors.reports import (
    distribution_summary,
    report_build,
    report_packing,
    report_pickup,
    report_producers,
    report_signoff,
    unit_text,
)
from .test_reports_helpers import build_world, csv_rows, order_of, report_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(personas):
    return build_world(personas)


def kg(size="1"):
    return f"{size} {fr('kg')}"


def piece():
    return f"1 {fr('piece')}"


def rows_of(section):
    return [row for block in section.blocks for row in block.rows]


def test_volumes_per_producer(w):
    report = report_producers(w.distribution)
    assert [(s.title, s.anchor) for s in report.sections] == [
        ("Bergerie du Val", f"producer-{w.bergerie.pk}"),
        ("Ferme des Saules", f"producer-{w.saules.pk}"),
    ]
    bergerie, saules = report.sections
    assert rows_of(bergerie) == [
        ("Gigot d'agneau", "pièce", piece(), D("3"), D("1.5"), None, D("33.15"), D("3.15"), D("30"))
    ]
    assert bergerie.total == (fr("Total"), "", "", "", "", "", D("33.15"), D("3.15"), D("30"))
    assert rows_of(saules) == [
        ("Carottes", "1 kg", kg(), D("3"), None, None, D("10.71"), D("1.11"), D("9.60")),
        ("Oeufs", "boîte de 6", piece(), D("1"), None, None, D("2.80"), D("0.30"), D("2.50")),
    ]
    assert saules.total[6:] == (D("13.51"), D("1.41"), D("12.10"))
    assert report.summary["total"] == (D("46.66"), D("4.56"), D("42.10"))


def test_the_weighed_kilograms_and_the_fee_follow_the_weighing(w):
    line = order_of(w, w.amelie).lines.get(variant=w.lamb.variant)
    # 2 pieces weighed 1,2 kg: 24,00 for the producer, fee 2,40 + 0,10.
    line.actual_weight, line.total = D("1.2"), D("26.50")
    line.save(update_fields=["actual_weight", "total"])
    bergerie = report_producers(w.distribution).sections[0]
    assert rows_of(bergerie) == [
        (
            "Gigot d'agneau",
            "pièce",
            piece(),
            D("3"),
            D("1.5"),
            D("1.2"),
            D("37.55"),
            D("3.55"),
            D("34"),
        )
    ]


def test_volumes_per_pickup_point(w):
    report = report_pickup(w.distribution)
    assert [s.title for s in report.sections] == ["Salle des fêtes", "Ferme du Moulin"]
    first, second = report.sections
    assert rows_of(first) == [
        ("Bergerie du Val", "Gigot d'agneau", "pièce", piece(), D("2"), D("1"), None, 1),
        ("Ferme des Saules", "Carottes", "1 kg", kg(), D("3"), None, None, 2),
        ("Ferme des Saules", "Oeufs", "boîte de 6", piece(), D("1"), None, None, 1),
    ]
    assert rows_of(second) == [
        ("Bergerie du Val", "Gigot d'agneau", "pièce", piece(), D("1"), D("0.5"), None, 1)
    ]
    assert "18:00–19:30" in first.subtitle and "19:00–20:00" in second.subtitle


def test_packing_list_by_slot_then_buyer_name(w):
    report = report_packing(w.distribution)
    first, second = report.sections
    amelie, zoe = order_of(w, w.amelie), order_of(w, w.zoe)
    on_site = fr("To pay on site")
    assert [b.keys for b in first.blocks] == [
        (amelie.pk, "Amélie Durand", on_site, ""),
        (zoe.pk, "Zoé Martin", on_site, ""),
    ]
    assert first.blocks[0].rows == [
        ("Bergerie du Val", "Gigot d'agneau", "pièce", piece(), D("2"), D("1"), D("22.10")),
        ("Ferme des Saules", "Carottes", "1 kg", kg(), D("1"), None, D("3.57")),
    ]
    assert first.blocks[1].rows == [
        ("Ferme des Saules", "Carottes", "1 kg", kg(), D("2"), None, D("7.14")),
        ("Ferme des Saules", "Oeufs", "boîte de 6", piece(), D("1"), None, D("2.80")),
    ]
    assert [b.keys[1] for b in second.blocks] == ["Bruno Petit"]
    assert first.blocks[0].heading == fr("%(buyer)s · order #%(number)s · %(payment)s") % {
        "buyer": "Amélie Durand",
        "number": amelie.pk,
        "payment": on_site,
    }


def test_signoff_sheet(w):
    report = report_signoff(w.distribution)
    first, second = report.sections
    amelie, zoe, bruno = (order_of(w, u) for u in (w.amelie, w.zoe, w.bruno))
    on_site = fr("To pay on site")
    assert rows_of(first) == [
        ("Amélie Durand", f"#{amelie.pk}", 2, D("25.67"), on_site, ""),
        ("Zoé Martin", f"#{zoe.pk}", 2, D("9.94"), on_site, ""),
    ]
    assert first.total == (fr("Total"), "", 4, D("35.61"), "", "")
    assert rows_of(second) == [("Bruno Petit", f"#{bruno.pk}", 1, D("11.05"), on_site, "")]
    assert [c.label for c in report.columns] == [
        fr(label) for label in ("Member", "Order", "Products", "Total", "Payment", "Signature")
    ]


def test_an_erased_buyer_is_a_former_member(w):
    w.zoe.erased_at = w.distribution.opens_at
    w.zoe.save(update_fields=["erased_at"])
    names = [row[0] for row in rows_of(report_signoff(w.distribution).sections[0])]
    assert names == ["Amélie Durand", fr("Former member")]


def test_summary(w):
    assert distribution_summary(w.distribution) == {
        "orders": 3,
        "producers": 2,
        "total": D("46.66"),
        "fee": D("4.56"),
        "due": D("42.10"),
    }


def test_numbers_in_csv():
    assert csv_number(D("1234.5"), "money") == "1234,50"
    assert csv_number(D("10.000"), "qty") == "10"
    assert csv_number(D("2.500"), "kg") == "2,5"
    assert csv_number(None, "kg") == ""
    assert unit_text(Unit.GRAM, D("500.000")) == f"500 {fr('g')}"


def test_producers_csv(w):
    rows = csv_rows(report_csv_text(report_producers(w.distribution)).encode())
    assert rows == [
        [
            fr("Producer"),
            fr("Product"),
            fr("Variant"),
            fr("Unit"),
            fr("Quantity"),
            fr("Estimated kg"),
            fr("Weighed kg"),
            f"{fr('Sales')} (EUR)",
            f"{fr('Hub fee')} (EUR)",
            f"{fr('Due to the producer')} (EUR)",
        ],
        [
            "Bergerie du Val",
            "Gigot d'agneau",
            "pièce",
            piece(),
            "3",
            "1,5",
            "",
            "33,15",
            "3,15",
            "30,00",
        ],
        ["Ferme des Saules", "Carottes", "1 kg", kg(), "3", "", "", "10,71", "1,11", "9,60"],
        ["Ferme des Saules", "Oeufs", "boîte de 6", piece(), "1", "", "", "2,80", "0,30", "2,50"],
    ]


def test_packing_csv_rows_carry_their_order(w):
    rows = csv_rows(report_csv_text(report_build(w.distribution, "packing")).encode())
    amelie = order_of(w, w.amelie)
    assert rows[0][:5] == [fr("Pickup point"), fr("Order"), fr("Buyer"), fr("Payment"), fr("Note")]
    assert rows[1] == [
        "Salle des fêtes",
        str(amelie.pk),
        "Amélie Durand",
        fr("To pay on site"),
        "",
        "Bergerie du Val",
        "Gigot d'agneau",
        "pièce",
        piece(),
        "2",
        "1",
        "22,10",
    ]
    assert len(rows) == 1 + 5


# --- pages -----------------------------------------------------------------------------------


def test_index_page(personas, w):
    response = personas.client("organiser").get(report_url(personas.group, w.distribution))
    assert response.status_code == 200
    text = page(response)
    for kind in ("producers", "pickup", "packing", "signoff"):
        assert report_url(personas.group, w.distribution, kind) in text
    assert "46,66\xa0€" in text and "4,56\xa0€" in text and "42,10\xa0€" in text


@pytest.mark.parametrize("kind", ["producers", "pickup", "packing", "signoff"])
def test_printable_page(personas, w, kind):
    response = personas.client("organiser").get(report_url(personas.group, w.distribution, kind))
    assert response.status_code == 200
    text = page(response)
    assert "shortcircuit/print.css" in text and "data-print" in text
    assert f'data-testid="section-slot-{w.slot_b.pk}"' in text or kind == "producers"
    if kind == "signoff":
        assert '<th scope="row">Amélie Durand</th>' in text
        assert text.index("Amélie Durand") < text.index("Zoé Martin") < text.index("Bruno Petit")
    if kind == "producers":
        assert '<td class="num">33,15\xa0€</td>' in text


def test_html_cells_are_escaped(personas, w):
    w.zoe.display_name = "<b>Zoé</b>"
    w.zoe.save(update_fields=["display_name"])
    response = personas.client("organiser").get(
        report_url(personas.group, w.distribution, "signoff")
    )
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in response.content.decode()
    assert "<b>Zoé</b>" not in response.content.decode()


@pytest.mark.parametrize("kind", ["producers", "pickup", "packing", "signoff"])
def test_csv_download(personas, w, kind):
    response = personas.client("organiser").get(
        report_url(personas.group, w.distribution, kind), {"format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{kind}-{w.distribution.delivery_date}-{w.distribution.pk}.csv"'
    )
    assert response.content.startswith(
        b"\xef\xbb\xbf" + fr("Producer" if kind == "producers" else "Pickup point").encode()
    )


def test_an_unknown_report_is_not_found(personas, w):
    response = personas.client("organiser").get(report_url(personas.group, w.distribution, "x"))
    assert response.status_code == 404


def test_an_empty_distribution(personas):
    from .factories import DistributionFactory, hub

    distribution = DistributionFactory(group=hub(personas.group))
    response = personas.client("organiser").get(report_url(personas.group, distribution, "packing"))
    assert response.status_code == 200
    assert fr("No order in this distribution yet.") in page(response)
