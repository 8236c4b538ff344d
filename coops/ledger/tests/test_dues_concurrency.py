"""Real concurrency on PostgreSQL: settling the same dues, or generating the same
period, from two threads at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coops.accounts.tests.factories import UserFactory
from coops.core.tests.concurrency import race
from coops.groups.tests.factories import GroupFactory
from coops.ledger.dues import services
from coops.ledger.dues.models import Dues, DuesStatus
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Payment, PaymentMethod, Transaction

from .dues_factories import balance, credit, dues_of, fr, member_of, organiser_of, sliding_plan

pytestmark = pytest.mark.postgres

ROUNDS = 5


def _season(members: int = 1):
    group = GroupFactory()
    organiser = organiser_of(group)
    plan = sliding_plan(group, by=organiser)
    people = [member_of(group, user=UserFactory()) for _ in range(members)]
    return group, organiser, plan, people


def _outcomes(results) -> list[str]:
    kinds = []
    for result in results:
        if isinstance(result, Dues):
            kinds.append("paid")
        elif isinstance(result, ValidationError):
            kinds.append(" ".join(result.messages))
        else:
            kinds.append(repr(result))
    return sorted(kinds)


def test_two_payments_of_the_same_dues_from_the_balance_post_once(pg):
    group, organiser, plan, (lea,) = _season()
    credit(group, lea, "200.00", by=organiser)
    for round_ in range(ROUNDS):
        created = services.dues_generate(
            plan=plan, on=date(2026 + round_, 9, 1), today=date(2026 + round_, 9, 1)
        )
        dues = next(d for d in created if d.member_id == lea.pk)

        def pay(pk=dues.pk):
            return services.dues_pay_from_balance(dues=Dues.objects.get(pk=pk), acting_user=lea)

        results = race(pay, pay)
        # Threads speak the site's language (French).
        assert _outcomes(results) == sorted(["paid", fr("These dues are already paid.")])
    assert Transaction.objects.filter(kind="ledger.dues").count() == ROUNDS
    assert balance(group, lea) == 20000 - ROUNDS * 2000
    assert ledger_violations() == []


def test_a_payment_recorded_while_the_member_pays_from_the_balance(pg):
    group, organiser, plan, (lea,) = _season()
    credit(group, lea, "20.00", by=organiser)
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))
    dues = dues_of(plan, lea)

    def pay():
        return services.dues_pay_from_balance(dues=Dues.objects.get(pk=dues.pk), acting_user=lea)

    def record():
        return services.dues_record_payment(
            dues=Dues.objects.get(pk=dues.pk),
            acting_user=organiser,
            amount=Decimal("20.00"),
            method=PaymentMethod.CASH,
            received_on=date(2026, 9, 5),
        )

    results = race(pay, record)
    outcomes = _outcomes(results)
    assert outcomes.count("paid") == 1, results
    dues.refresh_from_db()
    assert dues.status == DuesStatus.PAID
    assert Transaction.objects.filter(kind="ledger.dues").count() == 1
    # The loser wrote nothing: a refused record leaves no payment behind.
    recorded = 1 if isinstance(results[1], Dues) else 0
    assert Payment.objects.count() == 1 + recorded
    assert balance(group, lea) == (2000 if recorded else 0)
    assert ledger_violations() == []


def test_two_generations_of_the_same_period_create_each_dues_once(pg):
    _group, _organiser, plan, people = _season(members=6)

    def generate():
        return services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))

    results = race(generate, generate)
    assert sorted(len(r) for r in results) == [0, 7], results
    assert Dues.objects.filter(plan=plan).count() == len(people) + 1
