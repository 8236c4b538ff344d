"""The database refuses to change the book behind the services' back (migration 0004)."""

import pytest
from django.db import DatabaseError, connection, transaction

from coops.ledger import services
from coops.ledger.models import Entry, ImmutableError, Transaction
from coops.ledger.tests.factories import TEST_KIND


@pytest.fixture
def posted(book):
    return services.transfer(
        group=book.group, payer=book.alice, payee=book.bob, amount=1250, kind=TEST_KIND,
        acting_user=book.treasurer,
    )  # fmt: skip


def test_a_bulk_update_of_entries_is_refused_by_the_database(posted):
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        Entry.objects.filter(transaction=posted).update(amount=1)
    assert "append-only" in str(caught.value)
    assert sorted(posted.entries.values_list("amount", flat=True)) == [-1250, 1250]


def test_the_models_refuse_changes_row_by_row(posted):
    entry = posted.entries.first()
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        posted.delete()


@pytest.mark.postgres
def test_postgresql_also_refuses_bulk_deletes_and_transaction_edits(posted):
    if connection.vendor != "postgresql":
        pytest.skip("the DELETE and transaction triggers are PostgreSQL's")
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(transaction=posted).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Transaction.objects.filter(pk=posted.pk).update(memo="réécrit")
    assert Entry.objects.filter(transaction=posted).count() == 2
    assert Transaction.objects.get(pk=posted.pk).memo == ""
