import pytest

from coops.core.models import Event

from .factories import UserFactory


@pytest.fixture
def member(db):
    return UserFactory(language="fr")


def test_anonymous_switch_sets_the_cookie_and_follows_next(client, db):
    response = client.post("/me/language/", {"language": "en", "next": "/g/"})
    assert response.status_code == 302
    assert response["Location"] == "/g/"
    cookie = response.cookies["coops_language"]
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert not Event.objects.exists()


def test_signed_in_switch_saves_the_profile_too(client, member):
    client.force_login(member)
    response = client.post("/me/language/", {"language": "en", "next": "/me/"})
    assert response["Location"] == "/me/"
    assert response.cookies["coops_language"].value == "en"
    member.refresh_from_db()
    assert member.language == "en"
    event = Event.objects.get()
    assert (event.verb, event.actor, event.data) == (
        "user.language_set",
        member,
        {"before": "fr", "after": "en"},
    )
    assert '<html lang="en">' in client.get("/me/").content.decode()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/phish", "//evil.example/", "http://evil.example", "javascript:alert(1)"],
)
def test_an_external_next_is_ignored(client, member, next_url):
    client.force_login(member)
    response = client.post("/me/language/", {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    member.refresh_from_db()
    assert member.language == "en"


def test_without_next_the_same_site_referer_is_used(client, db):
    response = client.post(
        "/me/language/", {"language": "en"}, HTTP_REFERER="http://testserver/g/amap/"
    )
    assert response["Location"] == "http://testserver/g/amap/"
    response = client.post(
        "/me/language/", {"language": "fr"}, HTTP_REFERER="https://evil.example/"
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("language", ["de", "", "fr-ca"])
def test_an_unavailable_language_is_a_styled_400_and_changes_nothing(client, member, language):
    client.force_login(member)
    response = client.post("/me/language/", {"language": language, "next": "/"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-page"' in page
    assert "coops_language" not in response.cookies
    member.refresh_from_db()
    assert member.language == "fr"
    assert not Event.objects.exists()


def test_get_is_not_allowed(client, member):
    client.force_login(member)
    response = client.get("/me/language/?language=en")
    assert response.status_code == 405
    member.refresh_from_db()
    assert member.language == "fr"


def test_the_header_switcher_posts_to_the_view(client, db):
    page = client.get("/").content.decode()
    assert 'action="/me/language/"' in page
    assert '<button type="submit" name="language" value="en"' in page
