"""manage.py dues_run: the daily generation and reminders, and what it prints."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from coops.groups.tests.factories import GroupFactory
from coops.ledger.dues.models import Dues, DuesPlan
from coops.notifications.models import Notification

from .dues_factories import enable_ledger, member_of, monthly_plan, organiser_of, sliding_plan

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("dues_run", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def groups():
    amap = GroupFactory(name="AMAP des Weppes", slug="amap-des-weppes")
    enable_ledger(amap)
    organiser = organiser_of(amap)
    member_of(amap)
    sliding_plan(amap, by=organiser)  # yearly from 1 September 2026, 30 days' grace
    paused = monthly_plan(amap, by=organiser)
    DuesPlan.objects.filter(pk=paused.pk).update(is_active=False)
    sliding_plan(amap, by=organiser, name="Adhésion 2027-2028", start_date=date(2027, 9, 1))
    # A group whose ledger module is off gets nothing.
    off = GroupFactory(slug="groupe-sans-comptes")
    sliding_plan(off, by=organiser_of(off))
    return amap, off


def test_generates_the_period_then_reminds_once(groups):
    amap, off = groups
    out = _run("--date", "2026-09-02")
    assert out.splitlines() == [
        "amap-des-weppes · Adhésion 2026-2027 · 2026-2027: 2 dues generated",
        "dues_run: 2 active plan(s), 2 dues generated, 2 issued reminder(s) and 0 overdue "
        "reminder(s) sent",
    ]
    assert Dues.objects.filter(group=amap).count() == 2
    assert Dues.objects.filter(group=off).count() == 0
    assert _run("--date", "2026-09-03").splitlines() == [
        "dues_run: 2 active plan(s), 0 dues generated, 0 issued reminder(s) and 0 overdue "
        "reminder(s) sent"
    ]
    assert _run("--date", "2026-10-02").splitlines()[-1] == (
        "dues_run: 2 active plan(s), 0 dues generated, 0 issued reminder(s) and 2 overdue "
        "reminder(s) sent"
    )
    assert (
        _run("--date", "2026-10-03")
        .splitlines()[-1]
        .endswith("0 issued reminder(s) and 0 overdue reminder(s) sent")
    )
    assert Notification.objects.filter(kind="ledger.dues_reminder").count() == 4


def test_a_new_season_and_a_late_member(groups):
    amap, _off = groups
    _run("--date", "2026-09-02")
    member_of(amap)
    assert _run("--date", "2026-09-20").splitlines()[0] == (
        "amap-des-weppes · Adhésion 2026-2027 · 2026-2027: 1 dues generated"
    )
    lines = _run("--date", "2027-09-01").splitlines()
    assert lines == [
        "amap-des-weppes · Adhésion 2026-2027 · 2027-2028: 3 dues generated",
        "amap-des-weppes · Adhésion 2027-2028 · 2027-2028: 3 dues generated",
        "dues_run: 2 active plan(s), 6 dues generated, 6 issued reminder(s) and 3 overdue "
        "reminder(s) sent",
    ]


def test_without_a_date_each_group_uses_its_today(groups):
    amap, _off = groups
    _run()
    today = amap.today()
    starts = set(Dues.objects.filter(group=amap).values_list("period_start", flat=True))
    year = today.year if today.month >= 9 else today.year - 1
    assert starts == {date(year, 9, 1)}  # the season containing today
