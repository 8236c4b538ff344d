"""Every accounts view, for the five personas: anonymous people are sent to sign in and
change nothing; signed-in people only ever see and change their own account."""

import json

import pytest
from allauth.account.models import EmailAddress

from conftest import PERSONAS
from coops.accounts import services
from coops.accounts.models import ApiToken, User
from coops.core.models import Event

from .factories import PASSWORD

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


def _snapshot():
    """What the accounts views could change, for every user."""
    return {
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk",
                "email",
                "display_name",
                "language",
                "home_town",
                "home_postcode",
                "is_active",
                "erased_at",
                "password",
            )
        ),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "name", "revoked_at")),
        "emails": list(EmailAddress.objects.order_by("pk").values_list("pk", "email", "user_id")),
        "events": Event.objects.count(),
    }


@pytest.fixture
def tokens(personas):
    """One token for each signed-in persona."""
    return {
        who: services.api_token_create(
            user=getattr(personas, who), name=f"jeton {who}", acting_user=getattr(personas, who)
        )[0]
        for who in SIGNED_IN
    }


def _requests(tokens):
    token = tokens["member"]
    return [
        ("get", "/me/", {}),
        ("post", "/me/", {"display_name": "Changé", "language": "en", "home": "Lille"}),
        ("post", "/me/tokens/", {"token-name": "nouveau", "token-expires": "30"}),
        ("post", f"/me/tokens/{token.pk}/revoke/", {}),
        ("get", "/me/export/", {}),
        ("get", "/me/erase/", {}),
        (
            "post",
            "/me/erase/",
            {"password": "correct horse battery staple", "confirmation": "effacer"},
        ),
    ]


@pytest.mark.parametrize("index", range(7))
def test_anonymous_is_sent_to_sign_in_and_nothing_changes(personas, tokens, index):
    method, url, data = _requests(tokens)[index]
    before = _snapshot()
    response = getattr(personas.client("anonymous"), method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert _snapshot() == before


def test_anonymous_may_switch_language_without_touching_any_profile(personas):
    before = _snapshot()
    response = personas.client("anonymous").post("/me/language/", {"language": "en"})
    assert response.status_code == 302
    assert response.cookies["coops_language"].value == "en"
    assert _snapshot() == before


@pytest.mark.parametrize("who", SIGNED_IN)
def test_profile_page_is_about_the_signed_in_person_only(personas, tokens, who):
    me = getattr(personas, who)
    page = personas.client(who).get("/me/").content.decode()
    assert me.email in page
    assert tokens[who].name in page
    for other in SIGNED_IN:
        if other != who:
            assert getattr(personas, other).email not in page
            assert tokens[other].name not in page


@pytest.mark.parametrize("who", SIGNED_IN)
def test_profile_edit_changes_only_the_signed_in_person(personas, who):
    others_before = {
        u.pk: (u.display_name, u.language)
        for u in User.objects.exclude(pk=getattr(personas, who).pk)
    }
    response = personas.client(who).post(
        "/me/", {"display_name": f"Nouveau {who}", "language": "en", "home": ""}
    )
    assert response.status_code == 302
    me = User.objects.get(pk=getattr(personas, who).pk)
    assert (me.display_name, me.language) == (f"Nouveau {who}", "en")
    assert {
        u.pk: (u.display_name, u.language)
        for u in User.objects.exclude(pk=getattr(personas, who).pk)
    } == others_before


@pytest.mark.parametrize("who", SIGNED_IN)
def test_language_switch_changes_only_the_signed_in_person(personas, who):
    response = personas.client(who).post("/me/language/", {"language": "en"})
    assert response.status_code == 302
    languages = dict(User.objects.values_list("pk", "language"))
    me = getattr(personas, who).pk
    assert languages.pop(me) == "en"
    assert set(languages.values()) == {"fr"}


@pytest.mark.parametrize("who", SIGNED_IN)
def test_token_creation_is_for_the_signed_in_person(personas, tokens, who):
    personas.client(who).post("/me/tokens/", {"token-name": "nouveau", "token-expires": "30"})
    assert ApiToken.objects.get(name="nouveau").user == getattr(personas, who)


@pytest.mark.parametrize("who", SIGNED_IN)
def test_only_the_owner_revokes_a_token(personas, tokens, who):
    target = tokens["member"]
    before = _snapshot()
    response = personas.client(who).post(f"/me/tokens/{target.pk}/revoke/")
    target.refresh_from_db()
    if who == "member":
        assert response.status_code == 302
        assert target.revoked_at is not None
    else:
        assert response.status_code == 404
        assert target.revoked_at is None
        assert _snapshot() == before


@pytest.mark.parametrize("who", SIGNED_IN)
def test_export_holds_only_the_signed_in_persons_data(personas, tokens, who):
    response = personas.client(who).get("/me/export/")
    data = json.loads(response.content)
    assert data["profile"]["id"] == getattr(personas, who).pk
    assert [t["name"] for t in data["api_tokens"]] == [f"jeton {who}"]
    body = response.content.decode()
    for other in SIGNED_IN:
        if other != who:
            assert getattr(personas, other).email not in body


@pytest.mark.parametrize("who", SIGNED_IN)
def test_erasure_erases_only_the_signed_in_person(personas, who):
    me = getattr(personas, who)
    others_before = list(
        User.objects.exclude(pk=me.pk).order_by("pk").values_list("pk", "email", "is_active")
    )
    response = personas.client(who).post(
        "/me/erase/", {"password": PASSWORD, "confirmation": "effacer"}
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.is_erased
    assert (
        list(User.objects.exclude(pk=me.pk).order_by("pk").values_list("pk", "email", "is_active"))
        == others_before
    )
