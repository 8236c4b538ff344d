"""The directory's read API: /api/v1/directory/…"""

from decimal import Decimal

import pytest
import requests
import schemathesis
from django.db import connection
from django.test import Client, override_settings

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.api.tests.conftest import make_token
from coops.core.geo import Point, haversine_km
from coops.directory import api as directory_api
from coops.directory.models import Actor, ActorKind, ActorStatus, GeocodeStatus, LegalForm
from coops.directory.selectors import SearchParams, actor_search
from coops.directory.tests.factories import (
    ActorFactory,
    LabelFactory,
    SectorFactory,
    SkillFactory,
    TagFactory,
)
from coops.groups.models import GroupKind, Visibility
from coops.groups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/directory"
SITE = "http://127.0.0.1:8000"


def english_client() -> Client:
    return Client(headers={"Accept-Language": "en"})


def names(response) -> list[str]:
    return names_of(response.json())


def names_of(data: dict) -> list[str]:
    return [actor["name"] for actor in data["results"]]


@pytest.fixture
def catalogue():
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    repair = SectorFactory(slug="reparation", name="Réparation", name_en="Repair")
    ActorFactory(
        name="Coopérative Boulangère",
        slug="cooperative-boulangere",
        kind=ActorKind.CRAFT,
        sectors=[bread],
    )
    ActorFactory(
        name="Épicerie Vrac",
        slug="epicerie-vrac",
        kind=ActorKind.SHOP,
        legal_form="",
        sectors=[food],
    )
    ActorFactory(
        name="Vélo Cité",
        slug="velo-cite",
        kind=ActorKind.SERVICE,
        legal_form=LegalForm.ASSOCIATION,
        sectors=[repair],
        city="Arras",
        postcode="62000",
        department="62",
        latitude=Decimal("50.291000"),
        longitude=Decimal("2.777500"),
    )
    ActorFactory(name="Boulange en attente", slug="en-attente", sectors=[bread], pending=True)
    ActorFactory(name="Boulange archivée", slug="archivee", status=ActorStatus.ARCHIVED)
    ActorFactory(name="Boulange refusée", slug="refusee", status=ActorStatus.REJECTED)


@pytest.fixture
def full_actor():
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    group = GroupFactory(slug="fournil-collectif", visibility=Visibility.PUBLIC)
    return ActorFactory(
        name="Coopérative Boulangère",
        slug="cooperative-boulangere",
        description="Pain au levain.",
        kind=ActorKind.CRAFT,
        legal_form=LegalForm.SCOP,
        siret="73282932000074",
        sectors=[bread],
        skills=[SkillFactory(slug="fournil", name="Fournil", name_en="Bakehouse")],
        labels=[LabelFactory(slug="bio", name="Agriculture biologique", name_en="Organic")],
        tags=[TagFactory(slug="vrac", name="vrac")],
        street="12 rue de Béthune",
        email="contact@boulangere.example.org",
        telephone="03 20 00 00 00",
        website="https://boulangere.example.org",
        opening_hours="Tu-Sa 07:00-19:00",
        group=group,
    )


# --- Who may read ----------------------------------------------------------------------------

READS = [
    (f"{BASE}/actors", {"sector": "alimentation"}),
    (f"{BASE}/actors/velo-cite", {}),
    (f"{BASE}/actors.geojson", {"kind": "service"}),
    (f"{BASE}/taxonomy", {}),
]


@pytest.mark.parametrize(("url", "query"), READS)
def test_everyone_reads_the_same_public_data(personas, catalogue, url, query):
    token_user = UserFactory()
    token_client = Client(headers={"Authorization": f"Bearer {make_token(token_user)}"})
    clients = [personas.client(who) for who in PERSONAS] + [token_client]

    answers = [client.get(url, query) for client in clients]

    assert [a.status_code for a in answers] == [200] * len(clients)
    assert all(a.content == answers[0].content for a in answers)


@pytest.mark.parametrize(("url", "query"), READS)
def test_writes_are_refused_and_change_nothing(personas, catalogue, url, query):
    before = list(Actor.objects.order_by("pk").values_list("pk", "name", "status"))
    for who in PERSONAS:
        response = personas.client(who).post(url, {"name": "Intrus"})
        assert response.status_code == 405
    assert list(Actor.objects.order_by("pk").values_list("pk", "name", "status")) == before


