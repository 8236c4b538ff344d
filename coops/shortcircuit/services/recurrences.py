"""Recurring distributions ("every Thursday 18:00–19:30 at the village hall").

Generation rule (one decision, kept here): for each delivery date of an active
recurrence from today up to `weeks_ahead` weeks, a distribution is created *open*, with

- its pickup slot at the recurrence's point, from `start_time` to `end_time` local time;
- orders opening at 08:00 local time, `opens_days_before` days before the delivery date;
- orders closing `closes_hours_before` hours (elapsed time) before the slot starts;
- the offers of the recurrence's previous distribution still on sale, at their prices;
- one volunteer shift over the slot, needing `volunteers_needed` people (none when 0).

Local times are read in the group's zone, so "18:00" stays 18:00 across daylight-saving
changes. A date whose orders would already be closed is skipped. Generating twice
creates nothing more: the (recurrence, delivery_date) unique constraint holds it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from ..models import (
    Distribution,
    DistributionSlot,
    DistributionStatus,
    HubProducer,
    Offer,
    PickupPoint,
    Recurrence,
    Shift,
)

OPENING_TIME = time(8, 0)

FIELDS = (
    "title",
    "weekday",
    "start_time",
    "end_time",
    "opens_days_before",
    "closes_hours_before",
    "weeks_ahead",
    "hub_fee_percent",
    "hub_fee_per_item",
    "volunteers_needed",
    "starts_on",
    "ends_on",
    "active",
)


def recurrence_window(recurrence: Recurrence, day: date, zone) -> tuple[datetime, datetime]:
    """When orders open and close for the delivery on `day` (aware datetimes)."""
    opening_day = day - timedelta(days=recurrence.opens_days_before)
    opens_at = datetime.combine(opening_day, OPENING_TIME, tzinfo=zone)
    slot_start = datetime.combine(day, recurrence.start_time, tzinfo=zone)
    # Elapsed hours: aware arithmetic in one zone is wall-clock arithmetic, so go by UTC.
    before = timedelta(hours=recurrence.closes_hours_before)
    closes_at = (slot_start.astimezone(UTC) - before).astimezone(zone)
    return opens_at, closes_at


def recurrence_save(
    *,
    group: Any,
    acting_user: Any,
    pickup_point: PickupPoint,
    recurrence: Recurrence | None = None,
    **fields: Any,
) -> Recurrence:
    """Create or change a recurrence of `group`; its order window must be open for a
    while before it closes."""
    if pickup_point.group_id != group.pk or not pickup_point.active:
        raise ValidationError(
            _("Choose one of the hub's pickup points in use."), code="pickup_point"
        )
    with transaction.atomic():
        if recurrence is None:
            recurrence = Recurrence(group=group, created_by=acting_user)
            before = None
        else:
            recurrence = Recurrence.objects.select_for_update().get(pk=recurrence.pk, group=group)
            before = {f: getattr(recurrence, f) for f in FIELDS}
        for name, value in fields.items():
            if name not in FIELDS:
                raise TypeError(f"unknown recurrence field {name!r}")
            setattr(recurrence, name, value)
        recurrence.pickup_point = pickup_point
        if (
            recurrence.end_time
            and recurrence.start_time
            and recurrence.end_time <= recurrence.start_time
        ):
            raise ValidationError(_("The distribution must end after it starts."), code="end_time")
        recurrence.full_clean(exclude=["group", "created_by"])
        if recurrence.ends_on and recurrence.ends_on < recurrence.starts_on:
            raise ValidationError(_("The last date cannot come before the first."), code="ends_on")
        opens_at, closes_at = recurrence_window(recurrence, recurrence.starts_on, group.zone)
        if closes_at <= opens_at:
            raise ValidationError(
                _("Orders would close before they open: open them earlier or close them later."),
                code="closes_hours_before",
            )
        recurrence.save()
        event_record(
            actor=acting_user,
            verb="shortcircuit.recurrence_save",
            target=recurrence,
            before=before,
            after={f: getattr(recurrence, f) for f in FIELDS} | {"pickup_point": pickup_point.pk},
        )
    return recurrence


def recurrence_deactivate(*, recurrence: Recurrence, acting_user: Any) -> Recurrence:
    """Stop generating distributions; those already generated stay."""
    with transaction.atomic():
        updated = Recurrence.objects.filter(pk=recurrence.pk, active=True).update(active=False)
        if not updated:
            raise ValidationError(_("This recurring distribution is already stopped."))
        event_record(
            actor=acting_user,
            verb="shortcircuit.recurrence_deactivate",
            target=recurrence,
            before={"active": True},
            after={"active": False},
        )
    recurrence.active = False
    return recurrence


def delivery_dates(recurrence: Recurrence, today: date) -> list[date]:
    """The recurrence's delivery dates from `today` to `weeks_ahead` weeks ahead."""
    first = max(today, recurrence.starts_on)
    last = today + timedelta(weeks=recurrence.weeks_ahead)
    if recurrence.ends_on:
        last = min(last, recurrence.ends_on)
    day = first + timedelta(days=(recurrence.weekday - first.weekday()) % 7)
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(weeks=1)
    return days


