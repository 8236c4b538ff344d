"""Season contracts: organisers define them, deliveries are linked to distributions,
and each delivery's orders are generated from the subscriptions.

Guarantees:
- a contract's deliveries are the weekly dates on its weekday between its first and
  last delivery, minus the dates the organiser leaves out (holidays); a delivery whose
  orders were generated is never removed, and removing dates re-plans the
  subscribers' instalments;
- an option sells a catalog variant of the contract's producer; when the organiser
  picks none, a made-to-order variant named after the option is created under the
  producer's "Panier" product for this contract (one product per contract);
  an option with subscribers keeps its price and is never deleted;
- status moves draft → open → closed only (`CONTRACT_TRANSITIONS`); closed stops
  subscriptions, deliveries go on;
- a delivery is linked to the group's distribution of that date with a slot at the
  contract's pickup point; when there is none, one is created: open, titled after the
  contract, one slot at the pickup point (its opening hours that weekday, else
  18:00–19:30), taking changes until 48 hours before the slot;
- generating a delivery's orders is idempotent: one placed order per subscription and
  distribution (database constraint) and `orders_generated_at` under the delivery's
  row lock. Each active subscription taken by then and not absent gets an order
  ("contract" payment) whose buyer is whoever collects that week, with one line per
  option at the option's price, no hub fee; stocked variants are taken with a
  conditional UPDATE, and a shortage refuses the whole delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from ..models import (
    Absence,
    Contract,
    ContractDelivery,
    ContractKind,
    ContractOption,
    ContractStatus,
    Distribution,
    DistributionSlot,
    DistributionStatus,
    Order,
    OrderLine,
    OrderPayment,
    OrderStatus,
    PickupPoint,
    Product,
    Subscription,
    SubscriptionStatus,
    Unit,
    Variant,
)
from ..pricing import cents
from ._base import lock_objects
from .orders import _take_stock, stock_give_back
from .subscriptions import (
    collector_id,
    distribution_accepts_changes,
    subscription_replan,
    subscription_start,
)

logger = logging.getLogger(__name__)

CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.OPEN}),
    ContractStatus.OPEN: frozenset({ContractStatus.CLOSED}),
    ContractStatus.CLOSED: frozenset(),
}
BASKET_PRODUCT = "Panier"
TICK_DAYS = 7
CHANGES_CLOSE_HOURS = 48


def weekly_dates(starts_on: date, ends_on: date, weekday: int) -> list[date]:
    """Every date on `weekday` (Monday = 0) from `starts_on` to `ends_on` included."""
    first = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(max(0, (ends_on - first).days // 7 + 1))]


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    price_per_delivery: Decimal
    description: str = ""
    variant: Variant | None = None
    pk: int | None = None
    delete: bool = False


def _check_producer(group, producer) -> None:
    from coops.directory.models import ActorStatus

    hub = producer.hubs.filter(group=group).exists()
    if not hub and producer.status != ActorStatus.PUBLISHED:
        raise ValidationError(
            _("Choose one of the hub’s producers or a published producer."), code="producer"
        )


def _basket_variant(contract: Contract, spec: OptionSpec) -> Variant:
    product, _created = Product.objects.get_or_create(
        producer=contract.producer,
        source="shortcircuit.contract",
        source_id=str(contract.pk),
        defaults={
            "name": BASKET_PRODUCT,
            "description": contract.title,
            "search_text": BASKET_PRODUCT.lower(),
        },
    )
    return Variant.objects.create(
        product=product, name=spec.name, unit=Unit.PIECE, price=spec.price_per_delivery, stock=None
    )


def _save_options(contract: Contract, specs: Iterable[OptionSpec]) -> None:
    existing = {o.pk: o for o in contract.options.all()}
    subscribed = set(
        Subscription.objects.filter(contract=contract).values_list("option_id", flat=True)
    )
    kept = []
    for position, spec in enumerate(specs):
        option = existing.get(spec.pk) if spec.pk else None
        if spec.pk and option is None:
            raise ValidationError(_("Choose one of this contract’s options."), code="options")
        if option is not None and option.pk in subscribed:
            if spec.delete:
                raise ValidationError(
                    _("The option %(name)s has subscribers: it cannot be removed.")
                    % {"name": option.name},
                    code="options",
                )
            if cents(spec.price_per_delivery) != option.price_per_delivery:
                raise ValidationError(
                    _("The option %(name)s has subscribers: its price cannot change.")
                    % {"name": option.name},
                    code="options",
                )
        if spec.delete:
            if option is not None:
                option.delete()
            continue
        option = option or ContractOption(contract=contract)
        variant = spec.variant
        if variant is not None and variant.product.producer_id != contract.producer_id:
            raise ValidationError(
                _("The option %(name)s must sell a product of the contract’s producer.")
                % {"name": spec.name},
                code="options",
            )
        if variant is None and option.variant_id is not None:
            variant = option.variant
            if variant.product.producer_id != contract.producer_id:
                variant = None
        option.name, option.description = spec.name, spec.description
        option.price_per_delivery, option.position = spec.price_per_delivery, position
        option.variant = variant or _basket_variant(contract, spec)
        option.full_clean(exclude=["contract"])
        try:
            with transaction.atomic():
                option.save()
        except IntegrityError as exc:
            raise ValidationError(
                _("Two options are named %(name)s.") % {"name": spec.name}, code="options"
            ) from exc
        kept.append(option)
    if not kept:
        raise ValidationError(_("A contract has at least one option."), code="options")
    if len({o.variant_id for o in kept}) != len(kept):
        raise ValidationError(_("Each option sells its own product."), code="options")


def _save_deliveries(contract: Contract, dates: set[date]) -> bool:
    """Make the contract's deliveries exactly `dates`. Returns whether any changed."""
    existing = {d.date: d for d in contract.deliveries.all()}
    removed = [d for day, d in existing.items() if day not in dates]
    for delivery in removed:
        if delivery.orders_generated_at is not None:
            raise ValidationError(
                _("The orders of %(date)s are already prepared: this delivery stays.")
                % {"date": delivery.date.isoformat()},
                code="dates",
            )
    ContractDelivery.objects.filter(pk__in=[d.pk for d in removed]).delete()
    ContractDelivery.objects.bulk_create(
        ContractDelivery(contract=contract, date=day) for day in sorted(dates - existing.keys())
    )
    return bool(removed) or bool(dates - existing.keys())