def test_a_bad_token_is_401_not_anonymous(catalogue):
    response = Client(headers={"Authorization": "Bearer coops_nope"}).get(f"{BASE}/actors")
    assert response.status_code == 401


@pytest.mark.parametrize("slug", ["en-attente", "archivee", "refusee", "inconnu", "a b", "x" * 300])
def test_unpublished_or_unknown_actors_are_404_even_for_their_owner(catalogue, slug):
    owner = UserFactory(is_staff=True)
    for actor in Actor.objects.filter(slug=slug):
        actor.owners.add(owner)
    client = Client()
    client.force_login(owner)

    response = client.get(f"{BASE}/actors/{slug}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable, ou visible des membres seulement."}


def test_unpublished_actors_never_appear_in_searches(catalogue):
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))

    listing = staff.get(f"{BASE}/actors", {"q": "boulange", "per_page": 100}).json()
    geojson = staff.get(f"{BASE}/actors.geojson", {"q": "boulange"}).json()

    assert [a["name"] for a in listing["results"]] == ["Coopérative Boulangère"]
    assert listing["total"] == 1
    assert [f["properties"]["name"] for f in geojson["features"]] == ["Coopérative Boulangère"]
    sector_counts = {o["value"]: o["count"] for o in listing["facets"][0]["options"]}
    assert sector_counts == {"alimentation": 1, "boulangerie": 1}


# --- The search ------------------------------------------------------------------------------


def test_a_search_gives_a_page_of_compact_actors_with_facets(catalogue):
    response = english_client().get(
        f"{BASE}/actors", {"sector": ["alimentation", "inconnue"], "lat": 50.6292, "lon": 3.0573}
    )

    assert response.status_code == 200
    data = response.json()
    assert {k: v for k, v in data.items() if k not in ("results", "facets")} == {
        "total": 2,
        "page": 1,
        "pages": 1,
        "per_page": 20,
        "sort": "distance",
        "radius_km": 10.0,
        "ignored": ["Unknown sector “inconnue” ignored."],
    }
    assert data["results"] == [
        {
            "slug": "cooperative-boulangere",
            "name": "Coopérative Boulangère",
            "kind": "craft",
            "legal_form": "scop",
            "city": "Lille",
            "postcode": "59000",
            "latitude": 50.6292,
            "longitude": 3.0573,
            "sectors": ["boulangerie"],
            "url": f"{SITE}/annuaire/cooperative-boulangere/",
            "distance_km": 0.0,
        },
        {
            "slug": "epicerie-vrac",
            "name": "Épicerie Vrac",
            "kind": "shop",
            "legal_form": None,
            "city": "Lille",
            "postcode": "59000",
            "latitude": 50.6292,
            "longitude": 3.0573,
            "sectors": ["alimentation"],
            "url": f"{SITE}/annuaire/epicerie-vrac/",
            "distance_km": 0.0,
        },
    ]
    facets = {facet["param"]: facet for facet in data["facets"]}
    assert list(facets) == ["sector", "kind", "legal_form", "skill", "label", "department", "city"]
    assert facets["sector"]["label"] == "Sector"
    assert facets["sector"]["options"] == [
        {"value": "alimentation", "label": "Food", "count": 2, "selected": True, "depth": 0},
        {"value": "boulangerie", "label": "Bakery", "count": 1, "selected": False, "depth": 1},
    ]
    assert facets["kind"]["options"] == [
        {"value": "craft", "label": "Craft business", "count": 1, "selected": False, "depth": 0},
        {"value": "shop", "label": "Shop or market", "count": 1, "selected": False, "depth": 0},
    ]


