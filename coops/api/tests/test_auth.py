"""Who may call the API: personal tokens, the site's session (with CSRF), nobody else."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coops.accounts.models import ApiToken, User
from coops.accounts.tests.factories import UserFactory
from coops.api.tests.conftest import make_token

pytestmark = pytest.mark.django_db

AUTH_REQUIRED = {"detail": "Authentification requise."}
BAD_TOKEN = {"detail": "Jeton d’API invalide, expiré ou révoqué."}
MALFORMED = {"detail": "Jeton d’API mal formé."}


def _assert_401(response, body):
    assert response.status_code == 401
    assert response.json() == body
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_valid_token_identifies_its_owner(user, bearer_client):
    key = make_token(user)

    response = bearer_client(key).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_first_use_records_last_used_at(user, bearer_client):
    key = make_token(user)
    before = timezone.now()

    bearer_client(key).get("/api/v1/me")

    token = ApiToken.objects.get(user=user)
    assert before <= token.last_used_at <= timezone.now()


def test_last_used_at_is_written_at_most_once_a_minute(
    user, bearer_client, django_assert_num_queries
):
    key = make_token(user)
    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(user=user).update(last_used_at=recent)

    with django_assert_num_queries(1):  # the token lookup; no UPDATE
        response = bearer_client(key).get("/api/v1/me")

    assert response.status_code == 200
    assert ApiToken.objects.get(user=user).last_used_at == recent


def test_last_used_at_moves_on_after_a_minute(user, bearer_client):
    key = make_token(user)
    old = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(user=user).update(last_used_at=old)

    bearer_client(key).get("/api/v1/me")

    assert ApiToken.objects.get(user=user).last_used_at > old + timedelta(minutes=4)


def test_revoked_token_is_refused(user, bearer_client):
    key = make_token(user, revoked_at=timezone.now() - timedelta(seconds=1))

    _assert_401(bearer_client(key).get("/api/v1/me"), BAD_TOKEN)
    assert ApiToken.objects.get(user=user).last_used_at is None


def test_expired_token_is_refused(user, bearer_client):
    key = make_token(user, expires_at=timezone.now() - timedelta(seconds=1))

    _assert_401(bearer_client(key).get("/api/v1/me"), BAD_TOKEN)
    assert ApiToken.objects.get(user=user).last_used_at is None


def test_token_with_a_future_expiry_works(user, bearer_client):
    key = make_token(user, expires_at=timezone.now() + timedelta(days=1))

    assert bearer_client(key).get("/api/v1/me").status_code == 200


def test_token_of_an_erased_user_is_refused(user, bearer_client):
    key = make_token(user)
    User.objects.filter(pk=user.pk).update(erased_at=timezone.now())

    _assert_401(bearer_client(key).get("/api/v1/me"), BAD_TOKEN)


def test_token_of_a_deactivated_user_is_refused(user, bearer_client):
    key = make_token(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    _assert_401(bearer_client(key).get("/api/v1/me"), BAD_TOKEN)


def test_unknown_token_is_refused(bearer_client):
    _assert_401(bearer_client(ApiToken.generate_key()).get("/api/v1/me"), BAD_TOKEN)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "bearer not-a-coops-token",
        "Bearer coops_abc def",
    ],
)
def test_malformed_bearer_header_is_refused(header):
    response = Client(headers={"Authorization": header}).get("/api/v1/me")

    _assert_401(response, MALFORMED)


def test_other_authorization_schemes_are_not_ours():
    response = Client(headers={"Authorization": "Basic dXNlcjpwYXNz"}).get("/api/v1/me")

    _assert_401(response, AUTH_REQUIRED)


def test_bad_token_never_falls_back_to_the_session(user):
    client = Client(headers={"Authorization": "Bearer coops_nope"})
    client.force_login(user)

    _assert_401(client.get("/api/v1/me"), BAD_TOKEN)


def test_token_wins_over_the_session(user, bearer_client):
    other = UserFactory()
    client = bearer_client(make_token(other))
    client.force_login(user)

    assert client.get("/api/v1/me").json()["email"] == other.email


def test_session_identifies_the_signed_in_user(user):
    client = Client()
    client.force_login(user)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_session_of_an_erased_user_is_refused(user):
    client = Client()
    client.force_login(user)
    user.erased_at = timezone.now()
    user.save(update_fields=["erased_at"])

    _assert_401(client.get("/api/v1/me"), AUTH_REQUIRED)


# --- CSRF: the test API (coops.api.tests.urls) has a POST endpoint ---------------------


NOTE = {"title": "Compte rendu", "size": 3}


@pytest.mark.urls("coops.api.tests.urls")
def test_session_post_without_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/t/notes", NOTE, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": (
            "Échec de la vérification CSRF : envoyez l’en-tête X-CSRFToken avec cette requête."
        )
    }


@pytest.mark.urls("coops.api.tests.urls")
def test_session_post_with_csrf_token_is_accepted(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/t/docs")  # the docs page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        "/t/notes", NOTE, content_type="application/json", headers={"X-CSRFToken": csrf}
    )

    assert response.status_code == 201
    assert response.json() == NOTE


@pytest.mark.urls("coops.api.tests.urls")
def test_session_get_needs_no_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.get("/t/whoami")

    assert response.json() == {"who": user.email}


@pytest.mark.urls("coops.api.tests.urls")
def test_token_post_needs_no_csrf_token(user):
    key = make_token(user)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})

    response = client.post("/t/notes", NOTE, content_type="application/json")

    assert response.status_code == 201


@pytest.mark.urls("coops.api.tests.urls")
def test_anonymous_post_is_unauthenticated_not_csrf_failed():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/t/notes", NOTE, content_type="application/json")

    _assert_401(response, AUTH_REQUIRED)


# --- public reads (auth=PUBLIC) -----------------------------------------------------------


@pytest.mark.urls("coops.api.tests.urls")
def test_public_endpoint_answers_anonymous_callers():
    assert Client().get("/t/whoami").json() == {"who": "anonymous"}


@pytest.mark.urls("coops.api.tests.urls")
def test_public_endpoint_still_knows_a_token_caller(user, bearer_client):
    assert bearer_client(make_token(user)).get("/t/whoami").json() == {"who": user.email}


@pytest.mark.urls("coops.api.tests.urls")
def test_public_endpoint_refuses_a_bad_token_rather_than_downgrading():
    response = Client(headers={"Authorization": "Bearer coops_nope"}).get("/t/whoami")

    _assert_401(response, BAD_TOKEN)
