"""Factories and builders for the short-circuit tests.

- `hub(group)` turns the module on for a group and returns it.
- `ProducerFactory(owners=[user])` is a published producer actor in Wavrin.
- `ProductFactory` / `VariantFactory` build a catalog; `VariantFactory(stock=None)` is
  made to order.
- `DistributionFactory(group=…)` is open now (opened yesterday, closes in two days,
  delivered in three) with one pickup slot; `offer(distribution, variant)` puts a
  variant on sale; `place(…)` orders through the real service.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coops.core.search import fold
from coops.directory.models import ActorKind, LegalForm
from coops.directory.tests.factories import ActorFactory
from coops.groups.models import GroupKind, GroupModule
from coops.groups.tests.factories import GroupFactory

from ..models import (
    Distribution,
    DistributionSlot,
    DistributionStatus,
    HubProducer,
    Offer,
    PickupPoint,
    Product,
    Unit,
    Variant,
)
from ..services import order_place

PARIS = ZoneInfo("Europe/Paris")


def hub(group=None, **fields):
    """A group with the short-circuit module on (a new AMAP when none is given)."""
    group = group or GroupFactory(kind=GroupKind.FOOD_HUB, **fields)
    GroupModule.objects.get_or_create(group=group, module="shortcircuit")
    return group


def local_at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate(timezone=PARIS) + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


class ProducerFactory(ActorFactory):
    name = factory.Sequence(lambda n: f"Ferme {n}")
    slug = factory.Sequence(lambda n: f"ferme-{n}")
    kind = ActorKind.PRODUCER
    legal_form = LegalForm.INDEPENDENT
    city = "Wavrin"
    postcode = "59136"
    latitude = Decimal("50.574100")
    longitude = Decimal("2.934600")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Sequence(lambda n: f"Légume {n}")
    description = "Cultivé sans pesticides."
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.name} {o.description}")[:400])


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    name = "1 kg"
    unit = Unit.KILOGRAM
    unit_size = Decimal("1")
    price = Decimal("3.20")
    vat_rate = Decimal("5.5")
    stock = Decimal("50")


class PickupPointFactory(DjangoModelFactory):
    class Meta:
        model = PickupPoint

    group = factory.SubFactory(GroupFactory)
    name = factory.Sequence(lambda n: f"Salle des fêtes {n}")
    address = "Place de la République"
    postcode = "59136"
    city = "Wavrin"
    latitude = Decimal("50.573000")
    longitude = Decimal("2.935000")
    geocode_status = "address"
    opening_slots = [{"weekday": 3, "start": "18:00", "end": "19:30"}]


class DistributionFactory(DjangoModelFactory):
    """Open for orders now, with one pickup slot (`distribution.slots.get()`)."""

    class Meta:
        model = Distribution
        skip_postgeneration_save = True

    group = factory.LazyFunction(hub)
    title = "Distribution du jeudi"
    opens_at = factory.LazyFunction(lambda: local_at(-1, 9))
    closes_at = factory.LazyFunction(lambda: local_at(2, 12))
    delivery_date = factory.LazyFunction(lambda: local_at(3, 0).date())
    status = DistributionStatus.OPEN

    @factory.post_generation
    def slot(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            point = extracted or PickupPointFactory(group=obj.group)
            day = obj.delivery_date
            DistributionSlot.objects.create(
                distribution=obj,
                pickup_point=point,
                starts_at=datetime.combine(day, time(18), tzinfo=PARIS),
                ends_at=datetime.combine(day, time(19, 30), tzinfo=PARIS),
            )


def offer(distribution: Distribution, variant: Variant | None = None, **variant_fields) -> Offer:
    """Put `variant` (a new one when None) on sale at its catalog price, its producer
    joining the hub."""
    variant = variant or VariantFactory(**variant_fields)
    HubProducer.objects.get_or_create(group=distribution.group, producer=variant.product.producer)
    return Offer.objects.create(distribution=distribution, variant=variant, price=variant.price)


def place(distribution: Distribution, buyer, items: dict, *, payment: str = "on_site"):
    """Order through the service: `items` maps offers to quantities."""
    return order_place(
        distribution=distribution,
        slot=distribution.slots.first(),
        quantities={o.pk: Decimal(str(q)) for o, q in items.items()},
        payment=payment,
        acting_user=buyer,
    )