def test_the_facets_are_the_list_pages(catalogue):
    data = Client().get(f"{BASE}/actors", {"kind": ["shop", "service"]}).json()
    page = actor_search(SearchParams(kinds=("shop", "service")))

    assert data["total"] == page.total == 2
    assert data["facets"] == [
        {
            "param": facet.param,
            "label": str(facet.label),
            "options": [
                {
                    "value": o.value,
                    "label": o.label,
                    "count": o.count,
                    "selected": o.selected,
                    "depth": o.depth,
                }
                for o in facet.options
            ],
        }
        for facet in page.facets
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Coopérative Boulangère", "Épicerie Vrac", "Vélo Cité"]),
        ({"q": "velo"}, ["Vélo Cité"]),
        ({"sector": "boulangerie"}, ["Coopérative Boulangère"]),
        ({"kind": ["shop", "service"]}, ["Épicerie Vrac", "Vélo Cité"]),
        ({"legal_form": "association"}, ["Vélo Cité"]),
        ({"department": "62"}, ["Vélo Cité"]),
        ({"city": "Arras"}, ["Vélo Cité"]),
        ({"lat": "50.29", "lon": "2.78", "radius": "3"}, ["Vélo Cité"]),
        ({"sort": "newest"}, ["Vélo Cité", "Épicerie Vrac", "Coopérative Boulangère"]),
        # Without words there is no relevance: the newest come first, as on the list page.
        ({"sort": "relevance"}, ["Vélo Cité", "Épicerie Vrac", "Coopérative Boulangère"]),
        ({"skill": "inconnue", "label": "inconnu"}, [
            "Coopérative Boulangère", "Épicerie Vrac", "Vélo Cité"]),
    ],
)  # fmt: skip
def test_each_filter_narrows_the_search(catalogue, query, expected):
    assert names(Client().get(f"{BASE}/actors", {"sort": "name", **query})) == expected


def test_the_default_order_is_the_list_pages(catalogue):
    """Relevance with words, else distance with a point, else the newest first."""
    newest = Client().get(f"{BASE}/actors").json()
    nearest = Client().get(f"{BASE}/actors", {"lat": 50.29, "lon": 2.78, "radius": 100}).json()
    relevant = Client().get(f"{BASE}/actors", {"q": "velo", "lat": 50.6, "lon": 3.0}).json()

    assert (newest["sort"], names_of(newest)) == (
        "newest",
        ["Vélo Cité", "Épicerie Vrac", "Coopérative Boulangère"],
    )
    assert (nearest["sort"], names_of(nearest)[0]) == ("distance", "Vélo Cité")
    assert relevant["sort"] == "relevance"


def test_distance_is_given_with_a_point(catalogue):
    results = Client().get(f"{BASE}/actors", {"lat": 50.29, "lon": 2.78, "radius": 100}).json()

    here = Point(50.29, 2.78)
    to_arras = round(haversine_km(here, Point(50.291, 2.7775)), 2)
    to_lille = round(haversine_km(here, Point(50.6292, 3.0573)), 2)
    assert [(a["slug"], a["distance_km"]) for a in results["results"]] == [
        ("velo-cite", to_arras),
        ("cooperative-boulangere", to_lille),
        ("epicerie-vrac", to_lille),
    ]
    assert (to_arras, to_lille) == (0.21, 42.52)
    assert [a["distance_km"] for a in Client().get(f"{BASE}/actors").json()["results"]] == [
        None,
        None,
        None,
    ]


def test_pages_and_a_page_past_the_end(db):
    for n in range(23):
        ActorFactory(name=f"Coop {n:02}")

    first = Client().get(f"{BASE}/actors", {"sort": "name"}).json()
    second = Client().get(f"{BASE}/actors", {"sort": "name", "page": 2}).json()
    past = Client().get(f"{BASE}/actors", {"sort": "name", "page": 3}).json()
    wide = Client().get(f"{BASE}/actors", {"per_page": 50}).json()

    assert (first["total"], first["pages"], len(first["results"])) == (23, 2, 20)
    assert [a["name"] for a in second["results"]] == ["Coop 20", "Coop 21", "Coop 22"]
    assert (past["page"], past["results"]) == (3, [])
    assert (wide["pages"], len(wide["results"])) == (1, 23)


def test_a_search_runs_the_same_queries_whatever_the_page_size(db, django_assert_num_queries):
    food = SectorFactory(slug="alimentation")
    for _ in range(60):
        ActorFactory(sectors=[SectorFactory(parent=food)])
    client = Client()
    query = {"sector": "alimentation", "q": "cooperative"}

    # PostgreSQL looks the last word up in the text index's vocabulary (ADR 0031).
    expected = 8 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(expected):
        small = client.get(f"{BASE}/actors", {**query, "per_page": 20})
    with django_assert_num_queries(expected):
        large = client.get(f"{BASE}/actors", {**query, "per_page": 50})
    assert (len(small.json()["results"]), len(large.json()["results"])) == (20, 50)


