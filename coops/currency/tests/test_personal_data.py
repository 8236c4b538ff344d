"""RGPD: a member's offers and requests are exported; erasure withdraws and blanks the
offers and keeps the requests (a paid one is linked to the book)."""

from __future__ import annotations

import json
from decimal import Decimal

from coops.accounts.personal_data import personal_data_sources
from coops.accounts.services import user_erase
from coops.currency import services
from coops.currency.models import Category, Offer, OfferKind, PaymentRequest, RequestStatus
from coops.currency.personal_data import export
from coops.ledger.models import Transaction


def _world(lien):
    offer = services.offer_create(
        currency=lien.currency,
        acting_user=lien.alice,
        kind=OfferKind.OFFER,
        title="Cours de guitare",
        description="Le mardi soir à Roubaix",
        category=Category.LESSONS,
        price=Decimal("20"),
        price_eur=Decimal("15"),
    )
    paid = services.payment_request_create(
        currency=lien.currency,
        acting_user=lien.alice,
        payer=lien.bob,
        amount=Decimal("20"),
        memo="Cours du 3 octobre",
        offer=offer,
    )
    paid = services.payment_request_transition(
        payment_request=paid, to="accepted", acting_user=lien.bob
    )
    asked = services.payment_request_create(
        currency=lien.currency,
        acting_user=lien.alice,
        payer=lien.carol,
        amount=Decimal("20"),
        memo="Cours du 10 octobre",
    )
    to_pay = services.payment_request_create(
        currency=lien.currency,
        acting_user=lien.bob,
        payer=lien.alice,
        amount=Decimal("4.50"),
        memo="Pain",
    )
    return offer, paid, asked, to_pay


def test_the_currency_source_is_registered():
    assert "currency" in [source.name for source in personal_data_sources()]


def test_export_lists_offers_and_requests_both_ways(lien):
    _offer, paid, _asked, _to_pay = _world(lien)
    data = export(lien.alice)
    json.dumps(data)  # ready for the download
    assert [(o["title"], o["price"], o["price_eur"], o["active"]) for o in data["offers"]] == [
        ("Cours de guitare", "20", "15.00", True)
    ]
    assert [
        (r["role"], r["other"], r["amount"], r["status"], r["transaction"])
        for r in data["payment_requests"]
    ] == [
        ("requester", "Bruno Lefebvre", "20.00", "accepted", paid.transaction_id),
        ("requester", "Carole Dupont", "20.00", "pending", None),
        ("payer", "Bruno Lefebvre", "4.50", "pending", None),
    ]


def test_erasure_blanks_offers_keeps_requests_and_closes_pending_ones(lien):
    offer, paid, asked, to_pay = _world(lien)
    transactions = Transaction.objects.count()
    user_erase(user=lien.alice, acting_user=lien.alice)
    offer.refresh_from_db()
    assert (offer.title, offer.description, offer.search_text) == ("—", "", "")
    assert (offer.price, offer.price_eur, offer.is_active) == (None, None, False)
    assert list(PaymentRequest.objects.order_by("pk").values_list("pk", "status", "memo")) == [
        (paid.pk, RequestStatus.ACCEPTED, "Cours du 3 octobre"),
        (asked.pk, RequestStatus.CANCELLED, "Cours du 10 octobre"),
        (to_pay.pk, RequestStatus.REFUSED, "Pain"),
    ]
    assert Transaction.objects.count() == transactions
    assert lien.balances() == {"alice": 2000, "bob": -2000, "carol": 0}
    assert Offer.objects.filter(author=lien.alice, is_active=True).count() == 0
