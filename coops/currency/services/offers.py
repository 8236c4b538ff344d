"""Offers and wants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from coops.core.audit import event_record
from coops.core.permissions import require

from ..models import Currency, Offer
from ..search import fold
from ._base import OFFER_FIELDS, _save


def _offer_fields(offer: Offer, currency: Currency) -> None:
    if offer.is_free:
        offer.price = offer.price_eur = None
    if offer.price is not None:
        currency.to_minor(offer.price)  # refuses more digits than the currency has
    offer.search_text = fold(f"{offer.title} {offer.description}")


def offer_create(
    *,
    currency: Currency,
    acting_user,
    kind: str,
    title: str,
    category: str,
    description: str = "",
    price: Decimal | None = None,
    price_eur: Decimal | None = None,
    is_free: bool = False,
) -> Offer:
    """List an offer or a want of `acting_user` (an active member of the group)."""
    require(acting_user, "currency.use", currency.group)
    with transaction.atomic():
        offer = Offer(
            currency=currency,
            author=acting_user,
            kind=kind,
            title=title,
            description=description,
            category=category,
            price=price,
            price_eur=price_eur,
            is_free=is_free,
        )
        _offer_fields(offer, currency)
        _save(offer)
        event_record(actor=acting_user, verb="currency.offer_created", target=offer)
    return offer


def offer_update(*, offer: Offer, acting_user, **fields: Any) -> Offer:
    """Change an offer (its author or an organiser)."""
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"offer_update() cannot change {sorted(unknown)}")
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("currency__group")
            .get(pk=offer.pk)
        )
        require(acting_user, "currency.edit_offer", offer)
        before = {key: str(getattr(offer, key)) for key in fields}
        for key, value in fields.items():
            setattr(offer, key, value)
        _offer_fields(offer, offer.currency)
        _save(offer)
        after = {key: str(getattr(offer, key)) for key in fields}
        changed = {k: [before[k], after[k]] for k in fields if before[k] != after[k]}
        if changed:
            event_record(
                actor=acting_user, verb="currency.offer_updated", target=offer, changes=changed
            )
    return offer


def offer_set_active(*, offer: Offer, active: bool, acting_user) -> Offer:
    """Withdraw an offer from the listing, or list it again (author or organiser)."""
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("currency__group")
            .get(pk=offer.pk)
        )
        require(acting_user, "currency.edit_offer", offer)
        if offer.is_active != active:
            Offer.objects.filter(pk=offer.pk).update(is_active=active)
            offer.is_active = active
            event_record(
                actor=acting_user,
                verb="currency.offer_activated" if active else "currency.offer_deactivated",
                target=offer,
            )
    return offer