def recurrences_generate(*, today: date | None = None, acting_user: Any = None) -> int:
    """Generate the missing distributions of every active recurrence (see the module's
    docstring). Returns how many were created; running it again creates none."""
    now = timezone.now()
    created = 0
    recurrences = Recurrence.objects.filter(active=True, pickup_point__active=True).select_related(
        "group", "pickup_point"
    )
    for recurrence in recurrences:
        zone = recurrence.group.zone
        local_today = today or timezone.localdate(now, timezone=zone)
        existing = set(recurrence.distributions.values_list("delivery_date", flat=True))
        for day in delivery_dates(recurrence, local_today):
            if day in existing:
                continue
            opens_at, closes_at = recurrence_window(recurrence, day, zone)
            if closes_at <= now or closes_at <= opens_at:
                continue
            if _generate_one(recurrence, day, opens_at, closes_at, acting_user):
                created += 1
    return created


def _generate_one(
    recurrence: Recurrence, day: date, opens_at: datetime, closes_at: datetime, acting_user: Any
) -> bool:
    zone = recurrence.group.zone
    previous = (
        recurrence.distributions.filter(delivery_date__lt=day).order_by("-delivery_date").first()
    )
    try:
        with transaction.atomic():
            distribution = Distribution.objects.create(
                group=recurrence.group,
                recurrence=recurrence,
                title=f"{recurrence.title} · {date_format(day, 'SHORT_DATE_FORMAT')}",
                opens_at=opens_at,
                closes_at=closes_at,
                delivery_date=day,
                status=DistributionStatus.OPEN,
                hub_fee_percent=recurrence.hub_fee_percent,
                hub_fee_per_item=recurrence.hub_fee_per_item,
                created_by=acting_user,
            )
            starts_at = datetime.combine(day, recurrence.start_time, tzinfo=zone)
            ends_at = datetime.combine(day, recurrence.end_time, tzinfo=zone)
            DistributionSlot.objects.create(
                distribution=distribution,
                pickup_point=recurrence.pickup_point,
                starts_at=starts_at,
                ends_at=ends_at,
            )
            if previous is not None:
                _copy_offers(previous, distribution)
            if recurrence.volunteers_needed:
                Shift.objects.create(
                    distribution=distribution,
                    title=_("Hand out the orders"),
                    starts_at=starts_at,
                    ends_at=ends_at,
                    needed=recurrence.volunteers_needed,
                )
            event_record(
                actor=acting_user,
                verb="shortcircuit.distribution_generate",
                target=distribution,
                after={"recurrence": recurrence.pk, "delivery_date": day},
            )
    except IntegrityError:
        # Another run generated this date first: the constraint keeps it once.
        return False
    return True


def _copy_offers(previous: Distribution, distribution: Distribution) -> None:
    producers = HubProducer.objects.filter(group_id=distribution.group_id).values("producer_id")
    offers = previous.offers.filter(
        variant__active=True,
        variant__product__active=True,
        variant__product__producer_id__in=producers,
    )
    Offer.objects.bulk_create(
        [Offer(distribution=distribution, variant_id=o.variant_id, price=o.price) for o in offers]
    )
