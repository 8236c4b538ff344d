from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.core.money import Money, MoneyError, format_money, register_currency


def test_minor_units_round_half_up():
    assert Money(Decimal("12.345"), "EUR").to_minor() == 1235
    assert Money(Decimal("-0.005"), "EUR").to_minor() == -1
    assert Money("0.004", "EUR").to_minor() == 0


def test_float_is_refused():
    with pytest.raises(MoneyError):
        Money(1.5, "EUR")
    with pytest.raises(MoneyError):
        Money(Decimal(1), "EUR") * 1.5


def test_currencies_do_not_mix():
    with pytest.raises(MoneyError):
        Money(Decimal(1), "EUR") + Money(Decimal(1), "CHF")


@pytest.mark.django_db  # an unknown code is asked of the currency resolvers (the database)
def test_unknown_currency_is_refused_and_social_currency_registers():
    with pytest.raises(MoneyError):
        Money(Decimal(1), "NOPE")
    register_currency("SOL", exponent=2, symbol="Sol")
    assert Money.from_minor(250, "SOL").amount == Decimal("2.50")


def test_french_and_english_display():
    amount = Money(Decimal("1234.5"), "EUR")
    with translation.override("fr"):
        assert format_money(amount) == "1\N{NO-BREAK SPACE}234,50\N{NO-BREAK SPACE}€"
    with translation.override("en"):
        assert format_money(amount) == "€1,234.50"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_minor_units_round_trip(minor):
    assert Money.from_minor(minor, "EUR").to_minor() == minor
