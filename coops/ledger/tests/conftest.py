"""Fixtures for the ledger tests: a registered test kind, a small book, captured hooks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import translation

from coops.accounts.tests.factories import UserFactory
from coops.core import hooks
from coops.core.money import register_currency
from coops.groups.tests.factories import GroupFactory
from coops.ledger import kinds, services
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import LedgerAccount
from coops.ledger.tests.factories import SOCIAL_CURRENCY, TEST_KIND, TEST_KIND_LABEL


@pytest.fixture(autouse=True, scope="session")
def _test_kind_and_currency():
    """The kind every ledger test posts with, and a social currency (both idempotent)."""
    kinds.register_kind(TEST_KIND, TEST_KIND_LABEL)
    register_currency(SOCIAL_CURRENCY, exponent=2)


@pytest.fixture
def posted(monkeypatch):
    """Payloads of the "ledger.transaction_posted" hook, with no other listener."""
    monkeypatch.setattr(hooks, "_LISTENERS", hooks.defaultdict(list))
    log: list[dict] = []
    hooks.listen(services.POSTED)(lambda **payload: log.append(payload))
    return log


@dataclass
class Book:
    """One group's books: a treasurer and three EUR member accounts, balances 0."""

    group: object
    treasurer: object
    alice: LedgerAccount
    bob: LedgerAccount
    carol: LedgerAccount

    def refresh(self) -> None:
        for account in (self.alice, self.bob, self.carol):
            account.refresh_from_db()

    def balances(self) -> dict[str, int]:
        self.refresh()
        return {"alice": self.alice.balance, "bob": self.bob.balance, "carol": self.carol.balance}


@pytest.fixture
def book(db):
    """Yields the book; afterwards every ledger invariant must still hold."""
    group = GroupFactory(name="Épicerie solidaire", slug="epicerie-solidaire")
    treasurer = UserFactory(display_name="Trésorière")

    def open_(name: str) -> LedgerAccount:
        return services.account_open(
            group=group,
            currency="EUR",
            owner=UserFactory(display_name=name),
            name=name,
            acting_user=treasurer,
        )

    yield Book(group, treasurer, open_("Alice"), open_("Bob"), open_("Carol"))
    assert ledger_violations() == []


@pytest.fixture
def english():
    """Refusal messages are asserted in English (the msgids), amounts formatted for 'en'."""
    with translation.override("en"):
        yield
