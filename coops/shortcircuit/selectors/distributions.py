"""Reads of the organiser space and the module's index: distributions with their counts,
the hub's producers, pickup points and recurrences, the catalog organisers pick offers
from, and upcoming volunteer shifts. Each runs a fixed number of queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from coops.directory.models import Actor, ActorStatus

from ..models import (
    SELLER_KINDS,
    Distribution,
    DistributionSlot,
    DistributionStatus,
    HubProducer,
    Offer,
    OrderStatus,
    PickupPoint,
    Recurrence,
    Shift,
    ShiftSignup,
    Variant,
)


def open_distributions(*, group: Any, now: datetime | None = None) -> QuerySet[Distribution]:
    """The group's open distributions still taking (or about to take) orders, soonest
    delivery first, with their pickup slots and points."""
    now = now or timezone.now()
    slots = DistributionSlot.objects.select_related("pickup_point").order_by("starts_at")
    return (
        Distribution.objects.filter(group=group, status=DistributionStatus.OPEN, closes_at__gt=now)
        .prefetch_related(Prefetch("slots", queryset=slots))
        .order_by("delivery_date", "closes_at", "pk")
    )


def organiser_distributions(*, group: Any) -> QuerySet[Distribution]:
    """Every distribution of the group not settled yet, then the last settled ones,
    with their placed orders, offers and slots counted in SQL."""
    return (
        Distribution.objects.filter(group=group)
        .annotate(
            orders_count=Count(
                "orders", filter=Q(orders__status=OrderStatus.PLACED), distinct=True
            ),
            offers_count=Count("offers", distinct=True),
            slots_count=Count("slots", distinct=True),
        )
        .order_by("-delivery_date", "-pk")
    )


def distribution_detail(*, distribution: Distribution) -> dict:
    """What the organiser's page of a distribution shows: slots, offers with their
    products and producers, shifts with their volunteers."""
    slots = distribution.slots.select_related("pickup_point").annotate(
        orders_count=Count("orders", filter=Q(orders__status=OrderStatus.PLACED))
    )
    offers = distribution.offers.select_related("variant__product__producer").order_by(
        "variant__product__producer__name", "variant__product__name", "variant__position"
    )
    shifts = distribution.shifts.prefetch_related(
        Prefetch("signups", queryset=ShiftSignup.objects.select_related("user").order_by("pk"))
    )
    return {"slots": list(slots), "offers": list(offers), "shifts": list(shifts)}


def hub_producers(*, group: Any) -> QuerySet[HubProducer]:
    return (
        HubProducer.objects.filter(group=group)
        .select_related("producer")
        .annotate(
            products_count=Count(
                "producer__products", filter=Q(producer__products__active=True), distinct=True
            )
        )
        .order_by("producer__name")
    )


def producer_candidates(*, group: Any, query: str, limit: int = 20) -> QuerySet[Actor]:
    """Published producers of the directory whose name contains `query`, not in the hub."""
    query = query.strip()
    if len(query) < 2:
        return Actor.objects.none()
    in_hub = HubProducer.objects.filter(group=group).values("producer_id")
    return (
        Actor.objects.filter(
            kind__in=SELLER_KINDS, status=ActorStatus.PUBLISHED, name__icontains=query
        )
        .exclude(pk__in=in_hub)
        .order_by("name")[:limit]
    )


def pickup_points(*, group: Any, active_only: bool = False) -> QuerySet[PickupPoint]:
    points = PickupPoint.objects.filter(group=group).order_by("-active", "name")
    return points.filter(active=True) if active_only else points


def recurrences(*, group: Any) -> QuerySet[Recurrence]:
    return (
        Recurrence.objects.filter(group=group)
        .select_related("pickup_point")
        .order_by("-active", "weekday", "start_time", "pk")
    )


def offer_catalog(*, distribution: Distribution) -> list[dict]:
    """The hub's producers' variants on sale, each with its current offer in the
    distribution (None when not offered), grouped by producer then product."""
    producers = HubProducer.objects.filter(group_id=distribution.group_id).values("producer_id")
    offers = {
        o.variant_id: o
        for o in Offer.objects.filter(distribution=distribution).only("pk", "variant_id", "price")
    }
    variants = (
        Variant.objects.filter(
            Q(active=True, product__active=True, product__producer_id__in=producers)
            | Q(pk__in=list(offers))
        )
        .select_related("product__producer")
        .order_by("product__producer__name", "product__name", "position", "pk")
    )
    return [{"variant": v, "offer": offers.get(v.pk)} for v in variants]


def upcoming_shifts(*, group: Any, user: Any, now: datetime | None = None) -> QuerySet[Shift]:
    """Shifts of the group's distributions still to come, with how many signed up and
    whether `user` did."""
    now = now or timezone.now()
    mine = ShiftSignup.objects.filter(shift=OuterRef("pk"), user_id=getattr(user, "pk", None))
    return (
        Shift.objects.filter(
            distribution__group=group,
            starts_at__gt=now,
            distribution__status__in=(DistributionStatus.OPEN, DistributionStatus.CLOSED),
        )
        .select_related("distribution")
        .annotate(taken=Count("signups"), signed_up=Exists(mine))
        .annotate(free=F("needed") - F("taken"))
        .order_by("starts_at", "pk")
    )