def contract_save(
    *,
    group,
    acting_user: Any,
    producer,
    title: str,
    kind: str,
    starts_on: date,
    ends_on: date,
    weekday: int,
    pickup_point: PickupPoint,
    options: Iterable[OptionSpec],
    contract: Contract | None = None,
    description: str = "",
    minimum_per_delivery: Decimal | None = None,
    skipped: Iterable[date] = (),
    max_absences: int = 2,
    absence_notice_days: int = 7,
    allow_co_subscribers: bool = True,
    instalment_choices: Iterable[int] = (1,),
) -> Contract:
    """Create or change a contract with its options and delivery dates."""
    if pickup_point.group_id != group.pk:
        raise ValidationError(_("Choose one of the group’s pickup points."), code="pickup_point")
    _check_producer(group, producer)
    if ends_on < starts_on:
        raise ValidationError(_("The last delivery comes after the first."), code="ends_on")
    choices = sorted(set(instalment_choices))
    if not choices or any(not 1 <= n <= 12 for n in choices):
        raise ValidationError(
            _("Payment plans are between 1 and 12 instalments."), code="instalment_choices"
        )
    if kind == ContractKind.VARIABLE and minimum_per_delivery is None:
        raise ValidationError(
            _("A variable contract states its minimum per delivery."), code="minimum_per_delivery"
        )
    dates = set(weekly_dates(starts_on, ends_on, weekday)) - set(skipped)
    if not dates:
        raise ValidationError(_("This season has no delivery date."), code="dates")
    with transaction.atomic():
        before = None
        if contract is None:
            contract = Contract(group=group, created_by=acting_user)
        else:
            contract = lock_objects(Contract, contract.pk)
            before = {"title": contract.title, "status": contract.status}
            has_subscribers = contract.subscriptions.exists()
            if has_subscribers and (kind != contract.kind or producer.pk != contract.producer_id):
                raise ValidationError(
                    _("This contract has subscribers: its producer and kind stay."), code="kind"
                )
        contract.producer, contract.title, contract.description = producer, title, description
        contract.kind, contract.starts_on, contract.ends_on = kind, starts_on, ends_on
        contract.pickup_point = pickup_point
        contract.minimum_per_delivery = (
            minimum_per_delivery if kind == ContractKind.VARIABLE else None
        )
        contract.max_absences, contract.absence_notice_days = max_absences, absence_notice_days
        contract.allow_co_subscribers, contract.instalment_choices = allow_co_subscribers, choices
        contract.full_clean(exclude=["group", "created_by"])
        contract.save()
        _save_options(contract, options)
        if _save_deliveries(contract, dates):
            for subscription in contract.subscriptions.filter(status=SubscriptionStatus.ACTIVE):
                subscription_replan(subscription)
        event_record(
            actor=acting_user,
            verb="shortcircuit.contract_saved",
            target=contract,
            before=before,
            after={"title": title, "deliveries": len(dates)},
        )
    return contract


