"""Named permission rules for short circuits, registered with core.permissions.

- Anyone who may see the group sees its open distributions, shop and pickup points.
- Its active members order, subscribe to contracts, sign up for shifts, post needs
  and join bulk orders; an order, a subscription or a request is its owner's.
- Organisers run the hub: pickup points, distributions, contracts, bulk orders,
  reports and settlement — for their own group only.
- A producer is a directory actor; the actor's owners manage its catalog and see its
  sales (and nobody else's) in the hubs that sell for it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule
from coops.groups.models import Group
from coops.groups.permissions import is_member, is_organiser


def owns_producer(user, producer) -> bool:
    if not getattr(user, "is_authenticated", False) or producer is None:
        return False
    return producer.owners.filter(pk=user.pk).exists()


@rule("shortcircuit.order", _("Only the group's active members can order."))
def _order(user, group: Group) -> bool:
    return is_member(user, group)


@rule("shortcircuit.participate", _("Only the group's active members can take part."))
def _participate(user, group: Group) -> bool:
    return is_member(user, group)


@rule("shortcircuit.organise", _("Only the group's organisers can do this."))
def _organise(user, group: Group) -> bool:
    return is_organiser(user, group)


@rule("shortcircuit.produce", _("Only the producer's own managers can do this."))
def _produce(user, producer) -> bool:
    return owns_producer(user, producer)


@rule("shortcircuit.own_order", _("This order is someone else's."))
def _own_order(user, order) -> bool:
    return getattr(user, "is_authenticated", False) and order.buyer_id == user.pk
