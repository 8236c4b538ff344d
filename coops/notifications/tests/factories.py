import factory
from factory.django import DjangoModelFactory

from coops.accounts.tests.factories import UserFactory
from coops.notifications.models import Notification


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "group.member_joined"
    title = factory.Sequence(lambda n: f"Camille a rejoint le groupe local {n}")
    url = "/g/groupe-local/"
