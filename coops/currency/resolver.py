"""Tells core.money about the currencies groups create at runtime (registered in
CurrencyConfig.ready()). Every process asks the database on a miss, so a currency
created by another process is known at once; its code and decimals never change."""

from __future__ import annotations


def resolve_currency(code: str) -> tuple[int, str] | None:
    from .models import Currency

    row = Currency.objects.filter(code=code).values_list("decimals", "symbol").first()
    return (row[0], row[1]) if row else None