BAD_INPUT = [
    ({"radius": "abc", "lat": "50", "lon": "3"}, ["query", "radius"], "valid integer"),
    ({"radius": "0", "lat": "50", "lon": "3"}, ["query", "radius"], "greater than or equal to 1"),
    ({"radius": "201", "lat": "50", "lon": "3"}, ["query", "radius"], "less than or equal to 200"),
    ({"lat": "91", "lon": "3"}, ["query", "lat"], "less than or equal to 90"),
    ({"lat": "nan", "lon": "3"}, ["query", "lat"], "finite number"),
    ({"lat": "50"}, ["query", "filters"], "Give both lat and lon, or neither."),
    ({"radius": "5"}, ["query", "filters"], "A radius needs a point: give lat and lon."),
    ({"kind": "martian"}, ["query", "filters", "kind", 0], "Input should be 'producer'"),
    ({"legal_form": "<script>"}, ["query", "filters", "legal_form", 0], "Input should be 'scop'"),
    ({"department": "ZZ'; --"}, ["query", "filters", "department", 0], "should match pattern"),
    ({"per_page": "30"}, ["query", "per_page"], "Input should be 20, 50 or 100"),
    ({"sort": "bogus"}, ["query", "sort"], "Input should be 'relevance'"),
    ({"page": "0"}, ["query", "page"], "greater than or equal to 1"),
    ({"page": "abc"}, ["query", "page"], "valid integer"),
    ({"q": "a" * 201}, ["query", "q"], "at most 200 characters"),
    ({"sector": "x" * 81}, ["query", "filters", "sector", 0], "at most 80 characters"),
    ({"kind": ["shop"] * 21}, ["query", "kind"], "at most 20 items"),
]


@pytest.mark.parametrize(
    ("query", "loc", "message"), BAD_INPUT, ids=[str(q)[:40] for q, *_ in BAD_INPUT]
)
def test_bad_input_is_422_with_a_message(catalogue, query, loc, message):
    response = english_client().get(f"{BASE}/actors", query)

    assert response.status_code == 422
    assert response.json()["detail"] == "Invalid input."
    (error,) = response.json()["errors"]
    assert error["loc"] == loc
    assert message in error["msg"]


@pytest.mark.parametrize(
    "query",
    [
        {"q": "\"' OR 1=1 -- NEAR( *"},
        {"q": "\x00boulang"},
        {"sector": "\x00"},
        {"city": "Lille\x00"},
        {"skill": "  "},
        {"department": "2a"},
        {"lat": "-90", "lon": "-180", "radius": "200"},
    ],
)
def test_odd_but_valid_input_never_breaks(catalogue, query):
    assert Client().get(f"{BASE}/actors", query).status_code == 200
    assert Client().get(f"{BASE}/actors.geojson", query).status_code == 200


def test_a_lower_case_corsican_department_is_understood(db):
    ActorFactory(name="Ajaccio Coop", postcode="20000", department="2A")
    assert names(Client().get(f"{BASE}/actors", {"department": "2a"})) == ["Ajaccio Coop"]


# --- One actor -------------------------------------------------------------------------------


def test_one_actor_with_every_public_field_in_the_request_language(full_actor):
    response = english_client().get(f"{BASE}/actors/cooperative-boulangere")

    full_actor.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == {
        "slug": "cooperative-boulangere",
        "name": "Coopérative Boulangère",
        "description": "Pain au levain.",
        "kind": "craft",
        "kind_label": "Craft business",
        "legal_form": "scop",
        "legal_form_label": "SCOP (workers' co-operative)",
        "siret": "73282932000074",
        "sectors": [{"slug": "boulangerie", "name": "Bakery", "path": "alimentation/boulangerie"}],
        "skills": [{"slug": "fournil", "name": "Bakehouse"}],
        "labels": [{"slug": "bio", "name": "Organic"}],
        "tags": [{"slug": "vrac", "name": "vrac"}],
        "street": "12 rue de Béthune",
        "postcode": "59000",
        "city": "Lille",
        "department": "59",
        "country": "FR",
        "latitude": 50.6292,
        "longitude": 3.0573,
        "geocode_status": GeocodeStatus.ADDRESS.value,
        "email": "contact@boulangere.example.org",
        "telephone": "03 20 00 00 00",
        "website": "https://boulangere.example.org",
        "opening_hours": "Tu-Sa 07:00-19:00",
        "image": None,
        "group": "fournil-collectif",
        "source": "coops:127.0.0.1:8000",
        "source_id": "cooperative-boulangere",
        "licence": "ODbL-1.0",
        "url": f"{SITE}/annuaire/cooperative-boulangere/",
        "published_at": full_actor.published_at.isoformat().replace("+00:00", "Z")[:23] + "Z",
        "updated_at": full_actor.updated_at.isoformat().replace("+00:00", "Z")[:23] + "Z",
    }
    french = Client().get(f"{BASE}/actors/cooperative-boulangere").json()
    assert french["sectors"][0]["name"] == "Boulangerie"
    assert french["kind_label"] == "Artisanat"


