"""Who is up to date: the public selector and the organisers' report."""

from datetime import date
from decimal import Decimal

import pytest

from coops.accounts.tests.factories import UserFactory
from coops.core.money import Money
from coops.groups.tests.factories import GroupFactory
from coops.ledger.dues import services
from coops.ledger.dues.models import DuesPlan
from coops.ledger.dues.selectors import (
    declaration_choices,
    member_balance,
    member_is_up_to_date,
    up_to_date_report,
)

from .dues_factories import (
    HIGH,
    LOW,
    MIDDLE,
    bracket,
    credit,
    dues_of,
    member_of,
    monthly_plan,
    organiser_of,
    sliding_plan,
)

pytestmark = pytest.mark.django_db

DUE = date(2026, 9, 1)  # the plan's due date; 30 days' grace until 1 October


@pytest.fixture
def season():
    group = GroupFactory(name="AMAP des Weppes")
    organiser = organiser_of(group, user=UserFactory(display_name="Martine Delcourt"))
    plan = sliding_plan(group, by=organiser)
    lea = member_of(group, user=UserFactory(display_name="Léa Dubois"))
    services.dues_generate(plan=plan, on=date(2026, 9, 1))
    return group, organiser, plan, lea


@pytest.mark.parametrize(
    ("on", "up_to_date"),
    [
        (date(2026, 8, 31), True),
        (date(2026, 9, 1), True),  # due today
        (date(2026, 9, 15), True),  # late, within the grace period
        (date(2026, 10, 1), True),  # last day of grace
        (date(2026, 10, 2), False),  # overdue
        (date(2027, 6, 1), False),
    ],
)
def test_up_to_date_around_due_date_and_grace(season, on, up_to_date):
    group, _organiser, _plan, lea = season
    assert member_is_up_to_date(group=group, user=lea, on=on) is up_to_date


def test_paid_and_waived_dues_are_up_to_date(season):
    group, organiser, plan, lea = season
    credit(group, lea, "20.00", by=organiser)
    services.dues_pay_from_balance(dues=dues_of(plan, lea), acting_user=lea)
    assert member_is_up_to_date(group=group, user=lea, on=date(2027, 1, 1)) is True
    services.dues_waive(dues=dues_of(plan, organiser), reason="Bénévole", acting_user=organiser)
    assert member_is_up_to_date(group=group, user=organiser, on=date(2027, 1, 1)) is True


def test_default_day_is_today_in_the_group(season):
    group, _organiser, _plan, lea = season
    # Every day from 2 October 2026 on, these dues are overdue.
    assert member_is_up_to_date(group=group, user=lea) is False


def test_no_plan_no_dues_and_other_groups(season):
    group, _organiser, plan, lea = season
    elsewhere = GroupFactory()
    assert member_is_up_to_date(group=elsewhere, user=lea, on=date(2027, 1, 1)) is True
    newcomer = member_of(group)  # joined after generation: nothing owed yet
    assert member_is_up_to_date(group=group, user=newcomer, on=date(2027, 1, 1)) is True
    # Pausing the plan does not forgive what was issued.
    DuesPlan.objects.filter(pk=plan.pk).update(is_active=False)
    assert member_is_up_to_date(group=group, user=lea, on=date(2027, 1, 1)) is False


def test_report_lists_every_active_member_with_amounts_and_last_paid_period(season):
    group, organiser, plan, lea = season
    nadia = member_of(group, user=UserFactory(display_name="Nadia Haddad"))
    services.declaration_set(
        plan=plan, member=nadia, bracket=bracket(plan, HIGH), acting_user=nadia
    )
    services.dues_generate(plan=plan, on=date(2026, 9, 1))  # Nadia's 35 €
    credit(group, lea, "20.00", by=organiser)
    services.dues_pay_from_balance(dues=dues_of(plan, lea), acting_user=lea)
    fixed = monthly_plan(group, by=organiser)
    services.dues_generate(plan=fixed, on=date(2026, 10, 20))  # 12 € each, due 5 Oct + 10 days
    rows = up_to_date_report(group, on=date(2026, 10, 16))
    table = [
        (r.member, r.up_to_date, r.overdue.amount, r.outstanding.amount, r.last_paid) for r in rows
    ]
    assert table == [
        (lea, False, Decimal("12.00"), Decimal("12.00"), "2026-2027"),
        (organiser, False, Decimal("32.00"), Decimal("32.00"), None),
        (nadia, False, Decimal("47.00"), Decimal("47.00"), None),
    ]
    assert rows[0].overdue == Money(Decimal("12.00"), "EUR")
    # On 15 October the monthly dues are still within their grace: only the yearly count.
    earlier = up_to_date_report(group, on=date(2026, 10, 15))
    assert [(r.member, r.up_to_date, r.overdue.amount, r.outstanding.amount) for r in earlier] == [
        (organiser, False, Decimal("20.00"), Decimal("32.00")),
        (nadia, False, Decimal("35.00"), Decimal("47.00")),
        (lea, True, Decimal("0.00"), Decimal("12.00")),
    ]


def test_report_is_one_query_whatever_the_number_of_members(season, django_assert_num_queries):
    group, _organiser, plan, _lea = season
    with django_assert_num_queries(1):
        rows = up_to_date_report(group, on=date(2026, 12, 1))
        names = [r.member.public_name for r in rows]
    assert len(names) == 2
    for _ in range(8):
        member_of(group)
    services.dues_generate(plan=plan, on=date(2026, 9, 1))
    services.dues_generate(plan=plan, on=date(2027, 9, 1))
    with django_assert_num_queries(1):
        rows = up_to_date_report(group, on=date(2027, 12, 1))
        labels = [(r.member.public_name, r.last_paid, r.overdue) for r in rows]
    assert len(labels) == 10
    assert {r.overdue.amount for r in rows} == {Decimal("40.00")}


def test_declaration_choices_and_balance(season):
    group, organiser, plan, lea = season
    monthly_plan(group, by=organiser)  # fixed: nothing to declare
    [choice] = declaration_choices(group=group, user=lea)
    assert (choice.plan, choice.declared, choice.reference.label) == (plan, None, MIDDLE)
    assert [b.label for b in choice.brackets] == [LOW, MIDDLE, HIGH]
    services.declaration_set(plan=plan, member=lea, bracket=bracket(plan, LOW), acting_user=lea)
    [choice] = declaration_choices(group=group, user=lea)
    assert choice.declared.label == LOW
    assert member_balance(group=group, user=lea) == Money(Decimal("0"), "EUR")
    credit(group, lea, "12.50", by=organiser)
    assert member_balance(group=group, user=lea) == Money(Decimal("12.50"), "EUR")
