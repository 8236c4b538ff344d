"""Factories for ledger tests. Real code opens accounts with `services.account_open`."""

import factory
from factory.django import DjangoModelFactory

from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.groups.tests.factories import GroupFactory
from coops.ledger.models import Entry, LedgerAccount, Purpose, Transaction

# Registered once for the whole test session by coops/ledger/tests/conftest.py.
TEST_KIND = "test.transfer"
TEST_KIND_LABEL = "Test transfer"
# A social currency, registered with exponent 2 by the same fixture.
SOCIAL_CURRENCY = "SOL"


class LedgerAccountFactory(DjangoModelFactory):
    """A member account in EUR, owned by a new user, in a new group's books."""

    class Meta:
        model = LedgerAccount

    group = factory.SubFactory(GroupFactory)
    owner = factory.SubFactory(UserFactory)
    currency = "EUR"
    purpose = Purpose.MEMBER
    name = factory.Sequence(lambda n: f"Compte {n}")


def ledger_counts() -> tuple[int, int, int]:
    """(transactions, entries, audit events): what a refused post must leave unchanged."""
    return Transaction.objects.count(), Entry.objects.count(), Event.objects.count()
