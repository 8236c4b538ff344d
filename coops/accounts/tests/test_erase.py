import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from coops.accounts import personal_data, services
from coops.accounts.models import ApiToken, User
from coops.core.models import Event
from coops.groups.models import Membership
from coops.groups.tests.factories import MembershipFactory

from .factories import PASSWORD, UserFactory
from .helpers import signed_in_id


@pytest.fixture
def member(db):
    return UserFactory(
        email="camille@example.org",
        display_name="Camille Martin",
        home_town="Roubaix",
        home_postcode="59100",
        home_lat=50.6942,
        home_lon=3.1746,
    )


@pytest.fixture
def memberships_source(monkeypatch):
    """A registry holding one source that deletes the person's memberships."""
    erased_for = []

    def erase(user):
        erased_for.append(user.pk)
        Membership.objects.filter(user=user).delete()

    monkeypatch.setattr(personal_data, "_SOURCES", {})
    personal_data.register_personal_data(
        "memberships",
        export=lambda user: list(Membership.objects.filter(user=user).values("group__slug")),
        erase=erase,
    )
    personal_data.register_personal_data("read_only", export=lambda user: [])
    return erased_for


def _login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _erase(client, password=PASSWORD, confirmation="effacer"):
    return client.post("/me/erase/", {"password": password, "confirmation": confirmation})


def test_erasure_wipes_the_person_and_keeps_the_row(
    client, member, memberships_source, django_capture_on_commit_callbacks
):
    MembershipFactory(user=member)
    ApiToken.objects.create(user=member, name="t", key_prefix="coops_x", key_hash="0" * 64)
    other = UserFactory()
    other_membership = MembershipFactory(user=other)
    assert _login(client, "camille@example.org").status_code == 302
    phone = Client()
    phone.force_login(member)
    other_device_key = phone.session.session_key

    response = _erase(client)

    assert response.status_code == 302
    assert response["Location"] == "/"
    erased = User.objects.get(pk=member.pk)
    assert erased.email == f"erased-{member.pk}@invalid.example"
    assert (erased.display_name, erased.home_town, erased.home_postcode) == ("", "", "")
    assert (erased.home_lat, erased.home_lon) == (None, None)
    assert erased.is_active is False
    assert erased.has_usable_password() is False
    assert erased.erased_at is not None
    assert erased.public_name == "Ancien·ne membre"
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not ApiToken.objects.filter(user=member).exists()
    assert memberships_source == [member.pk]
    assert not Membership.objects.filter(user=member).exists()
    assert Membership.objects.filter(pk=other_membership.pk).exists()
    event = Event.objects.get(verb="user.erased")
    assert (event.actor_id, event.target_id) == (member.pk, str(member.pk))
    assert event.data == {
        "sources": ["memberships", "read_only"],
        "api_tokens": 1,
        "sessions": 2,
    }
    # Signed out here and on the other device.
    assert signed_in_id(client) is None
    assert not Session.objects.filter(session_key=other_device_key).exists()
    assert phone.get("/me/").status_code == 302
    page = client.get("/").content.decode()
    assert 'role="status"' in page


def test_an_erased_person_cannot_sign_in(client, member, memberships_source):
    client.force_login(member)
    _erase(client)
    for login in ("camille@example.org", f"erased-{member.pk}@invalid.example"):
        response = _login(Client(), login)
        assert response.status_code == 200
        assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()
    fresh = Client()
    _login(fresh, "camille@example.org")
    assert signed_in_id(fresh) is None


def test_the_email_address_can_sign_up_again_after_erasure(client, member, memberships_source):
    client.force_login(member)
    _erase(client)
    response = Client().post(
        "/accounts/signup/",
        {"email": "camille@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="camille@example.org").exclude(pk=member.pk).exists()


@pytest.mark.parametrize(
    ("password", "confirmation", "error_field"),
    [
        ("pas le bon", "effacer", "password"),
        (PASSWORD, "supprimer", "confirmation"),
        (PASSWORD, "", "confirmation"),
    ],
)
def test_wrong_password_or_confirmation_changes_nothing(
    client, member, memberships_source, password, confirmation, error_field
):
    MembershipFactory(user=member)
    client.force_login(member)
    response = _erase(client, password=password, confirmation=confirmation)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{error_field}_error"' in page
    assert 'aria-invalid="true"' in page
    member.refresh_from_db()
    assert member.email == "camille@example.org"
    assert member.is_active and member.erased_at is None
    assert member.check_password(PASSWORD)
    assert Membership.objects.filter(user=member).exists()
    assert EmailAddress.objects.filter(user=member).exists()
    assert memberships_source == []
    assert not Event.objects.exists()
    assert signed_in_id(client) == str(member.pk)


def test_the_english_confirmation_word_is_accepted(client, member, memberships_source):
    client.force_login(member)
    assert _erase(client, confirmation=" ERASE ").status_code == 302
    member.refresh_from_db()
    assert member.is_erased


def test_the_page_explains_and_asks_for_password_and_word(client, member, memberships_source):
    client.force_login(member)
    page = client.get("/me/erase/").content.decode()
    assert '<input type="password" name="password" autocomplete="current-password"' in page
    assert '<label for="id_confirmation">' in page
    assert (
        '<label for="id_confirmation">Tapez «\u00a0effacer\u00a0» pour confirmer\u00a0:</label>'
        in page
    )
    assert 'href="/me/export/"' in page


def test_the_last_superuser_cannot_erase_themselves(client, db, memberships_source):
    boss = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(boss)
    page = client.get("/me/erase/").content.decode()
    assert 'action="/me/erase/"' not in page
    assert 'role="alert"' in page
    response = _erase(client)
    assert response.status_code == 200
    boss.refresh_from_db()
    assert boss.is_active and not boss.is_erased and boss.is_superuser
    assert memberships_source == []
    with pytest.raises(ValidationError) as error:
        services.user_erase(user=boss, acting_user=boss)
    assert error.value.code == "last_superuser"


def test_a_superuser_can_go_when_another_remains(client, db, memberships_source):
    boss = UserFactory(is_superuser=True, is_staff=True)
    UserFactory(is_superuser=True, is_staff=True)
    client.force_login(boss)
    assert _erase(client).status_code == 302
    boss.refresh_from_db()
    assert boss.is_erased
    assert (boss.is_superuser, boss.is_staff) == (False, False)


def test_erase_attempts_are_rate_limited(client, member, memberships_source):
    client.force_login(member)
    for _ in range(10):
        assert _erase(client, password="faux").status_code == 200
    assert _erase(client).status_code == 429
    member.refresh_from_db()
    assert not member.is_erased


def test_the_service_refuses_to_erase_someone_else(member, memberships_source):
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        services.user_erase(user=other, acting_user=member)
    other.refresh_from_db()
    assert other.is_active and not other.is_erased


def test_a_source_failure_rolls_everything_back(member, monkeypatch):
    def broken(user):
        raise RuntimeError("disk full")

    monkeypatch.setattr(personal_data, "_SOURCES", {})
    personal_data.register_personal_data("broken", export=lambda user: [], erase=broken)
    with pytest.raises(RuntimeError):
        services.user_erase(user=member, acting_user=member)
    member.refresh_from_db()
    assert member.email == "camille@example.org" and member.is_active
    assert EmailAddress.objects.filter(user=member).exists()
    assert not Event.objects.exists()
