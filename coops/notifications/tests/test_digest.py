from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory
from coops.notifications.models import Frequency, Notification, NotificationPreference
from coops.notifications.services import notify
from coops.notifications.tasks import send_daily_digests

from .helpers import unsubscribe_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_NAME = "Coops"
    settings.SITE_URL = "https://coops.example"


def _daily(user, kind=""):
    NotificationPreference.objects.create(user=user, kind=kind, frequency=Frequency.DAILY)
    return user


def _run_digests(django_capture_on_commit_callbacks) -> str:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=out)
    return out.getvalue()


def test_digest_sends_one_email_per_user_listing_their_notifications(
    django_capture_on_commit_callbacks, mailoutbox
):
    group = GroupFactory(name="AMAP des Weppes")
    camille = _daily(UserFactory(email="camille@example.org", language="fr"))
    sam = _daily(UserFactory(email="sam@example.org", language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[camille, sam], kind="group.member_joined", title="Premier", group=group)
        notify(recipients=[camille], kind="group.join_requested", title="Deuxième", url="/g/x/")
    assert mailoutbox == []  # daily: nothing at once

    output = _run_digests(django_capture_on_commit_callbacks)

    assert output.startswith("Daily digests queued")
    by_to = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_to) == ["camille@example.org", "sam@example.org"]
    assert by_to["camille@example.org"].subject == "[Coops] Votre résumé du jour : 2 notifications"
    assert by_to["sam@example.org"].subject == "[Coops] Your daily digest: 1 notification"
    camille_body = by_to["camille@example.org"].body
    assert "* Premier (AMAP des Weppes)" in camille_body
    assert "* Deuxième" in camille_body
    assert camille_body.index("Premier") < camille_body.index("Deuxième")
    assert "Deuxième" not in by_to["sam@example.org"].body
    for message in mailoutbox:
        path = unsubscribe_path(message.extra_headers["List-Unsubscribe"])
        assert f"https://coops.example{path}" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(digested_at__isnull=True).exists()
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_running_the_digest_twice_sends_one_email(django_capture_on_commit_callbacks, mailoutbox):
    user = _daily(UserFactory())
    notify(recipients=[user], kind="group.member_joined", title="Premier")

    _run_digests(django_capture_on_commit_callbacks)
    digested_at = Notification.objects.get().digested_at
    with django_capture_on_commit_callbacks(execute=True):
        second = send_daily_digests.enqueue()

    assert len(mailoutbox) == 1
    assert second.return_value == 0
    assert Notification.objects.get().digested_at == digested_at


def test_the_next_digest_lists_only_what_is_new(django_capture_on_commit_callbacks, mailoutbox):
    user = _daily(UserFactory(language="en"))
    notify(recipients=[user], kind="group.member_joined", title="Old news")
    _run_digests(django_capture_on_commit_callbacks)
    notify(recipients=[user], kind="group.member_joined", title="Fresh news")
    _run_digests(django_capture_on_commit_callbacks)

    assert [m.subject for m in mailoutbox] == [
        "[Coops] Your daily digest: 1 notification",
        "[Coops] Your daily digest: 1 notification",
    ]
    assert "Fresh news" in mailoutbox[1].body
    assert "Old news" not in mailoutbox[1].body


def test_immediate_notifications_are_not_repeated_in_a_digest(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    _daily(user, "group.join_requested")  # daily for one kind, immediate for the rest
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind="group.member_joined", title="At once")
        notify(recipients=[user], kind="group.join_requested", title="In the digest")
    assert [m.subject for m in mailoutbox] == ["[Coops] At once"]

    _run_digests(django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2
    assert "In the digest" in mailoutbox[1].body
    assert "At once" not in mailoutbox[1].body


def test_off_is_never_emailed_but_shown_in_the_site(
    django_capture_on_commit_callbacks, mailoutbox, client
):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, kind="", frequency=Frequency.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(recipients=[user], kind="group.member_joined", title="Silencieux")
    _run_digests(django_capture_on_commit_callbacks)

    assert mailoutbox == []
    n.refresh_from_db()
    assert n.emailed_at is None
    assert n.digested_at is not None  # out of the digest queue for good
    client.force_login(user)
    assert "Silencieux" in client.get("/notifications/").content.decode()


def test_switching_a_kind_off_before_the_digest_drops_it(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = _daily(UserFactory())
    notify(recipients=[user], kind="group.member_joined", title="Plus voulu")
    notify(recipients=[user], kind="group.join_requested", title="Toujours voulu")
    NotificationPreference.objects.create(
        user=user, kind="group.member_joined", frequency=Frequency.OFF
    )

    _run_digests(django_capture_on_commit_callbacks)

    (message,) = mailoutbox
    assert "Toujours voulu" in message.body
    assert "Plus voulu" not in message.body
    assert not Notification.objects.filter(digested_at__isnull=True).exists()


def test_no_digest_for_deactivated_or_erased_accounts(
    django_capture_on_commit_callbacks, mailoutbox
):
    gone = _daily(UserFactory())
    erased = _daily(UserFactory())
    notify(recipients=[gone, erased], kind="group.member_joined", title="Personne")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    erased.erased_at = timezone.now()
    erased.save(update_fields=["erased_at"])

    _run_digests(django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert not Notification.objects.filter(digested_at__isnull=True).exists()


def test_a_long_digest_lists_fifty_and_links_to_the_rest(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = _daily(UserFactory(language="en"))
    for i in range(53):
        notify(recipients=[user], kind="group.member_joined", title=f"News {i:02d}")

    _run_digests(django_capture_on_commit_callbacks)

    (message,) = mailoutbox
    assert message.subject == "[Coops] Your daily digest: 53 notifications"
    assert message.body.count("\n* News ") == 50
    assert "And 3 more: https://coops.example/notifications/" in message.body
    assert not Notification.objects.filter(digested_at__isnull=True).exists()


def test_command_help_documents_cron():
    from coops.notifications.management.commands.send_digests import Command

    assert "0 7 * * *" in Command.help
    assert "manage.py send_digests" in Command.help
