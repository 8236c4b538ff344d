"""Rate limits: per IP for anonymous callers, per user for signed-in ones."""

import pytest
from django.test import Client, override_settings

from coops.accounts.tests.factories import UserFactory
from coops.api.tests.conftest import make_token

pytestmark = pytest.mark.django_db

TINY = override_settings(NINJA_DEFAULT_THROTTLE_RATES={"anon": "2/min", "user": "3/min"})
TOO_MANY = {"detail": "Trop de requêtes. Patientez un instant puis réessayez."}


def _assert_429(response):
    assert response.status_code == 429
    assert response.json() == TOO_MANY
    assert 1 <= int(response["Retry-After"]) <= 60


@TINY
@pytest.mark.urls("coops.api.tests.urls")
def test_anonymous_callers_are_limited_per_ip():
    client = Client(REMOTE_ADDR="192.0.2.1")
    assert [client.get("/t/whoami").status_code for _ in range(2)] == [200, 200]

    _assert_429(client.get("/t/whoami"))
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="192.0.2.2").get("/t/whoami").status_code == 200


@TINY
def test_signed_in_callers_are_limited_per_user(bearer_client):
    alice, bob = UserFactory(), UserFactory()
    alice_client = bearer_client(make_token(alice))
    assert [alice_client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]

    _assert_429(alice_client.get("/api/v1/me"))
    # The limit follows the person, not the credential: her session is limited too…
    session = Client()
    session.force_login(alice)
    _assert_429(session.get("/api/v1/me"))
    # …while Bob, from the same address, is not.
    assert bearer_client(make_token(bob)).get("/api/v1/me").status_code == 200


@TINY
@pytest.mark.urls("coops.api.tests.urls")
def test_signed_in_callers_do_not_use_up_the_anonymous_allowance(user, bearer_client):
    client = bearer_client(make_token(user))
    assert [client.get("/t/whoami").status_code for _ in range(3)] == [200, 200, 200]

    assert Client().get("/t/whoami").status_code == 200


def test_default_rates_come_from_settings(settings, bearer_client, user):
    settings.NINJA_DEFAULT_THROTTLE_RATES = {"anon": "60/min", "user": "1/hour"}
    client = bearer_client(make_token(user))

    assert client.get("/api/v1/me").status_code == 200
    response = client.get("/api/v1/me")

    _assert_429_within(response, 3600)


def _assert_429_within(response, seconds):
    assert response.status_code == 429
    assert response.json() == TOO_MANY
    assert 1 <= int(response["Retry-After"]) <= seconds


def test_throttle_state_is_per_thread(rf):
    """ninja shares one throttle object between requests; threads must not see each other's."""
    import threading

    from coops.api.throttling import AnonThrottle

    throttle = AnonThrottle()
    first_checked, second_done = threading.Event(), threading.Event()
    seen = {}

    def first():
        throttle.allow_request(rf.get("/", REMOTE_ADDR="192.0.2.10"))
        first_checked.set()
        second_done.wait(5)
        seen["first"] = throttle.key

    def second():
        first_checked.wait(5)
        throttle.allow_request(rf.get("/", REMOTE_ADDR="192.0.2.20"))
        seen["second"] = throttle.key
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)

    assert seen == {"first": "throttle_anon_192.0.2.10", "second": "throttle_anon_192.0.2.20"}
