"""Real concurrency on PostgreSQL: separate processes and threads posting at once.

8 processes × 500 random transfers between 20 accounts with tight limits; afterwards
the book is sound, no limit is breached, every refusal was reported as such, and a
retried idempotency key never posts twice.
"""

from __future__ import annotations

import multiprocessing
import random
import time
import traceback
from collections import Counter

import pytest
from django.db import connections

from coops.accounts.tests.factories import UserFactory
from coops.core.tests.concurrency import race
from coops.groups.tests.factories import GroupFactory
from coops.ledger import services
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Entry, LedgerAccount, Transaction
from coops.ledger.services import LimitExceeded
from coops.ledger.tests.factories import TEST_KIND

pytestmark = pytest.mark.postgres

PROCESSES = 8
TRANSFERS_PER_PROCESS = 500
ACCOUNTS = 20
MIN_BALANCE = -2000
MAX_BALANCE = 2000
MAX_AMOUNT = 1500
RETRY_RATE = 0.1


def _open_accounts(count: int, *, min_balance=None, max_balance=None):
    group = GroupFactory()
    treasurer = UserFactory()
    accounts = [
        services.account_open(
            group=group,
            currency="EUR",
            owner=UserFactory(),
            name=f"Compte {n}",
            min_balance=min_balance,
            max_balance=max_balance,
            acting_user=treasurer,
        )
        for n in range(count)
    ]
    return group, treasurer, accounts


def _worker(number: int, group_id: int, account_ids: list[int], results) -> None:
    """One process: random transfers, each with its own key, and retries of old keys."""
    try:
        from coops.groups.models import Group

        connections.close_all()  # never share the parent's socket
        rng = random.Random(number)
        group = Group.objects.get(pk=group_id)
        accounts = {a.pk: a for a in LedgerAccount.objects.filter(pk__in=account_ids)}
        outcome = Counter()
        posted: dict[str, int] = {}  # key -> transaction id
        refused: set[str] = set()
        tried: list[tuple[str, int, int, int]] = []

        def attempt(key: str, payer: int, payee: int, amount: int) -> None:
            try:
                tx = services.transfer(
                    group=group,
                    payer=accounts[payer],
                    payee=accounts[payee],
                    amount=amount,
                    kind=TEST_KIND,
                    acting_user=None,
                    idempotency_key=key,
                )
            except LimitExceeded as refusal:
                assert refusal.code in {"under_minimum", "over_maximum"}
                outcome["refused"] += 1
                refused.add(key)
                return
            if key in posted:
                outcome["replayed"] += 1
                if tx.pk != posted[key]:
                    outcome["replay_posted_again"] += 1
                return
            outcome["posted"] += 1
            refused.discard(key)
            posted[key] = tx.pk

        for i in range(TRANSFERS_PER_PROCESS):
            payer, payee = rng.sample(account_ids, 2)
            key = f"p{number}-t{i}"
            amount = rng.randint(1, MAX_AMOUNT)
            tried.append((key, payer, payee, amount))
            outcome["attempts"] += 1
            attempt(key, payer, payee, amount)
            if rng.random() < RETRY_RATE:
                retry = rng.choice(tried)
                outcome["retries"] += 1
                if retry[0] not in posted:
                    outcome["attempts"] += 1  # a refused key is free: a fresh attempt
                attempt(*retry)
        results.put(
            {"outcome": dict(outcome), "posted": posted, "refused": sorted(refused), "error": None}
        )
    except BaseException:
        results.put({"error": traceback.format_exc()})
    finally:
        connections.close_all()


def test_processes_posting_at_once_keep_the_book_sound(pg):
    group, _, accounts = _open_accounts(ACCOUNTS, min_balance=MIN_BALANCE, max_balance=MAX_BALANCE)
    account_ids = [a.pk for a in accounts]
    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    started = time.monotonic()
    processes = [
        context.Process(target=_worker, args=(n, group.pk, account_ids, results))
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    elapsed = time.monotonic() - started
    print(f"\n{PROCESSES} processes × {TRANSFERS_PER_PROCESS} transfers: {elapsed:.1f} s")

    errors = [r["error"] for r in reports if r["error"]]
    assert errors == []
    assert [p.exitcode for p in processes] == [0] * PROCESSES

    total = Counter()
    posted: dict[str, int] = {}
    for report in reports:
        total.update(report["outcome"])
        posted.update(report["posted"])
    print(dict(total))
    assert total["replay_posted_again"] == 0
    assert total["posted"] + total["refused"] == total["attempts"]
    assert (
        total["attempts"]
        == PROCESSES * TRANSFERS_PER_PROCESS + total["retries"] - (total["replayed"])
    )
    # Both outcomes really happened: the limits are tight, not decorative.
    assert total["posted"] > 0
    assert total["refused"] > 0
    assert total["replayed"] > 0

    # Every successful key is exactly one transaction, and nothing else was written.
    in_db = dict(Transaction.objects.filter(group=group).values_list("idempotency_key", "id"))
    assert in_db == posted
    assert Entry.objects.filter(transaction__group=group).count() == 2 * len(posted)
    assert ledger_violations() == []
    for account in LedgerAccount.objects.filter(pk__in=account_ids):
        assert MIN_BALANCE <= account.balance <= MAX_BALANCE, account
    assert (
        sum(LedgerAccount.objects.filter(pk__in=account_ids).values_list("balance", flat=True)) == 0
    )


def test_concurrent_posts_with_the_same_key_post_once(pg):
    group, treasurer, (alice, bob) = _open_accounts(2)
    for round_ in range(10):

        def post(key=f"commande-{round_}"):
            return services.transfer(
                group=group,
                payer=LedgerAccount.objects.get(pk=alice.pk),
                payee=LedgerAccount.objects.get(pk=bob.pk),
                amount=500,
                kind=TEST_KIND,
                acting_user=treasurer,
                idempotency_key=key,
            )

        results = race(post, post)
        assert all(isinstance(r, Transaction) for r in results), results
        assert len({r.pk for r in results}) == 1
    assert Transaction.objects.filter(group=group).count() == 10
    alice.refresh_from_db()
    assert alice.balance == -5000
    assert ledger_violations() == []


def test_a_concurrent_retry_is_not_refused_by_the_limit_its_first_post_used(pg):
    """Only one payment fits under Alice's minimum. Two deliveries of the same
    request at once must both answer with the one transaction, never "insufficient
    funds" for a payment that went through."""
    group, treasurer, (alice, bob) = _open_accounts(2)
    for round_ in range(10):
        services.account_set_limits(
            account=alice,
            min_balance=-500 * (round_ + 1),
            max_balance=None,
            acting_user=treasurer,
        )

        def post(key=f"commande-{round_}"):
            return services.transfer(
                group=group,
                payer=LedgerAccount.objects.get(pk=alice.pk),
                payee=LedgerAccount.objects.get(pk=bob.pk),
                amount=500,
                kind=TEST_KIND,
                acting_user=treasurer,
                idempotency_key=key,
            )

        results = race(post, post)
        assert all(isinstance(r, Transaction) for r in results), results
        assert len({r.pk for r in results}) == 1
    assert Transaction.objects.filter(group=group).count() == 10
    alice.refresh_from_db()
    assert alice.balance == -5000
    assert ledger_violations() == []
