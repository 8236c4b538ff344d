"""Writes for dues rows: generation, settlement through the ledger, waivers.

Guarantees:
- generation locks the plan row, so two overlapping runs create each member's dues
  for a period once (the unique constraint backs this up);
- every settlement locks the dues row first: of two settlements of the same dues,
  the second waits, then finds them paid and is refused; nothing posts twice (the
  ledger idempotency key f"dues:{pk}" backs this up);
- paying from the balance never takes the member's account under its minimum (0
  when the account has none), checked under the account's row lock;
- recording a payment and settling the dues with it commit together or not at all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.money import Money
from coops.core.permissions import require
from coops.groups.models import MembershipStatus

from ...models import LedgerAccount, Payment, Purpose
from ...providers import payment_record
from ...services import (
    LimitExceeded,
    account_open,
    lock_accounts,
    money_text,
    transaction_reverse,
    transfer,
)
from ..models import (
    Dues,
    DuesBracket,
    DuesDeclaration,
    DuesPlan,
    DuesStatus,
    Pricing,
    check_transition,
)
from .plans import KEEP_BOOKS

DUES_KIND = "ledger.dues"


# --- Generation -------------------------------------------------------------------------


def _pricer(plan: DuesPlan):
    """A function member_id -> (bracket or None, amount) for this plan's dues."""
    if plan.pricing == Pricing.FIXED:
        return lambda member_id: (None, plan.amount)
    brackets = {b.pk: b for b in plan.brackets.all()}
    default = next((b for b in brackets.values() if b.is_default), None)
    if default is None:
        raise ValidationError(_("Mark one bracket as the reference bracket first."))
    declared = dict(
        DuesDeclaration.objects.filter(plan=plan).values_list("member_id", "bracket_id")
    )

    def price(member_id: int) -> tuple[DuesBracket, Decimal]:
        bracket = brackets.get(declared.get(member_id), default)
        return bracket, bracket.amount

    return price


def dues_generate(
    *, plan: DuesPlan, on: date | None = None, today: date | None = None, acting_user=None
) -> list[Dues]:
    """Create the dues of the period containing `on` (default: today in the group's
    time zone) for every active member who has none for it yet, priced by their
    declared bracket (or the reference bracket), and notify each of them once (an
    "overdue" reminder rather than an "issued" one when, as of `today`, they are
    already past due date and grace).

    Idempotent: a second run for the same period creates nothing. `acting_user` is
    None for the scheduled run, otherwise an organiser or treasurer.
    """
    if acting_user is not None:
        require(acting_user, KEEP_BOOKS, plan.group)
    from ..reminders import dues_remind

    with transaction.atomic():
        plan = DuesPlan.objects.select_for_update().select_related("group").get(pk=plan.pk)
        today = today or plan.group.today()
        on = on or today
        if not plan.is_active:
            raise ValidationError(_("This plan is paused: activate it to generate its dues."))
        if on < plan.start_date:
            raise ValidationError(
                _("This plan starts on %(date)s.") % {"date": date_format(plan.start_date)}
            )
        dates = plan.period_containing(on)
        price = _pricer(plan)
        already = Dues.objects.filter(plan=plan, period_start=dates.start).values("member_id")
        members = (
            get_user_model()
            .objects.active()
            .filter(memberships__group=plan.group, memberships__status=MembershipStatus.ACTIVE)
            .exclude(pk__in=already)
            .order_by("pk")
        )
        rows = []
        for member in members:
            bracket, amount = price(member.pk)
            rows.append(
                Dues(
                    group=plan.group,
                    plan=plan,
                    member=member,
                    period=plan.period,
                    period_start=dates.start,
                    period_end=dates.end,
                    due_on=dates.due_on,
                    grace_until=dates.grace_until,
                    bracket=bracket,
                    bracket_label=bracket.label if bracket else "",
                    amount=amount,
                    currency=plan.currency,
                )
            )
        created = Dues.objects.bulk_create(rows)
        if created:
            event_record(
                actor=acting_user,
                verb="ledger.dues_generated",
                target=plan,
                period_start=dates.start.isoformat(),
                members=[d.member_id for d in created],
            )
        for dues in created:
            dues_remind(dues=dues, on=today)
    return created


