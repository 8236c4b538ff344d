"""Reads of the book: balances are O(1) (stored on the account), statements carry a
running balance without summing (each entry stores the balance after it)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils import formats, timezone

from coops.core.money import Money

from .kinds import kind_label
from .models import Entry, LedgerAccount, Payment, Purpose, Transaction
from .services import owner_accounts


@dataclass(frozen=True)
class Statement:
    account: LedgerAccount
    entries: QuerySet[Entry]
    opening_balance: int
    closing_balance: int
    date_from: date | None
    date_to: date | None


def _zone(account: LedgerAccount) -> ZoneInfo:
    return ZoneInfo(account.group.time_zone)


def account_statement(
    *,
    account: LedgerAccount,
    date_from: date | None = None,
    date_to: date | None = None,
    kind: str | None = None,
) -> Statement:
    """Entries of `account` between two dates (inclusive, in the group's time zone),
    optionally of one kind, oldest first, with opening and closing balances."""
    zone = _zone(account)
    entries = Entry.objects.filter(account=account).select_related("transaction")
    opening = 0
    if date_from is not None:
        start = datetime.combine(date_from, time.min, tzinfo=zone)
        before = entries.filter(transaction__created_at__lt=start).order_by("-id").first()
        opening = before.balance_after if before else 0
        entries = entries.filter(transaction__created_at__gte=start)
    if date_to is not None:
        end = datetime.combine(date_to, time.max, tzinfo=zone)
        entries = entries.filter(transaction__created_at__lte=end)
    last = entries.order_by("-id").first()
    closing = last.balance_after if last else opening
    if kind:
        entries = entries.filter(transaction__kind=kind)
    return Statement(
        account=account,
        entries=entries.order_by("id"),
        opening_balance=opening,
        closing_balance=closing,
        date_from=date_from,
        date_to=date_to,
    )


def _decimal(minor: int, currency: str) -> Decimal:
    return Money.from_minor(minor, currency).amount


def statement_rows(statement: Statement) -> Iterator[list[str]]:
    """Rows for a CSV statement: date, transaction, kind, memo, debit, credit, balance.
    Numbers use the active language's decimal separator (a comma in French)."""
    currency = statement.account.currency
    zone = _zone(statement.account)

    def number(minor: int) -> str:
        return formats.number_format(_decimal(minor, currency), use_l10n=True)

    yield ["date", "transaction", "kind", "memo", "debit", "credit", "balance", "currency"]
    for entry in statement.entries.iterator(chunk_size=2000):
        tx = entry.transaction
        yield [
            timezone.localtime(tx.created_at, zone).strftime("%Y-%m-%d %H:%M"),
            str(tx.pk),
            kind_label(tx.kind),
            tx.memo,
            number(-entry.amount) if entry.amount < 0 else "",
            number(entry.amount) if entry.amount > 0 else "",
            number(entry.balance_after),
            currency,
        ]


def statement_csv(statement: Statement) -> str:
    """The statement as CSV for a spreadsheet: UTF-8 with BOM, semicolon-separated."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in statement_rows(statement):
        writer.writerow(row)
    return out.getvalue()


def balance_of(account: LedgerAccount) -> Money:
    """The account's balance as Money: one row read, whatever the number of entries."""
    return Money.from_minor(account.balance, account.currency)


# --- Pages of the "ledger" group module ------------------------------------------------------

BOOK_CURRENCY = "EUR"


def member_account(*, group, user, currency: str = BOOK_CURRENCY) -> LedgerAccount | None:
    """The user's own member account in `group`'s books, or None before their first movement."""
    return (
        owner_accounts(user)
        .filter(group=group, currency=currency, purpose=Purpose.MEMBER)
        .select_related("group")
        .first()
    )


def group_account(*, group, pk: int) -> LedgerAccount | None:
    """An account of `group`'s books by primary key; None when it is in other books."""
    return LedgerAccount.objects.filter(group=group, pk=pk).select_related("group").first()


def recent_entries(*, account: LedgerAccount, limit: int = 5) -> list[Entry]:
    """The account's latest entries, newest first."""
    return list(
        Entry.objects.filter(account=account).select_related("transaction").order_by("-id")[:limit]
    )


def _last_movement() -> Subquery:
    latest = Entry.objects.filter(account=OuterRef("pk")).order_by("-id")
    return Subquery(latest.values("transaction__created_at")[:1])


def member_balances(*, group, currency: str = BOOK_CURRENCY) -> QuerySet[LedgerAccount]:
    """Member accounts of `group`'s books by name, each with `last_movement` (a datetime
    or None), read from the (account, -id) index: one subquery per row, no GROUP BY."""
    return (
        LedgerAccount.objects.filter(group=group, currency=currency, purpose=Purpose.MEMBER)
        .annotate(last_movement=_last_movement())
        .order_by("name", "pk")
    )


def member_balances_total(*, group, currency: str = BOOK_CURRENCY) -> int:
    """What the group holds for its members, in minor units (sum of member balances)."""
    accounts = LedgerAccount.objects.filter(group=group, currency=currency, purpose=Purpose.MEMBER)
    return accounts.aggregate(total=Sum("balance"))["total"] or 0


@dataclass(frozen=True)
class HouseAccountRow:
    account: LedgerAccount
    # Cash box and bank are debit-normal: they show the money they hold (minus the
    # balance); income and fund accounts show what they collected (the balance).
    shown: int


DEBIT_NORMAL = frozenset({Purpose.CASH, Purpose.BANK})


def house_accounts(*, group, currency: str = BOOK_CURRENCY) -> list[HouseAccountRow]:
    """The accounts of `group`'s books that are not members' (cash box, bank, dues,
    producers…), with the amount to show and `last_movement`."""
    accounts = (
        LedgerAccount.objects.filter(group=group, currency=currency)
        .exclude(purpose=Purpose.MEMBER)
        .annotate(last_movement=_last_movement())
        .order_by("purpose", "name", "pk")
    )
    return [
        HouseAccountRow(a, -a.balance if a.purpose in DEBIT_NORMAL else a.balance) for a in accounts
    ]


def statement_kinds(*, account: LedgerAccount) -> list[tuple[str, str]]:
    """(kind, label) of the transactions that touched the account, by label."""
    names = (
        Transaction.objects.filter(entries__account=account)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    return sorted(((name, kind_label(name)) for name in names), key=lambda pair: pair[1])


def payments_list(*, group, method: str = "", month: date | None = None) -> QuerySet[Payment]:
    """Payments received by `group`, newest first, optionally of one method and one
    month (of `received_on`), with who recorded them and their reversal if any."""
    payments = Payment.objects.filter(group=group).select_related(
        "member", "recorded_by", "transaction__reversed_by__created_by"
    )
    if method:
        payments = payments.filter(method=method)
    if month is not None:
        payments = payments.filter(received_on__year=month.year, received_on__month=month.month)
    return payments.order_by("-received_on", "-id")


def payment_form_used(*, idempotency_key: str) -> bool:
    """True when a payment form carrying this key was already recorded."""
    return Transaction.objects.filter(idempotency_key=idempotency_key).exists()


def own_accounts(*, user) -> QuerySet[LedgerAccount]:
    """Every account `user` owns, in any group's books, by group and currency."""
    return (
        owner_accounts(user)
        .select_related("group")
        .order_by("group__slug", "currency", "purpose", "pk")
    )
