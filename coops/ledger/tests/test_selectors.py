from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory
from coops.ledger import kinds, services
from coops.ledger.models import Purpose, Transaction
from coops.ledger.selectors import account_statement, balance_of, statement_csv

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def book(db):
    kinds.register_kind("test.payment", "Test payment")
    group = GroupFactory(name="AMAP des Weppes")
    organiser = UserFactory()
    lea = UserFactory(display_name="Léa Dubois")
    cash = services.account_open(
        group=group, currency="EUR", owner=group, purpose=Purpose.CASH, name="Caisse",
        acting_user=organiser,
    )  # fmt: skip
    member = services.account_open(
        group=group, currency="EUR", owner=lea, name="Léa Dubois", acting_user=organiser
    )
    return group, organiser, cash, member


def _post(group, organiser, payer, payee, cents, memo, when):
    tx = services.transfer(
        group=group, payer=payer, payee=payee, amount=cents, kind="test.payment",
        acting_user=organiser, memo=memo,
    )  # fmt: skip
    Transaction.objects.filter(pk=tx.pk).update(created_at=when)  # simulate the posting date
    return tx


def test_statement_has_opening_closing_and_running_balances(book):
    group, organiser, cash, member = book
    _post(
        group,
        organiser,
        cash,
        member,
        5000,
        "Chèque n° 1234",
        datetime(2026, 9, 30, 21, 0, tzinfo=PARIS),
    )
    _post(
        group,
        organiser,
        member,
        cash,
        1250,
        "Panier du 2 oct.",
        datetime(2026, 10, 2, 18, 30, tzinfo=PARIS),
    )
    _post(
        group,
        organiser,
        member,
        cash,
        1250,
        "Panier du 9 oct.",
        datetime(2026, 10, 9, 18, 30, tzinfo=PARIS),
    )
    _post(
        group, organiser, cash, member, 2000, "Virement", datetime(2026, 11, 1, 0, 30, tzinfo=PARIS)
    )

    october = account_statement(
        account=member, date_from=date(2026, 10, 1), date_to=date(2026, 10, 31)
    )

    assert october.opening_balance == 5000
    assert [(e.transaction.memo, e.amount, e.balance_after) for e in october.entries] == [
        ("Panier du 2 oct.", -1250, 3750),
        ("Panier du 9 oct.", -1250, 2500),
    ]
    assert october.closing_balance == 2500
    member.refresh_from_db()
    assert member.balance == 4500
    assert str(balance_of(member).amount) == "45.00"


def test_dates_are_read_in_the_group_time_zone(book):
    group, organiser, cash, member = book
    # 23:30 in Paris on 31 October is 22:30 UTC: still October for the group.
    _post(group, organiser, cash, member, 100, "tard", datetime(2026, 10, 31, 23, 30, tzinfo=PARIS))
    october = account_statement(
        account=member, date_from=date(2026, 10, 1), date_to=date(2026, 10, 31)
    )
    november = account_statement(account=member, date_from=date(2026, 11, 1))
    assert [e.amount for e in october.entries] == [100]
    assert list(november.entries) == []
    assert (november.opening_balance, november.closing_balance) == (100, 100)


def test_kind_filter_keeps_true_running_balances(book):
    group, organiser, cash, member = book
    kinds.register_kind("test.other", "Other")
    _post(group, organiser, cash, member, 1000, "a", datetime(2026, 10, 1, 12, tzinfo=PARIS))
    services.transaction_post(
        group=group, kind="test.other", acting_user=organiser,
        legs=[services.Leg(cash, 300), services.Leg(member, -300)],
    )  # fmt: skip
    only = account_statement(account=member, kind="test.other")
    assert [(e.amount, e.balance_after) for e in only.entries] == [(-300, 700)]


def test_csv_is_semicolon_separated_with_french_decimals(book):
    group, organiser, cash, member = book
    tx = _post(
        group,
        organiser,
        cash,
        member,
        5000,
        "Chèque n° 1234",
        datetime(2026, 9, 30, 21, 0, tzinfo=PARIS),
    )
    _post(
        group, organiser, member, cash, 1250, "Panier", datetime(2026, 10, 2, 18, 30, tzinfo=PARIS)
    )
    with translation.override("fr"):
        text = statement_csv(account_statement(account=member))
    lines = text.lstrip("\ufeff").split("\r\n")
    assert text.startswith("\ufeff")
    assert lines[0] == "date;transaction;kind;memo;debit;credit;balance;currency"
    assert lines[1] == f"2026-09-30 21:00;{tx.pk};Test payment;Chèque n° 1234;;50,00;50,00;EUR"
    assert lines[2].endswith(";Panier;12,50;;37,50;EUR")
    assert lines[3] == ""


def test_balance_read_is_one_query_whatever_the_history(book, django_assert_num_queries):
    group, organiser, cash, member = book
    for _ in range(30):
        services.transfer(
            group=group, payer=cash, payee=member, amount=1, kind="test.payment",
            acting_user=organiser,
        )  # fmt: skip
    with django_assert_num_queries(1):
        from coops.ledger.models import LedgerAccount

        fresh = LedgerAccount.objects.get(pk=member.pk)
    assert str(balance_of(fresh).amount) == "0.30"
