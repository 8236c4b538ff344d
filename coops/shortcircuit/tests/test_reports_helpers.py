"""A worked distribution for the report tests, with every figure computed by hand.

Hub fee: 10 % + 0,05 per item. Two pickup slots: "Salle des fêtes" (18:00–19:30) and
"Ferme du Moulin" (19:00–20:00).

- Ferme des Saules: Carottes "1 kg" at 3,20 (unit fee 0,37 → 3,57 a unit);
  Oeufs "boîte de 6" at 2,50 (unit fee 0,30 → 2,80).
- Bergerie du Val: Gigot d'agneau "pièce", variable weight, 20,00 per kg, about
  0,5 kg a piece: 2 pieces are 20,00 + fee (2,00 + 0,10) = 22,10; 1 piece 11,05.

Orders (paid on site):
- Zoé Martin (member), first slot: 2 carrots (7,14) + 1 box of eggs (2,80) = 9,94;
- Amélie Durand (organiser), first slot: 2 gigots (22,10) + 1 carrot (3,57) = 25,67;
- Bruno Petit (admin), second slot: 1 gigot = 11,05;
- a fourth buyer's order of 5 carrots, cancelled: it never counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.urls import reverse

from coops.accounts.tests.factories import UserFactory
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory

from ..models import DistributionSlot, Order, Unit
from ..services import order_cancel, order_place
from .factories import (
    PARIS,
    DistributionFactory,
    PickupPointFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    hub,
    offer,
    place,
)


@dataclass
class World:
    distribution: object
    slot_a: object
    slot_b: object
    saules: object
    bergerie: object
    saules_owner: object
    bergerie_owner: object
    carrots: object
    eggs: object
    lamb: object
    zoe: object
    amelie: object
    bruno: object


def named(user, name: str):
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


def second_slot(distribution, name: str = "Ferme du Moulin", hour: int = 19):
    day = distribution.delivery_date
    return DistributionSlot.objects.create(
        distribution=distribution,
        pickup_point=PickupPointFactory(group=distribution.group, name=name),
        starts_at=datetime.combine(day, time(hour), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(hour + 1), tzinfo=PARIS),
    )


def build_world(personas) -> World:
    group = hub(personas.group)
    point = PickupPointFactory(group=group, name="Salle des fêtes")
    distribution = DistributionFactory(
        group=group,
        slot=point,
        hub_fee_percent=Decimal("10"),
        hub_fee_per_item=Decimal("0.05"),
    )
    slot_a = distribution.slots.get()
    slot_b = second_slot(distribution)
    saules_owner, bergerie_owner = UserFactory(), UserFactory()
    saules = ProducerFactory(name="Ferme des Saules", owners=[saules_owner])
    bergerie = ProducerFactory(name="Bergerie du Val", owners=[bergerie_owner])
    carrots = offer(
        distribution,
        VariantFactory(product=ProductFactory(producer=saules, name="Carottes"), name="1 kg"),
    )
    eggs = offer(
        distribution,
        VariantFactory(
            product=ProductFactory(producer=saules, name="Oeufs"),
            name="boîte de 6",
            unit=Unit.PIECE,
            price=Decimal("2.50"),
        ),
    )
    lamb = offer(
        distribution,
        VariantFactory(
            product=ProductFactory(producer=bergerie, name="Gigot d'agneau"),
            name="pièce",
            unit=Unit.PIECE,
            price=Decimal("20.00"),
            variable_weight=True,
            estimated_weight=Decimal("0.5"),
        ),
    )
    zoe = named(personas.member, "Zoé Martin")
    amelie = named(personas.organiser, "Amélie Durand")
    bruno = named(personas.admin, "Bruno Petit")
    place(distribution, zoe, {carrots: 2, eggs: 1})
    place(distribution, amelie, {lamb: 2, carrots: 1})
    order_place(
        distribution=distribution,
        slot=slot_b,
        quantities={lamb.pk: Decimal("1")},
        payment="on_site",
        acting_user=bruno,
    )
    quitter = MembershipFactory(group=group, role=Role.MEMBER).user
    order_cancel(order=place(distribution, quitter, {carrots: 5}), acting_user=quitter)
    return World(
        distribution=distribution,
        slot_a=slot_a,
        slot_b=slot_b,
        saules=saules,
        bergerie=bergerie,
        saules_owner=saules_owner,
        bergerie_owner=bergerie_owner,
        carrots=carrots,
        eggs=eggs,
        lamb=lamb,
        zoe=zoe,
        amelie=amelie,
        bruno=bruno,
    )


def order_of(world: World, buyer) -> Order:
    return Order.objects.get(distribution=world.distribution, buyer=buyer, status="placed")


def report_url(group, distribution, kind: str | None = None) -> str:
    kwargs = {"slug": group.slug, "pk": distribution.pk}
    if kind is None:
        return reverse("groups:shortcircuit:reports", kwargs=kwargs)
    return reverse("groups:shortcircuit:report", kwargs={**kwargs, "kind": kind})


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8")[1:]
    assert text.endswith("\r\n")
    return [line.split(";") for line in text[:-2].split("\r\n")]
