"""RGPD: a user's accounts and entries are exported; they are never erased, because
others' balances depend on them. The account keeps pointing at the anonymised user."""

from typing import Any

from .models import Entry
from .services import owner_accounts


def export(user: Any) -> list[dict]:
    accounts = owner_accounts(user).select_related("group")
    return [
        {
            "group": account.group.slug,
            "currency": account.currency,
            "purpose": account.purpose,
            "balance_minor_units": account.balance,
            "entries": [
                {
                    "transaction": e.transaction_id,
                    "date": e.transaction.created_at.isoformat(),
                    "kind": e.transaction.kind,
                    "memo": e.transaction.memo,
                    "amount_minor_units": e.amount,
                    "balance_after": e.balance_after,
                }
                for e in Entry.objects.filter(account=account).select_related("transaction")
            ],
        }
        for account in accounts
    ]


def erase(user: Any) -> None:
    """Keep the entries (others rely on them); give the account a neutral name."""
    owner_accounts(user).update(name="—")
