"""Reads of the buyer space: a distribution's shop and a cart priced as it will be
ordered.

Guarantees:
- `shop_page` runs a fixed number of queries whatever the number of offers (offers
  with their variant, product, producer and category in one query, labels in one
  prefetch, the page count, the producer and category facets);
- search is accent- and case-insensitive: the query is folded like
  `Product.search_text` and every word must appear;
- prices are what the buyer pays per unit, VAT and hub fee included, computed by
  `pricing.line_amounts` like the order lines will be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils.formats import number_format

from coops.core.money import Money
from coops.core.search import terms
from coops.directory.models import Actor, Label

from ..models import Distribution, Offer, ProductType
from ..pricing import LineAmounts, line_amounts

PER_PAGE = 24


def quantity_text(value: Decimal) -> str:
    """A quantity as people read it: 2, 1,5, 0,25 (no trailing zeros, localised)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(value.quantize(Decimal(1)))
    return number_format(value.normalize())


def plain(value: Decimal) -> str:
    """A quantity for a form field, not localised: "2", "0.5"."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def amounts_for(offer: Offer, distribution: Distribution, quantity: Decimal) -> LineAmounts:
    variant = offer.variant
    return line_amounts(
        price=offer.price,
        quantity=quantity,
        fee_percent=distribution.hub_fee_percent,
        fee_per_item=distribution.hub_fee_per_item,
        estimated_weight=variant.estimated_weight if variant.variable_weight else None,
    )


@dataclass(frozen=True, slots=True)
class ShopItem:
    offer: Offer
    price: Money  # per unit, VAT and hub fee included (estimated for variable weight)
    per_kg: Money | None  # variable weight: the price per kg, VAT included
    weight_text: str  # variable weight: the estimated weight of one item ("1,2")
    left: Decimal | None  # None: made to order
    left_text: str
    step_value: str  # for a number input: "1", "0.5"
    in_cart: Decimal
    in_cart_text: str


@dataclass(frozen=True, slots=True)
class ShopPage:
    page: Page
    items: list[ShopItem]


@dataclass(frozen=True, slots=True)
class ShopFacets:
    producers: list[Actor]
    categories: list[ProductType]


def shop_offers(
    *, distribution: Distribution, query: str = "", producer: int | None = None,
    category: int | None = None,
) -> QuerySet[Offer]:  # fmt: skip
    """The offers on sale in `distribution` matching the filters, by product name."""
    offers = (
        Offer.objects.filter(
            distribution=distribution, variant__active=True, variant__product__active=True
        )
        .select_related(
            "variant__product__producer", "variant__product__product_type", "distribution"
        )
        .prefetch_related(
            Prefetch("variant__product__labels", queryset=Label.objects.order_by("name"))
        )
        .order_by("variant__product__name", "variant__position", "pk")
    )
    for word in terms(query):
        offers = offers.filter(variant__product__search_text__contains=word)
    if producer:
        offers = offers.filter(variant__product__producer_id=producer)
    if category:
        offers = offers.filter(
            Q(variant__product__product_type_id=category)
            | Q(variant__product__product_type__parent_id=category)
        )
    return offers


def shop_page(
    *, distribution: Distribution, query: str = "", producer: int | None = None,
    category: int | None = None, page: int | str = 1, cart: Mapping[int, Decimal] | None = None,
) -> ShopPage:  # fmt: skip
    """One page of the shop's offers (two queries for the offers and one for labels)."""
    cart = cart or {}
    offers = shop_offers(
        distribution=distribution, query=query, producer=producer, category=category
    )
    current = Paginator(offers, PER_PAGE).get_page(page)
    items = [_item(offer, distribution, cart) for offer in current.object_list]
    return ShopPage(page=current, items=items)


def shop_facets(*, distribution: Distribution) -> ShopFacets:
    """The producers and categories the shop can be filtered by (two queries)."""
    on_sale = Offer.objects.filter(
        distribution=distribution, variant__active=True, variant__product__active=True
    )
    producers = list(
        Actor.objects.filter(products__variants__offers__in=on_sale).distinct().order_by("name")
    )
    categories = list(
        ProductType.objects.filter(
            Q(products__variants__offers__in=on_sale)
            | Q(children__products__variants__offers__in=on_sale)
        ).distinct()
    )
    return ShopFacets(producers=producers, categories=categories)


def _item(offer: Offer, distribution: Distribution, cart: Mapping[int, Decimal]) -> ShopItem:
    variant = offer.variant
    amounts = amounts_for(offer, distribution, Decimal(1))
    currency = distribution.currency
    variable = variant.variable_weight
    in_cart = cart.get(offer.pk, Decimal(0))
    return ShopItem(
        offer=offer,
        price=Money(amounts.unit_price + amounts.unit_fee, currency),
        per_kg=Money(offer.price, currency) if variable else None,
        weight_text=quantity_text(variant.estimated_weight) if variable else "",
        left=variant.stock,
        left_text=quantity_text(variant.stock) if variant.stock is not None else "",
        step_value=plain(variant.step),
        in_cart=in_cart,
        in_cart_text=quantity_text(in_cart),
    )


@dataclass(frozen=True, slots=True)
class CartLine:
    offer: Offer
    quantity: Decimal
    quantity_text: str
    price: Money  # per unit, VAT and hub fee included
    total: Money
    fee: Money


@dataclass(frozen=True, slots=True)
class Cart:
    lines: list[CartLine]
    total: Money
    fee_total: Money

    @property
    def count(self) -> int:
        return len(self.lines)


def cart_summary(*, distribution: Distribution, quantities: Mapping[int, Decimal]) -> Cart:
    """The cart's lines priced as `order_place` will price them (one query). Offers no
    longer on sale in the distribution are left out."""
    currency = distribution.currency
    offers = (
        Offer.objects.filter(distribution=distribution, pk__in=list(quantities))
        .select_related("variant__product__producer")
        .order_by("variant__product__name", "pk")
    )
    lines = []
    total = fees = Decimal(0)
    for offer in offers:
        quantity = quantities[offer.pk]
        amounts = amounts_for(offer, distribution, quantity)
        lines.append(
            CartLine(
                offer=offer,
                quantity=quantity,
                quantity_text=quantity_text(quantity),
                price=Money(amounts.unit_price + amounts.unit_fee, currency),
                total=Money(amounts.total, currency),
                fee=Money(amounts.fee_total, currency),
            )
        )
        total += amounts.total
        fees += amounts.fee_total
    return Cart(lines=lines, total=Money(total, currency), fee_total=Money(fees, currency))
