"""Writes and reads of a producer's catalog: products with variants, the search text,
stock set by the producer, and removal that archives what was sold."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.directory.tests.factories import ActorFactory, LabelFactory
from coops.groups.tests.factories import MembershipFactory

from ..models import Product, ProductType, Unit, Variant
from ..selectors.catalog import catalog_page, catalog_products, producers_managed
from ..services.catalog import (
    VariantInput,
    product_remove,
    product_save,
    search_text,
    variant_set_stock,
)
from ..taxonomy import product_types_sync
from .factories import (
    DistributionFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    offer,
    place,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def producer(owner):
    return ProducerFactory(owners=[owner])


def _row(**fields) -> VariantInput:
    base = {
        "name": "1 kg",
        "unit": Unit.KILOGRAM,
        "unit_size": Decimal("1"),
        "price": Decimal("3.20"),
        "vat_rate": Decimal("5.5"),
        "step": Decimal("1"),
        "variable_weight": False,
        "estimated_weight": None,
        "sku": "",
        "active": True,
    }
    stock = fields.pop("stock", Decimal("10"))
    pk = fields.pop("pk", None)
    set_stock = fields.pop("set_stock", True)
    return VariantInput(fields={**base, **fields}, pk=pk, stock=stock, set_stock=set_stock)


def test_creating_a_product_with_its_variants(producer, owner):
    product_types_sync()
    organic = LabelFactory(slug="ab", name="Agriculture biologique")
    product = product_save(
        producer=producer,
        fields={
            "name": "Carottes des Sables",
            "description": "Récoltées à la main, très sucrées",
            "product_type": ProductType.objects.get(code="carrot"),
            "active": True,
        },
        labels=[organic],
        variants=[_row(), _row(name="Botte", unit=Unit.BUNCH, stock=None)],
        acting_user=owner,
    )
    assert product.search_text == "carottes des sables recoltees a la main tres sucrees"
    assert list(product.labels.all()) == [organic]
    assert list(product.variants.order_by("pk").values_list("name", "unit", "stock")) == [
        ("1 kg", "kg", Decimal("10")),
        ("Botte", "bunch", None),
    ]
    assert Event.objects.filter(verb="shortcircuit.product_created").count() == 1


def test_a_product_needs_a_variant_and_valid_values(producer, owner):
    with pytest.raises(ValidationError):
        product_save(producer=producer, fields={"name": "Rien"}, variants=[], acting_user=owner)
    with pytest.raises(ValidationError) as caught:
        product_save(
            producer=producer,
            fields={"name": "Poulet"},
            variants=[_row(variable_weight=True, estimated_weight=None)],
            acting_user=owner,
        )
    assert "estimated_weight" in caught.value.error_dict
    assert Product.objects.count() == 0


def test_editing_keeps_stock_taken_by_orders_unless_the_producer_changed_it(producer, owner):
    product = ProductFactory(producer=producer, name="Pommes")
    variant = VariantFactory(product=product, stock=Decimal("10"))
    # An order takes 3 while the producer has the page open (it showed 10).
    Variant.objects.filter(pk=variant.pk).update(stock=Decimal("7"))
    product_save(
        producer=producer,
        product=product,
        fields={"name": "Pommes reinettes"},
        variants=[_row(pk=variant.pk, price=Decimal("3.50"), stock=Decimal("10"), set_stock=False)],
        acting_user=owner,
    )
    variant.refresh_from_db()
    product.refresh_from_db()
    assert (variant.price, variant.stock, product.search_text) == (
        Decimal("3.50"),
        Decimal("7"),
        "pommes reinettes cultive sans pesticides",
    )
    product_save(
        producer=producer,
        product=product,
        fields={},
        variants=[_row(pk=variant.pk, price=Decimal("3.50"), stock=Decimal("20"))],
        acting_user=owner,
    )
    variant.refresh_from_db()
    assert variant.stock == Decimal("20")
    assert Event.objects.get(verb="shortcircuit.stock_set").data == {
        "before": {"stock": "7.000"},
        "after": {"stock": "20"},
    }


def test_another_producers_product_is_refused(producer, owner):
    foreign = ProductFactory()
    with pytest.raises(ValidationError):
        product_save(producer=producer, product=foreign, fields={}, variants=[], acting_user=owner)


def test_setting_the_stock(producer, owner):
    variant = VariantFactory(product__producer=producer, stock=Decimal("5"))
    variant_set_stock(variant=variant, stock=None, acting_user=owner)
    variant.refresh_from_db()
    assert variant.stock is None
    with pytest.raises(ValidationError):
        variant_set_stock(variant=variant, stock=Decimal("-1"), acting_user=owner)
    variant.refresh_from_db()
    assert variant.stock is None
    assert Event.objects.filter(verb="shortcircuit.stock_set").count() == 1


def test_a_sold_variant_is_archived_not_deleted(producer, owner):
    distribution = DistributionFactory()
    sold = offer(distribution, VariantFactory(product__producer=producer, stock=Decimal("5")))
    buyer = UserFactory()
    MembershipFactory(group=distribution.group, user=buyer)
    place(distribution, buyer, {sold: 1})
    product = sold.variant.product
    unsold = VariantFactory(product=product, name="2 kg")
    product_save(
        producer=producer,
        product=product,
        fields={},
        variants=[],
        removed=[sold.variant.pk, unsold.pk],
        acting_user=owner,
    )
    assert not Variant.objects.filter(pk=unsold.pk).exists()
    assert Variant.objects.get(pk=sold.variant.pk).active is False
    assert product_remove(product=product, acting_user=owner) is False
    product.refresh_from_db()
    assert product.active is False
    fresh = ProductFactory(producer=producer)
    VariantFactory(product=fresh)
    assert product_remove(product=fresh, acting_user=owner) is True
    assert not Product.objects.filter(pk=fresh.pk).exists()


def test_search_is_accent_insensitive_and_paginated(producer):
    for name in ("Pâtissons", "Pommes de terre", "Céleri-rave"):
        ProductFactory(producer=producer, name=name, search_text=name)  # overwritten below
    for product in Product.objects.all():
        Product.objects.filter(pk=product.pk).update(
            search_text=search_text(product.name, product.description)
        )
    assert [p.name for p in catalog_products(producer=producer, query="CELERI")] == ["Céleri-rave"]
    assert [p.name for p in catalog_products(producer=producer, query="pat")] == ["Pâtissons"]
    page = catalog_page(producer=producer, query="", page="1")
    assert page.paginator.count == 3


def test_the_catalog_page_reads_in_constant_queries(producer):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page = catalog_page(producer=producer)
            for product in page:
                _ = [v.price for v in product.variants.all()], list(product.labels.all())
                _ = product.product_type
        return len(ctx)

    VariantFactory(product__producer=producer)
    few = queries()
    for _n in range(5):
        VariantFactory(product__producer=producer)
        VariantFactory(product=ProductFactory(producer=producer))
    assert queries() == few


def test_my_producers_are_the_producer_actors_i_own(producer, owner):
    ProducerFactory()
    ProductFactory(producer=producer)
    ActorFactory(owners=[owner], kind="shop")
    mine = list(producers_managed(user=owner))
    assert mine == [producer] and mine[0].product_count == 1
