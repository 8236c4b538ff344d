"""Writes to the book. Every balance change goes through `transaction_post`.

Guarantees of `transaction_post`:
- the entries of a transaction sum to zero per currency, and each leg's currency is
  its account's;
- the accounts are locked with SELECT … FOR UPDATE in primary-key order (no
  deadlock between two posts that touch the same accounts), and limits are checked
  on the resulting balances inside that lock, never before it;
- a given idempotency key posts at most once: a retry returns the first transaction,
  and a retry with different legs is refused;
- the transaction, its entries, the new balances and an audit event commit together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from coops.core import hooks
from coops.core.audit import event_record
from coops.core.money import Money, MoneyError, exponent, format_money

from . import kinds
from .models import Entry, LedgerAccount, Purpose, Transaction

POSTED = "ledger.transaction_posted"


class LimitExceeded(ValidationError):
    """A leg would take an account under its minimum or over its maximum balance."""


class IdempotencyConflict(ValidationError):
    """The idempotency key was already used for a different transaction."""


@dataclass(frozen=True, slots=True)
class Leg:
    account: LedgerAccount
    amount: int  # minor units; positive credits the account, negative debits it


def money_text(minor: int, currency: str) -> str:
    """Minor units as people read them ("12,50 €"), for messages."""
    try:
        return format_money(Money.from_minor(minor, currency))
    except MoneyError:
        return f"{minor} {currency}"


def lock_accounts(ids: Sequence[int]) -> dict[int, LedgerAccount]:
    """Lock accounts in a stable order (primary key) and return them by id."""
    locked = LedgerAccount.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {a.pk: a for a in locked}


def account_open(
    *,
    group,
    currency: str,
    owner: models.Model,
    purpose: str = Purpose.MEMBER,
    name: str = "",
    min_balance: int | None = None,
    max_balance: int | None = None,
    acting_user,
) -> LedgerAccount:
    """Open (or return the existing) account of `owner` in `group`'s books."""
    exponent(currency)  # an unknown currency raises MoneyError
    owner_type = ContentType.objects.get_for_model(owner)
    with transaction.atomic():
        account, created = LedgerAccount.objects.get_or_create(
            group=group,
            currency=currency,
            purpose=purpose,
            owner_type=owner_type,
            owner_id=str(owner.pk),
            defaults={
                "name": name or str(owner),
                "min_balance": min_balance,
                "max_balance": max_balance,
            },
        )
        if created:
            account.full_clean()
            event_record(actor=acting_user, verb="ledger.account_opened", target=account)
    return account


def account_set_limits(
    *, account: LedgerAccount, min_balance: int | None, max_balance: int | None, acting_user
) -> LedgerAccount:
    """Change an account's limits. A balance already outside them is not a breach;
    only later movements in the wrong direction are refused."""
    if min_balance is not None and max_balance is not None and min_balance > max_balance:
        raise ValidationError(_("The minimum balance cannot be above the maximum balance."))
    with transaction.atomic():
        account = lock_accounts([account.pk])[account.pk]
        before = {"min_balance": account.min_balance, "max_balance": account.max_balance}
        LedgerAccount.objects.filter(pk=account.pk).update(
            min_balance=min_balance, max_balance=max_balance
        )
        account.min_balance, account.max_balance = min_balance, max_balance
        event_record(
            actor=acting_user,
            verb="ledger.limits_changed",
            target=account,
            before=before,
            after={"min_balance": min_balance, "max_balance": max_balance},
        )
    return account


def _validate_legs(legs: Sequence[Leg], kind: str) -> None:
    try:
        kinds.get_kind(kind)
    except LookupError:
        raise ValidationError(_("Unknown transaction kind %(kind)s.") % {"kind": kind}) from None
    if len(legs) < 2:
        raise ValidationError(_("A transaction needs at least two entries."))
    seen: set[int] = set()
    totals: dict[str, int] = defaultdict(int)
    for leg in legs:
        if not isinstance(leg.amount, int) or isinstance(leg.amount, bool) or leg.amount == 0:
            raise ValidationError(_("Each entry is a non-zero whole number of minor units."))
        if leg.account.pk in seen:
            raise ValidationError(_("An account appears twice in one transaction."))
        seen.add(leg.account.pk)
        totals[leg.account.currency] += leg.amount
    unbalanced = sorted(c for c, total in totals.items() if total != 0)
    if unbalanced:
        raise ValidationError(
            _("The entries do not balance in %(currencies)s.")
            % {"currencies": ", ".join(unbalanced)}
        )


def _check_limits(account: LedgerAccount, delta: int) -> None:
    new = account.balance + delta
    if delta < 0 and account.min_balance is not None and new < account.min_balance:
        raise LimitExceeded(
            _(
                "%(account)s would fall to %(new)s, under its minimum of %(limit)s "
                "(available: %(available)s)."
            )
            % {
                "account": account.name,
                "new": money_text(new, account.currency),
                "limit": money_text(account.min_balance, account.currency),
                "available": money_text(
                    max(0, account.balance - account.min_balance), account.currency
                ),
            },
            code="under_minimum",
        )
    if delta > 0 and account.max_balance is not None and new > account.max_balance:
        raise LimitExceeded(
            _("%(account)s would rise to %(new)s, over its maximum of %(limit)s.")
            % {
                "account": account.name,
                "new": money_text(new, account.currency),
                "limit": money_text(account.max_balance, account.currency),
            },
            code="over_maximum",
        )


