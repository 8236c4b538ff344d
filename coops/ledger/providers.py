"""Payment providers behind one interface.

A provider turns "this member paid this group" into a `Payment` and its ledger
transaction. The manual provider is for money an organiser received by hand (cash,
cheque, bank transfer, card on a terminal). Online providers (card, SEPA) will
implement the same `record` after their confirmation webhook, with no change to
the ledger: the book only ever sees a balanced transaction of kind "ledger.payment".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.core.audit import event_record
from coops.core.money import Money, MoneyError

from . import kinds
from .models import Payment, PaymentMethod, Purpose
from .services import account_open, transfer

PAYMENT_KIND = "ledger.payment"


class PaymentProvider(Protocol):
    name: str

    def record(self, **kwargs) -> Payment: ...


def register_payment_kind() -> None:
    kinds.register_kind(PAYMENT_KIND, gettext_lazy("Payment received"))


def _house_account(group, currency: str, method: str, acting_user):
    purpose = Purpose.CASH if method == PaymentMethod.CASH else Purpose.BANK
    name = _("Cash box") if purpose == Purpose.CASH else _("Bank account")
    return account_open(
        group=group, currency=currency, owner=group, purpose=purpose, name=name,
        acting_user=acting_user,
    )  # fmt: skip


class ManualProvider:
    name = "manual"

    def record(
        self,
        *,
        group,
        member,
        amount: Decimal,
        method: str,
        received_on: date,
        acting_user,
        currency: str = "EUR",
        cheque_number: str = "",
        cheque_bank: str = "",
        reference: str = "",
        note: str = "",
        idempotency_key: str | None = None,
    ) -> Payment:
        """Record a payment and credit the member's balance, atomically. With an
        idempotency key, a repeat (a double submit, a retried webhook) returns the
        first payment and records nothing."""
        minor = _minor_units(amount, currency)
        same = {"member": member, "amount": Decimal(amount), "currency": currency}
        if idempotency_key and (done := _recorded(idempotency_key, **same)):
            return done
        try:
            return self._record(
                group=group, member=member, amount=amount, minor=minor, method=method,
                received_on=received_on, acting_user=acting_user, currency=currency,
                cheque_number=cheque_number, cheque_bank=cheque_bank, reference=reference,
                note=note, idempotency_key=idempotency_key,
            )  # fmt: skip
        except IntegrityError:
            # A concurrent repeat won the race: its payment is the one recorded.
            if idempotency_key and (done := _recorded(idempotency_key, **same)):
                return done
            raise

    def _record(self, *, group, member, amount, minor, method, received_on, acting_user,
                currency, cheque_number, cheque_bank, reference, note,
                idempotency_key) -> Payment:  # fmt: skip
        with transaction.atomic():
            payment = Payment(
                group=group, member=member, amount=Decimal(amount), currency=currency,
                method=method, provider=self.name, cheque_number=cheque_number.strip(),
                cheque_bank=cheque_bank.strip(), reference=reference.strip(),
                received_on=received_on, note=note.strip(), recorded_by=acting_user,
            )  # fmt: skip
            _require_details(payment)
            payment.full_clean(exclude=["transaction"])
            payment.save()
            house = _house_account(group, currency, method, acting_user)
            member_account = account_open(
                group=group, currency=currency, owner=member, name=member.public_name,
                acting_user=acting_user,
            )  # fmt: skip
            payment.transaction = transfer(
                group=group, payer=house, payee=member_account, amount=minor, kind=PAYMENT_KIND,
                acting_user=acting_user, memo=_memo(payment), source=payment,
                idempotency_key=idempotency_key,
            )  # fmt: skip
            Payment.objects.filter(pk=payment.pk).update(transaction=payment.transaction)
            event_record(actor=acting_user, verb="ledger.payment_recorded", target=payment)
        return payment


def _recorded(idempotency_key: str, *, member, amount: Decimal, currency: str) -> Payment | None:
    """The payment already recorded under this key, if it is the same payment."""
    done = (
        Payment.objects.filter(transaction__idempotency_key=idempotency_key)
        .select_related("transaction")
        .first()
    )
    if done is not None and (done.member_id, done.amount, done.currency) != (
        member.pk,
        amount,
        currency,
    ):
        raise ValidationError(
            _("This idempotency key was already used for another payment."),
            code="idempotency_conflict",
        )
    return done


def _minor_units(amount: Decimal, currency: str) -> int:
    try:
        minor = Money(amount, currency).to_minor()
    except MoneyError as exc:
        raise ValidationError({"amount": str(exc)}) from None
    if minor <= 0:
        raise ValidationError({"amount": _("The amount must be positive.")})
    if Money.from_minor(minor, currency).amount != Decimal(amount):
        raise ValidationError({"amount": _("Too many decimals for this currency.")})
    return minor


def _require_details(payment: Payment) -> None:
    if payment.method not in PaymentMethod.values:
        raise ValidationError({"method": _("Choose cash, cheque, bank transfer or card.")})
    if payment.method == PaymentMethod.CHEQUE and not (
        payment.cheque_number and payment.cheque_bank
    ):
        raise ValidationError({"cheque_number": _("A cheque needs its number and its bank.")})
    if payment.method == PaymentMethod.TRANSFER and not payment.reference:
        raise ValidationError({"reference": _("A bank transfer needs its reference.")})


def _memo(payment: Payment) -> str:
    if payment.method == PaymentMethod.CHEQUE:
        return _("Cheque no. %(number)s (%(bank)s)") % {
            "number": payment.cheque_number, "bank": payment.cheque_bank,
        }  # fmt: skip
    if payment.method == PaymentMethod.TRANSFER:
        return _("Bank transfer %(reference)s") % {"reference": payment.reference}
    return str(payment.get_method_display())


PROVIDERS: dict[str, PaymentProvider] = {"manual": ManualProvider()}


def payment_record(*, provider: str = "manual", **kwargs) -> Payment:
    """Record a payment through the named provider (manual by default)."""
    try:
        return PROVIDERS[provider].record(**kwargs)
    except KeyError:
        raise ValidationError(
            _("Unknown payment provider %(name)s.") % {"name": provider}
        ) from None
