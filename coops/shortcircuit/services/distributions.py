"""Distributions: their details and pickup slots, what they offer, and their status.

Guarantees:
- one function moves a distribution between states, following
  models.DISTRIBUTION_TRANSITIONS; "settled" is reached only through settlement;
- a distribution opens with at least one pickup slot and one offer, and reopens only
  while its closing time is still ahead;
- every change writes an audit event in the same transaction; members hear that a
  distribution opened once it is committed;
- a refused change writes nothing (one transaction each).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.core.audit import event_record
from coops.core.money import Money, format_money
from coops.groups.models import Membership

from .. import kinds
from ..models import (
    DISTRIBUTION_TRANSITIONS,
    Distribution,
    DistributionSlot,
    DistributionStatus,
    HubProducer,
    Offer,
    PickupPoint,
    Variant,
)
from ._base import lock_objects

# States whose details (dates, slots, offers) organisers may still change.
EDITABLE = (DistributionStatus.DRAFT, DistributionStatus.OPEN, DistributionStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """A pickup point and the local times the distribution is there on its delivery date."""

    point: PickupPoint
    start: time
    end: time


def _fields(distribution: Distribution) -> dict:
    return {
        "title": distribution.title,
        "opens_at": distribution.opens_at,
        "closes_at": distribution.closes_at,
        "delivery_date": distribution.delivery_date,
        "status": distribution.status,
        "hub_fee_percent": distribution.hub_fee_percent,
        "hub_fee_per_item": distribution.hub_fee_per_item,
    }


def distribution_save(
    *,
    group: Any,
    acting_user: Any,
    distribution: Distribution | None = None,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    delivery_date: date,
    hub_fee_percent: Decimal = Decimal("0"),
    hub_fee_per_item: Decimal = Decimal("0"),
    notes: str = "",
    slots: Sequence[SlotSpec] = (),
) -> Distribution:
    """Create a draft distribution of `group`, or change one not yet delivered, with
    exactly the given pickup slots (times read in the group's zone). A slot that has
    orders cannot be dropped."""
    if closes_at <= opens_at:
        raise ValidationError(_("Orders must close after they open."), code="closes_at")
    if timezone.localtime(closes_at, group.zone).date() > delivery_date:
        raise ValidationError(
            _("Orders must close before the delivery date is over."), code="closes_at"
        )
    for spec in slots:
        if spec.point.group_id != group.pk:
            raise ValidationError(_("This pickup point belongs to another group."))
        if spec.end <= spec.start:
            raise ValidationError(_("A pickup slot must end after it starts."), code="slots")
    with transaction.atomic():
        if distribution is None:
            distribution = Distribution(group=group, created_by=acting_user)
            before = None
        else:
            distribution = lock_objects(Distribution, distribution.pk)
            if distribution.status not in EDITABLE:
                raise ValidationError(_("A delivered distribution can no longer be changed."))
            before = _fields(distribution)
        distribution.title, distribution.notes = title, notes
        distribution.opens_at, distribution.closes_at = opens_at, closes_at
        distribution.delivery_date = delivery_date
        distribution.hub_fee_percent, distribution.hub_fee_per_item = (
            hub_fee_percent,
            hub_fee_per_item,
        )
        distribution.full_clean(exclude=["group", "recurrence", "created_by"])
        distribution.save()
        _slots_set(distribution, slots)
        event_record(
            actor=acting_user,
            verb="shortcircuit.distribution_save",
            target=distribution,
            before=before,
            after=_fields(distribution) | {"slots": [s.point.pk for s in slots]},
        )
    return distribution


def _slots_set(distribution: Distribution, slots: Sequence[SlotSpec]) -> None:
    zone = distribution.group.zone
    wanted = {spec.point.pk: spec for spec in slots}
    existing = {s.pickup_point_id: s for s in distribution.slots.all()}
    for point_id, slot in existing.items():
        if point_id not in wanted:
            if slot.orders.exists():
                raise ValidationError(
                    _("Orders were placed for pickup at %(point)s: keep its slot.")
                    % {"point": slot.pickup_point.name},
                    code="slots",
                )
            slot.delete()
    for point_id, spec in wanted.items():
        slot = existing.get(point_id) or DistributionSlot(
            distribution=distribution, pickup_point=spec.point
        )
        slot.starts_at = datetime.combine(distribution.delivery_date, spec.start, tzinfo=zone)
        slot.ends_at = datetime.combine(distribution.delivery_date, spec.end, tzinfo=zone)
        slot.save()


def offers_set(
    *, distribution: Distribution, prices: Mapping[int, Decimal | None], acting_user: Any
) -> list[Offer]:
    """Offer exactly the variants in `prices` (variant id → price, None for the catalog
    price), from the hub's producers' active catalog. An offer already ordered cannot
    be withdrawn nor change price."""
    with transaction.atomic():
        distribution = lock_objects(Distribution, distribution.pk)
        if distribution.status not in EDITABLE:
            raise ValidationError(_("A delivered distribution can no longer be changed."))
        producers = HubProducer.objects.filter(group_id=distribution.group_id).values("producer_id")
        variants = {
            v.pk: v
            for v in Variant.objects.filter(
                pk__in=list(prices),
                active=True,
                product__active=True,
                product__producer_id__in=producers,
            ).select_related("product")
        }
        if len(variants) != len(prices):
            raise ValidationError(
                _("Only products on sale from the hub's producers can be offered.")
            )
        current = {o.variant_id: o for o in distribution.offers.all()}
        before = {vid: o.price for vid, o in current.items()}
        for variant_id, offer in current.items():
            if variant_id not in prices:
                if offer.order_lines.exists():
                    raise ValidationError(
                        _("%(product)s was already ordered: it stays on offer.")
                        % {"product": offer.variant}
                    )
                offer.delete()
        offers = []
        for variant_id, price in prices.items():
            price = variants[variant_id].price if price is None else price
            if price < 0:
                raise ValidationError(_("A price cannot be negative."))
            offer = current.get(variant_id) or Offer(
                distribution=distribution, variant=variants[variant_id]
            )
            if offer.pk and offer.price != price and offer.order_lines.exists():
                # Buyers of one distribution pay one price, and weighed lines are
                # priced per kg from the offer when they are weighed.
                raise ValidationError(
                    _("%(product)s was already ordered: its price stays %(price)s.")
                    % {
                        "product": offer.variant,
                        "price": format_money(Money(offer.price, distribution.currency)),
                    }
                )
            offer.price = price
            offer.save()
            offers.append(offer)
        event_record(
            actor=acting_user,
            verb="shortcircuit.offers_set",
            target=distribution,
            before=before,
            after={o.variant_id: o.price for o in offers},
        )
    return offers


REFUSALS = {
    DistributionStatus.SETTLED: gettext_lazy(
        "A distribution is settled from its settlement page, once its orders are paid out."
    ),
}


def distribution_transition(
    *, distribution: Distribution, to: str, acting_user: Any
) -> Distribution:
    """Move `distribution` to the status `to` when the table allows it and the
    distribution is ready for it; tell the members when it opens."""
    with transaction.atomic():
        distribution = lock_objects(Distribution, distribution.pk)
        current = distribution.status
        if to == DistributionStatus.SETTLED:
            raise ValidationError(str(REFUSALS[DistributionStatus.SETTLED]))
        if to not in DISTRIBUTION_TRANSITIONS.get(current, frozenset()):
            raise ValidationError(
                _("A distribution cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": DistributionStatus(current).label,
                    "to": DistributionStatus(to).label if to in DistributionStatus.values else to,
                }
            )
        if to == DistributionStatus.OPEN:
            _check_can_open(distribution)
        distribution.status = to
        distribution.save(update_fields=["status", "updated_at"])
        event_record(
            actor=acting_user,
            verb="shortcircuit.distribution_transition",
            target=distribution,
            before={"status": current},
            after={"status": to},
        )
        if to == DistributionStatus.OPEN:
            transaction.on_commit(lambda: _announce_opening(distribution, acting_user))
    return distribution


def _check_can_open(distribution: Distribution) -> None:
    if distribution.closes_at <= timezone.now():
        raise ValidationError(
            _("Its closing time has passed: move the closing time later before opening it.")
        )
    if not distribution.slots.exists():
        raise ValidationError(_("Add at least one pickup slot before opening it."))
    if not distribution.offers.exists():
        raise ValidationError(_("Offer at least one product before opening it."))


def _announce_opening(distribution: Distribution, acting_user: Any) -> None:
    from coops.notifications.services import notify

    members = Membership.objects.active().filter(group_id=distribution.group_id)
    group = distribution.group
    closes = timezone.localtime(distribution.closes_at, group.zone)
    notify(
        recipients=members.values_list("user_id", flat=True),
        kind=kinds.DISTRIBUTION_NEWS,
        title=lambda user: _("Orders are open: %(title)s") % {"title": distribution.title},
        body=lambda user: (
            _("Order before %(closes)s.") % {"closes": date_format(closes, "SHORT_DATETIME_FORMAT")}
        ),
        url=reverse("groups:shortcircuit:index", kwargs={"slug": group.slug}),
        group=group,
        actor=acting_user,
    )


def distributions_open_close_due(*, now: datetime | None = None) -> int:
    """Close the open distributions whose closing time has passed (orders check the
    time themselves; this keeps the statuses true). Returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    due = Distribution.objects.filter(status=DistributionStatus.OPEN, closes_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            updated = Distribution.objects.filter(
                pk=pk, status=DistributionStatus.OPEN, closes_at__lte=now
            ).update(status=DistributionStatus.CLOSED, updated_at=now)
            if updated:
                event_record(
                    actor=None,
                    verb="shortcircuit.distribution_transition",
                    target=Distribution.objects.get(pk=pk),
                    before={"status": DistributionStatus.OPEN},
                    after={"status": DistributionStatus.CLOSED, "automatic": True},
                )
                closed += 1
    return closed
