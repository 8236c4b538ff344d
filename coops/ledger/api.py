"""API: the caller's own accounts in every group's books.

Amounts are decimal strings in the account's currency ("12.50"), never floats. A caller
sees only the accounts they own; other members' balances are for the book-keepers' pages.
"""

# No `from __future__ import annotations` here: ninja reads the annotations at import.

from ninja import Field, Router, Schema

from coops.core.money import Money

from . import selectors
from .models import LedgerAccount, Purpose

router = Router(tags=["ledger"])


def _decimal(minor: int | None, currency: str) -> str | None:
    return None if minor is None else str(Money.from_minor(minor, currency).amount)


class AccountOut(Schema):
    group: str = Field(description="The slug of the group whose books hold the account")
    currency: str
    purpose: Purpose
    name: str
    balance: str = Field(
        description="A decimal string in the account's currency", examples=["12.50"]
    )
    min_balance: str | None = Field(description="The lowest balance allowed; null for no limit")
    max_balance: str | None = Field(description="The highest balance allowed; null for no limit")
    is_active: bool

    @staticmethod
    def resolve_group(obj: LedgerAccount) -> str:
        return obj.group.slug

    @staticmethod
    def resolve_balance(obj: LedgerAccount) -> str:
        return _decimal(obj.balance, obj.currency)

    @staticmethod
    def resolve_min_balance(obj: LedgerAccount) -> str | None:
        return _decimal(obj.min_balance, obj.currency)

    @staticmethod
    def resolve_max_balance(obj: LedgerAccount) -> str | None:
        return _decimal(obj.max_balance, obj.currency)


@router.get("/accounts", response=list[AccountOut], summary="Your accounts and their balances")
def accounts(request):
    return list(selectors.own_accounts(user=request.auth))
