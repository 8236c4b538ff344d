import pytest
from django.core.management import call_command

from coops.accounts.models import User
from coops.core.demo import DEMO_PASSWORD
from coops.core.models import Event
from coops.groups.models import Group, GroupKind, Membership, MembershipStatus
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Payment
from coops.notifications.models import Notification


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    return capsys.readouterr().out


def test_demo_builds_a_living_territory(demo):
    network = Group.objects.get(slug="hauts-de-france")
    assert network.kind == GroupKind.NETWORK
    assert Group.objects.count() == 14
    assert Group.objects.filter(parent=network).count() == 9
    assert set(Group.objects.values_list("kind", flat=True)) == set(GroupKind.values)
    assert Membership.objects.filter(status=MembershipStatus.PENDING).count() == 7
    assert Notification.objects.filter(kind="group.join_requested").exists()
    # Every demo person's town is found by the offline geocoder: nobody left "to geolocate".
    assert User.objects.exclude(home_town="").filter(home_lat__isnull=True).count() == 0
    assert Event.objects.filter(verb="group.created").count() == 14
    # 7 from the ledger demo, the on-site payment of last week's distribution and the
    # first cheque of a season contract.
    assert Payment.objects.filter(group__slug="amap-des-weppes").count() == 9
    assert ledger_violations() == []


def test_demo_prints_logins_that_work(demo, client):
    assert "camille@example.org" in demo
    assert DEMO_PASSWORD in demo
    response = client.post(
        "/accounts/login/", {"login": "camille@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/g/amap-des-weppes/")
    assert page.status_code == 200
    assert "AMAP des Weppes" in page.content.decode()


def test_demo_is_idempotent(demo, capsys):
    call_command("demo")
    assert "already loaded" in capsys.readouterr().out
    assert Group.objects.count() == 14
