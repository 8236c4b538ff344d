"""Fixtures for the currency tests: a group with its currency "Le Lien" and members."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation

from coops.core.money import forget_resolved_currency
from coops.currency import selectors, services
from coops.currency.models import Currency
from coops.groups.models import Role
from coops.groups.services import group_module_enable
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import LedgerAccount


@pytest.fixture(autouse=True)
def _fresh_currency_cache():
    """Each test database has its own currencies: forget what another test resolved."""
    forget_resolved_currency()
    yield
    forget_resolved_currency()


@pytest.fixture
def english():
    """Messages are asserted in English (the msgids), amounts formatted for 'en'."""
    with translation.override("en"):
        yield


def create_lien(group, organiser, **overrides) -> Currency:
    """Le Lien: 2 decimals, credit limit −300, maximum 1500, 0.5 %/month above 500."""
    kwargs = {
        "name": "Le Lien",
        "code": "LIEN",
        "symbol": "ℓ",
        "decimals": 2,
        "default_min_balance": Decimal("-300"),
        "default_max_balance": Decimal("1500"),
        "demurrage_rate": Decimal("0.5"),
        "demurrage_free_base": Decimal("500"),
    }
    kwargs.update(overrides)
    return services.currency_create(group=group, acting_user=organiser, **kwargs)


@dataclass
class Lien:
    group: object
    currency: Currency
    organiser: object
    alice: object
    bob: object
    carol: object

    def account(self, user) -> LedgerAccount | None:
        return selectors.account_of(self.currency, user)

    def balance(self, user) -> int:
        account = self.account(user)
        return 0 if account is None else account.balance

    def balances(self) -> dict[str, int]:
        return {name: self.balance(getattr(self, name)) for name in ("alice", "bob", "carol")}


@pytest.fixture
def lien(db):
    """A local group with its currency and three members; afterwards the book must
    still be sound."""
    group = GroupFactory(name="Groupe local Métropole lilloise", slug="metropole-lilloise")
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    alice, bob, carol = (
        MembershipFactory(group=group, user__display_name=name).user
        for name in ("Alice Martin", "Bruno Lefebvre", "Carole Dupont")
    )
    yield Lien(group, create_lien(group, organiser), organiser, alice, bob, carol)
    assert ledger_violations() == []


@pytest.fixture
def currency_personas(personas):
    """The personas' group with the module on and Le Lien created by its organiser."""
    group_module_enable(group=personas.group, module="currency", acting_user=personas.admin)
    personas.currency = create_lien(personas.group, personas.organiser)
    return personas
