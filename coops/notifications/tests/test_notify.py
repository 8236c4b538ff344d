import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory
from coops.notifications.models import Frequency, Notification, NotificationPreference
from coops.notifications.services import notify
from coops.notifications.tasks import send_notification_emails

from .helpers import unsubscribe_path

pytestmark = pytest.mark.django_db

KIND = "group.member_joined"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_NAME = "Coops"
    settings.SITE_URL = "https://coops.example"


def _joined_title(user):
    return _("%(name)s joined %(group)s") % {"name": "Alice", "group": "AMAP des Weppes"}


def test_notify_skips_inactive_erased_users_and_the_actor():
    alice, bob = UserFactory(), UserFactory()
    inactive = UserFactory(is_active=False)
    erased = UserFactory(erased_at=timezone.now())
    actor = UserFactory()
    group = GroupFactory()

    created = notify(
        recipients=[alice, bob, bob, inactive, erased, actor],
        kind=KIND,
        title="Hello",
        body="Some text",
        url="/g/amap/",
        group=group,
        actor=actor,
    )

    assert sorted(n.recipient_id for n in created) == sorted([alice.pk, bob.pk])
    rows = Notification.objects.order_by("recipient_id")
    assert [(n.recipient_id, n.kind, n.title, n.body, n.url, n.group_id) for n in rows] == [
        (alice.pk, KIND, "Hello", "Some text", "/g/amap/", group.pk),
        (bob.pk, KIND, "Hello", "Some text", "/g/amap/", group.pk),
    ]
    assert all(n.read_at is None for n in rows)


def test_notify_with_nobody_left_creates_nothing():
    actor = UserFactory()
    assert notify(recipients=[actor], kind=KIND, title="x", actor=actor) == []
    assert Notification.objects.count() == 0


def test_notify_refuses_unknown_kinds_and_links_leaving_the_site():
    user = UserFactory()
    with pytest.raises(ImproperlyConfigured):
        notify(recipients=[user], kind="no.such.kind", title="x")
    for url in ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "g/x"]:
        with pytest.raises(ValueError):
            notify(recipients=[user], kind=KIND, title="x", url=url)
    assert Notification.objects.count() == 0


def test_long_titles_are_cut_to_the_column_size():
    user = UserFactory()
    (n,) = notify(recipients=[user], kind=KIND, title="é" * 300)
    n.refresh_from_db()
    assert len(n.title) == 200
    assert n.title.endswith("…")


def _pref(user, kind, frequency):
    NotificationPreference.objects.create(user=user, kind=kind, frequency=frequency)


def test_effective_frequency_per_kind_then_default_then_kind_default(
    daily_kind, django_capture_on_commit_callbacks, mailoutbox
):
    no_prefs = UserFactory(email="noprefs@example.org")
    default_off = UserFactory(email="defaultoff@example.org")
    _pref(default_off, "", Frequency.OFF)
    kind_immediate = UserFactory(email="kindimmediate@example.org")
    _pref(kind_immediate, "", Frequency.OFF)
    _pref(kind_immediate, daily_kind.name, Frequency.IMMEDIATE)
    default_immediate = UserFactory(email="defaultimmediate@example.org")
    _pref(default_immediate, "", Frequency.IMMEDIATE)
    other_kind_only = UserFactory(email="otherkind@example.org")
    _pref(other_kind_only, KIND, Frequency.OFF)

    users = [no_prefs, default_off, kind_immediate, default_immediate, other_kind_only]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=users, kind=daily_kind.name, title="Digest me")

    # Emailed at once: the per-kind choice, and a default row that beats the kind default.
    assert sorted(m.to[0] for m in mailoutbox) == [
        "defaultimmediate@example.org",
        "kindimmediate@example.org",
    ]
    waiting = set(
        Notification.objects.filter(digested_at__isnull=True).values_list(
            "recipient__email", flat=True
        )
    )
    # The kind's own default (daily) applies to people with no row for it nor a default.
    assert waiting == {"noprefs@example.org", "otherkind@example.org"}
    off = Notification.objects.get(recipient=default_off)
    assert off.digested_at is not None and off.emailed_at is None


def test_immediate_email_leaves_only_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory(email="camille@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (n,) = notify(recipients=[user], kind=KIND, title="Bienvenue", url="/g/amap/")
        assert mailoutbox == []
        assert Notification.objects.get(pk=n.pk).emailed_at is None
    assert len(callbacks) >= 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["camille@example.org"]
    assert mailoutbox[0].subject == "[Coops] Bienvenue"
    assert Notification.objects.get(pk=n.pk).emailed_at is not None


def test_no_email_when_the_transaction_rolls_back(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[user], kind=KIND, title="Bienvenue")
    # The callback was only registered; nothing was sent while the transaction was open.
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_each_recipient_reads_title_and_email_in_their_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    fr = UserFactory(email="fr@example.org", language="fr", display_name="Camille")
    en = UserFactory(email="en@example.org", language="en", display_name="Sam")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[fr, en], kind=KIND, title=_joined_title, url="/g/amap/")

    titles = dict(Notification.objects.values_list("recipient__email", "title"))
    assert titles == {
        "fr@example.org": "Alice a rejoint AMAP des Weppes",
        "en@example.org": "Alice joined AMAP des Weppes",
    }
    by_to = {m.to[0]: m for m in mailoutbox}
    assert by_to["fr@example.org"].subject == "[Coops] Alice a rejoint AMAP des Weppes"
    assert by_to["en@example.org"].subject == "[Coops] Alice joined AMAP des Weppes"
    assert by_to["fr@example.org"].body.startswith("Bonjour Camille,")
    assert by_to["en@example.org"].body.startswith("Hello Sam,")
    html_fr = by_to["fr@example.org"].alternatives[0].content
    assert '<html lang="fr">' in html_fr
    assert "Ne plus recevoir ces e-mails" in html_fr


def test_email_carries_unsubscribe_link_and_rfc8058_headers(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(recipients=[user], kind=KIND, title="Welcome", url="/g/amap/")

    (message,) = mailoutbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://coops.example/notifications/unsubscribe/")
    assert header.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(header)
    assert f"https://coops.example{path}" in message.body
    assert f'href="https://coops.example{path}"' in message.alternatives[0].content
    token = path.split("/")[-2]
    assert signing.loads(token, salt="notifications.unsubscribe") == {"u": user.pk, "k": KIND}
    # The link to the notification goes through "open", which marks it read.
    assert f"https://coops.example/notifications/{n.pk}/open/" in message.body


def test_a_retried_email_task_never_sends_twice(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(recipients=[user], kind=KIND, title="Bienvenue")
    first_sent_at = Notification.objects.get(pk=n.pk).emailed_at

    with django_capture_on_commit_callbacks(execute=True):
        result = send_notification_emails.enqueue(notification_ids=[n.pk, n.pk])

    assert result.return_value == 0
    assert len(mailoutbox) == 1
    assert Notification.objects.get(pk=n.pk).emailed_at == first_sent_at


def test_no_email_for_a_recipient_deactivated_before_the_task_ran(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (n,) = notify(recipients=[user], kind=KIND, title="Bienvenue")
    user.is_active = False
    user.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert mailoutbox == []
    assert Notification.objects.get(pk=n.pk).emailed_at is None


def test_no_email_if_the_kind_was_switched_off_before_the_task_ran(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (n,) = notify(recipients=[user], kind=KIND, title="Bienvenue")
    _pref(user, KIND, Frequency.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert mailoutbox == []
    assert Notification.objects.get(pk=n.pk).emailed_at is None
