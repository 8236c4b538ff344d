from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coops.accounts import services
from coops.accounts.models import ApiToken
from coops.core.models import Event

from .factories import UserFactory


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def test_create_returns_the_secret_once_and_stores_only_its_hash(member):
    token, secret = services.api_token_create(user=member, name="  Tableur  ", acting_user=member)
    assert secret.startswith("coops_") and len(secret) > 40
    token.refresh_from_db()
    assert token.name == "Tableur"
    assert token.key_hash == ApiToken.hash_key(secret)
    assert token.key_prefix == secret[:14]
    assert secret not in {token.key_hash, token.key_prefix}
    assert ApiToken.objects.usable().get() == token
    event = Event.objects.get(verb="api_token.created")
    assert event.data == {"name": "Tableur", "prefix": secret[:14], "expires_at": None}
    assert secret not in str(event.data)


def test_create_through_the_page_shows_the_secret_on_the_next_render_only(signed_in, member):
    response = signed_in.post("/me/tokens/", {"token-name": "Export", "token-expires": "30"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    token = ApiToken.objects.get(user=member)
    assert token.name == "Export"
    expected_expiry = timezone.now() + timedelta(days=30)
    assert abs(token.expires_at - expected_expiry) < timedelta(minutes=1)

    first = signed_in.get("/me/")
    page = first.content.decode()
    assert first["Cache-Control"] == "no-store"
    secret_input = page.split('id="new-token-secret"')[1].split(">")[0]
    secret = secret_input.split('value="')[1].split('"')[0]
    assert ApiToken.hash_key(secret) == token.key_hash
    assert secret_input.count("readonly") == 1

    second = signed_in.get("/me/").content.decode()
    assert secret not in second
    assert 'id="new-token-secret"' not in second
    assert f"<code>{token.key_prefix}…</code>" in second


def test_never_expiring_token(signed_in, member):
    signed_in.post("/me/tokens/", {"token-name": "Script", "token-expires": "never"})
    assert ApiToken.objects.get(user=member).expires_at is None


def test_a_blank_name_is_refused(signed_in, member):
    response = signed_in.post("/me/tokens/", {"token-name": "   ", "token-expires": "90"})
    assert response.status_code == 200
    assert 'id="id_token-name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_twenty_active_tokens_at_most(signed_in, member):
    for i in range(20):
        services.api_token_create(user=member, name=f"t{i}", acting_user=member)
    response = signed_in.post("/me/tokens/", {"token-name": "de trop", "token-expires": "90"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="form-errors" role="alert">' in page
    assert (
        "Vous avez déjà 20 jetons actifs. Révoquez-en un qui ne vous sert plus avant d’en "
        "créer un autre."
    ) in page
    assert ApiToken.objects.filter(user=member).count() == 20

    # Revoked and expired tokens no longer count.
    services.api_token_revoke(token=ApiToken.objects.first(), acting_user=member)
    services.api_token_create(user=member, name="remplaçant", acting_user=member)
    ApiToken.objects.filter(name="t3").update(expires_at=timezone.now() - timedelta(days=1))
    services.api_token_create(user=member, name="encore", acting_user=member)
    assert ApiToken.objects.usable().filter(user=member).count() == 20


def test_the_service_enforces_the_limit_too(member):
    for i in range(20):
        services.api_token_create(user=member, name=f"t{i}", acting_user=member)
    with pytest.raises(ValidationError) as error:
        services.api_token_create(user=member, name="t20", acting_user=member)
    assert error.value.code == "too_many_tokens"


def test_an_expiry_in_the_past_is_refused(member):
    with pytest.raises(ValidationError):
        services.api_token_create(
            user=member,
            name="vieux",
            expires_at=timezone.now() - timedelta(seconds=1),
            acting_user=member,
        )
    assert not ApiToken.objects.exists()


def test_revoke_own_token(signed_in, member):
    token, _secret = services.api_token_create(user=member, name="Tableur", acting_user=member)
    response = signed_in.post(f"/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.usable().exists()
    event = Event.objects.get(verb="api_token.revoked")
    assert (event.actor, event.target) == (member, token)
    page = signed_in.get("/me/").content.decode()
    assert f'action="/me/tokens/{token.pk}/revoke/"' not in page


def test_revoking_twice_changes_nothing(signed_in, member):
    token, _secret = services.api_token_create(user=member, name="Tableur", acting_user=member)
    signed_in.post(f"/me/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    first = token.revoked_at
    response = signed_in.post(f"/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == first
    assert Event.objects.filter(verb="api_token.revoked").count() == 1


def test_someone_elses_token_is_not_found_and_stays_active(signed_in, member):
    other = UserFactory()
    token, _secret = services.api_token_create(user=other, name="À moi", acting_user=other)
    response = signed_in.post(f"/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not Event.objects.filter(verb="api_token.revoked").exists()
    assert "À moi" not in signed_in.get("/me/").content.decode()


def test_the_services_refuse_to_act_on_someone_else(member):
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        services.api_token_create(user=other, name="x", acting_user=member)
    token, _secret = services.api_token_create(user=other, name="À moi", acting_user=other)
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token=token, acting_user=member)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.count() == 1


def test_revoke_needs_post(signed_in, member):
    token, _secret = services.api_token_create(user=member, name="Tableur", acting_user=member)
    assert signed_in.get(f"/me/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_shows_status(signed_in, member):
    active, _ = services.api_token_create(user=member, name="Actif", acting_user=member)
    revoked, _ = services.api_token_create(user=member, name="Révoqué", acting_user=member)
    services.api_token_revoke(token=revoked, acting_user=member)
    expired, _ = services.api_token_create(user=member, name="Expiré", acting_user=member)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page = signed_in.get("/me/").content.decode()
    rows = {
        token.pk: page.split(f'data-testid="token-{token.pk}"')[1].split("</tr>")[0]
        for token in (active, revoked, expired)
    }
    assert f'action="/me/tokens/{active.pk}/revoke/"' in rows[active.pk]
    assert 'class="tag success"' in rows[active.pk]
    assert "revoke/" not in rows[revoked.pk]
    assert f'action="/me/tokens/{expired.pk}/revoke/"' in rows[expired.pk]
    assert 'class="tag success"' not in rows[expired.pk]