def contract_transition(*, contract: Contract, status: str, acting_user: Any) -> Contract:
    """Move a contract along draft → open → closed."""
    with transaction.atomic():
        contract = lock_objects(Contract, contract.pk)
        if status not in CONTRACT_TRANSITIONS.get(contract.status, frozenset()):
            raise ValidationError(_("This contract cannot move to that status."))
        before = contract.status
        contract.status = status
        contract.save(update_fields=["status", "updated_at"])
        event_record(
            actor=acting_user,
            verb="shortcircuit.contract_status",
            target=contract,
            before={"status": before},
            after={"status": status},
        )
    return contract


# ---------------------------------------------------------------- distributions


def _slot_times(point: PickupPoint, day: date, zone) -> tuple[datetime, datetime]:
    start, end = time(18), time(19, 30)
    for slot in point.opening_slots or []:
        if slot.get("weekday") == day.weekday():
            try:
                start, end = time.fromisoformat(slot["start"]), time.fromisoformat(slot["end"])
            except (KeyError, TypeError, ValueError):
                continue
            break
    return datetime.combine(day, start, tzinfo=zone), datetime.combine(day, end, tzinfo=zone)


def _distribution_for(contract: Contract, day: date, acting_user: Any) -> Distribution:
    found = (
        Distribution.objects.filter(
            group=contract.group,
            delivery_date=day,
            slots__pickup_point=contract.pickup_point,
        )
        .exclude(status=DistributionStatus.SETTLED)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    starts_at, ends_at = _slot_times(contract.pickup_point, day, contract.group.zone)
    closes_at = starts_at - timedelta(hours=CHANGES_CLOSE_HOURS)
    opens_at = min(timezone.now(), closes_at - timedelta(hours=1))
    distribution = Distribution.objects.create(
        group=contract.group,
        title=contract.title,
        opens_at=opens_at,
        closes_at=closes_at,
        delivery_date=day,
        status=DistributionStatus.OPEN,
        currency=contract.currency,
        created_by=acting_user,
    )
    DistributionSlot.objects.create(
        distribution=distribution,
        pickup_point=contract.pickup_point,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    event_record(actor=acting_user, verb="shortcircuit.distribution_created", target=distribution)
    return distribution


def contract_deliveries_link(
    *, contract: Contract, until: date | None = None, acting_user: Any = None
) -> int:
    """Link the contract's unlinked deliveries (up to `until`) to the group's
    distribution of that date at its pickup point, creating it when none exists.
    Returns how many deliveries were linked."""
    linked = 0
    with transaction.atomic():
        deliveries = contract.deliveries.filter(distribution__isnull=True)
        if until is not None:
            deliveries = deliveries.filter(date__lte=until)
        for delivery in deliveries.select_for_update():
            delivery.distribution = _distribution_for(contract, delivery.date, acting_user)
            delivery.save(update_fields=["distribution"])
            linked += 1
    return linked


# ---------------------------------------------------------------- orders


def _lines(subscription: Subscription, delivery: ContractDelivery) -> list[tuple[Any, int]]:
    choices = [(c.option, c.quantity) for c in subscription.choices.filter(delivery=delivery)]
    return choices or [(subscription.option, subscription.quantity)]


def _write_order(
    subscription: Subscription, delivery: ContractDelivery, index: int, slot
) -> Order | None:
    order = Order(
        distribution=delivery.distribution,
        buyer_id=collector_id(subscription, index),
        slot=slot,
        payment=OrderPayment.CONTRACT,
        subscription=subscription,
        note=subscription.contract.title[:255],
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        return None  # already generated for this subscription
    rows, total = [], Decimal("0")
    for option, quantity in _lines(subscription, delivery):
        variant = Variant.objects.select_related("product").filter(pk=option.variant_id).get()
        _take_stock(variant, Decimal(quantity))
        line_total = cents(option.price_per_delivery * quantity)
        rows.append(
            OrderLine(
                order=order,
                variant=variant,
                producer_id=variant.product.producer_id,
                product_name=variant.product.name,
                variant_name=variant.name,
                unit=variant.unit,
                unit_size=variant.unit_size,
                quantity=Decimal(quantity),
                unit_price=option.price_per_delivery,
                unit_fee=Decimal("0"),
                vat_rate=variant.vat_rate,
                total=line_total,
            )
        )
        total += line_total
    OrderLine.objects.bulk_create(rows)
    order.total = total
    order.save(update_fields=["total"])
    return order


def _slot(contract: Contract, distribution: Distribution):
    slot = distribution.slots.filter(pickup_point=contract.pickup_point).first()
    if slot is None:
        raise ValidationError(
            _("The distribution of %(date)s has no slot at %(point)s.")
            % {"date": distribution.delivery_date.isoformat(), "point": contract.pickup_point}
        )
    return slot


def _season_index(delivery: ContractDelivery) -> int:
    return delivery.contract.deliveries.filter(date__lt=delivery.date).count()


def contract_orders_generate(*, delivery: ContractDelivery, acting_user: Any) -> list[Order]:
    """Generate the orders of one delivery (idempotent: a second call returns [])."""
    contract = delivery.contract
    if contract.status == ContractStatus.DRAFT:
        raise ValidationError(_("A draft contract has no orders."))
    contract_deliveries_link(contract=contract, until=delivery.date, acting_user=acting_user)
    with transaction.atomic():
        delivery = lock_objects(ContractDelivery, delivery.pk)
        if delivery.orders_generated_at is not None:
            return []
        slot = _slot(contract, delivery.distribution)
        index = _season_index(delivery)
        absent = Absence.objects.filter(delivery=delivery).values("subscription_id")
        subscriptions = (
            contract.subscriptions.filter(status=SubscriptionStatus.ACTIVE)
            .exclude(pk__in=absent)
            .select_related("option", "contract__group")
            .order_by("pk")
        )
        orders = []
        for subscription in subscriptions:
            if subscription_start(subscription) > delivery.date:
                continue
            order = _write_order(subscription, delivery, index, slot)
            if order is not None:
                orders.append(order)
        delivery.orders_generated_at = timezone.now()
        delivery.save(update_fields=["orders_generated_at"])
        event_record(
            actor=acting_user,
            verb="shortcircuit.contract_orders_generated",
            target=delivery,
            after={"orders": len(orders), "distribution": delivery.distribution_id},
        )
    return orders


def subscription_order_generate(
    *, subscription: Subscription, delivery: ContractDelivery
) -> Order | None:
    """One subscription's order at an already generated delivery (an absence withdrawn
    afterwards), while its distribution still accepts changes."""
    if not distribution_accepts_changes(delivery.distribution):
        raise ValidationError(
            _("The orders of %(date)s are closed: this date is locked.")
            % {"date": delivery.date.isoformat()},
            code="absences",
        )
    slot = _slot(subscription.contract, delivery.distribution)
    return _write_order(subscription, delivery, _season_index(delivery), slot)


def subscription_order_withdraw(*, subscription: Subscription, delivery: ContractDelivery) -> None:
    """Cancel the subscription's generated order at `delivery` (an absence declared
    after generation), while its distribution still accepts changes."""
    if delivery.orders_generated_at is None:
        return
    order = (
        Order.objects.select_for_update()
        .filter(
            subscription=subscription,
            distribution=delivery.distribution_id,
            status=OrderStatus.PLACED,
        )
        .first()
    )
    if order is None:
        return
    if not distribution_accepts_changes(delivery.distribution):
        raise ValidationError(
            _("The orders of %(date)s are closed: this date is locked.")
            % {"date": delivery.date.isoformat()},
            code="absences",
        )
    stock_give_back(order)
    order.status = OrderStatus.CANCELLED
    order.save(update_fields=["status", "updated_at"])


def contracts_tick(*, today: date | None = None) -> int:
    """Generate the orders of every open or closed contract's deliveries within the
    next seven days. Returns how many deliveries were generated; a delivery refused
    (out of stock, no slot) is logged and retried at the next tick."""
    today = today or timezone.localdate()
    due = ContractDelivery.objects.filter(
        orders_generated_at__isnull=True,
        date__gte=today,
        date__lte=today + timedelta(days=TICK_DAYS),
        contract__status__in=[ContractStatus.OPEN, ContractStatus.CLOSED],
    ).select_related("contract__group", "contract__pickup_point")
    done = 0
    for delivery in due.order_by("date", "pk"):
        try:
            contract_orders_generate(delivery=delivery, acting_user=None)
        except ValidationError as exc:
            logger.warning("contract delivery %s not generated: %s", delivery.pk, exc.messages)
            continue
        done += 1
    return done
