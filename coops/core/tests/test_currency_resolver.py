"""The resolver hook: currencies created at runtime are known to every process."""

from decimal import Decimal

import pytest
from django.utils import translation

from coops.core import money
from coops.core.money import Money, MoneyError, format_money


@pytest.fixture
def resolver(monkeypatch):
    """A resolver over a dict standing for another app's table; counts its calls."""
    monkeypatch.setattr(money, "_RESOLVERS", [])
    monkeypatch.setattr(money, "_RESOLVED", {})
    table = {"BRIQ": (0, "Bq"), "PIVE": (2, "")}
    calls: list[str] = []

    def resolve(code):
        calls.append(code)
        return table.get(code)

    money.register_currency_resolver(resolve)
    money.register_currency_resolver(resolve)  # registering twice is a no-op
    return table, calls


def test_a_resolved_currency_formats_with_its_exponent_and_symbol(resolver):
    with translation.override("fr"):
        assert (
            format_money(Money.from_minor(1234, "BRIQ"))
            == "1\N{NO-BREAK SPACE}234\N{NO-BREAK SPACE}Bq"
        )
        # No symbol given: the code is shown.
        assert format_money(Money.from_minor(250, "PIVE")) == "2,50\N{NO-BREAK SPACE}PIVE"
    assert Money(Decimal("3.456"), "PIVE").to_minor() == 346


def test_answers_are_cached_per_process(resolver):
    _, calls = resolver
    assert money.exponent("BRIQ") == 0
    assert money.exponent("BRIQ") == 0
    assert money.symbol("BRIQ") == "Bq"
    assert calls == ["BRIQ"]


def test_static_currencies_never_ask_the_resolver(resolver):
    _, calls = resolver
    assert money.exponent("EUR") == 2
    assert money.symbol("EUR") == "€"
    assert calls == []
    assert money.is_registered("EUR") is True
    assert money.is_registered("BRIQ") is False


def test_an_unknown_code_is_refused_and_not_cached(resolver):
    table, calls = resolver
    with pytest.raises(MoneyError):
        money.exponent("NEUF")
    table["NEUF"] = (1, "N")  # created by another process meanwhile
    assert money.exponent("NEUF") == 1
    assert calls == ["NEUF", "NEUF"]


def test_a_symbol_is_refreshed_after_the_ttl_but_the_exponent_never_changes(resolver, monkeypatch):
    table, calls = resolver
    assert money.symbol("BRIQ") == "Bq"
    table["BRIQ"] = (3, "Brique")
    assert money.symbol("BRIQ") == "Bq"  # still cached
    clock = money.time.monotonic() + money.RESOLVED_TTL + 1
    monkeypatch.setattr(money.time, "monotonic", lambda: clock)
    assert money.symbol("BRIQ") == "Brique"
    assert money.exponent("BRIQ") == 0
    assert calls == ["BRIQ", "BRIQ"]


def test_forgetting_asks_again_at_once(resolver):
    table, calls = resolver
    assert money.symbol("BRIQ") == "Bq"
    table["BRIQ"] = (0, "B")
    money.forget_resolved_currency("BRIQ")
    assert money.symbol("BRIQ") == "B"
    money.forget_resolved_currency()
    assert money.symbol("BRIQ") == "B"
    assert calls == ["BRIQ", "BRIQ", "BRIQ"]


def test_a_resolver_answer_is_validated(resolver):
    table, _ = resolver
    table["TROP"] = (7, "T")
    with pytest.raises(MoneyError):
        money.exponent("TROP")
