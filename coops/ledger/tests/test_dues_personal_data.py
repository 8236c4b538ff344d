"""RGPD: a member's dues and declarations are exported; erasure deletes the
declarations and keeps the dues (accounting records), pointing at the anonymised user."""

from datetime import date

import pytest
from django.utils import translation

from coops.accounts.selectors import personal_data_export
from coops.accounts.services import user_erase
from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory
from coops.ledger.dues import services
from coops.ledger.dues.models import DuesDeclaration, DuesStatus

from .dues_factories import (
    HIGH,
    bracket,
    credit,
    dues_of,
    fr,
    member_of,
    organiser_of,
    sliding_plan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lea():
    group = GroupFactory(slug="amap-des-weppes")
    organiser = organiser_of(group)
    plan = sliding_plan(group, by=organiser)
    lea = member_of(group, user=UserFactory(display_name="Léa Dubois"))
    services.declaration_set(plan=plan, member=lea, bracket=bracket(plan, HIGH), acting_user=lea)
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))
    credit(group, lea, "35.00", by=organiser)
    services.dues_pay_from_balance(dues=dues_of(plan, lea), acting_user=lea)
    return lea, plan


def test_export_lists_dues_and_declarations(lea):
    user, plan = lea
    data = personal_data_export(user=user)["sources"]["ledger_dues"]
    [dues] = data["dues"]
    assert {k: v for k, v in dues.items() if k != "paid_at"} == {
        "group": "amap-des-weppes",
        "plan": "Adhésion 2026-2027",
        "period_start": "2026-09-01",
        "period_end": "2027-08-31",
        "due_on": "2026-09-01",
        "bracket": HIGH,
        "amount": "35.00",
        "currency": "EUR",
        "status": "paid",
        "waived_at": None,
        "waive_reason": "",
    }
    assert dues["paid_at"] == dues_of(plan, user).paid_at.isoformat()
    [declaration] = data["bracket_declarations"]
    assert (declaration["group"], declaration["plan"], declaration["bracket"]) == (
        "amap-des-weppes",
        "Adhésion 2026-2027",
        HIGH,
    )


def test_erasure_deletes_declarations_and_keeps_the_dues(lea):
    user, plan = lea
    user_erase(user=user, acting_user=user)
    assert DuesDeclaration.objects.filter(member=user).count() == 0
    dues = dues_of(plan, user)
    with translation.override("fr"):  # the name is shown in the reader's language
        shown = dues.member.public_name
    assert (dues.status, shown) == (DuesStatus.PAID, fr("Former member"))
    assert dues.transaction is not None
