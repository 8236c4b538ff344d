"""Placing, changing and cancelling a buyer's order in a distribution.

Guarantees:
- no order is placed, changed or cancelled once the distribution stops accepting
  orders (its status is not "open" or its closing time, by the server's clock, passed);
- stock never goes negative: each line takes its quantity with one conditional
  ``UPDATE … SET stock = stock - q WHERE stock >= q``; when it matches no row the
  whole order rolls back with "no longer available" (made-to-order variants have no
  stock to take);
- changing an order gives back the old lines' stock and takes the new lines' in the
  same transaction, under the order's row lock;
- prices and fees are snapshotted on the lines, and the order's total is the sum of
  its lines' totals;
- paying from the balance is refused when the member's balance does not cover this
  order plus their other unsettled balance-paid orders in the group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.money import Money, format_money
from coops.ledger.selectors import member_account

from ..models import (
    Distribution,
    DistributionSlot,
    DistributionStatus,
    Offer,
    Order,
    OrderLine,
    OrderPayment,
    OrderStatus,
    Variant,
)
from ..pricing import line_amounts, on_step
from ._base import lock_objects


@dataclass(frozen=True, slots=True)
class Item:
    offer: Offer
    quantity: Decimal


def accepting_orders(distribution: Distribution, now=None) -> bool:
    now = now or timezone.now()
    return (
        distribution.status == DistributionStatus.OPEN
        and distribution.opens_at <= now < distribution.closes_at
    )


def check_accepting(distribution: Distribution) -> None:
    if not accepting_orders(distribution):
        if timezone.now() >= distribution.closes_at or distribution.status != "open":
            raise ValidationError(_("Orders for this distribution are closed."))
        raise ValidationError(_("Orders for this distribution are not open yet."))


# What pricing and the line snapshots read: the catalog's wide rows are not fetched.
OFFER_FIELDS = (
    "price",
    "variant_id",
    *(
        f"variant__{f}"
        for f in ("active", "step", "name", "unit", "unit_size", "vat_rate", "stock",
                  "variable_weight", "estimated_weight", "product_id")
    ),
    "variant__product__active",
    "variant__product__name",
    "variant__product__producer_id",
)  # fmt: skip


def _items(distribution: Distribution, quantities: Mapping[int, Decimal]) -> list[Item]:
    """The offers of `distribution` for the given offer ids, with valid quantities."""
    wanted = {int(pk): Decimal(q) for pk, q in quantities.items() if Decimal(q) != 0}
    offers = {
        o.pk: o
        for o in Offer.objects.filter(distribution=distribution, pk__in=wanted)
        .select_related("variant__product")
        .only(*OFFER_FIELDS)
    }
    items: list[Item] = []
    errors: list[str] = []
    for pk, quantity in wanted.items():
        offer = offers.get(pk)
        if offer is None or not offer.variant.active or not offer.variant.product.active:
            errors.append(_("A product in your cart is not on sale in this distribution."))
            continue
        variant = offer.variant
        if not on_step(quantity, variant.step):
            errors.append(
                _("%(product)s: order a positive multiple of %(step)s.")
                % {"product": str(variant), "step": number_format(variant.step.normalize())}
            )
            continue
        items.append(Item(offer=offer, quantity=quantity))
    if errors:
        raise ValidationError(errors)
    return items


def _take_stock(variant: Variant, quantity: Decimal) -> None:
    if variant.stock is None:
        return
    taken = Variant.objects.filter(pk=variant.pk, stock__isnull=False, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    if not taken:
        raise ValidationError(
            _("%(product)s is no longer available in that quantity.") % {"product": str(variant)}
        )


def stock_give_back(order: Order) -> None:
    """Put the stock an order's lines took back on sale (made-to-order lines took none)."""
    for line in order.lines.all():
        Variant.objects.filter(pk=line.variant_id, stock__isnull=False).update(
            stock=F("stock") + line.quantity
        )


def _priced_lines(distribution: Distribution, items: list[Item]) -> tuple[list[OrderLine], Decimal]:
    """The order's lines, priced and snapshotted (no database access), and their total."""
    rows = []
    total = Decimal("0")
    for item in sorted(items, key=lambda i: i.offer.variant_id):  # stable lock order
        variant = item.offer.variant
        weight = variant.estimated_weight if variant.variable_weight else None
        amounts = line_amounts(
            price=item.offer.price,
            quantity=item.quantity,
            fee_percent=distribution.hub_fee_percent,
            fee_per_item=distribution.hub_fee_per_item,
            estimated_weight=weight,
        )
        rows.append(
            OrderLine(
                variant=variant,
                offer=item.offer,
                producer_id=variant.product.producer_id,
                product_name=variant.product.name,
                variant_name=variant.name,
                unit=variant.unit,
                unit_size=variant.unit_size,
                quantity=item.quantity,
                unit_price=amounts.unit_price,
                unit_fee=amounts.unit_fee,
                vat_rate=variant.vat_rate,
                estimated_weight=weight,
                total=amounts.total,
            )
        )
        total += amounts.total
    return rows, total


