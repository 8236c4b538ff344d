"""Money in minor units, shown the way people read it: ``{{ account.balance|minor_money:"EUR" }}``
gives "12,50 €" in French. ``debit`` and ``credit`` show an entry's amount in its column
and nothing in the other one."""

from django import template

from coops.core.money import Money, format_money
from coops.ledger import kinds

register = template.Library()


@register.filter
def minor_money(minor: int, currency: str) -> str:
    return format_money(Money.from_minor(int(minor), currency))


@register.filter
def debit(minor: int, currency: str) -> str:
    return minor_money(-minor, currency) if minor < 0 else ""


@register.filter
def credit(minor: int, currency: str) -> str:
    return minor_money(minor, currency) if minor > 0 else ""


@register.filter
def kind_label(name: str) -> str:
    """The label a transaction kind was registered with."""
    return kinds.kind_label(name)


@register.filter
def decimal_money(amount, currency: str) -> str:
    """A Decimal amount (a payment's) with its currency: "45,50 €"."""
    return format_money(Money(amount, currency))