def _same_legs(existing: Transaction, legs: Sequence[Leg], kind: str) -> bool:
    posted = sorted(existing.entries.values_list("account_id", "amount"))
    return existing.kind == kind and posted == sorted((leg.account.pk, leg.amount) for leg in legs)


def _replay(key: str, legs: Sequence[Leg], kind: str) -> Transaction | None:
    existing = Transaction.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if not _same_legs(existing, legs, kind):
        raise IdempotencyConflict(
            _("This idempotency key was already used for another transaction."),
            code="idempotency_conflict",
        )
    return existing


def transaction_post(
    *,
    group,
    kind: str,
    legs: Sequence[Leg],
    acting_user,
    memo: str = "",
    source: models.Model | None = None,
    idempotency_key: str | None = None,
    enforce_limits: bool = True,
    _reverses: Transaction | None = None,
) -> Transaction:
    """Post one balanced transaction (see the module docstring for the guarantees)."""
    _validate_legs(legs, kind)
    if any(leg.account.group_id != group.pk for leg in legs):
        raise ValidationError(_("Every account must be in the books of the same group."))
    try:
        with transaction.atomic():
            return _post_locked(
                group=group,
                kind=kind,
                legs=legs,
                acting_user=acting_user,
                memo=memo,
                source=source,
                idempotency_key=idempotency_key,
                enforce_limits=enforce_limits,
                reverses=_reverses,
            )
    except IntegrityError:
        # A concurrent post with the same key won the race: return its transaction.
        if idempotency_key and (done := _replay(idempotency_key, legs, kind)):
            return done
        raise


def _post_locked(*, group, kind, legs, acting_user, memo, source, idempotency_key,
                 enforce_limits, reverses) -> Transaction:  # fmt: skip
    accounts = lock_accounts([leg.account.pk for leg in legs])
    # Checked under the locks, so a concurrent post with the same key that committed
    # while we waited is returned, not refused by limits its own legs used up.
    if idempotency_key and (done := _replay(idempotency_key, legs, kind)):
        return done
    for leg in legs:
        account = accounts[leg.account.pk]
        if account.currency != leg.account.currency:
            raise ValidationError(_("An account's currency cannot change."))
        if not account.is_active and reverses is None:  # a correction is always possible
            raise ValidationError(_("%(account)s is closed.") % {"account": account.name})
        if enforce_limits:
            _check_limits(account, leg.amount)
    tx = Transaction(
        group=group,
        kind=kind,
        memo=memo[:255],
        idempotency_key=idempotency_key or None,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        reverses=reverses,
    )
    if source is not None:
        tx.source_type = ContentType.objects.get_for_model(source)
        tx.source_id = str(source.pk)
    tx.save(force_insert=True)
    entries = []
    for leg in sorted(legs, key=lambda leg: leg.account.pk):
        account = accounts[leg.account.pk]
        account.balance += leg.amount
        entries.append(
            Entry(
                transaction=tx,
                account=account,
                currency=account.currency,
                amount=leg.amount,
                balance_after=account.balance,
            )
        )
        leg.account.balance = account.balance
    # One statement for every leg. The rows are locked, so each new balance is known.
    LedgerAccount.objects.filter(pk__in=[e.account.pk for e in entries]).update(
        balance=models.Case(
            *(models.When(pk=e.account.pk, then=models.Value(e.balance_after)) for e in entries),
            output_field=models.BigIntegerField(),
        )
    )
    Entry.objects.bulk_create(entries)
    event_record(
        actor=acting_user,
        verb="ledger.transaction_posted",
        target=tx,
        kind=kind,
        legs=[[e.account_id, e.amount] for e in entries],
    )
    hooks.emit(POSTED, transaction=tx, acting_user=acting_user)
    return tx


def transaction_reverse(*, transaction: Transaction, acting_user, memo: str = "") -> Transaction:
    """Post the exact opposite of `transaction`, once. Limits are not enforced: a
    correction must always be possible."""
    original = transaction
    if original.reverses_id is not None:
        raise ValidationError(_("A reversal cannot itself be reversed; post a new transaction."))
    if Transaction.objects.filter(reverses=original).exists():
        raise ValidationError(_("This transaction has already been reversed."))
    entries = list(original.entries.select_related("account"))
    legs = [Leg(e.account, -e.amount) for e in entries]
    try:
        return transaction_post(
            group=original.group,
            kind=kinds.REVERSAL,
            legs=legs,
            acting_user=acting_user,
            memo=memo or _("Reversal of #%(id)s") % {"id": original.pk},
            source=original,
            enforce_limits=False,
            _reverses=original,
        )
    except IntegrityError:
        raise ValidationError(_("This transaction has already been reversed.")) from None


def transfer(
    *,
    group,
    payer: LedgerAccount,
    payee: LedgerAccount,
    amount: int,
    kind: str,
    acting_user,
    memo: str = "",
    source: models.Model | None = None,
    idempotency_key: str | None = None,
) -> Transaction:
    """Move `amount` minor units from `payer` to `payee` (a two-leg transaction)."""
    if amount <= 0:
        raise ValidationError(_("The amount must be positive."))
    if payer.pk == payee.pk:
        raise ValidationError(_("An account cannot pay itself."))
    return transaction_post(
        group=group,
        kind=kind,
        legs=[Leg(payer, -amount), Leg(payee, amount)],
        acting_user=acting_user,
        memo=memo,
        source=source,
        idempotency_key=idempotency_key,
    )


def owner_accounts(owner: Any) -> models.QuerySet[LedgerAccount]:
    return LedgerAccount.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=str(owner.pk)
    )
