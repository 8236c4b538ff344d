"""Reads of orders: a buyer's history, one order, and the organisers' pages of a
closed distribution (weights, on-site payments, the settlement preview).

Each selector runs a fixed number of queries whatever the number of orders or lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch

from coops.core.money import Money
from coops.ledger.models import Payment

from ..models import Distribution, Order, OrderLine, OrderPayment, OrderStatus
from ..services.settlement import (
    order_split,
    payment_key,
    settled_orders,
    unweighed_lines,
)
from .shop import quantity_text

ORDERS_PER_PAGE = 20


def buyer_orders(*, group, user, page: int | str = 1) -> Page:
    """The user's orders in the group's distributions, latest delivery first."""
    orders = (
        Order.objects.filter(distribution__group=group, buyer=user)
        .select_related("distribution", "slot__pickup_point")
        .annotate(line_count=Count("lines"))
        .order_by("-distribution__delivery_date", "-pk")
    )
    return Paginator(orders, ORDERS_PER_PAGE).get_page(page)


def order_of_group(*, group, pk: int) -> Order | None:
    """One order of the group's distributions with what its page shows."""
    return (
        Order.objects.filter(pk=pk, distribution__group=group)
        .select_related("distribution__group", "slot__pickup_point", "buyer", "settlement")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("producer")))
        .first()
    )


@dataclass(frozen=True, slots=True)
class WeighRow:
    line: OrderLine
    estimate_text: str  # quantity × estimated weight of one item, in kg
    weight_text: str  # the weighed total, or ""
    total: Money


def weighable_lines(*, distribution: Distribution) -> list[WeighRow]:
    """The variable-weight lines of the distribution's placed orders, by product."""
    lines = (
        OrderLine.objects.filter(
            order__distribution=distribution,
            order__status=OrderStatus.PLACED,
            estimated_weight__isnull=False,
        )
        .select_related("order__buyer", "producer")
        .order_by("product_name", "variant_name", "order__buyer__pk", "pk")
    )
    currency = distribution.currency
    return [
        WeighRow(
            line=line,
            estimate_text=quantity_text(line.estimated_weight * line.quantity),
            weight_text=quantity_text(line.actual_weight) if line.actual_weight else "",
            total=Money(line.total, currency),
        )
        for line in lines
    ]


@dataclass(frozen=True, slots=True)
class PaymentRow:
    order: Order
    total: Money
    payment: Payment | None


def on_site_orders(*, distribution: Distribution) -> list[PaymentRow]:
    """The distribution's placed on-site orders, each with its recorded payment."""
    orders = list(
        Order.objects.filter(
            distribution=distribution,
            status=OrderStatus.PLACED,
            payment=OrderPayment.ON_SITE,
        )
        .select_related("buyer")
        .order_by("pk")
    )
    keys = {payment_key(o): o.pk for o in orders}
    payments = {
        keys[p.transaction.idempotency_key]: p
        for p in Payment.objects.filter(transaction__idempotency_key__in=keys).select_related(
            "transaction"
        )
    }
    currency = distribution.currency
    return [PaymentRow(o, Money(o.total, currency), payments.get(o.pk)) for o in orders]


@dataclass(frozen=True, slots=True)
class ProducerTotal:
    name: str
    total: Money


@dataclass(frozen=True, slots=True)
class BuyerDebit:
    order: Order
    total: Money
    paid_on_site: Money | None


@dataclass
class SettlementPreview:
    producers: list[ProducerTotal] = field(default_factory=list)
    fees: Money | None = None
    debits: list[BuyerDebit] = field(default_factory=list)
    total: Money | None = None
    on_site_count: int = 0
    balance_count: int = 0
    unweighed: int = 0


def settlement_preview(*, distribution: Distribution) -> SettlementPreview:
    """What `distribution_settle` will post: per producer totals, the hub's fees and
    each buyer's debit, with the on-site payments already recorded."""
    currency = distribution.currency
    orders = list(
        settled_orders(distribution)
        .select_related("buyer")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("offer", "producer"))
        )
        .order_by("pk")
    )
    paid = {row.order.pk: row.payment for row in on_site_orders(distribution=distribution)}
    producers: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    preview = SettlementPreview(unweighed=unweighed_lines(distribution).count())
    fees = total = 0
    for order in orders:
        lines = list(order.lines.all())
        names.update({line.producer_id: line.producer.name for line in lines})
        split = order_split(order, lines, distribution)
        for pk, minor in split.producers.items():
            producers[pk] += minor
        fees += split.fees
        total += split.total
        payment = paid.get(order.pk)
        preview.debits.append(
            BuyerDebit(
                order=order,
                total=Money(order.total, currency),
                paid_on_site=Money(payment.amount, currency) if payment else None,
            )
        )
        if order.payment == OrderPayment.ON_SITE:
            preview.on_site_count += 1
        else:
            preview.balance_count += 1
    preview.producers = sorted(
        (ProducerTotal(names[pk], Money.from_minor(v, currency)) for pk, v in producers.items()),
        key=lambda p: p.name,
    )
    preview.fees = Money.from_minor(fees, currency)
    preview.total = Money.from_minor(total, currency)
    return preview
