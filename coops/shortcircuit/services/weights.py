"""Weighing variable-weight lines after a distribution closes.

Guarantees of `line_weigh`:
- only a variable-weight line of a placed order, once orders are closed and before
  the distribution is settled (status "closed" or "delivered");
- under the order's row lock, in one transaction: the line's total is recomputed
  with `pricing.line_amounts` from the price per kg of the offer and the weighed
  total, and the order's total becomes the sum of its lines' totals;
- the distribution's status is read after the lock is taken, so a weighing that
  waited for a settlement in progress sees "settled" and is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from ..models import Distribution, DistributionStatus, Order, OrderLine, OrderStatus
from ..pricing import cents, line_amounts
from ._base import lock_objects

WEIGHABLE = (DistributionStatus.CLOSED, DistributionStatus.DELIVERED)


def price_per_kg(line: OrderLine) -> Decimal:
    """The line's price per kg: its offer's, or (for a line without an offer) the
    snapshot unit price over the estimated weight of one item."""
    if line.offer_id is not None:
        return line.offer.price
    return cents(line.unit_price / line.estimated_weight)


def weighed_amounts(line: OrderLine, distribution: Distribution, actual_weight: Decimal | None):
    return line_amounts(
        price=price_per_kg(line),
        quantity=line.quantity,
        fee_percent=distribution.hub_fee_percent,
        fee_per_item=distribution.hub_fee_per_item,
        estimated_weight=line.estimated_weight,
        actual_weight=actual_weight,
    )


def line_weigh(*, line: OrderLine, actual_weight: Decimal, acting_user: Any) -> OrderLine:
    """Record the weighed total (kg) of a variable-weight line and reprice its order."""
    actual_weight = Decimal(actual_weight)
    if actual_weight <= 0:
        raise ValidationError(_("Enter a weight above zero."))
    with transaction.atomic():
        order = lock_objects(Order, line.order_id)
        line = OrderLine.objects.select_related("offer").get(pk=line.pk)
        distribution = Distribution.objects.get(pk=order.distribution_id)
        if distribution.status == DistributionStatus.SETTLED:
            raise ValidationError(_("This distribution is settled: its weights are final."))
        if distribution.status not in WEIGHABLE:
            raise ValidationError(_("Lines are weighed once orders are closed."))
        if order.status != OrderStatus.PLACED:
            raise ValidationError(_("This order is cancelled."))
        if line.estimated_weight is None:
            raise ValidationError(_("This product is not sold by weight."))
        before = {"actual_weight": str(line.actual_weight), "total": str(line.total)}
        amounts = weighed_amounts(line, distribution, actual_weight)
        line.actual_weight = actual_weight
        line.total = amounts.total
        line.full_clean(exclude=["order", "variant", "offer", "producer"])
        line.save(update_fields=["actual_weight", "total"])
        order.total = order.lines.aggregate(t=Sum("total"))["t"] or Decimal(0)
        order.save(update_fields=["total", "updated_at"])
        event_record(
            actor=acting_user,
            verb="shortcircuit.line_weighed",
            target=order,
            before=before,
            after={"actual_weight": str(actual_weight), "total": str(line.total)},
        )
    return line
