import pytest
from django.core.exceptions import PermissionDenied

from coops.accounts import services
from coops.accounts.models import User
from coops.core.models import Event

from .factories import UserFactory
from .helpers import squash


@pytest.fixture
def member(db):
    return UserFactory(display_name="Camille Martin", language="fr")


@pytest.fixture
def client_of(client, member):
    client.force_login(member)
    return client


def _post(client, **data):
    payload = {"display_name": "Camille Martin", "language": "fr", "home": ""}
    payload.update(data)
    return client.post("/me/", payload)


def test_profile_shows_the_current_values(client_of, member):
    member.home_town, member.home_postcode = "Roubaix", "59100"
    member.home_lat, member.home_lon = 50.6942, 3.1746
    member.save()
    page = client_of.get("/me/").content.decode()
    assert 'name="display_name" value="Camille Martin"' in page
    assert '<option value="fr" selected>Français</option>' in page
    assert '<option value="en">English</option>' in page
    assert 'name="home" value="Roubaix"' in page
    assert (
        '<p class="meta" data-testid="home-state">Commune localisée\u00a0: Roubaix (59100).</p>'
        in squash(page)
    )
    assert member.email in page
    assert 'href="/accounts/email/"' in page
    assert 'href="/accounts/password/change/"' in page
    assert 'href="/me/export/"' in page
    assert 'href="/me/erase/"' in page


def test_saving_a_known_town_geocodes_it(client_of, member):
    response = _post(client_of, display_name="  Camille M. ", home="villeneuve d ascq")
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    member.refresh_from_db()
    assert member.display_name == "Camille M."
    assert (member.home_town, member.home_postcode) == ("Villeneuve-d'Ascq", "59650")
    assert (member.home_lat, member.home_lon) == (50.6233, 3.145)
    event = Event.objects.get(verb="user.profile_updated")
    assert event.actor == member
    assert event.target == member
    assert event.data == {
        "fields": ["display_name", "home_town", "home_postcode", "home_lat", "home_lon"]
    }


def test_saving_a_postcode_geocodes_it(client_of, member):
    _post(client_of, home="62100")
    member.refresh_from_db()
    assert (member.home_town, member.home_postcode) == ("Calais", "62100")
    assert (member.home_lat, member.home_lon) == (50.9513, 1.8587)


def test_an_unknown_town_is_kept_to_geolocate_and_the_user_is_told(client_of, member):
    response = _post(client_of, home="Hameau des Tilleuls")
    member.refresh_from_db()
    assert (member.home_town, member.home_postcode) == ("Hameau des Tilleuls", "")
    assert member.home_lat is None and member.home_lon is None
    page = client_of.get(response["Location"]).content.decode()
    assert "Hameau des Tilleuls" in page
    assert '<span class="tag warning">' in page


def test_an_unknown_postcode_is_kept_as_a_postcode(client_of, member):
    _post(client_of, home="59999")
    member.refresh_from_db()
    assert (member.home_town, member.home_postcode, member.home_lat) == ("", "59999", None)
    assert 'name="home" value="59999"' in client_of.get("/me/").content.decode()


def test_an_unchanged_home_is_not_geocoded_again(client_of, member, monkeypatch):
    _post(client_of, home="59800")
    member.refresh_from_db()
    assert (member.home_town, member.home_postcode) == ("Lille", "59800")

    def no_geocoding(query):
        raise AssertionError("geocode() should not be called")

    monkeypatch.setattr(services, "geocode", no_geocoding)
    _post(client_of, display_name="Camille", home="Lille")
    member.refresh_from_db()
    assert (member.display_name, member.home_town, member.home_postcode) == (
        "Camille",
        "Lille",
        "59800",
    )


def test_emptying_the_home_town_removes_it(client_of, member):
    _post(client_of, home="Arras")
    _post(client_of, home="")
    member.refresh_from_db()
    assert (member.home_town, member.home_postcode, member.home_lat, member.home_lon) == (
        "",
        "",
        None,
        None,
    )


def test_a_too_long_name_is_refused_in_french(client_of, member):
    response = _post(client_of, display_name="x" * 81, home="Lille")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_display_name_error"><li>Assurez-vous que cette valeur '
        "comporte au plus 80 caractères (actuellement 81).</li></ul>"
    ) in page
    assert 'aria-invalid="true"' in page
    member.refresh_from_db()
    assert (member.display_name, member.home_town) == ("Camille Martin", "")
    assert not Event.objects.exists()


def test_an_unknown_language_is_refused(client_of, member):
    response = _post(client_of, language="de")
    assert response.status_code == 200
    assert 'id="id_language_error"' in response.content.decode()
    member.refresh_from_db()
    assert member.language == "fr"


def test_changing_the_language_in_the_profile_switches_the_site_and_the_cookie(client_of, member):
    response = _post(client_of, language="en")
    member.refresh_from_db()
    assert member.language == "en"
    assert response.cookies["coops_language"].value == "en"
    page = client_of.get("/me/").content.decode()
    assert '<html lang="en">' in page
    assert "Your profile has been saved." in page


def test_saving_without_change_writes_no_event(client_of, member):
    _post(client_of)
    assert not Event.objects.exists()


def test_the_service_refuses_to_edit_someone_else(member):
    other = UserFactory(display_name="Dominique")
    with pytest.raises(PermissionDenied):
        services.user_profile_update(
            user=other, acting_user=member, display_name="Piraté", language="fr"
        )
    other.refresh_from_db()
    assert other.display_name == "Dominique"
    assert User.objects.get(pk=other.pk).display_name == "Dominique"
