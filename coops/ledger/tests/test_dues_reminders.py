"""Dues reminders: one notification per dues and stage, emailed after commit."""

from datetime import date

import pytest

from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory
from coops.ledger.dues import reminders, services
from coops.ledger.dues.models import Dues
from coops.notifications.kinds import get_kind
from coops.notifications.models import Notification

from .dues_factories import credit, dues_of, fr, member_of, organiser_of, sliding_plan

pytestmark = pytest.mark.django_db

ISSUED_TITLE = "Your dues for %(period)s are %(amount)s, due on %(date)s"
OVERDUE_TITLE = "Your dues for %(period)s are overdue"
ISSUED_BODY = (
    "%(plan)s, %(group)s. Pay them from your balance on the dues page, or hand them to "
    "an organiser."
)
OVERDUE_BODY = (
    "%(plan)s, %(group)s: %(amount)s were due on %(date)s. Pay them from your balance "
    "on the dues page, or hand them to an organiser."
)
PARAMS = {
    "period": "2026-2027",
    "amount": "20,00\N{NO-BREAK SPACE}€",
    "date": "1 septembre 2026",
    "plan": "Adhésion 2026-2027",
    "group": "AMAP des Weppes",
}


@pytest.fixture
def amap():
    group = GroupFactory(name="AMAP des Weppes", slug="amap-des-weppes")
    organiser = organiser_of(group)
    plan = sliding_plan(group, by=organiser)
    lea = member_of(group, user=UserFactory(display_name="Léa Dubois", email="lea@example.org"))
    return group, organiser, plan, lea


def _notes(user, kind=reminders.KIND):
    return list(
        Notification.objects.filter(recipient=user, kind=kind)
        .order_by("pk")
        .values_list("title", "body", "url")
    )


def test_the_kind_is_registered(english):
    kind = get_kind("ledger.dues_reminder")
    assert (str(kind.label), str(kind.description)) == (
        "Dues reminders",
        "Your dues for a period are issued, and once more if they become overdue.",
    )


def test_generation_notifies_each_member_once_and_emails_after_commit(
    amap, mailoutbox, django_capture_on_commit_callbacks
):
    _group, organiser, plan, lea = amap
    with django_capture_on_commit_callbacks(execute=True):
        services.dues_generate(
            plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1), acting_user=organiser
        )
        assert mailoutbox == []  # nothing leaves before the commit
    url = "/g/amap-des-weppes/m/ledger/dues/"
    assert _notes(lea) == [(fr(ISSUED_TITLE, **PARAMS), fr(ISSUED_BODY, **PARAMS), url)]
    # The organiser generated the dues; she is notified of her own too (she owes them).
    assert len(_notes(organiser)) == 1
    [mail] = [m for m in mailoutbox if m.to == ["lea@example.org"]]
    # Mail headers carry a plain space where the title has a no-break space.
    assert mail.subject == "[Coops] " + fr(ISSUED_TITLE, **PARAMS).replace(
        "\N{NO-BREAK SPACE}", " "
    )
    assert fr(ISSUED_BODY, **PARAMS) in mail.body
    dues = dues_of(plan, lea)
    assert dues.issued_notice_at is not None
    assert dues.overdue_notice_at is None


def test_overdue_reminder_is_sent_once_and_never_for_settled_dues(
    amap, mailoutbox, django_capture_on_commit_callbacks
):
    group, organiser, plan, lea = amap
    nadia = member_of(group, user=UserFactory(email="nadia@example.org"))
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))
    credit(group, nadia, "20.00", by=organiser)
    services.dues_pay_from_balance(dues=dues_of(plan, nadia), acting_user=nadia)
    services.dues_waive(dues=dues_of(plan, organiser), reason="Bénévole", acting_user=organiser)
    mailoutbox.clear()
    # Within the grace period: nothing to send.
    assert reminders.dues_send_reminders(on=date(2026, 10, 1)) == reminders.ReminderCounts(0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders.dues_send_reminders(on=date(2026, 10, 2))
    assert counts == reminders.ReminderCounts(issued=0, overdue=1)
    assert _notes(lea)[1] == (
        fr(OVERDUE_TITLE, **PARAMS),
        fr(OVERDUE_BODY, **PARAMS),
        "/g/amap-des-weppes/m/ledger/dues/",
    )
    assert [m.to for m in mailoutbox] == [["lea@example.org"]]
    assert len(_notes(nadia)) == len(_notes(organiser)) == 1  # the issued one only
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders.dues_send_reminders(on=date(2026, 12, 1))
    assert again == reminders.ReminderCounts(0, 0)
    assert len(_notes(lea)) == 2
    assert len(mailoutbox) == 1


def test_dues_already_overdue_get_one_reminder_not_two(amap):
    _group, _organiser, plan, lea = amap
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))
    Dues.objects.update(issued_notice_at=None)  # as if generated without notifying
    Notification.objects.all().delete()
    counts = reminders.dues_send_reminders(on=date(2026, 11, 23))
    assert counts == reminders.ReminderCounts(issued=0, overdue=2)
    assert [title for title, _body, _url in _notes(lea)] == [fr(OVERDUE_TITLE, **PARAMS)]
    dues = dues_of(plan, lea)
    assert dues.issued_notice_at is not None
    assert dues.overdue_notice_at is not None
    assert reminders.dues_send_reminders(on=date(2026, 11, 24)) == reminders.ReminderCounts()


def test_a_stale_copy_cannot_send_a_stage_twice(amap):
    _group, _organiser, plan, lea = amap
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))
    first, second = dues_of(plan, lea), dues_of(plan, lea)
    assert reminders.dues_remind(dues=first, on=date(2026, 10, 5)) == reminders.OVERDUE
    assert reminders.dues_remind(dues=second, on=date(2026, 10, 5)) is None  # claimed already
    assert len(_notes(lea)) == 2  # issued, then overdue


def test_generated_late_the_first_reminder_is_the_overdue_one(amap):
    _group, _organiser, plan, lea = amap
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 11, 23))
    assert [title for title, _body, _url in _notes(lea)] == [fr(OVERDUE_TITLE, **PARAMS)]
    assert reminders.dues_send_reminders(on=date(2026, 11, 24)) == reminders.ReminderCounts()


def test_a_failed_notification_leaves_the_stage_to_send(amap, monkeypatch):
    _group, _organiser, plan, lea = amap
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))

    def broken(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(reminders, "notify", broken)
    with pytest.raises(RuntimeError):
        reminders.dues_remind(dues=dues_of(plan, lea), on=date(2026, 10, 5))
    assert dues_of(plan, lea).overdue_notice_at is None
    monkeypatch.undo()
    assert reminders.dues_remind(dues=dues_of(plan, lea), on=date(2026, 10, 5)) == "overdue"


def test_reminders_follow_the_recipients_language(amap):
    _group, _organiser, plan, lea = amap
    lea.language = "en"
    lea.save()
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))
    [(title, _body, _url)] = _notes(lea)
    assert title == "Your dues for 2026-2027 are €20.00, due on Sept. 1, 2026"
