"""A hub's producers and pickup points.

Guarantees:
- only published producer actors join a hub, once; one leaves only while none of its
  variants is on offer in an open distribution of the hub;
- a pickup point is geocoded from its address; when the geocoder finds nothing its
  coordinates stay empty ("to_geolocate"), never 0,0;
- opening slots are weekday + start + end rows, each ending after it starts;
- a point used by a distribution or a recurrence is deactivated, never deleted.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.geocoding import geocode
from coops.directory.models import Actor, ActorStatus

from ..models import SELLER_KINDS, DistributionStatus, HubProducer, Offer, PickupPoint

COORDINATE_PLACES = Decimal("0.000001")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def hub_producer_add(*, group: Any, producer: Actor, acting_user: Any) -> HubProducer:
    """Add a published producer of the directory to the hub (once)."""
    if producer.kind not in SELLER_KINDS or producer.status != ActorStatus.PUBLISHED:
        raise ValidationError(_("Only published producers of the directory can join the hub."))
    with transaction.atomic():
        link, created = HubProducer.objects.get_or_create(
            group=group, producer=producer, defaults={"added_by": acting_user}
        )
        if not created:
            raise ValidationError(_("This producer already sells through the hub."))
        event_record(
            actor=acting_user,
            verb="shortcircuit.hub_producer_add",
            target=link,
            after={"group": group.pk, "producer": producer.pk},
        )
    return link


def hub_producer_remove(*, link: HubProducer, acting_user: Any) -> None:
    """Remove a producer from the hub, refused while it has offers in open distributions."""
    with transaction.atomic():
        on_offer = Offer.objects.filter(
            distribution__group_id=link.group_id,
            distribution__status=DistributionStatus.OPEN,
            variant__product__producer_id=link.producer_id,
        ).exists()
        if on_offer:
            raise ValidationError(
                _("This producer has products on offer in an open distribution: close it first.")
            )
        event_record(
            actor=acting_user,
            verb="shortcircuit.hub_producer_remove",
            target=link,
            before={"group": link.group_id, "producer": link.producer_id},
        )
        link.delete()


def opening_slots_clean(rows: list[dict]) -> list[dict]:
    """Check and normalise opening slots: weekday 0–6 (Monday = 0), "HH:MM" times, end
    after start; sorted by weekday then start."""
    cleaned = []
    for row in rows:
        weekday, start, end = row.get("weekday"), str(row.get("start")), str(row.get("end"))
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValidationError(_("Choose a day of the week for each opening slot."))
        if not (_TIME_RE.match(start) and _TIME_RE.match(end)):
            raise ValidationError(_("Give opening times as hours and minutes."))
        if end <= start:
            raise ValidationError(_("An opening slot must end after it starts."))
        cleaned.append({"weekday": weekday, "start": start, "end": end})
    return sorted(cleaned, key=lambda r: (r["weekday"], r["start"]))


def _geocode_point(point: PickupPoint) -> None:
    """Place the point from its address (the street when the geocoder knows streets,
    else the town); not found: "to_geolocate" with empty coordinates."""
    town = " ".join(p for p in (point.postcode, point.city) if p)
    found = geocode(f"{point.address} {town}") if point.address and town else None
    status = "address" if found and found.source == "ban" else "municipality"
    for query in (town, point.postcode, point.city):
        if found is not None:
            break
        found = geocode(query) if query else None
    if found is None or (found.lat == 0 and found.lon == 0):
        point.latitude = point.longitude = None
        point.geocode_status = "to_geolocate"
        return
    point.latitude = Decimal(str(found.lat)).quantize(COORDINATE_PLACES)
    point.longitude = Decimal(str(found.lon)).quantize(COORDINATE_PLACES)
    point.geocode_status = status


def pickup_point_save(
    *,
    group: Any,
    acting_user: Any,
    point: PickupPoint | None = None,
    name: str,
    address: str,
    postcode: str = "",
    city: str = "",
    instructions: str = "",
    opening_slots: list[dict] | None = None,
    active: bool = True,
) -> PickupPoint:
    """Create or change a pickup point of `group`, geocoded again when its address changed."""
    with transaction.atomic():
        if point is None:
            point = PickupPoint(group=group)
            before = None
        else:
            point = PickupPoint.objects.select_for_update().get(pk=point.pk, group=group)
            before = _snapshot(point)
        moved = before is None or (point.address, point.postcode, point.city) != (
            address,
            postcode,
            city,
        )
        point.name, point.address, point.postcode, point.city = name, address, postcode, city
        point.instructions, point.active = instructions, active
        point.opening_slots = opening_slots_clean(opening_slots or [])
        if moved or point.geocode_status == "to_geolocate":
            _geocode_point(point)
        if PickupPoint.objects.filter(group=group, name=name).exclude(pk=point.pk).exists():
            raise ValidationError(
                _("The hub already has a pickup point with this name."), code="name"
            )
        point.full_clean()
        point.save()
        event_record(
            actor=acting_user,
            verb="shortcircuit.pickup_point_save",
            target=point,
            before=before,
            after=_snapshot(point),
        )
    return point


def pickup_point_remove(*, point: PickupPoint, acting_user: Any) -> bool:
    """Delete a pickup point nobody used, else deactivate it. True when deleted."""
    with transaction.atomic():
        point = PickupPoint.objects.select_for_update().get(pk=point.pk)
        used = point.slots.exists() or point.recurrences.exists()
        event_record(
            actor=acting_user,
            verb="shortcircuit.pickup_point_deactivate"
            if used
            else "shortcircuit.pickup_point_delete",
            target=point,
            before=_snapshot(point),
        )
        if used:
            PickupPoint.objects.filter(pk=point.pk).update(active=False)
            return False
        point.delete()
    return True


def _snapshot(point: PickupPoint) -> dict:
    return {
        "name": point.name,
        "address": point.address,
        "postcode": point.postcode,
        "city": point.city,
        "latitude": point.latitude,
        "longitude": point.longitude,
        "geocode_status": point.geocode_status,
        "opening_slots": point.opening_slots,
        "active": point.active,
    }
