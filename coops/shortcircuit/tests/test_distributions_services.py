"""Distribution services: the one transition function over its table, readiness to
open, reopening, notifications after commit, saving with slots, offers, auto-closing."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coops.core.models import Event
from coops.core.money import Money, format_money
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from ..kinds import DISTRIBUTION_NEWS
from ..models import DISTRIBUTION_TRANSITIONS, Distribution, DistributionStatus, Offer
from ..services.distributions import (
    SlotSpec,
    distribution_save,
    distribution_transition,
    distributions_open_close_due,
    offers_set,
)
from .factories import (
    DistributionFactory,
    PickupPointFactory,
    VariantFactory,
    hub,
    local_at,
    offer,
    place,
)

pytestmark = pytest.mark.django_db

STATUSES = list(DistributionStatus.values)


@pytest.fixture
def organiser():
    return MembershipFactory(group=hub(), role=Role.ORGANISER)


def ready(group, status):
    distribution = DistributionFactory(group=group, status=status)
    offer(distribution)
    return distribution


@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("to", STATUSES)
def test_transitions_follow_the_table(organiser, start, to):
    distribution = ready(organiser.group, start)
    allowed = to in DISTRIBUTION_TRANSITIONS[start] and to != DistributionStatus.SETTLED
    events = Event.objects.count()
    if allowed:
        distribution_transition(distribution=distribution, to=to, acting_user=organiser.user)
        assert Distribution.objects.get(pk=distribution.pk).status == to
        event = Event.objects.latest("pk")
        assert (event.verb, event.data) == (
            "shortcircuit.distribution_transition",
            {"before": {"status": start}, "after": {"status": to}},
        )
        return
    with pytest.raises(ValidationError):
        distribution_transition(distribution=distribution, to=to, acting_user=organiser.user)
    assert Distribution.objects.get(pk=distribution.pk).status == start
    assert Event.objects.count() == events


def test_settling_is_left_to_the_settlement(organiser):
    distribution = ready(organiser.group, DistributionStatus.DELIVERED)
    with pytest.raises(ValidationError) as caught:
        distribution_transition(
            distribution=distribution, to=DistributionStatus.SETTLED, acting_user=organiser.user
        )
    assert caught.value.messages == [
        fr("A distribution is settled from its settlement page, once its orders are paid out.")
    ]


def test_opening_needs_a_slot_and_an_offer(organiser):
    draft = DistributionFactory(group=organiser.group, status="draft", slot=False)
    with pytest.raises(ValidationError) as caught:
        distribution_transition(distribution=draft, to="open", acting_user=organiser.user)
    assert caught.value.messages == [fr("Add at least one pickup slot before opening it.")]
    draft = DistributionFactory(group=organiser.group, status="draft")
    with pytest.raises(ValidationError) as caught:
        distribution_transition(distribution=draft, to="open", acting_user=organiser.user)
    assert caught.value.messages == [fr("Offer at least one product before opening it.")]
    assert Distribution.objects.get(pk=draft.pk).status == "draft"


def test_reopening_only_while_the_closing_time_is_ahead(organiser):
    closed = ready(organiser.group, DistributionStatus.CLOSED)
    Distribution.objects.filter(pk=closed.pk).update(
        opens_at=local_at(-5, 9), closes_at=local_at(-1, 12)
    )
    with pytest.raises(ValidationError) as caught:
        distribution_transition(distribution=closed, to="open", acting_user=organiser.user)
    assert caught.value.messages == [
        fr("Its closing time has passed: move the closing time later before opening it.")
    ]
    assert Distribution.objects.get(pk=closed.pk).status == "closed"


def test_opening_tells_the_members_after_commit(organiser, django_capture_on_commit_callbacks):
    member = MembershipFactory(group=organiser.group).user
    MembershipFactory(group=organiser.group, status="left")
    draft = ready(organiser.group, DistributionStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        distribution_transition(distribution=draft, to="open", acting_user=organiser.user)
    assert Notification.objects.count() == 0
    for callback in callbacks:
        callback()
    notes = list(Notification.objects.filter(kind=DISTRIBUTION_NEWS))
    assert [n.recipient for n in notes] == [member]
    assert notes[0].title == fr("Orders are open: %(title)s", title=draft.title)


def test_saving_a_distribution_with_its_slots(organiser):
    group = organiser.group
    hall, farm = PickupPointFactory(group=group), PickupPointFactory(group=group)
    day = local_at(5, 0).date()
    distribution = distribution_save(
        group=group,
        acting_user=organiser.user,
        title="Marché de printemps",
        opens_at=local_at(0, 8),
        closes_at=local_at(3, 20),
        delivery_date=day,
        hub_fee_percent=Decimal("5"),
        slots=[SlotSpec(hall, time(18), time(19, 30)), SlotSpec(farm, time(10), time(12))],
    )
    assert distribution.status == "draft"
    slots = [
        (s.pickup_point, timezone.localtime(s.starts_at, group.zone).strftime("%Y-%m-%d %H:%M"))
        for s in distribution.slots.order_by("starts_at")
    ]
    assert slots == [(farm, f"{day} 10:00"), (hall, f"{day} 18:00")]
    distribution_save(
        group=group,
        acting_user=organiser.user,
        distribution=distribution,
        title="Marché de printemps",
        opens_at=local_at(0, 8),
        closes_at=local_at(3, 20),
        delivery_date=day,
        slots=[SlotSpec(hall, time(17), time(19))],
    )
    assert [s.pickup_point for s in distribution.slots.all()] == [hall]


def test_a_refused_save_writes_nothing(organiser):
    group = organiser.group
    before = (Distribution.objects.count(), Event.objects.count())
    with pytest.raises(ValidationError) as caught:
        distribution_save(
            group=group,
            acting_user=organiser.user,
            title="Trop tard",
            opens_at=local_at(2, 8),
            closes_at=local_at(1, 8),
            delivery_date=local_at(3, 0).date(),
        )
    assert caught.value.messages == [fr("Orders must close after they open.")]
    with pytest.raises(ValidationError):
        distribution_save(
            group=group,
            acting_user=organiser.user,
            title="Frais excessifs",
            opens_at=local_at(0, 8),
            closes_at=local_at(1, 8),
            delivery_date=local_at(3, 0).date(),
            hub_fee_percent=Decimal("31"),
        )
    assert (Distribution.objects.count(), Event.objects.count()) == before


def test_a_slot_with_orders_stays(organiser):
    distribution = DistributionFactory(group=organiser.group)
    sale = offer(distribution)
    place(distribution, MembershipFactory(group=organiser.group).user, {sale: 1})
    with pytest.raises(ValidationError):
        distribution_save(
            group=organiser.group,
            acting_user=organiser.user,
            distribution=distribution,
            title=distribution.title,
            opens_at=distribution.opens_at,
            closes_at=distribution.closes_at,
            delivery_date=distribution.delivery_date,
            slots=[],
        )
    assert distribution.slots.count() == 1


def test_offers_come_from_the_hubs_producers(organiser):
    distribution = DistributionFactory(group=organiser.group, status="draft")
    mine = offer(distribution).variant  # its producer joins the hub
    another = VariantFactory(product__producer=mine.product.producer, price=Decimal("2.00"))
    stranger = VariantFactory()
    offers_set(
        distribution=distribution,
        prices={mine.pk: Decimal("4.10"), another.pk: None},
        acting_user=organiser.user,
    )
    assert sorted(distribution.offers.values_list("variant_id", "price")) == sorted(
        [(mine.pk, Decimal("4.10")), (another.pk, Decimal("2.00"))]
    )
    with pytest.raises(ValidationError) as caught:
        offers_set(
            distribution=distribution, prices={stranger.pk: None}, acting_user=organiser.user
        )
    assert caught.value.messages == [
        fr("Only products on sale from the hub's producers can be offered.")
    ]
    assert Offer.objects.filter(distribution=distribution).count() == 2


def test_an_ordered_offer_keeps_its_price(organiser):
    distribution = DistributionFactory(group=organiser.group)
    ordered = offer(distribution, price=Decimal("3.20"))
    place(distribution, MembershipFactory(group=organiser.group).user, {ordered: 1})
    with pytest.raises(ValidationError) as caught:
        offers_set(
            distribution=distribution,
            prices={ordered.variant_id: Decimal("3.50")},
            acting_user=organiser.user,
        )
    assert caught.value.messages == [
        fr(
            "%(product)s was already ordered: its price stays %(price)s.",
            product=str(ordered.variant),
            price=format_money(Money(Decimal("3.20"), "EUR")),
        )
    ]
    ordered.refresh_from_db()
    assert ordered.price == Decimal("3.20")


def test_due_distributions_close_once():
    group = hub()
    due = DistributionFactory(group=group)
    Distribution.objects.filter(pk=due.pk).update(
        opens_at=local_at(-3, 9), closes_at=timezone.now() - timedelta(minutes=1)
    )
    running = DistributionFactory(group=group)
    assert distributions_open_close_due() == 1
    assert distributions_open_close_due() == 0
    assert Distribution.objects.get(pk=due.pk).status == "closed"
    assert Distribution.objects.get(pk=running.pk).status == "open"
    event = Event.objects.get(verb="shortcircuit.distribution_transition")
    assert event.data["after"] == {"status": "closed", "automatic": True}
