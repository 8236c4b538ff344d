import json
from datetime import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from coops.accounts import personal_data, services
from coops.accounts.personal_data import personal_data_sources

from .factories import UserFactory


@pytest.fixture
def member(db):
    return UserFactory(
        email="camille@example.org",
        display_name="Camille Martin",
        language="fr",
        home_town="Roubaix",
        home_postcode="59100",
        home_lat=50.6942,
        home_lon=3.1746,
    )


@pytest.fixture
def only_source(monkeypatch):
    """Replace the registry with one known source for the duration of a test."""
    registry: dict = {}
    monkeypatch.setattr(personal_data, "_SOURCES", registry)
    personal_data.register_personal_data(
        "memberships",
        export=lambda user: [{"group": "amap-des-weppes", "role": "member", "user": user.pk}],
    )
    return registry


def _download(client):
    response = client.get("/me/export/")
    assert response.status_code == 200
    return response, json.loads(response.content.decode("utf-8"))


def test_export_is_a_dated_json_attachment(client, member, only_source):
    client.force_login(member)
    response, _data = _download(client)
    today = timezone.localdate().isoformat()
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="coops-personal-data-{today}.json"'
    )
    assert "no-cache" in response["Cache-Control"]


def test_export_content(client, member, only_source):
    EmailAddress.objects.create(user=member, email="camille.pro@example.org", verified=False)
    token, secret = services.api_token_create(user=member, name="Tableur", acting_user=member)
    services.user_language_set(user=member, language="en", acting_user=member)
    other = UserFactory()
    services.api_token_create(user=other, name="Pas à moi", acting_user=other)
    client.force_login(member)

    response, data = _download(client)

    assert set(data) == {
        "format",
        "exported_at",
        "profile",
        "email_addresses",
        "api_tokens",
        "audit_events",
        "sources",
    }
    assert data["format"] == "coops-personal-data/1"
    datetime.fromisoformat(data["exported_at"])
    profile = data["profile"]
    assert set(profile) == {
        "id",
        "email",
        "display_name",
        "language",
        "home_town",
        "home_postcode",
        "home_lat",
        "home_lon",
        "date_joined",
        "last_login",
        "is_active",
    }
    assert profile["id"] == member.pk
    assert profile["email"] == "camille@example.org"
    assert profile["display_name"] == "Camille Martin"
    assert profile["language"] == "en"
    assert (profile["home_town"], profile["home_postcode"]) == ("Roubaix", "59100")
    assert (profile["home_lat"], profile["home_lon"]) == (50.6942, 3.1746)
    assert profile["is_active"] is True
    assert data["email_addresses"] == [
        {"email": "camille@example.org", "verified": True, "primary": True},
        {"email": "camille.pro@example.org", "verified": False, "primary": False},
    ]
    [exported_token] = data["api_tokens"]
    assert set(exported_token) == {
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    }
    assert (exported_token["name"], exported_token["prefix"]) == ("Tableur", token.key_prefix)
    assert [e["verb"] for e in data["audit_events"]] == ["api_token.created", "user.language_set"]
    assert data["audit_events"][1] == {
        "when": data["audit_events"][1]["when"],
        "verb": "user.language_set",
        "target_type": "accounts.user",
        "target_id": str(member.pk),
        "data": {"before": "fr", "after": "en"},
    }
    assert data["sources"] == {
        "memberships": [{"group": "amap-des-weppes", "role": "member", "user": member.pk}]
    }

    body = response.content.decode()
    assert member.password not in body
    assert "password" not in body
    assert token.key_hash not in body
    assert secret not in body
    assert "Pas à moi" not in body


def test_export_includes_every_registered_source(client, member):
    client.force_login(member)
    _response, data = _download(client)
    assert set(data["sources"]) == {source.name for source in personal_data_sources()}
