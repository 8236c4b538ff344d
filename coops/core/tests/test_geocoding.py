import csv
import io
import json
import urllib.error
import urllib.parse

import pytest

from coops.core import geocoding
from coops.core.geocoding import GeocodeResult, geocode, geocode_offline, normalise

LILLE = GeocodeResult(
    label="Lille (59000)",
    postcode="59000",
    city="Lille",
    lat=50.6292,
    lon=3.0573,
    source="offline",
)


def test_normalise_folds_accents_case_punctuation_and_ligatures():
    assert normalise("Villeneuve-d'Ascq") == "villeneuve d ascq"
    assert normalise("  MARCQ-EN-BARŒUL ") == "marcq en baroeul"
    assert normalise("St-Omer") == "saint omer"
    assert normalise("Château–Thierry") == "chateau thierry"


@pytest.mark.parametrize(
    ("query", "city", "postcode"),
    [
        ("villeneuve d ascq", "Villeneuve-d'Ascq", "59650"),
        ("VILLENEUVE-D'ASCQ", "Villeneuve-d'Ascq", "59650"),
        ("marcq en baroeul", "Marcq-en-Barœul", "59700"),
        ("Béthune", "Béthune", "62400"),
        ("bethune", "Béthune", "62400"),
        ("saint quentin", "Saint-Quentin", "02100"),
        ("St Omer", "Saint-Omer", "62500"),
        ("le touquet paris plage", "Le Touquet-Paris-Plage", "62520"),
        ("evry courcouronnes", "Évry-Courcouronnes", "91000"),
        ("ajaccio", "Ajaccio", "20000"),
    ],
)
def test_offline_finds_towns_by_name(query, city, postcode):
    result = geocode_offline(query)
    assert (result.city, result.postcode, result.source) == (city, postcode, "offline")


def test_offline_result_is_the_town_centre():
    assert geocode_offline("lille") == LILLE
    roubaix = geocode_offline("Roubaix")
    assert (roubaix.lat, roubaix.lon) == (50.6942, 3.1746)
    assert roubaix.label == "Roubaix (59100)"


def test_offline_finds_towns_by_exact_postcode():
    assert geocode_offline("59000") == LILLE
    lille_fives = geocode_offline("59800")
    assert (lille_fives.city, lille_fives.postcode) == ("Lille", "59800")
    assert geocode_offline("62100").city == "Calais"
    assert geocode_offline("75011").city == "Paris"


def test_offline_accepts_name_and_postcode_together():
    assert geocode_offline("59800 Lille").postcode == "59800"
    assert geocode_offline("Lille 59000") == LILLE
    # A postcode that is not the town's is not a match.
    assert geocode_offline("Roubaix 59000") is None


@pytest.mark.parametrize("query", ["", "   ", "Atlantide", "5900", "59999", "Lil", "59000 59100"])
def test_offline_unknown_places_give_none(query):
    assert geocode(query) is None


def test_every_metropolitan_department_has_its_prefecture_and_coordinates_are_in_france():
    with geocoding.COMMUNES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    departments = {row["department"] for row in rows}
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    assert expected <= departments
    for row in rows:
        assert len(row["insee"]) == 5 and len(row["postcode"]) == 5
        assert 41.3 < float(row["lat"]) < 51.1, row
        assert -5.2 < float(row["lon"]) < 9.6, row


def test_the_file_is_read_once_per_process():
    geocoding._index.cache_clear()
    geocode_offline("Arras")
    geocode_offline("Amiens")
    info = geocoding._index.cache_info()
    assert (info.misses, info.hits) == (1, 1)


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _ban_answer(**properties) -> bytes:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [3.163, 50.6929]},
        "properties": {
            "label": "Roubaix",
            "score": 0.97,
            "postcode": "59100",
            "city": "Roubaix",
            "citycode": "59512",
            "type": "municipality",
            **properties,
        },
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


@pytest.fixture
def ban(settings, monkeypatch):
    """Route geocoding to BAN and record the URLs urllib is asked to open."""
    settings.GEOCODER = "ban"
    calls = []

    def answer_with(payload=None, error=None):
        def fake_urlopen(request, timeout):
            calls.append((request.full_url, timeout))
            if error is not None:
                raise error
            return FakeResponse(payload)

        monkeypatch.setattr(geocoding.urllib.request, "urlopen", fake_urlopen)

    answer_with.calls = calls
    return answer_with


def test_ban_backend_asks_the_national_api(ban):
    ban(payload=_ban_answer())
    result = geocode("  roubaix ")
    assert result == GeocodeResult(
        label="Roubaix", postcode="59100", city="Roubaix", lat=50.6929, lon=3.163, source="ban"
    )
    [(url, timeout)] = ban.calls
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "api-adresse.data.gouv.fr",
        "/search/",
    )
    assert urllib.parse.parse_qs(parts.query) == {"q": ["roubaix"], "limit": ["1"]}
    assert timeout == 3.0


def test_ban_no_match_is_none(ban):
    ban(payload=json.dumps({"type": "FeatureCollection", "features": []}).encode())
    assert geocode("zzzz") is None


def test_ban_low_score_is_not_a_match(ban):
    ban(payload=_ban_answer(score=0.2))
    assert geocode("rbx") is None


@pytest.mark.parametrize(
    "failure",
    [
        {"error": urllib.error.URLError("network unreachable")},
        {"error": TimeoutError("timed out")},
        {
            "error": urllib.error.HTTPError(
                geocoding.BAN_SEARCH_URL, 503, "Service Unavailable", {}, None
            )
        },
        {"payload": b"<html>maintenance</html>"},
        {"payload": json.dumps({"features": [{"properties": {}}]}).encode()},
    ],
    ids=["network", "timeout", "http-503", "not-json", "bad-shape"],
)
def test_ban_failures_fall_back_to_the_offline_list(ban, failure, caplog):
    ban(**failure)
    assert geocode("Lille") == LILLE
    assert len(ban.calls) == 1
    assert "BAN geocoder unavailable" in caplog.text


def test_unknown_backend_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.GEOCODER = "google"
    with pytest.raises(ImproperlyConfigured):
        geocode("Lille")
