import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.notifications.emails import unsubscribe_token
from coops.notifications.models import Frequency, NotificationPreference

pytestmark = pytest.mark.django_db

KIND = "group.join_requested"


def _url(token: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def _prefs(user) -> dict[str, str]:
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))


def test_get_asks_for_confirmation_in_the_recipients_language_and_changes_nothing():
    user = UserFactory(language="en")
    response = Client().get(_url(unsubscribe_token(user_id=user.pk, kind=KIND)))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Stop receiving emails about “Requests to join a group”?" in html
    assert 'data-testid="unsubscribe-confirm"' in html
    assert _prefs(user) == {}


def test_confirm_button_turns_that_kind_off():
    user = UserFactory(language="fr")
    NotificationPreference.objects.create(user=user, kind="", frequency=Frequency.DAILY)
    response = Client(enforce_csrf_checks=True).post(
        _url(unsubscribe_token(user_id=user.pk, kind=KIND))
    )

    assert response.status_code == 200
    assert 'data-testid="unsubscribe-done"' in response.content.decode()
    assert _prefs(user) == {"": Frequency.DAILY, KIND: Frequency.OFF}
    event = Event.objects.get(verb="notifications.unsubscribed")
    assert event.actor_id == user.pk
    assert event.data == {"kind": KIND}


def test_one_click_post_from_a_mail_client_works_without_session_or_csrf():
    user = UserFactory()
    response = Client(enforce_csrf_checks=True).post(
        _url(unsubscribe_token(user_id=user.pk, kind=KIND)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _prefs(user) == {KIND: Frequency.OFF}


def test_the_default_token_stops_every_notification_email():
    user = UserFactory()
    NotificationPreference.objects.create(user=user, kind=KIND, frequency=Frequency.IMMEDIATE)
    NotificationPreference.objects.create(
        user=user, kind="group.member_joined", frequency=Frequency.DAILY
    )
    Client().post(_url(unsubscribe_token(user_id=user.pk, kind="")))
    assert _prefs(user) == {
        "": Frequency.OFF,
        KIND: Frequency.OFF,
        "group.member_joined": Frequency.OFF,
    }


def _tampered_tokens(user, other):
    good = unsubscribe_token(user_id=user.pk, kind=KIND)
    forged_payload = signing.dumps({"u": other.pk, "k": ""}, salt="notifications.unsubscribe")
    return [
        good[:-1] + ("A" if good[-1] != "A" else "B"),  # signature changed
        forged_payload.partition(":")[0] + ":" + good.partition(":")[2],  # payload swapped
        signing.dumps({"u": other.pk, "k": ""}, salt="another.salt"),  # wrong salt
        signing.dumps({"u": str(other.pk), "k": ""}, salt="notifications.unsubscribe"),
        signing.dumps([other.pk, ""], salt="notifications.unsubscribe"),
        signing.dumps({"u": 999999, "k": ""}, salt="notifications.unsubscribe"),  # nobody
        "not-a-token",
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_unknown_token_is_rejected_and_changes_nothing(method):
    user, other = UserFactory(), UserFactory()
    for token in _tampered_tokens(user, other):
        response = getattr(Client(), method)(_url(token))
        assert response.status_code == 400, token
        html = response.content.decode()
        assert "Ce lien de désinscription n’est pas valide" in html
        assert 'class="error-page"' in html
    assert NotificationPreference.objects.count() == 0
    assert not Event.objects.filter(verb="notifications.unsubscribed").exists()


@pytest.mark.parametrize("who", PERSONAS)
def test_the_token_not_the_session_decides_whose_emails_stop(personas, who):
    """Whoever follows the link (signed in or not) unsubscribes the token's owner only."""
    owner = personas.member
    response = personas.client(who).post(_url(unsubscribe_token(user_id=owner.pk, kind=KIND)))
    assert response.status_code == 200
    assert list(NotificationPreference.objects.values_list("user_id", "kind", "frequency")) == [
        (owner.pk, KIND, Frequency.OFF)
    ]


def test_an_erased_users_token_is_no_longer_valid():
    user = UserFactory(erased_at=timezone.now())
    response = Client().post(_url(unsubscribe_token(user_id=user.pk, kind=KIND)))
    assert response.status_code == 400
    assert NotificationPreference.objects.count() == 0
