"""The French accounting export: the FEC (fichier des écritures comptables) of a group's
EUR books, as article A47 A-1 of the Livre des procédures fiscales describes it.

- 18 tab-separated columns, a header line with their names, CRLF line ends, UTF-8.
- One écriture per ledger transaction, one line per entry, dated the day it was posted
  in the group's time zone; a payment's PieceDate is the day the money was received.
- Amounts have a decimal comma and no thousands separator. Our sign convention maps
  directly: a negative entry debits its account (Debit column), a positive one credits
  it (Credit column).
- Each journal numbers its écritures on its own continuous sequence (CA000001…),
  in chronological order. The file opens with the à-nouveaux (journal AN): the
  balances carried over from before the period, one line per account.
- Only EUR accounts: social currencies are not accounting money.
- Lines are produced by generators reading the entries in chunks, so an export of
  any size streams in constant memory.

The labels are French whatever the reader's language: the FEC is a French legal file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import groupby
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation

from .kinds import kind_label
from .models import Entry, LedgerAccount, Payment, Purpose

CURRENCY = "EUR"

COLUMNS = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]


@dataclass(frozen=True)
class ChartAccount:
    number: str
    label: str
    # Accounts of third parties (members, producers) carry an auxiliary account per
    # ledger account: this letter, then the account's primary key on six digits.
    auxiliary_prefix: str = ""


# Our account purposes in the French chart of accounts (plan comptable général).
CHART: dict[str, ChartAccount] = {
    Purpose.CASH: ChartAccount("530000", "Caisse"),
    Purpose.BANK: ChartAccount("512000", "Banque"),
    Purpose.MEMBER: ChartAccount("419100", "Clients - avances et acomptes reçus", "M"),
    Purpose.DUES: ChartAccount("756000", "Cotisations"),
    Purpose.FEES: ChartAccount("706000", "Prestations de services"),
    Purpose.SOLIDARITY: ChartAccount("467000", "Fonds de solidarité"),
    Purpose.PRODUCER: ChartAccount("401000", "Fournisseurs", "P"),
    Purpose.ISSUANCE: ChartAccount("471000", "Compte d'attente"),
}

CASH_JOURNAL = ("CA", "Caisse")
BANK_JOURNAL = ("BQ", "Banque")
MISC_JOURNAL = ("OD", "Opérations diverses")
OPENING_JOURNAL = ("AN", "À-nouveaux")


def journal_for(purposes: Iterable[str]) -> tuple[str, str]:
    """The journal of a transaction from the accounts it touches: a movement of the
    cash box goes to the cash journal (a payment received in cash, or its reversal),
    a movement of the bank account to the bank journal, anything else to OD."""
    touched = set(purposes)
    if Purpose.CASH in touched:
        return CASH_JOURNAL
    if Purpose.BANK in touched:
        return BANK_JOURNAL
    return MISC_JOURNAL


def amount(minor: int) -> str:
    """Minor units (cents) as a FEC amount: '1234,50', never a thousands separator."""
    value = Decimal(minor).scaleb(-2)
    return f"{value:.2f}".replace(".", ",")


def _text(value: str) -> str:
    """A field never holds the separator (a tab) or a line break."""
    return " ".join(value.split())


def _account_columns(account: LedgerAccount) -> list[str]:
    chart = CHART[account.purpose]
    if chart.auxiliary_prefix:
        auxiliary = [f"{chart.auxiliary_prefix}{account.pk:06d}", _text(account.name)]
    else:
        auxiliary = ["", ""]
    return [chart.number, chart.label, *auxiliary]


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _bounds(group, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(group.time_zone)
    return (
        datetime.combine(date_from, time.min, tzinfo=zone),
        datetime.combine(date_to, time.max, tzinfo=zone),
    )


class _Numbering:
    """One continuous sequence per journal: CA000001, CA000002, BQ000001…"""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def next(self, code: str) -> str:
        self._last[code] = self._last.get(code, 0) + 1
        return f"{code}{self._last[code]:06d}"


def _line(journal, number, day, account, piece, label, minor, piece_day=None) -> list[str]:
    return [
        journal[0],
        journal[1],
        number,
        _day(day),
        *_account_columns(account),
        piece,
        _day(piece_day or day),
        _text(label),
        amount(-minor) if minor < 0 else amount(0),
        amount(minor) if minor > 0 else amount(0),
        "",
        "",
        _day(day),  # an entry is final once posted: validated the day it is written
        "",
        "",
    ]


def _opening_lines(group, start: datetime, date_from: date, numbering) -> Iterator[list[str]]:
    """The à-nouveaux: each account's balance just before the period. The balances of a
    book sum to zero (every transaction does), so this écriture balances too."""
    before = Entry.objects.filter(account=OuterRef("pk"), transaction__created_at__lt=start)
    accounts = (
        LedgerAccount.objects.filter(group=group, currency=CURRENCY)
        .annotate(opening=Subquery(before.order_by("-id").values("balance_after")[:1]))
        .exclude(opening__isnull=True)
        .exclude(opening=0)
        .order_by("pk")
    )
    number = None
    for account in accounts.iterator(chunk_size=2000):
        number = number or numbering.next(OPENING_JOURNAL[0])
        yield _line(
            OPENING_JOURNAL, number, date_from, account, "AN", "Report à nouveau", account.opening
        )


def _transaction_lines(group, start, end, numbering) -> Iterator[list[str]]:
    entries = (
        Entry.objects.filter(
            transaction__group=group,
            currency=CURRENCY,
            transaction__created_at__gte=start,
            transaction__created_at__lte=end,
        )
        .select_related("transaction__payment", "account")
        .order_by("transaction__created_at", "transaction_id", "id")
    )
    zone = ZoneInfo(group.time_zone)
    labels: dict[str, str] = {}
    chunks = groupby(entries.iterator(chunk_size=2000), key=lambda e: e.transaction_id)
    for _tx_id, group_legs in chunks:
        legs = list(group_legs)
        tx = legs[0].transaction
        journal = journal_for(leg.account.purpose for leg in legs)
        number = numbering.next(journal[0])
        day = timezone.localtime(tx.created_at, zone).date()
        if tx.kind not in labels:
            with translation.override("fr"):
                labels[tx.kind] = kind_label(tx.kind)
        label = tx.memo or labels[tx.kind]
        piece_day = _piece_date(tx)
        for leg in legs:
            yield _line(journal, number, day, leg.account, str(tx.pk), label, leg.amount, piece_day)


def _piece_date(tx) -> date | None:
    """A payment's voucher is dated the day the money was received; other movements
    are their own voucher, dated the day they were posted (None)."""
    try:
        return tx.payment.received_on
    except Payment.DoesNotExist:
        return None


def fec_rows(*, group, date_from: date, date_to: date) -> Iterator[list[str]]:
    """The FEC of `group`'s EUR books from `date_from` to `date_to` (inclusive, in the
    group's time zone), header first, as lists of 18 fields."""
    start, end = _bounds(group, date_from, date_to)
    numbering = _Numbering()
    yield list(COLUMNS)
    yield from _opening_lines(group, start, date_from, numbering)
    yield from _transaction_lines(group, start, end, numbering)


def fec_stream(*, group, date_from: date, date_to: date) -> Iterator[str]:
    """The FEC file, line by line: tab-separated, CRLF-terminated."""
    for row in fec_rows(group=group, date_from=date_from, date_to=date_to):
        yield "\t".join(row) + "\r\n"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(*, group, date_from: date, date_to: date) -> Iterator[str]:
    """The same lines as a spreadsheet CSV: UTF-8 with BOM, semicolon-separated."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    for row in fec_rows(group=group, date_from=date_from, date_to=date_to):
        yield writer.writerow(row)


def fec_filename(*, group, date_to: date, siren: str = "") -> str:
    """`<SIREN>FEC<end of period>.txt`, the group's slug standing in for a SIREN."""
    return f"{siren or group.slug}FEC{_day(date_to)}.txt"


def csv_filename(*, group, date_from: date, date_to: date) -> str:
    return f"{group.slug}-{date_from.isoformat()}-{date_to.isoformat()}.csv"
