import pytest
from django.test import Client

from coops.accounts import services
from coops.accounts.models import ApiToken, User
from coops.core.models import Event

from .factories import PASSWORD, UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def test_user_changelist_search_and_filters(admin_client):
    UserFactory(email="camille@example.org", display_name="Camille Martin")
    UserFactory(email="dominique@example.org", display_name="Dominique")
    response = admin_client.get("/admin/accounts/user/", {"q": "camille"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "camille@example.org" in page
    assert "dominique@example.org" not in page
    response = admin_client.get("/admin/accounts/user/", {"erased": "yes"})
    assert "camille@example.org" not in response.content.decode()


def test_user_change_page(admin_client):
    user = UserFactory(email="camille@example.org")
    response = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="email" value="camille@example.org"' in page
    assert 'name="home_town"' in page


def test_add_user_with_an_email_and_a_password(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "Nouvelle@Example.org",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    assert user.check_password(PASSWORD)


def test_add_user_refuses_an_existing_email_whatever_its_case(admin_client):
    UserFactory(email="camille@example.org")
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "CAMILLE@example.org",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="camille@example.org").count() == 1


def test_erase_action(admin_client, superuser):
    user = UserFactory(email="camille@example.org")
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "erase_users", "_selected_action": [user.pk]}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_erased
    assert Event.objects.get(verb="user.erased").actor == superuser


def test_api_tokens_are_read_only_and_revocable(admin_client, superuser):
    owner = UserFactory()
    token, _secret = services.api_token_create(user=owner, name="Tableur", acting_user=owner)
    assert admin_client.get("/admin/accounts/apitoken/").status_code == 200
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
    page = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert 'name="name"' not in page
    assert token.key_hash in page
    response = admin_client.post(
        "/admin/accounts/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Event.objects.get(verb="api_token.revoked").actor == superuser
    assert ApiToken.objects.count() == 1


def test_audit_events_are_read_only(admin_client, superuser):
    owner = UserFactory()
    services.user_language_set(user=owner, language="en", acting_user=owner)
    event = Event.objects.get()
    response = admin_client.get("/admin/core/event/", {"verb": "user.language_set"})
    assert response.status_code == 200
    assert "user.language_set" in response.content.decode()
    assert admin_client.get("/admin/core/event/add/").status_code == 403
    page = admin_client.get(f"/admin/core/event/{event.pk}/change/").content.decode()
    assert 'name="verb"' not in page
    assert admin_client.post(f"/admin/core/event/{event.pk}/delete/").status_code == 403
    assert Event.objects.count() == 1


def test_staff_without_permission_cannot_see_users(db):
    staff = UserFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/core/event/").status_code == 403
