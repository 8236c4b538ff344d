import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from coops.core.views import permission_denied


@pytest.mark.django_db
def test_unknown_url_gives_the_styled_404_in_french(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Page introuvable" in body
    assert 'href="/"' in body


@pytest.mark.django_db
def test_unknown_url_in_english_with_the_language_cookie(client):
    client.cookies["coops_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_403_shows_the_rule_message(rf: RequestFactory, user):
    request = rf.get("/")
    request.user = user
    response = permission_denied(request, PermissionDenied("Only organisers can do this."))
    assert response.status_code == 403
    assert "Only organisers can do this." in response.content.decode()


@pytest.mark.django_db
def test_home_page_lists_public_networks_only(client):
    from coops.groups.models import GroupKind, Visibility
    from coops.groups.tests.factories import GroupFactory

    GroupFactory(name="Réseau Hauts-de-France", kind=GroupKind.NETWORK)
    GroupFactory(name="Réseau secret", kind=GroupKind.NETWORK, visibility=Visibility.MEMBERS)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Réseau Hauts-de-France" in body
    assert "Réseau secret" not in body


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
