"""`manage.py ledger_check`: silent success on a sound book, a non-zero exit naming each
broken invariant otherwise. Corruption is written behind the services' back."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory
from coops.ledger import services
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Entry, LedgerAccount, Transaction
from coops.ledger.tests.factories import SOCIAL_CURRENCY, TEST_KIND

pytestmark = pytest.mark.ledger_corrupt


@pytest.fixture
def sound(db):
    """Alice paid Bob 12.50 €; Carol has not moved. (accounts, the transaction)"""
    group = GroupFactory()
    treasurer = UserFactory()
    alice, bob, carol = (
        services.account_open(
            group=group, currency="EUR", owner=UserFactory(), name=name, acting_user=treasurer
        )
        for name in ("Alice", "Bob", "Carol")
    )
    tx = services.transfer(
        group=group, payer=alice, payee=bob, amount=1250, kind=TEST_KIND, acting_user=treasurer
    )
    return alice, bob, carol, tx


def run_check() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ledger_check", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def check_fails() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("ledger_check", stdout=out, stderr=err)
    assert out.getvalue() == ""
    return str(caught.value), err.getvalue()


def raw_transaction(account_a, account_b) -> Transaction:
    """A transaction row written without `transaction_post`."""
    tx = Transaction(group_id=account_a.group_id, kind=TEST_KIND, memo="écrit à la main")
    tx.save(force_insert=True)
    return tx


def test_an_empty_book_is_sound(db):
    assert run_check() == ("ledger_check: sound (0 accounts, 0 transactions, 0 entries)\n", "")


def test_a_sound_book_passes(sound):
    alice, bob, _, tx = sound
    services.transaction_reverse(transaction=tx, acting_user=None)
    services.transfer(
        group=tx.group, payer=bob, payee=alice, amount=300, kind=TEST_KIND, acting_user=None
    )
    assert run_check() == ("ledger_check: sound (3 accounts, 3 transactions, 6 entries)\n", "")


def test_a_balance_without_entries(sound):
    _, _, carol, _ = sound
    LedgerAccount.objects.filter(pk=carol.pk).update(balance=500)
    assert check_fails() == (
        "ledger_check: 2 violation(s)",
        "  balances in EUR sum to 500, not 0\n"
        f"  account {carol.pk} stores 500 but its entries sum to 0\n",
    )


def test_balances_edited_by_hand(sound):
    alice, bob, _, _ = sound
    LedgerAccount.objects.filter(pk=alice.pk).update(balance=-1000)
    LedgerAccount.objects.filter(pk=bob.pk).update(balance=1000)
    # The sum is still 0: only the entries show the tampering.
    assert check_fails() == (
        "ledger_check: 4 violation(s)",
        f"  account {alice.pk} stores -1000 but its entries sum to -1250\n"
        f"  account {bob.pk} stores 1000 but its entries sum to 1250\n"
        f"  account {alice.pk} stores -1000 but its last entry says -1250\n"
        f"  account {bob.pk} stores 1000 but its last entry says 1250\n",
    )


def test_entries_the_balance_does_not_include(sound):
    alice, bob, _, _ = sound
    tx = raw_transaction(alice, bob)
    Entry.objects.bulk_create(
        [
            Entry(transaction=tx, account=alice, currency="EUR", amount=-100, balance_after=-1250),
            Entry(transaction=tx, account=bob, currency="EUR", amount=100, balance_after=1250),
        ]
    )
    assert check_fails() == (
        "ledger_check: 2 violation(s)",
        f"  account {alice.pk} stores -1250 but its entries sum to -1350\n"
        f"  account {bob.pk} stores 1250 but its entries sum to 1350\n",
    )


def test_an_unbalanced_entry(sound):
    _, _, carol, tx = sound
    Entry.objects.bulk_create(
        [Entry(transaction=tx, account=carol, currency="EUR", amount=100, balance_after=100)]
    )
    LedgerAccount.objects.filter(pk=carol.pk).update(balance=100)
    assert check_fails() == (
        "ledger_check: 2 violation(s)",
        f"  balances in EUR sum to 100, not 0\n  transaction {tx.pk} is off by 100 EUR\n",
    )


def test_entries_in_another_currency_than_their_account(sound):
    alice, bob, _, _ = sound
    tx = raw_transaction(alice, bob)
    wrong = Entry.objects.bulk_create(
        [
            Entry(
                transaction=tx,
                account=alice,
                currency=SOCIAL_CURRENCY,
                amount=-100,
                balance_after=-1350,
            ),
            Entry(
                transaction=tx,
                account=bob,
                currency=SOCIAL_CURRENCY,
                amount=100,
                balance_after=1350,
            ),
        ]
    )
    LedgerAccount.objects.filter(pk=alice.pk).update(balance=-1350)
    LedgerAccount.objects.filter(pk=bob.pk).update(balance=1350)
    first, second = sorted(e.pk for e in wrong)
    assert check_fails() == (
        "ledger_check: 2 violation(s)",
        f"  entry {first} is in {SOCIAL_CURRENCY}, its account is not\n"
        f"  entry {second} is in {SOCIAL_CURRENCY}, its account is not\n",
    )


def test_a_last_entry_that_disagrees_with_the_balance(sound):
    alice, bob, _, _ = sound
    tx = raw_transaction(alice, bob)
    Entry.objects.bulk_create(
        [
            Entry(transaction=tx, account=alice, currency="EUR", amount=-100, balance_after=999),
            Entry(transaction=tx, account=bob, currency="EUR", amount=100, balance_after=1350),
        ]
    )
    LedgerAccount.objects.filter(pk=alice.pk).update(balance=-1350)
    LedgerAccount.objects.filter(pk=bob.pk).update(balance=1350)
    assert check_fails() == (
        "ledger_check: 1 violation(s)",
        f"  account {alice.pk} stores -1350 but its last entry says 999\n",
    )


def test_each_check_reports_at_most_limit_problems(db):
    group, owner = GroupFactory(), UserFactory()
    accounts = [
        services.account_open(
            group=group, currency="EUR", owner=owner, purpose=purpose, name=name, acting_user=None
        )
        for name, purpose in (("A", "member"), ("B", "cash"), ("C", "bank"))
    ]
    LedgerAccount.objects.filter(pk__in=[a.pk for a in accounts]).update(balance=1)
    assert ledger_violations(limit=2) == [
        "balances in EUR sum to 3, not 0",
        f"account {accounts[0].pk} stores 1 but its entries sum to 0",
        f"account {accounts[1].pk} stores 1 but its entries sum to 0",
    ]


def test_the_command_exits_non_zero(sound, capsys):
    alice, _, _, _ = sound
    LedgerAccount.objects.filter(pk=alice.pk).update(balance=0)
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "ledger_check", "--no-color"])
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == "CommandError: ledger_check: 3 violation(s)"