def _same_buyer_twice(exc: IntegrityError) -> bool:
    """Whether the error is the one-order-per-buyer constraint (PostgreSQL names it,
    SQLite names its columns)."""
    text = str(exc)
    return "shortcircuit_order_one_per_buyer" in text or "shortcircuit_order.buyer_id" in text


def balance_available(*, group, user, currency: str, excluding: Order | None = None) -> Money:
    """The member's balance in the group's books minus what their other placed,
    unsettled, balance-paid orders already commit."""
    account = member_account(group=group, user=user, currency=currency)
    balance = account.balance if account is not None else 0
    committed = Order.objects.filter(
        distribution__group=group,
        distribution__currency=currency,
        buyer=user,
        status=OrderStatus.PLACED,
        payment=OrderPayment.BALANCE,
        settlement__isnull=True,
    )
    if excluding is not None:
        committed = committed.exclude(pk=excluding.pk)
    pending = committed.aggregate(t=Sum("total"))["t"] or Decimal("0")
    return Money.from_minor(balance, currency) - Money(pending, currency)


def _check_balance(order: Order, distribution: Distribution, user) -> None:
    if order.payment != OrderPayment.BALANCE:
        return
    available = balance_available(
        group=distribution.group, user=user, currency=distribution.currency, excluding=order
    )
    if available.amount < order.total:
        raise ValidationError(
            _(
                "Your balance covers %(available)s and this order comes to %(total)s: "
                "choose to pay on site, or top up your balance first."
            )
            % {
                "available": format_money(available),
                "total": format_money(Money(order.total, distribution.currency)),
            }
        )


def order_place(
    *,
    distribution: Distribution,
    slot: DistributionSlot,
    quantities: Mapping[int, Decimal],
    payment: str,
    acting_user: Any,
    note: str = "",
) -> Order:
    """Place the buyer's order, or replace the lines of the one they already placed in
    this distribution. `quantities` maps offer ids to quantities (0 drops a line)."""
    if slot.distribution_id != distribution.pk:
        raise ValidationError(_("Choose a pickup point of this distribution."))
    if payment not in (OrderPayment.BALANCE, OrderPayment.ON_SITE):
        raise ValidationError(_("Choose how you will pay."))
    check_accepting(distribution)
    items = _items(distribution, quantities)
    if not items:
        raise ValidationError(_("Your cart is empty."))
    if len(note) > Order._meta.get_field("note").max_length:
        raise ValidationError(_("The note is too long."))
    rows, total = _priced_lines(distribution, items)
    try:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update()
                .filter(
                    distribution=distribution,
                    buyer=acting_user,
                    status=OrderStatus.PLACED,
                    subscription__isnull=True,
                )
                .first()
            )
            before = None
            if order is None:
                order = Order(distribution=distribution, buyer=acting_user)
            else:
                before = {"total": str(order.total), "lines": order.lines.count()}
                stock_give_back(order)
                order.lines.all().delete()
            for row in rows:
                _take_stock(row.variant, row.quantity)
            order.slot, order.payment, order.note, order.total = slot, payment, note, total
            _check_balance(order, distribution, acting_user)
            order.save()  # the database checks the constraints full_clean() would query
            for row in rows:
                row.order = order
            OrderLine.objects.bulk_create(rows)
            event_record(
                actor=acting_user,
                verb="shortcircuit.order_changed" if before else "shortcircuit.order_placed",
                target=order,
                before=before,
                after={"total": str(order.total), "lines": len(rows), "payment": payment},
            )
    except IntegrityError as exc:
        if not _same_buyer_twice(exc):
            raise
        # The same buyer placing twice at once: the other request won.
        raise ValidationError(
            _("You already have an order in this distribution: change it instead.")
        ) from exc
    return order


def order_cancel(*, order: Order, acting_user: Any) -> Order:
    """Cancel a placed order before closing; its stock goes back on sale."""
    check_accepting(order.distribution)
    with transaction.atomic():
        order = lock_objects(Order, order.pk)
        if order.status != OrderStatus.PLACED:
            raise ValidationError(_("This order is already cancelled."))
        if order.subscription_id is not None:
            raise ValidationError(
                _("This order comes from a season contract: declare an absence instead.")
            )
        stock_give_back(order)
        order.status = OrderStatus.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        event_record(actor=acting_user, verb="shortcircuit.order_cancelled", target=order)
    return order
