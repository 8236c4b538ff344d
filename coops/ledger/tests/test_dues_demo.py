"""The demo shows dues in every state at the AMAP des Weppes."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from coops.accounts.models import User
from coops.groups.models import Group, GroupModule
from coops.ledger.dues.models import Dues, DuesDeclaration, DuesPlan, DuesStatus
from coops.ledger.dues.selectors import up_to_date_report


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    return capsys.readouterr().out


def _key(user: User) -> str:
    return user.email.split("@")[0]


def test_the_amap_runs_a_sliding_scale_with_every_state(demo):
    group = Group.objects.get(slug="amap-des-weppes")
    assert GroupModule.objects.filter(group=group, module="ledger").count() == 1
    plan = DuesPlan.objects.get(group=group)
    assert (plan.name, plan.period, plan.pricing) == (
        "Adhésion AMAP 2026-2027",
        "yearly",
        "sliding",
    )
    assert list(plan.brackets.values_list("label", "amount", "is_default")) == [
        ("Moins de 1 000 € / mois", Decimal("10.00"), False),
        ("De 1 000 à 2 000 € / mois", Decimal("20.00"), True),
        ("Plus de 2 000 € / mois", Decimal("35.00"), False),
    ]
    assert DuesDeclaration.objects.filter(plan=plan).count() == 7
    states = {_key(d.member): (d.status, d.amount) for d in Dues.objects.filter(plan=plan)}
    assert states == {
        "lea": (DuesStatus.PAID, Decimal("20.00")),
        "claire": (DuesStatus.PAID, Decimal("10.00")),
        "nadia": (DuesStatus.PAID, Decimal("35.00")),
        "chloe": (DuesStatus.PAID, Decimal("10.00")),
        "sarah": (DuesStatus.PAID, Decimal("20.00")),
        "martine": (DuesStatus.WAIVED, Decimal("20.00")),
        "bernard": (DuesStatus.DUE, Decimal("20.00")),  # no declaration: reference bracket
        "karim": (DuesStatus.DUE, Decimal("35.00")),
    }
    report = {_key(r.member): r.up_to_date for r in up_to_date_report(group)}
    assert sorted(k for k, ok in report.items() if not ok) == ["bernard", "karim"]
    assert "dues: 8 generated for Adhésion AMAP 2026-2027" in demo
