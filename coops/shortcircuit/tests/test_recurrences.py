"""Recurring distributions: generation ahead, idempotence, local times across the end of
summer time, offers copied from the previous distribution, shifts; saving rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr

from ..models import Distribution, Offer, Recurrence, Shift
from ..services.recurrences import (
    delivery_dates,
    recurrence_deactivate,
    recurrence_save,
    recurrences_generate,
)
from .factories import PickupPointFactory, VariantFactory, hub

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return MembershipFactory(group=hub(), role=Role.ORGANISER).user


def tuesdays(organiser, **fields):
    group = organiser.memberships.get().group
    defaults = {
        "title": "Panier du mardi",
        "weekday": 1,
        "start_time": time(18),
        "end_time": time(19, 30),
        "opens_days_before": 7,
        "closes_hours_before": 72,
        "weeks_ahead": 2,
        "volunteers_needed": 3,
        "starts_on": date(2027, 10, 1),
    }
    return recurrence_save(
        group=group,
        acting_user=organiser,
        pickup_point=PickupPointFactory(group=group),
        **(defaults | fields),
    )


def test_generation_is_in_local_time_across_the_end_of_summer_time(organiser):
    recurrence = tuesdays(organiser)
    assert recurrences_generate(today=date(2027, 10, 20)) == 2
    rows = [
        (
            d.delivery_date,
            d.status,
            d.opens_at.astimezone(UTC),
            d.closes_at.astimezone(UTC),
            d.slots.get().starts_at.astimezone(UTC),
        )
        for d in Distribution.objects.filter(recurrence=recurrence).order_by("delivery_date")
    ]
    assert rows == [
        (  # summer time (UTC+2): 18:00 local is 16:00 UTC
            date(2027, 10, 26),
            "open",
            datetime(2027, 10, 19, 6, tzinfo=UTC),
            datetime(2027, 10, 23, 16, tzinfo=UTC),
            datetime(2027, 10, 26, 16, tzinfo=UTC),
        ),
        (  # winter time (UTC+1) from 31 October: 18:00 local is 17:00 UTC
            date(2027, 11, 2),
            "open",
            datetime(2027, 10, 26, 6, tzinfo=UTC),
            datetime(2027, 10, 30, 17, tzinfo=UTC),  # 72 elapsed hours before
            datetime(2027, 11, 2, 17, tzinfo=UTC),
        ),
    ]


def test_generating_again_creates_nothing(organiser):
    recurrence = tuesdays(organiser)
    assert recurrences_generate(today=date(2027, 10, 20)) == 2
    assert recurrences_generate(today=date(2027, 10, 20)) == 0
    assert recurrences_generate(today=date(2027, 10, 27)) == 1  # one more week comes in view
    assert list(
        Distribution.objects.filter(recurrence=recurrence)
        .order_by("delivery_date")
        .values_list("delivery_date", flat=True)
    ) == [date(2027, 10, 26), date(2027, 11, 2), date(2027, 11, 9)]


def test_offers_are_copied_from_the_previous_distribution_and_shifts_created(organiser):
    recurrence = tuesdays(organiser, weeks_ahead=1)
    recurrences_generate(today=date(2027, 10, 20))
    first = Distribution.objects.get(recurrence=recurrence)
    kept = VariantFactory()
    dropped = VariantFactory()
    dropped.product.active = False
    dropped.product.save()
    from ..models import HubProducer

    for variant in (kept, dropped):
        HubProducer.objects.get_or_create(group=first.group, producer=variant.product.producer)
        Offer.objects.create(distribution=first, variant=variant, price=Decimal("2.50"))
    recurrences_generate(today=date(2027, 10, 27))
    second = Distribution.objects.get(recurrence=recurrence, delivery_date=date(2027, 11, 2))
    assert list(second.offers.values_list("variant_id", "price")) == [(kept.pk, Decimal("2.50"))]
    shift = Shift.objects.get(distribution=second)
    assert (shift.needed, shift.starts_at, shift.ends_at) == (
        3,
        datetime(2027, 11, 2, 17, tzinfo=UTC),
        datetime(2027, 11, 2, 18, 30, tzinfo=UTC),
    )


def test_stopped_recurrences_and_ended_ones_generate_nothing(organiser):
    stopped = tuesdays(organiser)
    recurrence_deactivate(recurrence=stopped, acting_user=organiser)
    ended = tuesdays(organiser, title="Fin", ends_on=date(2027, 10, 25))
    assert recurrences_generate(today=date(2027, 10, 20)) == 0
    assert not Distribution.objects.filter(recurrence__in=[stopped, ended]).exists()
    with pytest.raises(ValidationError):
        recurrence_deactivate(recurrence=stopped, acting_user=organiser)


def test_delivery_dates_fall_on_the_weekday():
    recurrence = Recurrence(weekday=3, weeks_ahead=3, starts_on=date(2027, 1, 1))
    assert delivery_dates(recurrence, date(2027, 3, 1)) == [
        date(2027, 3, 4),
        date(2027, 3, 11),
        date(2027, 3, 18),
    ]


def test_an_empty_order_window_is_refused(organiser):
    with pytest.raises(ValidationError) as caught:
        tuesdays(organiser, opens_days_before=1, closes_hours_before=48)
    assert caught.value.messages == [
        fr("Orders would close before they open: open them earlier or close them later.")
    ]
    assert not Recurrence.objects.exists()
