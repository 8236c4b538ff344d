"""The DFC product types file loads parents first, and loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.apps import apps

from ..models import ProductType
from ..taxonomy import product_type_rows, product_types_sync, product_types_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_table():
    """The data migration loads the types; these tests start from an empty table."""
    ProductType.objects.all().delete()


def test_loading_creates_the_tree_once():
    count = len(list(product_type_rows(product_types_tree())))
    assert product_types_sync() == count
    assert ProductType.objects.count() == count
    assert product_types_sync() == 0
    assert ProductType.objects.count() == count


def test_the_tree_holds_the_dfc_top_level_types_with_both_names():
    product_types_sync()
    tops = dict(ProductType.objects.filter(parent=None).values_list("code", "name_fr"))
    assert tops == {
        "bakery": "boulangerie",
        "dairy-product": "produit laitier",
        "drink": "boisson",
        "frozen": "surgelé",
        "fruit": "fruits",
        "inedible": "non alimentaire",
        "local-grocery-store": "épicerie locale",
        "meat-product": "produit carné",
        "vegetable": "légume",
    }
    cheese = ProductType.objects.select_related("parent__parent").get(code="goat-fresh-cheese")
    assert (cheese.name_en, cheese.name_fr) == ("goat fresh cheese", "fromage frais de chèvre")
    assert (cheese.parent.code, cheese.parent.parent.code) == (
        "goat-dairy-product",
        "dairy-product",
    )


def test_a_changed_name_or_parent_is_put_back():
    product_types_sync()
    ProductType.objects.filter(code="carrot").update(
        name_fr="Carotte", parent=ProductType.objects.get(code="fruit")
    )
    assert product_types_sync() == 1
    carrot = ProductType.objects.get(code="carrot")
    assert (carrot.name_fr, carrot.parent.code) == ("carotte", "vegetable")


def test_a_data_migration_can_pass_its_historical_model():
    model = apps.get_model("shortcircuit", "ProductType")
    assert product_types_sync(model) > 200
    assert model.objects.filter(code="vegetable", parent=None).exists()


def test_parents_come_before_children():
    seen: set[str] = set()
    for fields, parent in product_type_rows(product_types_tree()):
        assert parent is None or parent in seen
        seen.add(fields["code"])
