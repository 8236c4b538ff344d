"""Money: Decimal amounts with a stated currency; integer minor units for the ledger.

Never a float. Social currencies declare their own exponent through `register_currency`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

# ISO 4217 exponents for the currencies a French network meets; others register.
_EXPONENTS: dict[str, int] = {"EUR": 2, "CHF": 2, "GBP": 2, "USD": 2, "XPF": 0}
_SYMBOLS: dict[str, str] = {"EUR": "€", "CHF": "CHF", "GBP": "£", "USD": "$", "XPF": "F"}


class MoneyError(ValueError):
    pass


def register_currency(code: str, *, exponent: int = 2, symbol: str | None = None) -> None:
    if not code or len(code) > 12 or not code.replace("_", "").isalnum():
        raise MoneyError(f"invalid currency code {code!r}")
    if not 0 <= exponent <= 6:
        raise MoneyError("a currency exponent is between 0 and 6")
    _EXPONENTS[code] = exponent
    _SYMBOLS[code] = symbol or code


def exponent(currency: str) -> int:
    try:
        return _EXPONENTS[currency]
    except KeyError:
        raise MoneyError(f"unknown currency {currency!r}") from None


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
    symbol = _SYMBOLS.get(money.currency, money.currency)
    if (get_language() or "fr").startswith("en") and money.currency in {"EUR", "GBP", "USD"}:
        return f"-{symbol}{number[1:]}" if number.startswith("-") else f"{symbol}{number}"
    return f"{number}\N{NO-BREAK SPACE}{symbol}"
