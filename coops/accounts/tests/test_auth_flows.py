"""Sign-up, email confirmation, sign-in, sign-out and password reset through allauth."""

import re

import pytest
from allauth.account.models import EmailAddress

from coops.accounts.models import User

from .factories import PASSWORD, UserFactory
from .helpers import signed_in_id, squash

NEW_PASSWORD = "une autre phrase de passe solide"


def _link(message, pattern: str) -> str:
    match = re.search(r"http://testserver(/accounts/\S*" + pattern + r"\S*/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_signup_confirm_login_logout_and_reset(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    # Sign up: email and the password twice.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "Camille@Example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "camille@example.org"
    assert user.language == "fr"
    assert EmailAddress.objects.get(user=user).verified is False
    assert signed_in_id(client) is None

    # The "verification sent" page, in French, on our layout.
    page = client.get("/accounts/confirm-email/").content.decode()
    assert "<h1>Vérifiez votre adresse e-mail</h1>" in squash(page)
    assert 'class="skip-link"' in page

    # The email went out once, after commit, to the new address.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["camille@example.org"]
    confirm_url = _link(mailoutbox[0], "confirm-email")

    # GET shows a button; only the POST confirms.
    page = client.get(confirm_url).content.decode()
    # The key is signed with a timestamp, so the form's key is re-signed when a
    # second has passed since the email: compare the address it confirms, not the text.
    action = re.search(r'action="(/accounts/confirm-email/[^"]+/)"', page).group(1)
    assert action.split(":")[0] == confirm_url.split(":")[0]
    assert "Confirmer" in page
    assert EmailAddress.objects.get(user=user).verified is False
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True
    assert signed_in_id(client) == str(user.pk)

    # Sign out (POST), then back in.
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_id(client) is None
    response = client.post(
        "/accounts/login/", {"login": "camille@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_id(client) == str(user.pk)
    client.post("/accounts/logout/")

    # Password reset by email.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "camille@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 2
    reset_url = _link(mailoutbox[1], "password/reset/key")
    response = client.get(reset_url)
    assert response.status_code == 302
    set_password_url = response["Location"]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    response = client.post(
        "/accounts/login/", {"login": "camille@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert signed_in_id(client) is None
    response = client.post(
        "/accounts/login/", {"login": "camille@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_id(client) == str(user.pk)


@pytest.mark.django_db
def test_signup_errors_are_tied_to_their_field(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "dominique@example.org", "password1": PASSWORD, "password2": "autre chose"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_password2">' in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_password2_error"' in page
    assert (
        '<ul class="errorlist" id="id_password2_error">'
        "<li>Vous devez saisir deux fois le même mot de passe.</li></ul>"
    ) in page
    assert not User.objects.exists()


@pytest.mark.django_db
def test_wrong_password_shows_an_announced_error_in_french(client):
    UserFactory(email="alix@example.org")
    response = client.post("/accounts/login/", {"login": "alix@example.org", "password": "non"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="form-errors" role="alert">' in page
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in page
    assert signed_in_id(client) is None


@pytest.mark.django_db
def test_login_pages_in_english_with_the_language_cookie(client):
    client.cookies["coops_language"] = "en"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert '<label for="id_login">Email:</label>' in page
    assert '<label for="id_password">Password:</label>' in page


@pytest.mark.django_db
def test_failed_logins_for_one_address_are_limited(client, settings):
    """ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per address in 5 minutes."""
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    UserFactory(email="sacha@example.org")
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "sacha@example.org", "password": "x"})
        assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()
    # The sixth try is refused even with the right password.
    response = client.post("/accounts/login/", {"login": "sacha@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert (
        "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."
        in response.content.decode()
    )
    assert signed_in_id(client) is None


@pytest.mark.django_db
def test_login_requests_per_ip_end_in_a_styled_429(client, settings):
    assert settings.ACCOUNT_RATE_LIMITS["login"] == "30/m/ip"
    for i in range(30):
        response = client.post(
            "/accounts/login/", {"login": f"inconnu{i}@example.org", "password": "x"}
        )
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": "encore@example.org", "password": "x"})
    assert response.status_code == 429
    page = response.content.decode()
    assert '<h1 id="error-title">Trop de tentatives</h1>' in page
    assert 'class="skip-link"' in page


@pytest.mark.django_db
def test_signups_per_ip_are_limited(client, settings):
    assert settings.ACCOUNT_RATE_LIMITS["signup"] == "20/m/ip"
    for i in range(20):
        response = client.post(
            "/accounts/signup/",
            {"email": f"personne{i}@example.org", "password1": "a", "password2": "b"},
        )
        assert response.status_code == 200
    response = client.post(
        "/accounts/signup/",
        {"email": "de-trop@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 429
    assert not User.objects.exists()


@pytest.mark.django_db
def test_email_management_page_has_no_inline_script(client, user):
    client.force_login(user)
    page = client.get("/accounts/email/").content.decode()
    assert "<script>" not in page and "<script data-allauth" not in page
    assert 'style="' not in page
    assert f'value="{user.email}"' in page
    assert 'data-confirm="Retirer vraiment l’adresse e-mail sélectionnée\u00a0?"' in page


@pytest.mark.django_db
def test_single_email_change_page_has_no_inline_style(rf, user):
    """allauth's ACCOUNT_CHANGE_EMAIL page, rendered directly: its hidden form uses `hidden`."""
    from allauth.account.forms import AddEmailForm
    from django.template.loader import render_to_string

    pending = EmailAddress.objects.create(user=user, email="nouvelle@example.org")
    request = rf.get("/accounts/email/")
    request.user = user
    page = render_to_string(
        "account/email_change.html",
        {
            "form": AddEmailForm(user=user),
            "current_emailaddress": EmailAddress.objects.get(user=user, primary=True),
            "new_emailaddress": pending,
            "emailaddresses": [pending],
        },
        request=request,
    )
    assert 'style="' not in page
    assert '<form hidden\n              id="pending-email"' in page
    assert 'value="nouvelle@example.org"' in page
    assert "<h1>Adresse e-mail</h1>" in squash(page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "signed_in", "h1"),
    [
        ("/accounts/login/", False, "Connexion"),
        ("/accounts/signup/", False, "Création de compte"),
        ("/accounts/password/reset/", False, "Réinitialisation du mot de passe"),
        ("/accounts/password/reset/done/", False, "Réinitialisation du mot de passe"),
        ("/accounts/password/reset/key/1-mauvaise-cle/", False, "Mauvais jeton d'identification"),
        ("/accounts/confirm-email/mauvaise-cle/", False, "Confirmer l'adresse e-mail"),
        ("/accounts/inactive/", False, "Compte inactif"),
        ("/accounts/logout/", True, "Se déconnecter"),
        ("/accounts/email/", True, "Adresses e-mail"),
        ("/accounts/password/change/", True, "Modifier le mot de passe"),
        ("/accounts/reauthenticate/", True, "Confirmer l'accès"),
    ],
)
def test_allauth_pages_use_the_site_layout(client, user, url, signed_in, h1):
    if signed_in:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    page = squash(response.content.decode())
    assert f"<h1>{h1}</h1>" in page
    assert '<html lang="fr">' in page
    assert '<a class="skip-link" href="#main">' in page
    assert '<link rel="stylesheet" href="/static/coops/coops.css">' in page
    assert "<script>" not in page and 'style="' not in page


@pytest.mark.django_db
def test_signup_email_leaves_only_after_commit_through_the_adapter(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            "/accounts/signup/",
            {"email": "lou@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert mailoutbox == []
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    [message] = mailoutbox
    assert message.to == ["lou@example.org"]
    assert "/accounts/confirm-email/" in message.body
