"""Worked examples of the ledger services: what is written, what is refused, and that a
refusal writes nothing at all."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from coops.accounts.selectors import personal_data_export
from coops.accounts.services import user_erase
from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.core.money import MoneyError
from coops.groups.tests.factories import GroupFactory
from coops.ledger import kinds, personal_data, services
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Entry, ImmutableError, LedgerAccount, Purpose, Transaction
from coops.ledger.services import IdempotencyConflict, Leg, LimitExceeded
from coops.ledger.tests.factories import (
    SOCIAL_CURRENCY,
    TEST_KIND,
    LedgerAccountFactory,
    ledger_counts,
)

pytestmark = pytest.mark.usefixtures("english")


def entries_of(tx: Transaction) -> list[tuple[int, str, int, int]]:
    return list(
        Entry.objects.filter(transaction=tx)
        .order_by("id")
        .values_list("account_id", "currency", "amount", "balance_after")
    )


def pay(book, payer, payee, amount, **kwargs) -> Transaction:
    return services.transfer(
        group=book.group,
        payer=payer,
        payee=payee,
        amount=amount,
        kind=TEST_KIND,
        acting_user=book.treasurer,
        **kwargs,
    )


def set_limits(book, account, min_balance=None, max_balance=None) -> None:
    services.account_set_limits(
        account=account,
        min_balance=min_balance,
        max_balance=max_balance,
        acting_user=book.treasurer,
    )


# Balanced posts ---------------------------------------------------------------------


def test_transfer_moves_money_and_records_balance_after(book, posted):
    alice, bob, carol = book.alice, book.bob, book.carol
    first = pay(book, alice, bob, 1250, memo="Panier de légumes")
    assert (first.group, first.kind, first.memo, first.created_by) == (
        book.group,
        TEST_KIND,
        "Panier de légumes",
        book.treasurer,
    )
    assert first.idempotency_key is None
    assert first.reverses is None
    assert entries_of(first) == [(alice.pk, "EUR", -1250, -1250), (bob.pk, "EUR", 1250, 1250)]
    # The caller's account objects carry the new balances.
    assert (alice.balance, bob.balance) == (-1250, 1250)

    second = pay(book, bob, carol, 250)
    assert entries_of(second) == [(bob.pk, "EUR", -250, 1000), (carol.pk, "EUR", 250, 250)]
    assert book.balances() == {"alice": -1250, "bob": 1000, "carol": 250}
    assert Transaction.objects.count() == 2
    assert Entry.objects.count() == 4


def test_three_leg_post(book):
    alice, bob, carol = book.alice, book.bob, book.carol
    tx = services.transaction_post(
        group=book.group,
        kind=TEST_KIND,
        legs=[Leg(bob, 1000), Leg(alice, -3000), Leg(carol, 2000)],
        acting_user=book.treasurer,
        memo="Commande groupée",
    )
    # Entries are written in account order, whatever the order of the legs.
    assert entries_of(tx) == [
        (alice.pk, "EUR", -3000, -3000),
        (bob.pk, "EUR", 1000, 1000),
        (carol.pk, "EUR", 2000, 2000),
    ]
    assert book.balances() == {"alice": -3000, "bob": 1000, "carol": 2000}


def test_a_post_balances_separately_in_each_currency(book):
    issuance = services.account_open(
        group=book.group,
        currency=SOCIAL_CURRENCY,
        owner=book.group,
        purpose=Purpose.ISSUANCE,
        name="Émission",
        acting_user=book.treasurer,
    )
    wallet = services.account_open(
        group=book.group,
        currency=SOCIAL_CURRENCY,
        owner=book.alice.owner,
        name="Alice (SOL)",
        acting_user=book.treasurer,
    )
    # Alice buys 20 SOL for 20 € paid to Bob's account.
    tx = services.transaction_post(
        group=book.group,
        kind=TEST_KIND,
        legs=[
            Leg(book.alice, -2000),
            Leg(book.bob, 2000),
            Leg(issuance, -2000),
            Leg(wallet, 2000),
        ],
        acting_user=book.treasurer,
    )
    assert entries_of(tx) == [
        (book.alice.pk, "EUR", -2000, -2000),
        (book.bob.pk, "EUR", 2000, 2000),
        (issuance.pk, SOCIAL_CURRENCY, -2000, -2000),
        (wallet.pk, SOCIAL_CURRENCY, 2000, 2000),
    ]
    issuance.refresh_from_db()
    wallet.refresh_from_db()
    assert (issuance.balance, wallet.balance) == (-2000, 2000)


# Refusals write nothing ---------------------------------------------------------------


def _other_group_account(book):
    return LedgerAccountFactory(group=GroupFactory(), name="Ailleurs")


def _closed(book):
    LedgerAccount.objects.filter(pk=book.carol.pk).update(is_active=False)
    return [Leg(book.alice, -100), Leg(book.carol, 100)]


def _stale_currency(book):
    # Objects that claim SOL for accounts that are in EUR in the database.
    alice = LedgerAccount.objects.get(pk=book.alice.pk)
    bob = LedgerAccount.objects.get(pk=book.bob.pk)
    alice.currency = bob.currency = SOCIAL_CURRENCY
    return [Leg(alice, -100), Leg(bob, 100)]


def _sol_account(book):
    return services.account_open(
        group=book.group,
        currency=SOCIAL_CURRENCY,
        owner=book.group,
        name="Monnaie",
        acting_user=book.treasurer,
    )


INVALID_POSTS = {
    "unbalanced": (
        lambda b: [Leg(b.alice, -100), Leg(b.bob, 99)],
        TEST_KIND,
        "The entries do not balance in EUR.",
    ),
    "unbalanced-in-each-currency": (
        lambda b: [Leg(b.alice, -100), Leg(_sol_account(b), 100)],
        TEST_KIND,
        f"The entries do not balance in EUR, {SOCIAL_CURRENCY}.",
    ),
    "zero-leg": (
        lambda b: [Leg(b.alice, -100), Leg(b.bob, 100), Leg(b.carol, 0)],
        TEST_KIND,
        "Each entry is a non-zero whole number of minor units.",
    ),
    "bool-amount": (
        lambda b: [Leg(b.alice, -1), Leg(b.bob, True)],
        TEST_KIND,
        "Each entry is a non-zero whole number of minor units.",
    ),
    "float-amount": (
        lambda b: [Leg(b.alice, -12.5), Leg(b.bob, 12.5)],
        TEST_KIND,
        "Each entry is a non-zero whole number of minor units.",
    ),
    "decimal-amount": (
        lambda b: [Leg(b.alice, Decimal("-12")), Leg(b.bob, Decimal("12"))],
        TEST_KIND,
        "Each entry is a non-zero whole number of minor units.",
    ),
    "duplicate-account": (
        lambda b: [Leg(b.alice, -100), Leg(b.bob, 50), Leg(b.alice, 50)],
        TEST_KIND,
        "An account appears twice in one transaction.",
    ),
    "one-leg": (
        lambda b: [Leg(b.alice, 100)],
        TEST_KIND,
        "A transaction needs at least two entries.",
    ),
    "no-leg": (lambda b: [], TEST_KIND, "A transaction needs at least two entries."),
    "unknown-kind": (
        lambda b: [Leg(b.alice, -100), Leg(b.bob, 100)],
        "nobody.registered_this",
        "Unknown transaction kind nobody.registered_this.",
    ),
    "other-group-books": (
        lambda b: [Leg(b.alice, -100), Leg(_other_group_account(b), 100)],
        TEST_KIND,
        "Every account must be in the books of the same group.",
    ),
    "closed-account": (_closed, TEST_KIND, "Carol is closed."),
    "stale-currency": (_stale_currency, TEST_KIND, "An account's currency cannot change."),
}


@pytest.mark.parametrize("case", INVALID_POSTS)
def test_invalid_post_is_refused_and_writes_nothing(book, posted, case):
    make_legs, kind, message = INVALID_POSTS[case]
    legs = make_legs(book)
    before_counts, before_balances = ledger_counts(), book.balances()

    with pytest.raises(ValidationError) as caught:
        services.transaction_post(
            group=book.group, kind=kind, legs=legs, acting_user=book.treasurer
        )

    assert caught.value.messages == [message]
    assert not isinstance(caught.value, LimitExceeded)
    assert ledger_counts() == before_counts
    assert book.balances() == before_balances
    assert posted == []


@pytest.mark.parametrize(
    ("amount", "same_account", "message"),
    [
        (0, False, "The amount must be positive."),
        (-500, False, "The amount must be positive."),
        (500, True, "An account cannot pay itself."),
        (12.5, False, "Each entry is a non-zero whole number of minor units."),
    ],
)
def test_invalid_transfer_is_refused_and_writes_nothing(book, amount, same_account, message):
    before_counts = ledger_counts()
    payee = book.alice if same_account else book.bob
    with pytest.raises(ValidationError) as caught:
        pay(book, book.alice, payee, amount)
    assert caught.value.messages == [message]
    assert ledger_counts() == before_counts
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}


# Limits ----------------------------------------------------------------------------


def test_payer_under_its_minimum_is_refused_naming_the_account(book, posted):
    set_limits(book, book.alice, min_balance=-1000)
    before = ledger_counts()
    with pytest.raises(LimitExceeded) as caught:
        pay(book, book.alice, book.bob, 1001)
    assert caught.value.code == "under_minimum"
    assert caught.value.messages == [
        "Alice would fall to -€10.01, under its minimum of -€10.00 (available: €10.00)."
    ]
    assert ledger_counts() == before
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}
    assert posted == []


def test_payee_over_its_maximum_is_refused(book):
    set_limits(book, book.bob, max_balance=500)
    before = ledger_counts()
    with pytest.raises(LimitExceeded) as caught:
        pay(book, book.alice, book.bob, 501)
    assert caught.value.code == "over_maximum"
    assert caught.value.messages == ["Bob would rise to €5.01, over its maximum of €5.00."]
    assert ledger_counts() == before
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}


def test_reaching_a_limit_exactly_is_allowed(book):
    set_limits(book, book.alice, min_balance=-1000)
    set_limits(book, book.bob, max_balance=1000)
    pay(book, book.alice, book.bob, 1000)
    assert book.balances() == {"alice": -1000, "bob": 1000, "carol": 0}
    # Not one cent more, either way.
    with pytest.raises(LimitExceeded) as caught:
        pay(book, book.alice, book.carol, 1)
    assert caught.value.messages == [
        "Alice would fall to -€10.01, under its minimum of -€10.00 (available: €0.00)."
    ]
    with pytest.raises(LimitExceeded) as caught:
        pay(book, book.carol, book.bob, 1)
    assert caught.value.code == "over_maximum"


def test_one_refused_leg_refuses_the_whole_post(book):
    set_limits(book, book.carol, max_balance=150)
    before = ledger_counts()
    with pytest.raises(LimitExceeded) as caught:
        services.transaction_post(
            group=book.group,
            kind=TEST_KIND,
            legs=[Leg(book.alice, -300), Leg(book.bob, 100), Leg(book.carol, 200)],
            acting_user=book.treasurer,
        )
    assert caught.value.code == "over_maximum"
    assert caught.value.messages == ["Carol would rise to €2.00, over its maximum of €1.50."]
    assert ledger_counts() == before
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}


def test_account_below_a_lowered_minimum_can_still_receive_but_not_pay(book):
    pay(book, book.alice, book.bob, 800)
    set_limits(book, book.alice, min_balance=-500)
    pay(book, book.bob, book.alice, 100)
    assert book.balances() == {"alice": -700, "bob": 700, "carol": 0}
    with pytest.raises(LimitExceeded) as caught:
        pay(book, book.alice, book.carol, 1)
    assert caught.value.code == "under_minimum"
    assert caught.value.messages == [
        "Alice would fall to -€7.01, under its minimum of -€5.00 (available: €0.00)."
    ]


def test_account_above_a_lowered_maximum_can_still_pay_but_not_receive(book):
    pay(book, book.alice, book.bob, 800)
    set_limits(book, book.bob, max_balance=500)
    pay(book, book.bob, book.carol, 100)
    assert book.balances() == {"alice": -800, "bob": 700, "carol": 100}
    with pytest.raises(LimitExceeded) as caught:
        pay(book, book.carol, book.bob, 1)
    assert caught.value.code == "over_maximum"


def test_limits_are_checked_on_the_balance_in_the_database(book):
    # The caller's object is stale (balance 0); the row says -900.
    stale_alice = LedgerAccount.objects.get(pk=book.alice.pk)
    pay(book, book.alice, book.bob, 900)
    set_limits(book, book.alice, min_balance=-1000)
    stale_alice.min_balance = -1000
    with pytest.raises(LimitExceeded):
        pay(book, stale_alice, book.carol, 200)
    assert book.balances() == {"alice": -900, "bob": 900, "carol": 0}


# Idempotency -----------------------------------------------------------------------


def test_same_key_and_legs_post_once_and_return_the_first_transaction(book, posted):
    first = pay(book, book.alice, book.bob, 400, idempotency_key="commande-42")
    counts = ledger_counts()
    again = pay(book, book.alice, book.bob, 400, idempotency_key="commande-42")
    assert again.pk == first.pk
    assert again.idempotency_key == "commande-42"
    assert ledger_counts() == counts
    assert book.balances() == {"alice": -400, "bob": 400, "carol": 0}
    assert [p["transaction"].pk for p in posted] == [first.pk]
    assert Event.objects.filter(verb="ledger.transaction_posted").count() == 1


def test_a_retry_returns_the_first_transaction_even_if_limits_changed(book):
    first = pay(book, book.alice, book.bob, 400, idempotency_key="commande-43")
    set_limits(book, book.alice, min_balance=0)
    assert pay(book, book.alice, book.bob, 400, idempotency_key="commande-43").pk == first.pk
    assert book.balances() == {"alice": -400, "bob": 400, "carol": 0}


@pytest.mark.parametrize("change", ["amount", "payee", "kind"])
def test_same_key_with_different_legs_is_a_conflict(book, change):
    pay(book, book.alice, book.bob, 400, idempotency_key="commande-44")
    counts = ledger_counts()
    amount = 401 if change == "amount" else 400
    payee = book.carol if change == "payee" else book.bob
    kind = kinds.ADJUSTMENT if change == "kind" else TEST_KIND
    with pytest.raises(IdempotencyConflict) as caught:
        services.transfer(
            group=book.group,
            payer=book.alice,
            payee=payee,
            amount=amount,
            kind=kind,
            acting_user=book.treasurer,
            idempotency_key="commande-44",
        )
    assert caught.value.code == "idempotency_conflict"
    assert caught.value.messages == [
        "This idempotency key was already used for another transaction."
    ]
    assert ledger_counts() == counts
    assert book.balances() == {"alice": -400, "bob": 400, "carol": 0}


def test_key_of_a_refused_post_stays_free(book):
    set_limits(book, book.alice, min_balance=-100)
    with pytest.raises(LimitExceeded):
        pay(book, book.alice, book.bob, 400, idempotency_key="commande-45")
    assert not Transaction.objects.filter(idempotency_key="commande-45").exists()
    set_limits(book, book.alice, min_balance=-1000)
    tx = pay(book, book.alice, book.bob, 400, idempotency_key="commande-45")
    assert tx.idempotency_key == "commande-45"
    assert book.balances() == {"alice": -400, "bob": 400, "carol": 0}


# Reversal --------------------------------------------------------------------------


def test_reversal_posts_the_opposite_and_restores_balances(book, posted):
    original = pay(book, book.alice, book.bob, 700, memo="Erreur de saisie")
    reversal = services.transaction_reverse(transaction=original, acting_user=book.treasurer)

    assert (reversal.kind, reversal.reverses, reversal.source, reversal.created_by) == (
        kinds.REVERSAL,
        original,
        original,
        book.treasurer,
    )
    assert reversal.memo == f"Reversal of #{original.pk}"
    assert Transaction.objects.get(pk=original.pk).reversed_by == reversal
    assert entries_of(reversal) == [(book.alice.pk, "EUR", 700, 0), (book.bob.pk, "EUR", -700, 0)]
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}
    assert [p["transaction"] for p in posted] == [original, reversal]


def test_reversal_keeps_later_movements_and_ignores_limits(book):
    set_limits(book, book.bob, min_balance=0)
    set_limits(book, book.alice, max_balance=0)
    original = pay(book, book.alice, book.bob, 700)
    pay(book, book.bob, book.carol, 500)
    reversal = services.transaction_reverse(
        transaction=original, acting_user=book.treasurer, memo="Commande annulée"
    )
    assert reversal.memo == "Commande annulée"
    # Bob goes under his minimum of 0 and Alice over her maximum of 0: a correction
    # must always be possible.
    assert entries_of(reversal) == [
        (book.alice.pk, "EUR", 700, 0),
        (book.bob.pk, "EUR", -700, -500),
    ]
    assert book.balances() == {"alice": 0, "bob": -500, "carol": 500}


def test_reversal_reaches_an_account_closed_since(book):
    original = pay(book, book.alice, book.carol, 300)
    LedgerAccount.objects.filter(pk=book.carol.pk).update(is_active=False)
    services.transaction_reverse(transaction=original, acting_user=book.treasurer)
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}


def test_a_transaction_cannot_be_reversed_twice(book):
    original = pay(book, book.alice, book.bob, 700)
    services.transaction_reverse(transaction=original, acting_user=book.treasurer)
    counts = ledger_counts()
    with pytest.raises(ValidationError) as caught:
        services.transaction_reverse(transaction=original, acting_user=book.treasurer)
    assert caught.value.messages == ["This transaction has already been reversed."]
    assert ledger_counts() == counts
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}


def test_a_reversal_cannot_be_reversed(book):
    original = pay(book, book.alice, book.bob, 700)
    reversal = services.transaction_reverse(transaction=original, acting_user=book.treasurer)
    counts = ledger_counts()
    with pytest.raises(ValidationError) as caught:
        services.transaction_reverse(transaction=reversal, acting_user=book.treasurer)
    assert caught.value.messages == [
        "A reversal cannot itself be reversed; post a new transaction."
    ]
    assert ledger_counts() == counts
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}


# Immutability ----------------------------------------------------------------------


def test_transactions_and_entries_are_never_changed_or_deleted(book):
    tx = pay(book, book.alice, book.bob, 700, memo="Avant")
    entry = tx.entries.get(account=book.alice)
    counts = ledger_counts()

    tx.memo = "Après"
    with pytest.raises(ImmutableError):
        tx.save()
    with pytest.raises(ImmutableError):
        tx.delete()
    entry.amount = -1
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()

    assert ledger_counts() == counts
    assert Transaction.objects.get(pk=tx.pk).memo == "Avant"
    assert Entry.objects.get(pk=entry.pk).amount == -700


# Audit and hook --------------------------------------------------------------------


def test_posting_records_an_audit_event_and_emits_the_hook(book, posted):
    tx = pay(book, book.alice, book.bob, 300)
    event = Event.objects.get(verb="ledger.transaction_posted")
    assert (event.actor, event.target, event.data) == (
        book.treasurer,
        tx,
        {"kind": TEST_KIND, "legs": [[book.alice.pk, -300], [book.bob.pk, 300]]},
    )
    assert posted == [{"transaction": tx, "acting_user": book.treasurer}]


def test_event_hook_and_post_commit_together(book, monkeypatch):
    """A listener that fails inside the hook undoes the transaction and its event."""
    monkeypatch.setattr(services.hooks, "_LISTENERS", services.hooks.defaultdict(list))
    seen: list[tuple[bool, int, int]] = []

    @services.hooks.listen(services.POSTED)
    def failing_listener(*, transaction: Transaction, acting_user) -> None:
        seen.append(
            (
                connection.in_atomic_block,
                Transaction.objects.filter(pk=transaction.pk).count(),
                Event.objects.filter(verb="ledger.transaction_posted").count(),
            )
        )
        raise RuntimeError("listener failed")

    counts = ledger_counts()
    with pytest.raises(RuntimeError):
        pay(book, book.alice, book.bob, 300)
    assert seen == [(True, 1, 1)]
    assert ledger_counts() == counts
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}


def test_a_post_inside_a_failed_outer_transaction_leaves_nothing(book):
    counts = ledger_counts()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        pay(book, book.alice, book.bob, 300)
        raise ZeroDivisionError
    assert ledger_counts() == counts
    assert book.balances() == {"alice": 0, "bob": 0, "carol": 0}


# Accounts --------------------------------------------------------------------------


def test_account_open_returns_the_same_account_twice(book):
    owner = UserFactory(display_name="Dominique")
    opened = services.account_open(
        group=book.group, currency="EUR", owner=owner, acting_user=book.treasurer
    )
    again = services.account_open(
        group=book.group, currency="EUR", owner=owner, name="Autre nom", acting_user=book.treasurer
    )
    assert again.pk == opened.pk
    assert (opened.owner, opened.name, opened.purpose, opened.balance) == (
        owner,
        str(owner),
        Purpose.MEMBER,
        0,
    )
    assert (opened.min_balance, opened.max_balance, opened.is_active) == (None, None, True)
    events = Event.objects.filter(verb="ledger.account_opened", target_id=str(opened.pk))
    assert [(e.actor, e.target) for e in events] == [(book.treasurer, opened)]
    # Another purpose or currency is another account.
    fees = services.account_open(
        group=book.group,
        currency="EUR",
        owner=owner,
        purpose=Purpose.FEES,
        acting_user=book.treasurer,
    )
    sol = services.account_open(
        group=book.group, currency=SOCIAL_CURRENCY, owner=owner, acting_user=book.treasurer
    )
    assert len({opened.pk, fees.pk, sol.pk}) == 3
    assert list(services.owner_accounts(owner).order_by("pk")) == [opened, fees, sol]


def test_account_open_with_limits(book):
    account = services.account_open(
        group=book.group,
        currency="EUR",
        owner=book.group,
        purpose=Purpose.CASH,
        name="Caisse",
        min_balance=0,
        max_balance=50000,
        acting_user=book.treasurer,
    )
    account.refresh_from_db()
    assert (account.name, account.owner, account.min_balance, account.max_balance) == (
        "Caisse",
        book.group,
        0,
        50000,
    )


def test_account_open_refuses_an_unknown_currency(book):
    accounts, events = LedgerAccount.objects.count(), Event.objects.count()
    with pytest.raises(MoneyError):
        services.account_open(
            group=book.group, currency="XYZ", owner=book.group, acting_user=book.treasurer
        )
    assert (LedgerAccount.objects.count(), Event.objects.count()) == (accounts, events)


def test_account_set_limits_records_before_and_after(book):
    set_limits(book, book.alice, min_balance=-2000, max_balance=5000)
    account = services.account_set_limits(
        account=book.alice, min_balance=-1000, max_balance=None, acting_user=book.treasurer
    )
    assert (account.min_balance, account.max_balance) == (-1000, None)
    book.alice.refresh_from_db()
    assert (book.alice.min_balance, book.alice.max_balance) == (-1000, None)
    event = Event.objects.filter(verb="ledger.limits_changed").order_by("-id").first()
    assert (event.actor, event.target, event.data) == (
        book.treasurer,
        book.alice,
        {
            "before": {"min_balance": -2000, "max_balance": 5000},
            "after": {"min_balance": -1000, "max_balance": None},
        },
    )


def test_account_set_limits_refuses_min_above_max(book):
    set_limits(book, book.alice, min_balance=-2000, max_balance=5000)
    events = Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.account_set_limits(
            account=book.alice, min_balance=10, max_balance=5, acting_user=book.treasurer
        )
    assert caught.value.messages == ["The minimum balance cannot be above the maximum balance."]
    book.alice.refresh_from_db()
    assert (book.alice.min_balance, book.alice.max_balance) == (-2000, 5000)
    assert Event.objects.count() == events


# Personal data ---------------------------------------------------------------------


def test_personal_data_export_contains_the_users_entries(book):
    first = pay(book, book.alice, book.bob, 1250, memo="Panier")
    second = pay(book, book.carol, book.alice, 250, memo="Remboursement")
    pay(book, book.bob, book.carol, 100, memo="Pas pour Alice")
    owner = book.alice.owner

    exported = personal_data.export(owner)

    assert exported == [
        {
            "group": "epicerie-solidaire",
            "currency": "EUR",
            "purpose": "member",
            "balance_minor_units": -1000,
            "entries": [
                {
                    "transaction": first.pk,
                    "date": first.created_at.isoformat(),
                    "kind": TEST_KIND,
                    "memo": "Panier",
                    "amount_minor_units": -1250,
                    "balance_after": -1250,
                },
                {
                    "transaction": second.pk,
                    "date": second.created_at.isoformat(),
                    "kind": TEST_KIND,
                    "memo": "Remboursement",
                    "amount_minor_units": 250,
                    "balance_after": -1000,
                },
            ],
        }
    ]
    assert personal_data_export(user=owner)["sources"]["ledger_accounts"] == exported


def test_erasing_a_user_keeps_their_entries_and_balances(book):
    pay(book, book.alice, book.bob, 1250)
    owner = book.alice.owner
    entries = list(Entry.objects.order_by("id").values_list("id", "account_id", "amount"))

    user_erase(user=owner, acting_user=owner)

    book.alice.refresh_from_db()
    assert (book.alice.name, book.alice.balance, book.alice.owner) == ("—", -1250, owner)
    assert list(Entry.objects.order_by("id").values_list("id", "account_id", "amount")) == entries
    book.bob.refresh_from_db()
    assert book.bob.name == "Bob"
    assert ledger_violations() == []
