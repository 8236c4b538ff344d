"""The shop of a distribution: what a visitor sees, search, filters, pagination, the
closed states and the constant number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from coops.core.money import Money, format_money
from coops.directory.models import Label
from coops.groups.tests.helpers import fr, nfr, page

from ..models import DistributionStatus, ProductType
from ..selectors.shop import PER_PAGE, shop_facets, shop_page
from .factories import (
    DistributionFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    hub,
    local_at,
    offer,
)

pytestmark = pytest.mark.django_db


def shop_url(distribution, **query) -> str:
    url = reverse(
        "groups:shortcircuit:shop",
        kwargs={"slug": distribution.group.slug, "pk": distribution.pk},
    )
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def product(name: str, search: str, **fields):
    return ProductFactory(name=name, search_text=search, **fields)


@pytest.fixture
def distribution(personas):
    return DistributionFactory(group=hub(personas.group), title="Jeudi 12")


def test_shop_shows_price_unit_producer_labels_and_stock(personas, distribution):
    farm = ProducerFactory(name="Ferme des Saules")
    organic = Label.objects.create(slug="ab", name="Agriculture biologique")
    carrots = product("Carottes", "carottes", producer=farm)
    carrots.labels.add(organic)
    stocked = offer(distribution, VariantFactory(product=carrots, price=Decimal("3.20")))
    eggs = offer(
        distribution,
        VariantFactory(product=product("Œufs", "oeufs"), name="6", unit="piece", stock=None),
    )
    response = personas.client("member").get(shop_url(distribution))
    assert response.status_code == 200
    html = page(response)
    assert "Ferme des Saules" in html
    assert "Agriculture biologique" in html
    assert format_money(Money(Decimal("3.20"), "EUR")) in html
    assert fr("%(left)s left") % {"left": "50"} in html
    assert fr("Made to order") in html
    assert f'data-testid="add-{stocked.pk}"' in html
    assert f'data-testid="add-{eggs.pk}"' in html
    assert nfr("%(counter)s product", "%(counter)s products", 2, counter=2) in html


def test_shop_price_includes_the_hub_fee(personas):
    distribution = DistributionFactory(
        group=hub(personas.group), hub_fee_percent=Decimal("10"), hub_fee_per_item=Decimal("0.05")
    )
    offer(distribution, price=Decimal("2.00"))
    html = page(personas.client("member").get(shop_url(distribution)))
    # 2,00 + 10 % + 0,05 per item
    assert format_money(Money(Decimal("2.25"), "EUR")) in html


def test_variable_weight_shows_estimate_and_price_per_kg(personas, distribution):
    offer(
        distribution,
        VariantFactory(
            variable_weight=True,
            estimated_weight=Decimal("1.2"),
            price=Decimal("4.50"),
            unit="piece",
        ),
    )
    html = page(personas.client("member").get(shop_url(distribution)))
    per_kg = format_money(Money(Decimal("4.50"), "EUR"))
    assert fr("≈ %(weight)s kg · %(per_kg)s/kg") % {"weight": "1,2", "per_kg": per_kg} in html
    assert format_money(Money(Decimal("5.40"), "EUR")) in html


def test_search_ignores_accents_and_case(personas, distribution):
    wanted = offer(
        distribution, VariantFactory(product=product("Pâté de campagne", "pate de campagne"))
    )
    other = offer(distribution, VariantFactory(product=product("Poireaux", "poireaux")))
    html = page(personas.client("member").get(shop_url(distribution, q="PATÉ")))
    assert f'data-testid="offer-{wanted.pk}"' in html
    assert f'data-testid="offer-{other.pk}"' not in html


def test_every_word_of_the_search_must_match(distribution):
    both = offer(distribution, VariantFactory(product=product("Miel de fleurs", "miel de fleurs")))
    offer(distribution, VariantFactory(product=product("Miel d'acacia", "miel d acacia")))
    result = shop_page(distribution=distribution, query="fleurs miel")
    assert [item.offer for item in result.items] == [both]


def test_filters_by_producer_and_by_category(personas, distribution):
    vegetables = ProductType.objects.create(
        code="test-vegetables", name_en="Vegetables", name_fr="Légumes"
    )
    leeks = ProductType.objects.create(
        code="test-leeks", name_en="Leeks", name_fr="Poireaux", parent=vegetables
    )
    farm = ProducerFactory(name="Ferme A")
    a = offer(distribution, VariantFactory(product=product("Chou", "chou", producer=farm)))
    b = offer(
        distribution, VariantFactory(product=product("Poireau", "poireau", product_type=leeks))
    )
    c = offer(distribution, VariantFactory(product=product("Pomme", "pomme")))
    by_producer = shop_page(distribution=distribution, producer=farm.pk)
    assert [i.offer for i in by_producer.items] == [a]
    by_parent_category = shop_page(distribution=distribution, category=vegetables.pk)
    assert [i.offer for i in by_parent_category.items] == [b]
    html = page(personas.client("member").get(shop_url(distribution, producer=farm.pk)))
    assert f'data-testid="offer-{a.pk}"' in html
    assert f'data-testid="offer-{c.pk}"' not in html
    facets = shop_facets(distribution=distribution)
    assert farm in facets.producers
    assert set(facets.categories) == {vegetables, leeks}


def test_inactive_products_are_not_shown(distribution):
    shown = offer(distribution)
    offer(distribution, VariantFactory(active=False))
    offer(distribution, VariantFactory(product=ProductFactory(active=False)))
    assert [i.offer for i in shop_page(distribution=distribution).items] == [shown]


def test_pages_of_24(personas, distribution):
    for n in range(PER_PAGE + 2):
        offer(distribution, VariantFactory(product=product(f"Produit {n:02d}", f"produit {n:02d}")))
    first = shop_page(distribution=distribution)
    second = shop_page(distribution=distribution, page=2)
    assert (len(first.items), len(second.items)) == (PER_PAGE, 2)
    html = page(personas.client("member").get(shop_url(distribution, page=2)))
    assert "Produit 25" in html
    assert "Produit 00" not in html


@pytest.mark.parametrize("count", [5, 50])
def test_shop_queries_do_not_grow_with_products(distribution, django_assert_num_queries, count):
    label = Label.objects.create(slug="bio", name="Bio")
    kind = ProductType.objects.create(code="test-x", name_en="X", name_fr="X")
    for n in range(count):
        p = product(f"P{n}", f"p{n}", product_type=kind)
        p.labels.add(label)
        offer(distribution, VariantFactory(product=p))
    # count, offers, labels; producers, categories
    with django_assert_num_queries(5):
        result = shop_page(distribution=distribution)
        shop_facets(distribution=distribution)
        for item in result.items:
            list(item.offer.variant.product.labels.all())
            item.offer.variant.product.producer.name  # noqa: B018
            str(item.offer.variant.product.product_type)


def test_closed_distribution_says_why_and_has_no_add_button(personas):
    distribution = DistributionFactory(group=hub(personas.group), status=DistributionStatus.CLOSED)
    o = offer(distribution)
    html = page(personas.client("member").get(shop_url(distribution)))
    assert fr("Orders for this distribution are closed.") in html
    assert f'data-testid="add-{o.pk}"' not in html


def test_not_yet_open_distribution_says_when(personas):
    distribution = DistributionFactory(
        group=hub(personas.group), opens_at=local_at(1, 9), closes_at=local_at(3, 12)
    )
    o = offer(distribution)
    html = page(personas.client("member").get(shop_url(distribution)))
    assert 'data-testid="shop-closed"' in html
    assert f'data-testid="add-{o.pk}"' not in html


@pytest.mark.parametrize(
    ("who", "status", "buttons"),
    [
        ("anonymous", 200, False),
        ("member", 200, True),
        ("other_member", 200, False),
        ("organiser", 200, True),
        ("admin", 200, True),
    ],
)
def test_shop_authorisation(personas, distribution, who, status, buttons):
    o = offer(distribution)
    response = personas.client(who).get(shop_url(distribution))
    assert response.status_code == status
    assert (f'data-testid="add-{o.pk}"' in page(response)) is buttons


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("member", 404),
        ("other_member", 404),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_a_draft_shop_is_for_organisers_only(personas, who, status):
    distribution = DistributionFactory(group=hub(personas.group), status=DistributionStatus.DRAFT)
    assert personas.client(who).get(shop_url(distribution)).status_code == status


def test_another_groups_distribution_is_not_found(personas):
    mine = hub(personas.group)
    theirs = DistributionFactory(group=hub(personas.other_group))
    url = reverse("groups:shortcircuit:shop", kwargs={"slug": mine.slug, "pk": theirs.pk})
    assert personas.client("member").get(url).status_code == 404
