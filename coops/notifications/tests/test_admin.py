import pytest

from coops.accounts.tests.factories import UserFactory
from coops.notifications.models import Frequency, NotificationPreference

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_notifications_and_preferences(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    NotificationFactory(title="Camille a rejoint l’AMAP")
    NotificationPreference.objects.create(user=admin, kind="", frequency=Frequency.DAILY)
    client.force_login(admin)

    notifications = client.get("/admin/notifications/notification/")
    preferences = client.get("/admin/notifications/notificationpreference/")

    assert notifications.status_code == 200
    assert "Camille a rejoint l’AMAP" in notifications.content.decode()
    assert preferences.status_code == 200
    assert admin.email in preferences.content.decode()
