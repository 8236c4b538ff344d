"""DFC JSON-LD import and export: the Open Food Network files of ../shared/data import
with the values they state, offline; unknown contexts are refused; an export imports
back into another producer as the same catalog."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from coops.accounts.tests.factories import UserFactory
from coops.directory.tests.shared_data import SHARED_DATA
from coops.groups.tests.helpers import fr

from ..dfc import dfc_export, dfc_import, dfc_parse, document_loader
from ..models import Product, ProductType, Unit, Variant
from ..taxonomy import product_types_sync
from .factories import ProducerFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

SHARED = SHARED_DATA
OFN_GET = SHARED / "ofn_dfc_product.GET.json"
OFN_PUT = SHARED / "ofn_dfc_put_supplied_product.json"
GET_ID = (
    "https://example-producer.jcloud-ver-jpe.ik-server.com/api/dfc/Enterprises/5c21b9-95/"
    "SuppliedProducts/49055026544964"
)
PUT_ID = "https://staging.coopcircuits.fr/api/dfc-v1.7/enterprises/2731/supplied_products/56790"


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def producer(owner):
    product_types_sync()
    return ProducerFactory(owners=[owner])


def _catalog(producer) -> list[tuple]:
    return sorted(
        (
            v.product.name,
            v.name,
            v.unit,
            v.unit_size,
            v.price,
            v.vat_rate,
            v.stock,
            v.product.product_type.code if v.product.product_type else None,
        )
        for v in Variant.objects.filter(product__producer=producer).select_related(
            "product__product_type"
        )
    )


def test_the_ofn_get_file_imports_price_vat_stock_and_unit(producer, owner):
    report = dfc_import(producer=producer, data=OFN_GET.read_bytes(), acting_user=owner)
    assert (report.errors, report.created, report.applied) == ([], 1, True)
    variant = Variant.objects.get(product__producer=producer)
    product = variant.product
    assert (product.name, product.source, product.source_id) == (
        "Fillet Steak - 201g x 1 Steak",
        "dfc",
        GET_ID,
    )
    assert (variant.price, variant.vat_rate, variant.stock) == (
        Decimal("12.06"),
        Decimal("1"),
        Decimal("11"),
    )
    assert (variant.unit, variant.unit_size, variant.currency, variant.source_id) == (
        Unit.KILOGRAM,
        Decimal("1"),
        "EUR",
        GET_ID,
    )
    # "1" is read as DFC says, a percentage, and flagged: it is not a French rate.
    assert report.warnings == [
        (GET_ID, fr("The quantity is 0: one unit is assumed.")),
        (GET_ID, fr("VAT rate %(rate)s %% is not a French rate: check it.", rate="1")),
    ]
    assert product.search_text == "fillet steak 201g x 1 steak"


def test_the_put_file_with_another_namespace_family(producer, owner):
    report = dfc_import(producer=producer, data=OFN_PUT.read_bytes(), acting_user=owner)
    assert report.errors == [] and report.created == 1
    variant = Variant.objects.get(product__producer=producer)
    assert (variant.product.name, variant.product.description) == (
        "Pesto novo",
        "DFC-Pesto updated",
    )
    assert variant.product.product_type == ProductType.objects.get(code="drink")
    assert (variant.unit, variant.unit_size) == (Unit.PIECE, Decimal("17"))
    # No offer in the document: new, so off sale at 0 until the producer prices it.
    assert (variant.price, variant.active, variant.stock) == (Decimal("0"), False, None)
    assert (PUT_ID, fr("No price: the product is imported off sale; set its price.")) in (
        report.warnings
    )


def test_importing_twice_changes_nothing_and_a_put_keeps_the_price(producer, owner):
    dfc_import(producer=producer, data=OFN_PUT.read_bytes(), acting_user=owner)
    Variant.objects.update(price=Decimal("4.50"), active=True)
    again = dfc_import(producer=producer, data=OFN_PUT.read_bytes(), acting_user=owner)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    variant = Variant.objects.get()
    assert (variant.price, variant.active) == (Decimal("4.50"), True)
    assert Product.objects.count() == 1


def test_unknown_remote_contexts_are_refused_never_fetched(producer, owner):
    document = json.loads(OFN_PUT.read_text())
    document["@context"] = "https://evil.example/context.jsonld"
    report = dfc_import(producer=producer, data=json.dumps(document), acting_user=owner)
    assert report.errors == [
        (
            fr("file"),
            fr(
                "The document refers to the context %(url)s, which is not the DFC one: "
                "remote contexts are never fetched.",
                url="https://evil.example/context.jsonld",
            ),
        )
    ]
    assert Product.objects.count() == 0


def test_the_loader_serves_the_dfc_context_for_its_urls():
    for url in (
        "https://www.datafoodconsortium.org",
        "https://www.datafoodconsortium.org/",
        "http://datafoodconsortium.org",
        "https://www.datafoodconsortium.org/wp-content/plugins/wordpress-context-jsonld/"
        "context_2.0.0.jsonld",
    ):
        document = document_loader(url)["document"]
        assert document["@context"]["dfc-b"] == (
            "http://w3id.org/dfc/ontology/v2.0.0/src/DFC_BusinessOntology.owl#"
        )


def test_a_bad_item_writes_nothing(producer, owner):
    document = json.loads(OFN_GET.read_text())
    bad = json.loads(OFN_PUT.read_text())
    bad["dfc-b:hasQuantity"]["dfc-b:hasUnit"] = "dfc-m:Furlong"
    report = dfc_import(
        producer=producer,
        data=json.dumps({"@context": bad["@context"], "@graph": [bad]}),
        acting_user=owner,
    )
    assert report.errors == [(PUT_ID, fr("Unknown unit “%(unit)s”.", unit="Furlong"))]
    combined = {"@context": document["@context"], "@graph": document["@graph"]}
    assert dfc_parse(json.dumps(combined))[1].errors == []
    assert Product.objects.count() == 0


def test_round_trip_into_another_producer(producer, owner):
    dfc_import(producer=producer, data=OFN_GET.read_bytes(), acting_user=owner)
    tomato = ProductFactory(
        producer=producer,
        name="Tomates anciennes",
        description="Cœur de bœuf",
        product_type=ProductType.objects.get(code="hierloom-tomato"),
    )
    VariantFactory(
        product=tomato,
        name="500 g",
        unit=Unit.GRAM,
        unit_size=Decimal("500"),
        price=Decimal("2.40"),
        vat_rate=Decimal("5.5"),
        stock=Decimal("12.5"),
    )
    VariantFactory(
        product=tomato,
        name="Cagette",
        unit=Unit.KILOGRAM,
        unit_size=Decimal("5"),
        price=Decimal("19"),
        vat_rate=Decimal("5.5"),
        stock=None,
    )
    eggs = ProductFactory(producer=producer, name="Œufs", description="")
    VariantFactory(
        product=eggs,
        name="",
        unit=Unit.DOZEN,
        unit_size=Decimal("1"),
        price=Decimal("4.20"),
        vat_rate=Decimal("20"),
        stock=Decimal("0"),
    )
    document = dfc_export(producer)
    other = ProducerFactory(owners=[owner])
    report = dfc_import(producer=other, data=json.dumps(document), acting_user=owner)
    assert report.errors == [] and report.created == 4
    assert _catalog(other) == _catalog(producer)
    assert Product.objects.filter(producer=other).count() == 3
    again = dfc_import(producer=other, data=json.dumps(document), acting_user=owner)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