# --- Settlement -------------------------------------------------------------------------


def lock_dues(pk: int) -> Dues:
    """Lock one dues row (not its plan, group or member) until the transaction ends."""
    return (
        Dues.objects.select_for_update(of=("self",))
        .select_related("group", "plan", "member")
        .get(pk=pk)
    )


def _member_account(dues: Dues, acting_user) -> LedgerAccount:
    # Opened with a floor of 0: dues are paid from money the member put in, never on credit.
    return account_open(
        group=dues.group,
        currency=dues.currency,
        owner=dues.member,
        name=dues.member.public_name,
        min_balance=0,
        acting_user=acting_user,
    )


def _income_account(dues: Dues, acting_user) -> LedgerAccount:
    return account_open(
        group=dues.group,
        currency=dues.currency,
        owner=dues.group,
        purpose=Purpose.DUES,
        name=_("Dues income"),
        acting_user=acting_user,
    )


def _settlement_key(dues: Dues) -> str:
    """Once per settlement: dues reopened after a cancelled payment settle anew."""
    return f"dues:{dues.pk}" if not dues.reopened else f"dues:{dues.pk}:{dues.reopened}"


def _settle(*, dues: Dues, acting_user, payment: Payment | None = None) -> Dues:
    """With `dues` locked: move its amount from the member's balance to the group's
    dues income, and mark it paid."""
    check_transition(dues.status, DuesStatus.PAID)
    minor = Money(dues.amount, dues.currency).to_minor()
    member_account = _member_account(dues, acting_user)
    income = _income_account(dues, acting_user)
    accounts = lock_accounts([member_account.pk, income.pk])
    member_account = accounts[member_account.pk]
    floor = member_account.min_balance if member_account.min_balance is not None else 0
    if member_account.balance - minor < floor:
        params = {
            "balance": money_text(member_account.balance, dues.currency),
            "amount": money_text(minor, dues.currency),
        }
        if payment is None:
            message = _(
                "Your balance (%(balance)s) does not cover these dues (%(amount)s). Top it "
                "up with an organiser, or hand them the dues directly."
            )
        else:
            message = _(
                "With this payment the member's balance (%(balance)s) still does not cover "
                "these dues (%(amount)s)."
            )
        raise LimitExceeded(message % params, code="under_minimum")
    tx = transfer(
        group=dues.group,
        payer=member_account,
        payee=accounts[income.pk],
        amount=minor,
        kind=DUES_KIND,
        acting_user=acting_user,
        memo=f"{dues.plan.name} · {dues.period_label}",
        source=dues,
        idempotency_key=_settlement_key(dues),
    )
    now = timezone.now()
    Dues.objects.filter(pk=dues.pk, status=DuesStatus.DUE).update(
        status=DuesStatus.PAID, paid_at=now, transaction=tx, payment=payment, settled_by=acting_user
    )
    dues.status, dues.paid_at, dues.transaction = DuesStatus.PAID, now, tx
    dues.payment, dues.settled_by = payment, acting_user
    event_record(
        actor=acting_user,
        verb="ledger.dues_paid",
        target=dues,
        before=DuesStatus.DUE,
        after=DuesStatus.PAID,
        transaction=tx.pk,
        payment=payment.pk if payment else None,
    )
    return dues


def dues_pay_from_balance(*, dues: Dues, acting_user) -> Dues:
    """The member pays their own dues from their prepaid balance in the group's books.
    Refused (LimitExceeded, nothing written) when the balance does not cover them."""
    if acting_user.pk != dues.member_id:
        raise PermissionDenied(_("Only the member pays their dues from their balance."))
    require(acting_user, "ledger.view_own", dues.group)
    with transaction.atomic():
        return _settle(dues=lock_dues(dues.pk), acting_user=acting_user)


