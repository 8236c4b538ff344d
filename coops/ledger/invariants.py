"""The book's invariants, checked by `manage.py ledger_check` and after every test."""

from __future__ import annotations

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import Entry, LedgerAccount


def ledger_violations(limit: int = 20) -> list[str]:
    """Every broken invariant, described; an empty list means the book is sound.

    1. The sum of balances per currency is exactly zero.
    2. Each stored balance equals the sum of its account's entries.
    3. Each transaction's entries sum to zero per currency.
    4. Each entry is in its account's currency.
    5. Each account's last entry shows the stored balance.
    """
    problems: list[str] = []
    for row in (
        LedgerAccount.objects.values("currency").annotate(total=Sum("balance")).order_by("currency")
    ):
        if row["total"] != 0:
            problems.append(f"balances in {row['currency']} sum to {row['total']}, not 0")
    entry_sum = Entry.objects.filter(account=OuterRef("pk")).values("account")
    entry_sum = entry_sum.annotate(s=Sum("amount")).values("s")
    drift = LedgerAccount.objects.annotate(entries_total=Coalesce(Subquery(entry_sum), 0)).exclude(
        balance=F("entries_total")
    )
    for account in drift[:limit]:
        problems.append(
            f"account {account.pk} stores {account.balance} but its entries sum to "
            f"{account.entries_total}"
        )
    unbalanced = (
        Entry.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("transaction_id")
    )
    for row in unbalanced[:limit]:
        problems.append(
            f"transaction {row['transaction_id']} is off by {row['total']} {row['currency']}"
        )
    for entry in Entry.objects.exclude(currency=F("account__currency"))[:limit]:
        problems.append(f"entry {entry.pk} is in {entry.currency}, its account is not")
    last = Entry.objects.filter(account=OuterRef("pk")).order_by("-id").values("balance_after")[:1]
    stale = (
        LedgerAccount.objects.annotate(last_after=Subquery(last))
        .filter(last_after__isnull=False)
        .exclude(balance=F("last_after"))
    )
    for account in stale[:limit]:
        problems.append(
            f"account {account.pk} stores {account.balance} but its last entry says "
            f"{account.last_after}"
        )
    return problems
