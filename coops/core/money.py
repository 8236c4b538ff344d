"""Money: Decimal amounts with a stated currency; integer minor units for the ledger.

Never a float. A currency known when the code is written declares its exponent through
`register_currency`. Currencies created at runtime (a group's social currency lives in
the database) are found through resolvers that higher apps register with
`register_currency_resolver`: every process asks them on a miss, so every process
knows a currency another process created.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

# ISO 4217 exponents for the currencies a French network meets; others register.
_EXPONENTS: dict[str, int] = {"EUR": 2, "CHF": 2, "GBP": 2, "USD": 2, "XPF": 0}
_SYMBOLS: dict[str, str] = {"EUR": "€", "CHF": "CHF", "GBP": "£", "USD": "$", "XPF": "F"}


class MoneyError(ValueError):
    pass


# (exponent, symbol) of a currency, or None when the resolver does not know it.
Resolver = Callable[[str], "tuple[int, str] | None"]

# Filled at start-up by AppConfig.ready(), never mutated while serving.
_RESOLVERS: list[Resolver] = []
# Per-process cache of what resolvers answered: code -> (exponent, symbol, refresh after).
# An exponent never changes once a currency exists (its owner app guarantees it), so a
# cached exponent cannot go stale; a symbol may be edited, so it is asked again after
# RESOLVED_TTL seconds (the process that edits it forgets it at once).
_RESOLVED: dict[str, tuple[int, str, float]] = {}
RESOLVED_TTL = 300.0


def _check(code: str, exponent: int) -> None:
    if not code or len(code) > 12 or not code.replace("_", "").isalnum():
        raise MoneyError(f"invalid currency code {code!r}")
    if isinstance(exponent, bool) or not isinstance(exponent, int) or not 0 <= exponent <= 6:
        raise MoneyError("a currency exponent is between 0 and 6")


def register_currency(code: str, *, exponent: int = 2, symbol: str | None = None) -> None:
    _check(code, exponent)
    _EXPONENTS[code] = exponent
    _SYMBOLS[code] = symbol or code


def is_registered(code: str) -> bool:
    """True for a currency declared in code (ISO or `register_currency`), without
    asking the resolvers."""
    return code in _EXPONENTS


def register_currency_resolver(resolver: Resolver) -> Resolver:
    """Ask `resolver(code)` for currencies the static registry does not know.

    It returns ``(exponent, symbol)`` or None. Registering the same function twice is
    a no-op. Call it from an AppConfig.ready(); core never imports the resolver's app.
    """
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)
    return resolver


def forget_resolved_currency(code: str | None = None) -> None:
    """Drop this process's cached answer for `code` (or every cached answer)."""
    if code is None:
        _RESOLVED.clear()
    else:
        _RESOLVED.pop(code, None)


def _resolve(code: str) -> tuple[int, str] | None:
    cached = _RESOLVED.get(code)
    now = time.monotonic()
    if cached is not None and cached[2] > now:
        return cached[0], cached[1]
    for resolver in list(_RESOLVERS):
        found = resolver(code)
        if found is None:
            continue
        digits, symbol = found
        _check(code, digits)
        if cached is not None:
            digits = cached[0]  # an exponent never changes once known
        _RESOLVED[code] = (digits, symbol or code, now + RESOLVED_TTL)
        return digits, symbol or code
    return (cached[0], cached[1]) if cached is not None else None


def exponent(currency: str) -> int:
    try:
        return _EXPONENTS[currency]
    except KeyError:
        pass
    found = _resolve(currency)
    if found is None:
        raise MoneyError(f"unknown currency {currency!r}")
    return found[0]


def symbol(currency: str) -> str:
    """The sign shown after an amount ("€", "ℓ"); the code when none was given."""
    if currency in _EXPONENTS:
        return _SYMBOLS.get(currency, currency)
    found = _resolve(currency)
    return found[1] if found is not None else currency


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise MoneyError("Money never takes a float; use Decimal or a string")
        try:
            value = Decimal(self.amount)
        except (InvalidOperation, TypeError):
            raise MoneyError(f"not an amount: {self.amount!r}") from None
        if not value.is_finite():
            raise MoneyError("an amount must be finite")
        exponent(self.currency)
        object.__setattr__(self, "amount", value)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        if not isinstance(minor, int) or isinstance(minor, bool):
            raise MoneyError("minor units are an integer")
        return cls(Decimal(minor).scaleb(-exponent(currency)), currency)

    def to_minor(self) -> int:
        """Integer minor units, rounded half up (0.005 € → 1 cent)."""
        quantum = Decimal(1).scaleb(-exponent(self.currency))
        return int(
            self.amount.quantize(quantum, rounding=ROUND_HALF_UP).scaleb(exponent(self.currency))
        )

    def rounded(self) -> Money:
        return Money.from_minor(self.to_minor(), self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money only combines with Money")
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float):
            raise MoneyError("Money never takes a float")
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __str__(self) -> str:
        return format_money(self)


def format_money(money: Money) -> str:
    """Localised display: '1 234,50 €' in French, '€1,234.50' in English."""
    from django.utils.translation import get_language

    digits = exponent(money.currency)
    number = number_format(
        money.rounded().amount, decimal_pos=digits, use_l10n=True, force_grouping=True
    )
    sign = symbol(money.currency)
    if (get_language() or "fr").startswith("en") and money.currency in {"EUR", "GBP", "USD"}:
        return f"-{sign}{number[1:]}" if number.startswith("-") else f"{sign}{number}"
    return f"{number}\N{NO-BREAK SPACE}{sign}"
