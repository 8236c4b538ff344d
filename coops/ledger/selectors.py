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

from django.db.models import QuerySet
from django.utils import formats, timezone

from coops.core.money import Money

from .kinds import kind_label
from .models import Entry, LedgerAccount


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
