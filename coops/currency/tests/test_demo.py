"""The demo network runs Le Lien: offers, payments, pending requests, demurrage."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from coops.currency import kinds
from coops.currency.models import Currency, Offer, PaymentRequest, RequestStatus
from coops.groups.models import GroupModule
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import LedgerAccount, Purpose, Transaction


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    return capsys.readouterr().out


def test_the_demo_network_has_its_currency(demo, client):
    currency = Currency.objects.select_related("group").get(code="LIEN")
    assert (currency.group.slug, currency.name, currency.symbol) == (
        "hauts-de-france",
        "Le Lien",
        "ℓ",
    )
    assert (currency.default_min_balance, currency.default_max_balance) == (-30000, 150000)
    assert GroupModule.objects.filter(group=currency.group, module="currency").exists()
    assert Offer.objects.filter(currency=currency).count() == 12
    assert Transaction.objects.filter(kind=kinds.TRANSFER).count() == 17
    assert PaymentRequest.objects.filter(status=RequestStatus.PENDING).count() == 2
    # Claire held 548 ℓ at the end of last month: 0.5 % of 48 ℓ.
    assert Transaction.objects.filter(kind=kinds.DEMURRAGE).count() == 1
    fund = LedgerAccount.objects.get(currency="LIEN", purpose=Purpose.SOLIDARITY)
    assert fund.balance == 24
    for account in LedgerAccount.objects.filter(currency="LIEN", purpose=Purpose.MEMBER):
        assert account.min_balance <= account.balance <= account.max_balance, account
    assert sum(LedgerAccount.objects.filter(currency="LIEN").values_list("balance", flat=True)) == 0
    assert ledger_violations() == []
    assert "Le Lien: 12 offers and wants, 17 payments, 2 pending requests" in demo

    client.force_login(currency.group.memberships.get(user__email__startswith="lea").user)
    page = client.get("/g/hauts-de-france/m/currency/")
    assert page.status_code == 200
    assert "Cours de guitare du 3 octobre" in page.content.decode()