def dues_record_payment(
    *,
    dues: Dues,
    acting_user,
    amount: Decimal,
    method: str,
    received_on: date,
    cheque_number: str = "",
    cheque_bank: str = "",
    reference: str = "",
    note: str = "",
    idempotency_key: str | None = None,
) -> Dues:
    """An organiser or treasurer records money received for these dues: the payment
    credits the member's balance and the dues are settled from it, in one
    transaction. Anything paid above the dues stays on the member's balance.
    `idempotency_key` (the payment form's) makes a resubmitted form record nothing new."""
    require(acting_user, KEEP_BOOKS, dues.group)
    with transaction.atomic():
        dues = lock_dues(dues.pk)
        check_transition(dues.status, DuesStatus.PAID)  # before any money is recorded
        _member_account(dues, acting_user)
        payment = payment_record(
            group=dues.group,
            member=dues.member,
            amount=amount,
            currency=dues.currency,
            method=method,
            received_on=received_on,
            cheque_number=cheque_number,
            cheque_bank=cheque_bank,
            reference=reference,
            note=note,
            acting_user=acting_user,
            idempotency_key=idempotency_key,
        )
        return _settle(dues=dues, acting_user=acting_user, payment=payment)


def dues_waive(*, dues: Dues, reason: str, acting_user) -> Dues:
    """An organiser or treasurer waives dues that are still due, saying why."""
    require(acting_user, KEEP_BOOKS, dues.group)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why these dues are waived.")})
    with transaction.atomic():
        dues = lock_dues(dues.pk)
        check_transition(dues.status, DuesStatus.WAIVED)
        now = timezone.now()
        Dues.objects.filter(pk=dues.pk, status=DuesStatus.DUE).update(
            status=DuesStatus.WAIVED, waived_at=now, waived_by=acting_user, waive_reason=reason
        )
        dues.status, dues.waived_at, dues.waived_by = DuesStatus.WAIVED, now, acting_user
        dues.waive_reason = reason
        event_record(
            actor=acting_user,
            verb="ledger.dues_waived",
            target=dues,
            before=DuesStatus.DUE,
            after=DuesStatus.WAIVED,
            reason=reason,
        )
    return dues


def payment_cancel(*, payment: Payment, acting_user, reason: str = "") -> list[Dues]:
    """Cancel a payment received by hand (a bounced cheque, a mistake): post the
    reversal of its transaction and, for dues it paid, the reversal of their
    settlement, so those dues are due again. All or nothing; return the reopened dues.

    A payment is cancelled once: a second attempt is refused by the ledger."""
    require(acting_user, KEEP_BOOKS, payment.group)
    if payment.transaction_id is None:
        raise ValidationError(_("This payment has no transaction to cancel."))
    memo = _("Payment no. %(number)s cancelled") % {"number": payment.pk}
    memo = f"{memo}: {reason.strip()}" if reason.strip() else memo
    with transaction.atomic():
        paid = list(
            Dues.objects.select_for_update(of=("self",))
            .select_related("plan", "transaction")
            .filter(payment=payment, status=DuesStatus.PAID)
            .order_by("pk")
        )
        transaction_reverse(transaction=payment.transaction, acting_user=acting_user, memo=memo)
        for dues in paid:
            _reopen(dues, acting_user=acting_user, memo=memo)
    return paid


def _reopen(dues: Dues, *, acting_user, memo: str) -> None:
    check_transition(dues.status, DuesStatus.DUE)
    settlement = dues.transaction
    transaction_reverse(transaction=settlement, acting_user=acting_user, memo=memo)
    Dues.objects.filter(pk=dues.pk, status=DuesStatus.PAID).update(
        status=DuesStatus.DUE,
        paid_at=None,
        transaction=None,
        payment=None,
        settled_by=None,
        reopened=F("reopened") + 1,
    )
    dues.refresh_from_db()
    event_record(
        actor=acting_user,
        verb="ledger.dues_reopened",
        target=dues,
        before=DuesStatus.PAID,
        after=DuesStatus.DUE,
        reversed_settlement=settlement.pk,
    )