def test_a_members_only_group_is_not_named(full_actor):
    full_actor.group.visibility = Visibility.MEMBERS
    full_actor.group.save()
    assert Client().get(f"{BASE}/actors/cooperative-boulangere").json()["group"] is None


def test_reading_one_actor_takes_a_fixed_number_of_queries(full_actor, django_assert_num_queries):
    # The actor with its group, then its sectors, skills, labels and tags.
    with django_assert_num_queries(5):
        assert Client().get(f"{BASE}/actors/cooperative-boulangere").status_code == 200


# --- GeoJSON ---------------------------------------------------------------------------------


def test_a_search_as_geojson(catalogue):
    response = Client().get(f"{BASE}/actors.geojson", {"lat": 50.29, "lon": 2.78, "radius": 100})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert {k: v for k, v in data.items() if k != "features"} == {
        "type": "FeatureCollection",
        "total": 3,
        "truncated": False,
        "export_url": f"{SITE}/annuaire/export/geojson/?lat=50.29&lon=2.78&radius=100",
    }
    assert [(f["id"], f["geometry"]["coordinates"]) for f in data["features"]] == [
        ("velo-cite", [2.7775, 50.291]),
        ("cooperative-boulangere", [3.0573, 50.6292]),
        ("epicerie-vrac", [3.0573, 50.6292]),
    ]


def test_the_geojson_is_capped_and_links_to_the_full_export(catalogue, monkeypatch):
    monkeypatch.setattr(directory_api, "GEOJSON_MAX_FEATURES", 2)

    data = Client().get(f"{BASE}/actors.geojson", {"sector": "alimentation"}).json()
    everything = Client().get(f"{BASE}/actors.geojson").json()

    assert (data["total"], data["truncated"], len(data["features"])) == (2, False, 2)
    assert data["export_url"] == f"{SITE}/annuaire/export/geojson/?sector=alimentation"
    assert (everything["total"], everything["truncated"]) == (3, True)
    assert [f["id"] for f in everything["features"]] == ["cooperative-boulangere", "epicerie-vrac"]
    assert everything["export_url"] == f"{SITE}/annuaire/export/geojson/"


def test_an_unlocated_actor_has_no_geometry(db):
    ActorFactory(slug="nulle-part", unlocated=True)
    (feature,) = Client().get(f"{BASE}/actors.geojson").json()["features"]
    assert (feature["id"], feature["geometry"]) == ("nulle-part", None)


# --- Taxonomy --------------------------------------------------------------------------------


