"""A stateful property test: random sequences of posts, refusals, reversals, limit
changes and retries, checked after every step against a plain model of the book."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory
from coops.ledger import kinds, services
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Entry, LedgerAccount, Transaction
from coops.ledger.services import IdempotencyConflict, Leg, LimitExceeded
from coops.ledger.tests.factories import SOCIAL_CURRENCY, TEST_KIND

EUR = list(range(6))  # indexes of the six EUR accounts
SOL = [6, 7]  # and of the two accounts in the social currency
SAME_CURRENCY_PAIRS = [*permutations(EUR, 2), *permutations(SOL, 2)]

amounts = st.integers(min_value=1, max_value=300) | st.integers(min_value=1, max_value=3000)
minimums = st.none() | st.integers(min_value=-6000, max_value=0)
maximums = st.none() | st.integers(min_value=0, max_value=6000)


@dataclass
class Posted:
    legs: dict[int, int]  # account index -> amount
    reversal: bool = False
    reversed: bool = False


@dataclass
class Key:
    legs: list[tuple[int, int]]  # (account index, amount), in the order posted
    tx_id: int | None = None  # None while every attempt with this key was refused


@dataclass
class Model:
    balances: list[int] = field(default_factory=lambda: [0] * 8)
    limits: list[tuple[int | None, int | None]] = field(default_factory=lambda: [(None, None)] * 8)
    posted: dict[int, Posted] = field(default_factory=dict)
    keys: dict[str, Key] = field(default_factory=dict)

    def refusals(self, legs: list[tuple[int, int]]) -> set[str]:
        """The codes `transaction_post` may refuse with: one per leg that would move
        its account past a limit it is moving toward (empty: the post must succeed)."""
        codes = set()
        for index, amount in legs:
            low, high = self.limits[index]
            new = self.balances[index] + amount
            if amount < 0 and low is not None and new < low:
                codes.add("under_minimum")
            if amount > 0 and high is not None and new > high:
                codes.add("over_maximum")
        return codes


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each example runs inside a savepoint of the test's transaction, undone at
        # teardown, so every example starts from an empty book.
        self.savepoint = transaction.savepoint()
        self.model = Model()
        self.next_key = 0

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    # Set-up ------------------------------------------------------------------------

    @initialize(limits=st.lists(st.tuples(minimums, maximums), min_size=8, max_size=8))
    def open_accounts(self, limits) -> None:
        assert not LedgerAccount.objects.exists(), "the previous example was not undone"
        self.group = GroupFactory()
        self.treasurer = UserFactory()
        self.accounts: list[LedgerAccount] = []
        for index, (low, high) in enumerate(limits):
            self.accounts.append(
                services.account_open(
                    group=self.group,
                    currency=SOCIAL_CURRENCY if index in SOL else "EUR",
                    owner=UserFactory(),
                    name=f"Compte {index}",
                    min_balance=low,
                    max_balance=high,
                    acting_user=self.treasurer,
                )
            )
        self.model.limits = list(limits)

    # Helpers -----------------------------------------------------------------------

    def _post(self, legs: list[tuple[int, int]], key: str | None = None) -> None:
        """Post `legs`, checking the outcome against the model, and update the model."""
        expected = self.model.refusals(legs)
        before = Transaction.objects.count()
        try:
            tx = services.transaction_post(
                group=self.group,
                kind=TEST_KIND,
                legs=[Leg(self.accounts[index], amount) for index, amount in legs],
                acting_user=self.treasurer,
                idempotency_key=key,
            )
        except LimitExceeded as refusal:
            assert refusal.code in expected
            assert Transaction.objects.count() == before
            return
        assert not expected, f"posted although the model expected {expected}"
        for index, amount in legs:
            self.model.balances[index] += amount
        self.model.posted[tx.pk] = Posted(legs=dict(legs))
        if key is not None:
            self.model.keys[key].tx_id = tx.pk
        self._check_entries(tx, legs)
        # A successful, limit-enforced post leaves no account past a limit it moved toward.
        for index, amount in legs:
            account = LedgerAccount.objects.get(pk=self.accounts[index].pk)
            if amount < 0 and account.min_balance is not None:
                assert account.balance >= account.min_balance
            if amount > 0 and account.max_balance is not None:
                assert account.balance <= account.max_balance

    def _check_entries(self, tx: Transaction, legs: list[tuple[int, int]]) -> None:
        by_pk = {self.accounts[index].pk: index for index, _ in legs}
        got = {
            by_pk[account_id]: (amount, after)
            for account_id, amount, after in Entry.objects.filter(transaction=tx).values_list(
                "account_id", "amount", "balance_after"
            )
        }
        assert got == {index: (amount, self.model.balances[index]) for index, amount in legs}

    def _available(self, index: int) -> int:
        low = self.model.limits[index][0]
        return 0 if low is None else self.model.balances[index] - low

    def _key(self) -> str:
        self.next_key += 1
        return f"cle-{self.next_key}"

    # Rules -------------------------------------------------------------------------

    @rule(pair=st.sampled_from(SAME_CURRENCY_PAIRS), amount=amounts, with_key=st.booleans())
    def transfer(self, pair, amount, with_key) -> None:
        payer, payee = pair
        legs = [(payer, -amount), (payee, amount)]
        key = None
        if with_key:
            key = self._key()
            self.model.keys[key] = Key(legs=legs)
        self._post(legs, key)

    @rule(
        pair=st.sampled_from(SAME_CURRENCY_PAIRS),
        side=st.sampled_from(["payer", "payee"]),
        offset=st.sampled_from([-1, 0, 1]),
    )
    def transfer_at_a_limit(self, pair, side, offset) -> None:
        """Aim exactly at a limit, one unit short of it, or one unit past it."""
        payer, payee = pair
        if side == "payer":
            low = self.model.limits[payer][0]
            room = None if low is None else self.model.balances[payer] - low
        else:
            high = self.model.limits[payee][1]
            room = None if high is None else high - self.model.balances[payee]
            # Pay from the account with the most room, so the payee's limit decides.
            payer = max(
                (i for i in (EUR if payee in EUR else SOL) if i != payee),
                key=lambda i: (self.model.limits[i][0] is None, self._available(i)),
            )
        assume(room is not None and room + offset > 0)
        self._post([(payer, -(room + offset)), (payee, room + offset)])

    @rule(
        accounts=st.lists(st.sampled_from(EUR), min_size=3, max_size=5, unique=True),
        data=st.data(),
        with_social=st.booleans(),
    )
    def multi_leg_post(self, accounts, data, with_social) -> None:
        amounts_ = data.draw(
            st.lists(
                st.integers(-3000, 3000).filter(bool),
                min_size=len(accounts) - 1,
                max_size=len(accounts) - 1,
            )
        )
        last = -sum(amounts_)
        assume(last != 0)
        legs = [*zip(accounts, [*amounts_, last], strict=True)]
        if with_social:
            payer, payee = data.draw(st.permutations(SOL))
            amount = data.draw(amounts)
            legs += [(payer, -amount), (payee, amount)]
        legs = data.draw(st.permutations(legs))
        self._post(legs)

    @precondition(
        lambda self: any(not p.reversal and not p.reversed for p in self.model.posted.values())
    )
    @rule(data=st.data())
    def reverse(self, data) -> None:
        candidates = sorted(
            pk for pk, p in self.model.posted.items() if not p.reversal and not p.reversed
        )
        pk = data.draw(st.sampled_from(candidates))
        reversal = services.transaction_reverse(
            transaction=Transaction.objects.get(pk=pk), acting_user=self.treasurer
        )
        assert reversal.reverses_id == pk
        original = self.model.posted[pk]
        original.reversed = True
        for index, amount in original.legs.items():
            self.model.balances[index] -= amount
        legs = [(index, -amount) for index, amount in original.legs.items()]
        self.model.posted[reversal.pk] = Posted(legs=dict(legs), reversal=True)
        self._check_entries(reversal, legs)

    @precondition(lambda self: any(p.reversal or p.reversed for p in self.model.posted.values()))
    @rule(data=st.data())
    def reverse_again_is_refused(self, data) -> None:
        candidates = sorted(pk for pk, p in self.model.posted.items() if p.reversal or p.reversed)
        pk = data.draw(st.sampled_from(candidates))
        before = Transaction.objects.count()
        with pytest.raises(ValidationError) as caught:
            services.transaction_reverse(
                transaction=Transaction.objects.get(pk=pk), acting_user=self.treasurer
            )
        assert not isinstance(caught.value, LimitExceeded)
        assert Transaction.objects.count() == before

    @rule(index=st.sampled_from(EUR + SOL), low=minimums, high=maximums)
    def change_limits(self, index, low, high) -> None:
        services.account_set_limits(
            account=self.accounts[index],
            min_balance=low,
            max_balance=high,
            acting_user=self.treasurer,
        )
        self.model.limits[index] = (low, high)

    @precondition(lambda self: bool(self.model.keys))
    @rule(data=st.data())
    def retry_key(self, data) -> None:
        key = data.draw(st.sampled_from(sorted(self.model.keys)))
        recorded = self.model.keys[key]
        if recorded.tx_id is None:
            # Every earlier attempt was refused: the key is free, this is a new attempt.
            self._post(recorded.legs, key)
            return
        before = Transaction.objects.count()
        tx = services.transaction_post(
            group=self.group,
            kind=TEST_KIND,
            legs=[Leg(self.accounts[index], amount) for index, amount in recorded.legs],
            acting_user=self.treasurer,
            idempotency_key=key,
        )
        assert tx.pk == recorded.tx_id
        assert Transaction.objects.count() == before

    @precondition(lambda self: any(k.tx_id is not None for k in self.model.keys.values()))
    @rule(data=st.data(), change=st.sampled_from(["amount", "kind"]), extra=amounts)
    def reuse_key_for_other_legs_is_a_conflict(self, data, change, extra) -> None:
        """Another amount, or the same amount under another kind."""
        key = data.draw(
            st.sampled_from(sorted(k for k, v in self.model.keys.items() if v.tx_id is not None))
        )
        (payer, amount), (payee, _) = self.model.keys[key].legs
        before = Transaction.objects.count()
        with pytest.raises(IdempotencyConflict):
            services.transfer(
                group=self.group,
                payer=self.accounts[payer],
                payee=self.accounts[payee],
                amount=-amount + (extra if change == "amount" else 0),
                kind=TEST_KIND if change == "amount" else kinds.ADJUSTMENT,
                acting_user=self.treasurer,
                idempotency_key=key,
            )
        assert Transaction.objects.count() == before

    # Invariants --------------------------------------------------------------------

    @invariant()
    def book_is_sound(self) -> None:
        assert ledger_violations() == []

    @invariant()
    def balances_match_the_model(self) -> None:
        if not hasattr(self, "accounts"):
            return
        stored = dict(LedgerAccount.objects.filter(group=self.group).values_list("pk", "balance"))
        assert [stored[a.pk] for a in self.accounts] == self.model.balances

    @invariant()
    def every_post_is_in_the_book_once(self) -> None:
        if not hasattr(self, "accounts"):
            return
        assert sorted(
            Transaction.objects.filter(group=self.group).values_list("pk", flat=True)
        ) == sorted(self.model.posted)
        assert sorted(
            Transaction.objects.filter(group=self.group, idempotency_key__isnull=False).values_list(
                "idempotency_key", flat=True
            )
        ) == sorted(k for k, v in self.model.keys.items() if v.tx_id is not None)


@pytest.mark.django_db
def test_ledger_state_machine():
    kinds.get_kind(TEST_KIND)  # registered by conftest
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
