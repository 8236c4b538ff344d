import pytest
from django.utils import timezone

from coops.accounts.personal_data import personal_data_sources
from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory
from coops.notifications.models import Frequency, Notification, NotificationPreference

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _source():
    (source,) = [s for s in personal_data_sources() if s.name == "notifications"]
    return source


def test_export_lists_notifications_and_preferences():
    user, other = UserFactory(), UserFactory()
    group = GroupFactory(slug="amap-des-weppes")
    read_at = timezone.now()
    n = NotificationFactory(
        recipient=user, title="Bienvenue", body="Texte", group=group, read_at=read_at
    )
    NotificationFactory(recipient=other, title="Pas à moi")
    NotificationPreference.objects.create(user=user, kind="", frequency=Frequency.DAILY)
    NotificationPreference.objects.create(user=other, kind="", frequency=Frequency.OFF)

    assert _source().export(user) == {
        "notifications": [
            {
                "kind": "group.member_joined",
                "title": "Bienvenue",
                "body": "Texte",
                "url": "/g/groupe-local/",
                "group": "amap-des-weppes",
                "created_at": n.created_at.isoformat(),
                "read_at": read_at.isoformat(),
                "emailed_at": None,
            }
        ],
        "preferences": [{"kind": "", "frequency": "daily"}],
    }


def test_erase_deletes_only_that_users_rows():
    user, other = UserFactory(), UserFactory()
    NotificationFactory.create_batch(2, recipient=user)
    kept = NotificationFactory(recipient=other)
    NotificationPreference.objects.create(user=user, kind="", frequency=Frequency.DAILY)
    kept_pref = NotificationPreference.objects.create(user=other, kind="", frequency=Frequency.OFF)

    _source().erase(user)

    assert list(Notification.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(NotificationPreference.objects.values_list("pk", flat=True)) == [kept_pref.pk]