def test_the_taxonomy(db):
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    public = GroupFactory(slug="commission-velo", kind=GroupKind.COMMISSION)
    private = GroupFactory(
        slug="commission-secrete", kind=GroupKind.COMMISSION, visibility=Visibility.MEMBERS
    )
    SkillFactory(slug="reparation-velo", name="Réparation de vélos", name_en="", commission=public)
    SkillFactory(slug="compta", name="Comptabilité", name_en="Accounting", commission=private)
    LabelFactory(slug="bio", name="Agriculture biologique", name_en="Organic")
    TagFactory(slug="vrac", name="vrac")

    response = english_client().get(f"{BASE}/taxonomy")

    data = response.json()
    assert data["sectors"] == [
        {"slug": "alimentation", "name": "Alimentation", "name_en": "Food", "label": "Food",
         "parent": None, "path": "alimentation", "depth": 0},
        {"slug": "boulangerie", "name": "Boulangerie", "name_en": "Bakery", "label": "Bakery",
         "parent": "alimentation", "path": "alimentation/boulangerie", "depth": 1},
    ]  # fmt: skip
    assert data["skills"] == [
        {"slug": "compta", "name": "Comptabilité", "name_en": "Accounting",
         "label": "Accounting", "commission": None},
        {"slug": "reparation-velo", "name": "Réparation de vélos", "name_en": "",
         "label": "Réparation de vélos", "commission": "commission-velo"},
    ]  # fmt: skip
    assert data["labels"] == [
        {"slug": "bio", "name": "Agriculture biologique", "name_en": "Organic", "label": "Organic"}
    ]
    assert data["tags"] == [{"slug": "vrac", "name": "vrac", "name_en": "", "label": "vrac"}]
    assert data["kinds"][0] == {"value": "producer", "label": "Producer"}
    assert [k["value"] for k in data["kinds"]] == ActorKind.values
    assert [f["value"] for f in data["legal_forms"]] == LegalForm.values
    assert data["legal_forms"][0] == {"value": "scop", "label": "SCOP (workers' co-operative)"}


# --- Rate limits and the document ------------------------------------------------------------


@override_settings(NINJA_DEFAULT_THROTTLE_RATES={"anon": "2/min", "user": "3/min"})
@pytest.mark.parametrize(("url", "query"), READS)
def test_the_api_rate_limits_apply(catalogue, url, query):
    client = Client(REMOTE_ADDR="192.0.2.7")

    assert [client.get(url, query).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url, query)

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert Client(REMOTE_ADDR="192.0.2.8").get(url, query).status_code == 200


def test_the_openapi_document_lists_the_directory():
    document = Client().get("/api/v1/openapi.json").json()

    paths = {p: sorted(ops) for p, ops in document["paths"].items() if "/directory/" in p}
    assert paths == {
        "/api/v1/directory/actors": ["get"],
        "/api/v1/directory/actors.geojson": ["get"],
        "/api/v1/directory/actors/{slug}": ["get"],
        "/api/v1/directory/taxonomy": ["get"],
    }
    geojson = document["paths"]["/api/v1/directory/actors.geojson"]["get"]["responses"]["200"]
    assert list(geojson["content"]) == ["application/geo+json"]


def test_answers_with_real_data_match_the_document(full_actor, catalogue_extra):
    document = Client().get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    client = english_client()
    checks = [
        (
            "/api/v1/directory/actors",
            f"{BASE}/actors?lat=50.6&lon=3.05&radius=50&sector=boulangerie",
        ),
        ("/api/v1/directory/actors/{slug}", f"{BASE}/actors/cooperative-boulangere"),
        ("/api/v1/directory/actors/{slug}", f"{BASE}/actors/en-attente"),
        ("/api/v1/directory/actors.geojson", f"{BASE}/actors.geojson"),
        ("/api/v1/directory/taxonomy", f"{BASE}/taxonomy"),
        ("/api/v1/directory/actors", f"{BASE}/actors?lat=91&lon=3"),
    ]
    for template, url in checks:
        response = client.get(url)
        request = requests.Request("GET", f"http://testserver{url}").prepare()
        answer = schemathesis.Response(
            status_code=response.status_code,
            headers={key: [value] for key, value in response.headers.items()},
            content=response.content,
            request=request,
            elapsed=0.0,
            verify=True,
        )
        schema[template]["GET"].validate_response(answer)


@pytest.fixture
def catalogue_extra(full_actor):
    ActorFactory(name="Sans position", slug="sans-position", unlocated=True, legal_form="")
    ActorFactory(name="En attente", slug="en-attente", pending=True)


def test_an_image_is_given_as_an_absolute_address(db, settings):
    settings.SITE_URL = "https://annuaire.example.coop"
    ActorFactory(slug="avec-logo", image="actors/logo.png", kind=ActorKind.SHOP)

    detail = Client().get(f"{BASE}/actors/avec-logo").json()

    assert detail["image"] == "https://annuaire.example.coop/media/actors/logo.png"
    assert detail["url"] == "https://annuaire.example.coop/annuaire/avec-logo/"
