from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.groups.tests.factories import GroupFactory
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import LedgerAccount, Payment, PaymentMethod, Purpose, Transaction
from coops.ledger.providers import payment_record
from coops.ledger.selectors import account_statement
from coops.ledger.services import owner_accounts


@pytest.fixture
def amap(db):
    return GroupFactory(name="AMAP des Weppes"), UserFactory(), UserFactory(display_name="Léa")


def _pay(amap, **kw):
    group, organiser, lea = amap
    args = {
        "group": group, "member": lea, "amount": Decimal("50.00"), "method": PaymentMethod.CASH,
        "received_on": date(2026, 11, 19), "acting_user": organiser,
    }  # fmt: skip
    args.update(kw)
    return payment_record(**args)


def test_cash_payment_credits_the_member_and_debits_the_cash_box(amap):
    group, _organiser, lea = amap
    payment = _pay(amap)
    member = owner_accounts(lea).get()
    cash = LedgerAccount.objects.get(group=group, purpose=Purpose.CASH)
    assert (member.balance, cash.balance) == (5000, -5000)
    assert payment.transaction.kind == "ledger.payment"
    assert payment.transaction.source == payment
    assert [e.transaction.memo for e in account_statement(account=member).entries] == ["Espèces"]
    assert Event.objects.filter(verb="ledger.payment_recorded").count() == 1
    assert ledger_violations() == []


def test_cheque_goes_to_the_bank_account_with_number_and_bank_in_the_memo(amap):
    group = amap[0]
    payment = _pay(
        amap, method=PaymentMethod.CHEQUE, cheque_number="0012345", cheque_bank="Crédit Coopératif"
    )
    assert LedgerAccount.objects.get(group=group, purpose=Purpose.BANK).balance == -5000
    assert payment.transaction.memo == "Chèque n° 0012345 (Crédit Coopératif)"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"method": PaymentMethod.CHEQUE}, "cheque_number"),
        ({"method": PaymentMethod.CHEQUE, "cheque_number": "12"}, "cheque_number"),
        ({"method": PaymentMethod.TRANSFER}, "reference"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("10.005")}, "amount"),
        ({"method": "bitcoin"}, "method"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(amap, kw, field):
    with pytest.raises(ValidationError) as exc:
        _pay(amap, **kw)
    assert field in exc.value.message_dict
    assert (
        Payment.objects.count(),
        Transaction.objects.count(),
        LedgerAccount.objects.count(),
    ) == (0, 0, 0)


def test_a_retried_submission_returns_the_first_payment(amap):
    first = _pay(amap, idempotency_key="form-abc")
    assert _pay(amap, idempotency_key="form-abc") == first
    assert Payment.objects.get() == first
    assert Transaction.objects.count() == 1
    assert owner_accounts(amap[2]).get().balance == 5000


def test_a_key_reused_for_another_payment_is_refused(amap):
    first = _pay(amap, idempotency_key="form-abc")
    with pytest.raises(ValidationError) as caught:
        _pay(amap, idempotency_key="form-abc", amount=Decimal("20"))
    assert caught.value.code == "idempotency_conflict"
    assert Payment.objects.get() == first
    assert Transaction.objects.count() == 1


def test_unknown_provider_is_refused(amap):
    with pytest.raises(ValidationError):
        _pay(amap, provider="stripe")
