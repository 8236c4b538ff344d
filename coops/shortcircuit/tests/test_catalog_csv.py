"""The catalog as a spreadsheet: export with a BOM and the documented header; import
with a preview, a report per bad line, all or nothing, and idempotent."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.directory.tests.factories import LabelFactory
from coops.groups.tests.helpers import fr

from ..catalog_csv import COLUMNS, catalog_csv_export, catalog_csv_import
from ..models import Product, ProductType, Unit, Variant
from ..taxonomy import product_types_sync
from .factories import ProducerFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

HEADER = ";".join(COLUMNS)
GOOD = "\n".join(
    [
        HEADER,
        "Carottes;Des sables;carrot;ab;1 kg;kg;1;3,20;5.5;40;0;;CAR-1;",
        "Carottes;Des sables;carrot;ab;Botte;bunch;1;2.5;5.5;;0;;;",
        "Poulet fermier;;chicken;;;piece;1;12.90;5.5;6;1;1.8;POU;ext-9",
    ]
)


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def producer(owner):
    product_types_sync()
    LabelFactory(slug="ab", name="Agriculture biologique")
    return ProducerFactory(owners=[owner])


def _import(producer, owner, text: str, **kw):
    return catalog_csv_import(producer=producer, data=text.encode(), acting_user=owner, **kw)


def test_a_good_file_creates_the_catalog(producer, owner):
    report = _import(producer, owner, GOOD)
    assert (report.errors, report.created, report.updated, report.applied) == ([], 3, 0, True)
    carrots = Product.objects.get(producer=producer, name="Carottes")
    assert (carrots.description, carrots.product_type.code, carrots.search_text) == (
        "Des sables",
        "carrot",
        "carottes des sables",
    )
    assert [label.slug for label in carrots.labels.all()] == ["ab"]
    rows = Variant.objects.filter(product__producer=producer).order_by("pk")
    assert [
        (v.product.name, v.name, v.unit, v.price, v.vat_rate, v.stock, v.sku) for v in rows
    ] == [
        ("Carottes", "1 kg", "kg", Decimal("3.20"), Decimal("5.5"), Decimal("40"), "CAR-1"),
        ("Carottes", "Botte", "bunch", Decimal("2.50"), Decimal("5.5"), None, ""),
        ("Poulet fermier", "", "piece", Decimal("12.90"), Decimal("5.5"), Decimal("6"), "POU"),
    ]
    chicken = rows[2]
    assert (chicken.variable_weight, chicken.estimated_weight, chicken.source_id) == (
        True,
        Decimal("1.8"),
        "ext-9",
    )


def test_importing_twice_changes_nothing_and_sku_finds_a_renamed_product(producer, owner):
    _import(producer, owner, GOOD)
    again = _import(producer, owner, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Variant.objects.count() == 3
    renamed = GOOD.replace("Poulet fermier;;", "Poulet de Licques;;")
    report = _import(producer, owner, renamed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Product.objects.filter(name="Poulet de Licques").count() == 1
    assert not Product.objects.filter(name="Poulet fermier").exists()


def test_a_stock_change_is_an_audited_absolute_set(producer, owner):
    _import(producer, owner, GOOD)
    report = _import(producer, owner, GOOD.replace(";40;0;;CAR-1", ";12;0;;CAR-1"))
    assert report.updated == 1
    assert Variant.objects.get(sku="CAR-1").stock == Decimal("12")
    assert Event.objects.filter(verb="shortcircuit.stock_set").count() == 1


def test_bad_rows_are_reported_by_line_and_nothing_is_written(producer, owner):
    text = "\n".join(
        [
            HEADER,
            "Carottes;;carrot;;1 kg;kg;1;3.20;5.5;40;0;;;",
            "Navets;;;;1 kg;kg;1;trois;5.5;;0;;;",
            "Radis;;;;;furlong;1;1;5.5;;0;;;",
            "Blettes;;;;;kg;1;2;7;;0;;;",
            "Choux;;;;;piece;1;2;5.5;-3;0;;;",
            ";;;;;piece;1;2;5.5;;0;;;",
            "Poireaux;;legume;;;kg;1;2;5.5;;0;;;",
            "Miel;;;bio-inconnu;;piece;1;8;5.5;;0;;;",
            "Poulet;;;;;piece;1;9;5.5;;1;;;",
        ]
    )
    report = _import(producer, owner, text)
    line = lambda n: fr("line %(line)s", line=n)  # noqa: E731
    assert report.errors == [
        (line(3), fr("%(what)s: “%(value)s” is not a number.", what=fr("price"), value="trois")),
        (
            line(4),
            fr(
                "Unknown unit “%(unit)s”: use one of %(units)s.",
                unit="furlong",
                units="kg, g, l, cl, ml, piece, bunch, dozen",
            ),
        ),
        (
            line(5),
            fr(
                "VAT rate “%(rate)s” is not allowed: use one of %(rates)s.",
                rate="7",
                rates="0, 2.1, 5.5, 10, 20",
            ),
        ),
        (line(6), fr("The stock cannot be negative; leave it empty for made to order.")),
        (line(7), fr("The product name is missing.")),
        (line(8), fr("Unknown category code “%(code)s”.", code="legume")),
        (line(9), fr("Unknown label “%(label)s”.", label="bio-inconnu")),
        (
            line(10),
            fr(
                "%(field)s: %(message)s",
                field=fr("estimated weight (kg)"),
                message=fr("A variable-weight product needs the estimated weight of one item."),
            ),
        ),
    ]
    assert report.applied is False
    assert Product.objects.count() == 0 and Variant.objects.count() == 0


def test_a_dry_run_counts_without_writing(producer, owner):
    report = _import(producer, owner, GOOD, dry_run=True)
    assert (report.created, report.errors, report.applied) == (3, [], False)
    assert Product.objects.count() == 0


def test_bom_and_comma_separated_files_are_read(producer, owner):
    text = "\ufeff" + GOOD.replace(";", ",").replace("3,20", '"3,20"')
    report = catalog_csv_import(producer=producer, data=text.encode("utf-8"), acting_user=owner)
    assert (report.errors, report.created) == ([], 3)
    assert Variant.objects.get(sku="CAR-1").price == Decimal("3.20")
    windows = GOOD.replace("Carottes", "Carottes épluchées").encode("cp1252")
    other = ProducerFactory(owners=[owner])
    assert catalog_csv_import(producer=other, data=windows, acting_user=owner).created == 3
    assert Product.objects.filter(producer=other, name="Carottes épluchées").exists()


def test_a_file_without_the_header_is_refused(producer, owner):
    report = _import(producer, owner, "nom;prix\nCarottes;3")
    assert [where for where, _m in report.errors] == [fr("line %(line)s", line=1)]


def test_export_then_import_gives_the_same_catalog(producer, owner):
    product = ProductFactory(
        producer=producer,
        name="Fromage; frais",
        description='Au lait "cru"\nde chèvre',
        product_type=ProductType.objects.get(code="goat-fresh-cheese"),
    )
    product.labels.add(LabelFactory(slug="ab"))
    VariantFactory(
        product=product,
        name="Pièce",
        unit=Unit.PIECE,
        price=Decimal("3"),
        vat_rate=Decimal("5.5"),
        stock=Decimal("2.5"),
        sku="FRO",
    )
    VariantFactory(
        product=product,
        name="Demi",
        unit=Unit.PIECE,
        price=Decimal("1.60"),
        vat_rate=Decimal("5.5"),
        stock=None,
    )
    text = catalog_csv_export(producer)
    assert text.startswith("\ufeff" + HEADER + "\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == [
        "Fromage; frais",
        'Au lait "cru"\nde chèvre',
        "goat-fresh-cheese",
        "ab",
        "Pièce",
        "piece",
        "1",
        "3.00",
        "5.5",
        "2.5",
        "0",
        "",
        "FRO",
        "",
    ]
    other = ProducerFactory(owners=[owner])
    report = catalog_csv_import(producer=other, data=text.encode("utf-8"), acting_user=owner)
    assert (report.errors, report.created) == ([], 2)

    def shape(p):
        return sorted(
            (v.product.name, v.product.description, v.name, v.unit, v.price, v.stock, v.sku)
            for v in Variant.objects.filter(product__producer=p).select_related("product")
        )

    assert shape(other) == shape(producer)
    again = catalog_csv_import(producer=producer, data=text.encode("utf-8"), acting_user=owner)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
