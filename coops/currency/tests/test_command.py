"""`currency_demurrage`: safe to run every day, charges each month once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from coops.currency import kinds, services
from coops.currency.management.commands import currency_demurrage
from coops.currency.models import DemurrageRun
from coops.ledger.models import Transaction


@pytest.fixture
def today(monkeypatch):
    """The command's idea of today, in the group's time zone."""
    day = {"value": date(2026, 11, 3)}
    zones = []

    def localdate(timezone=None):
        zones.append(str(timezone))
        return day["value"]

    monkeypatch.setattr(currency_demurrage, "timezone", SimpleNamespace(localdate=localdate))
    day["zones"] = zones
    return day


def _run(*args) -> str:
    out = StringIO()
    call_command("currency_demurrage", *args, stdout=out)
    return out.getvalue()


def _rich(lien) -> None:
    services.account_limits_set(
        currency=lien.currency,
        member=lien.carol,
        min_balance=Decimal("-2000"),
        max_balance=None,
        acting_user=lien.organiser,
    )
    for payee, amount in ((lien.alice, "800"), (lien.bob, "520")):
        services.transfer_create(
            currency=lien.currency, acting_user=lien.carol, payee=payee, amount=Decimal(amount)
        )


def test_a_daily_run_charges_last_month_once(lien, today):
    _rich(lien)
    assert _run() == (
        "LIEN 2026-10: 2 account(s) charged 1.60 LIEN at 0.50 % above 500.00 LIEN, "
        "into the solidarity fund\n"
    )
    assert today["zones"] == ["Europe/Paris"]
    today["value"] = date(2026, 11, 4)
    assert _run() == "LIEN 2026-10: already applied, nothing charged\n"
    assert Transaction.objects.filter(kind=kinds.DEMURRAGE).count() == 2
    assert lien.balances() == {"alice": 79850, "bob": 51990, "carol": -132000}
    today["value"] = date(2026, 12, 1)
    assert _run().startswith("LIEN 2026-11: 2 account(s) charged 1.58 LIEN")
    assert list(DemurrageRun.objects.order_by("period").values_list("period", "total")) == [
        (date(2026, 10, 1), 160),
        (date(2026, 11, 1), 158),
    ]


def test_a_chosen_month_and_currency(lien, today):
    _rich(lien)
    assert _run("--period", "2026-06", "--currency", "lien").startswith(
        "LIEN 2026-06: 2 account(s) charged"
    )
    assert DemurrageRun.objects.get().period == date(2026, 6, 1)


def test_currencies_without_demurrage_are_left_alone(lien, today):
    services.currency_update(
        currency=lien.currency, acting_user=lien.organiser, demurrage_rate=Decimal("0")
    )
    assert _run() == ""
    assert DemurrageRun.objects.count() == 0
    with pytest.raises(CommandError):
        _run("--currency", "LIEN")


def test_a_malformed_period_is_refused(lien, today):
    with pytest.raises(CommandError):
        _run("--period", "octobre")
    assert DemurrageRun.objects.count() == 0
