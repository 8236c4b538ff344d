"""RGPD: a member's orders, season subscriptions, volunteer shifts, needs and group
purchase requests.

Export lists them all. Erasure withdraws what still commits the member to the future
(orders of distributions still taking orders, with their stock going back on sale;
active subscriptions; shifts to come; +1s and requests of bulk orders still open; needs
they posted) and blanks order notes. Orders and instalments of the past stay, as
amounts and dates, because the ledger and the producers' delivery notes rely on them
(ADR 0007: the user row itself becomes "Former member"). Nobody is notified."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import (
    BulkRequest,
    BulkStatus,
    Need,
    NeedVote,
    Order,
    OrderStatus,
    ShiftSignup,
    Subscription,
    SubscriptionStatus,
)
from .services.orders import accepting_orders, stock_give_back


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _orders(user: Any) -> list[dict]:
    orders = (
        Order.objects.filter(buyer=user)
        .select_related("distribution__group", "slot__pickup_point")
        .prefetch_related("lines")
        .order_by("created_at", "pk")
    )
    return [
        {
            "group": o.distribution.group.slug,
            "distribution": o.distribution.title,
            "delivery_date": o.distribution.delivery_date.isoformat(),
            "pickup_point": o.slot.pickup_point.name,
            "status": o.status,
            "payment": o.payment,
            "total": _plain(o.total),
            "currency": o.distribution.currency,
            "note": o.note,
            "created_at": o.created_at.isoformat(),
            "settlement": o.settlement_id,
            "lines": [
                {
                    "product": line.product_name,
                    "variant": line.variant_name,
                    "quantity": _plain(line.quantity),
                    "unit_price": _plain(line.unit_price),
                    "unit_fee": _plain(line.unit_fee),
                    "weighed_kg": _plain(line.actual_weight),
                    "total": _plain(line.total),
                }
                for line in o.lines.all()
            ],
        }
        for o in orders
    ]


def _subscriptions(user: Any) -> list[dict]:
    subscriptions = (
        Subscription.objects.filter(member=user)
        .select_related("contract__group", "option", "co_subscriber")
        .prefetch_related("absences__delivery", "instalment_rows")
        .order_by("created_at", "pk")
    )
    return [
        {
            "group": s.contract.group.slug,
            "contract": s.contract.title,
            "option": s.option.name,
            "quantity": s.quantity,
            "co_subscriber": s.co_subscriber.public_name if s.co_subscriber else None,
            "status": s.status,
            "absences": [a.delivery.date.isoformat() for a in s.absences.all()],
            "instalments": [
                {
                    "number": i.number,
                    "amount": _plain(i.amount),
                    "due_on": i.due_on.isoformat(),
                    "method": i.method,
                    "cheque_number": i.cheque_number,
                    "bank": i.bank,
                    "received_on": i.received_on.isoformat() if i.received_on else None,
                }
                for i in s.instalment_rows.all()
            ],
        }
        for s in subscriptions
    ]


def export(user: Any) -> dict:
    return {
        "orders": _orders(user),
        "subscriptions": _subscriptions(user),
        "shifts": [
            {
                "distribution": s.shift.distribution.title,
                "task": s.shift.title,
                "starts_at": s.shift.starts_at.isoformat(),
            }
            for s in ShiftSignup.objects.filter(user=user).select_related("shift__distribution")
        ],
        "needs": [
            {
                "group": n.group.slug,
                "what": n.title,
                "quantity": _plain(n.quantity),
                "unit": n.unit,
                "period": n.period,
                "note": n.note,
            }
            for n in Need.objects.filter(author=user).select_related("group")
        ],
        "needs_supported": [
            {"need": v.need.title, "quantity": _plain(v.quantity)}
            for v in NeedVote.objects.filter(user=user).select_related("need")
        ],
        "bulk_requests": [
            {
                "bulk_order": r.article.bulk_order.title,
                "article": r.article.name,
                "quantity": r.quantity,
                "tolerance": r.tolerance,
                "allocated": r.allocated,
            }
            for r in BulkRequest.objects.filter(member=user).select_related("article__bulk_order")
        ],
    }


def erase(user: Any) -> None:
    now = timezone.now()
    with transaction.atomic():
        open_orders = (
            Order.objects.select_for_update()
            .filter(buyer=user, status=OrderStatus.PLACED, settlement__isnull=True)
            .select_related("distribution")
        )
        for order in open_orders:
            if not accepting_orders(order.distribution, now):
                continue
            stock_give_back(order)
            Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
        Order.objects.filter(buyer=user).update(note="")
        Subscription.objects.filter(member=user, status=SubscriptionStatus.ACTIVE).update(
            status=SubscriptionStatus.CANCELLED
        )
        Subscription.objects.filter(co_subscriber=user).update(co_subscriber=None)
        ShiftSignup.objects.filter(user=user, shift__starts_at__gt=now).delete()
        NeedVote.objects.filter(user=user).delete()
        Need.objects.filter(author=user).delete()
        BulkRequest.objects.filter(
            member=user, article__bulk_order__status__in=[BulkStatus.DRAFT, BulkStatus.OPEN]
        ).delete()
