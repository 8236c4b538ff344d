"""RGPD: a member's offers and wants and their payment requests.

Erasure withdraws and blanks the offers. Requests stay, because a paid request is
linked to a ledger transaction others' balances depend on; they keep pointing at the
anonymised user row. Requests still waiting for an answer are closed."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from .models import Offer, PaymentRequest, RequestStatus, plain


def export(user: Any) -> dict:
    offers = Offer.objects.filter(author=user).select_related("currency")
    requests = (
        PaymentRequest.objects.filter(Q(requester=user) | Q(payer=user))
        .select_related("currency", "requester", "payer")
        .order_by("created_at", "pk")
    )
    return {
        "offers": [
            {
                "currency": o.currency.code,
                "kind": o.kind,
                "title": o.title,
                "description": o.description,
                "category": o.category,
                "price": None if o.price is None else str(plain(o.price)),
                "price_eur": None if o.price_eur is None else str(o.price_eur),
                "free": o.is_free,
                "active": o.is_active,
                "created_at": o.created_at.isoformat(),
            }
            for o in offers
        ],
        "payment_requests": [
            {
                "currency": r.currency.code,
                "role": "requester" if r.requester_id == user.pk else "payer",
                "other": (r.payer if r.requester_id == user.pk else r.requester).public_name,
                "amount": str(r.currency.to_decimal(r.amount)),
                "memo": r.memo,
                "status": r.status,
                "reason": r.reason,
                "created_at": r.created_at.isoformat(),
                "transaction": r.transaction_id,
            }
            for r in requests
        ],
    }


def erase(user: Any) -> None:
    Offer.objects.filter(author=user).update(
        is_active=False,
        title="—",
        description="",
        search_text="",
        price=None,
        price_eur=None,
        is_free=False,
    )
    now = timezone.now()
    PaymentRequest.objects.filter(requester=user, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, decided_at=now
    )
    PaymentRequest.objects.filter(payer=user, status=RequestStatus.PENDING).update(
        status=RequestStatus.REFUSED, decided_at=now
    )
