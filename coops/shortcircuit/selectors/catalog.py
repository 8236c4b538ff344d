"""Reads of the producer space: the producers a user manages and a producer's catalog,
searched and paginated on the server, with what each row shows fetched up front."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, QuerySet

from coops.core.search import terms
from coops.directory.models import Actor

from ..models import SELLER_KINDS, Product, Variant

PAGE_SIZE = 25


def producers_managed(*, user: Any) -> QuerySet[Actor]:
    """The producer actors `user` owns, with how many products each has."""
    if not getattr(user, "is_authenticated", False):
        return Actor.objects.none()
    return (
        Actor.objects.filter(owners=user, kind__in=SELLER_KINDS)
        .annotate(product_count=Count("products", distinct=True))
        .order_by("name", "pk")
    )


def producer_get(*, pk: int) -> Actor | None:
    return Actor.objects.filter(pk=pk, kind__in=SELLER_KINDS).first()


def catalog_products(*, producer: Actor, query: str = "") -> QuerySet[Product]:
    """The producer's products (on sale or not), each word of `query` matching the
    accent-free name and description, with their category, labels and variants."""
    products = Product.objects.filter(producer=producer)
    for word in terms(query):
        products = products.filter(search_text__contains=word)
    return (
        products.select_related("product_type")
        .prefetch_related(
            "labels",
            Prefetch("variants", queryset=Variant.objects.order_by("position", "pk")),
        )
        .order_by("-active", "name", "pk")
    )


def catalog_page(*, producer: Actor, query: str = "", page: Any = 1) -> Page:
    return Paginator(catalog_products(producer=producer, query=query), PAGE_SIZE).get_page(page)


def product_get(*, producer: Actor, pk: int) -> Product | None:
    return (
        Product.objects.filter(producer=producer, pk=pk)
        .select_related("product_type")
        .prefetch_related("labels")
        .first()
    )


def variant_get(*, producer: Actor, pk: int) -> Variant | None:
    return (
        Variant.objects.filter(product__producer=producer, pk=pk).select_related("product").first()
    )
