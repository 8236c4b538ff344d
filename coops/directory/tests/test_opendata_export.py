"""The open-data export of a directory search: CSV, GeoJSON and JSON-LD."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.directory import opendata
from coops.directory.models import Actor, ActorKind, ActorStatus, GeocodeStatus, LegalForm
from coops.directory.selectors import SearchParams
from coops.directory.selectors import export as export_selectors
from coops.directory.services import actor_create
from coops.directory.tests.factories import (
    ActorFactory,
    LabelFactory,
    SectorFactory,
    SkillFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "name;description;kind;legal_form;siret;sectors;skills;labels;tags;street;postcode;city;"
    "country;latitude;longitude;geocode_status;email;telephone;website;opening_hours;source;"
    "source_id;licence;url;updated_at"
)
HYPERLINK = '=HYPERLINK("http://x","y")'


def export_url(fmt: str) -> str:
    return f"/annuaire/export/{fmt}/"


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict[str, str]]:
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def csv_names(response) -> list[str]:
    return [row["name"] for row in csv_rows(response)]


@pytest.fixture
def full_actor():
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    return ActorFactory(
        name="Coopérative Boulangère",
        slug="cooperative-boulangere",
        description="Pain au levain, farines locales.",
        kind=ActorKind.CRAFT,
        legal_form=LegalForm.SCOP,
        siret="73282932000074",
        sectors=[bread],
        skills=[SkillFactory(slug="fournil", name="Fournil", name_en="Bakehouse")],
        labels=[LabelFactory(slug="bio", name="Agriculture biologique", name_en="Organic")],
        tags=[TagFactory(slug="vrac", name="vrac"), TagFactory(slug="levain", name="levain")],
        street="12 rue de Béthune",
        postcode="59000",
        city="Lille",
        latitude=Decimal("50.629200"),
        longitude=Decimal("3.057300"),
        email="contact@boulangere.example.org",
        telephone="03 20 00 00 00",
        website="https://boulangere.example.org",
        opening_hours="Tu-Sa 07:00-13:00,15:00-19:30; Su 08:00-12:00; Mo off",
    )


def iso(actor: Actor) -> str:
    actor.refresh_from_db()
    return actor.updated_at.astimezone(timezone.get_fixed_timezone(0)).isoformat(timespec="seconds")


# --- CSV -------------------------------------------------------------------------------------


def test_csv_is_utf8_with_a_bom_semicolons_and_a_stable_header(full_actor):
    response = Client().get(export_url("csv"))
    raw = b"".join(response.streaming_content)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert raw.startswith(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n")
    assert ";".join(opendata.CSV_COLUMNS) == HEADER
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[1] == (
        "Coopérative Boulangère;Pain au levain, farines locales.;craft;scop;73282932000074;"
        "boulangerie;fournil;bio;levain|vrac;12 rue de Béthune;59000;Lille;FR;50.6292;3.0573;"
        "address;contact@boulangere.example.org;03 20 00 00 00;https://boulangere.example.org;"
        '"Tu-Sa 07:00-13:00,15:00-19:30; Su 08:00-12:00; Mo off";coops:127.0.0.1:8000;'
        "cooperative-boulangere;ODbL-1.0;http://127.0.0.1:8000/annuaire/cooperative-boulangere/;"
        f"{iso(full_actor)}"
    )
    assert lines[2:] == [""]


def test_formulas_are_neutralised_and_negative_coordinates_stay_numbers(db):
    ActorFactory(
        name=HYPERLINK,
        description="-2 tonnes de déchets",
        telephone="+33 3 20 00 00 00",
        street="@home",
        city="\tTab",
        opening_hours="'déjà cité",
        latitude=Decimal("-21.115100"),
        longitude=Decimal("-61.500000"),
        geocode_status=GeocodeStatus.MANUAL,
    )

    (row,) = csv_rows(Client().get(export_url("csv")))

    assert row["name"] == "'" + HYPERLINK
    assert row["description"] == "'-2 tonnes de déchets"
    assert row["telephone"] == "'+33 3 20 00 00 00"
    assert row["street"] == "'@home"
    assert row["city"] == "'\tTab"
    assert row["opening_hours"] == "''déjà cité"
    assert row["latitude"] == "-21.1151"
    assert row["longitude"] == "-61.5"
    assert {k: opendata.restore(v) for k, v in row.items() if k in ("name", "city")} == {
        "name": HYPERLINK,
        "city": "\tTab",
    }


def test_a_carriage_return_at_the_start_is_neutralised_too():
    assert opendata.neutralise("\rcmd") == "'\rcmd"
    assert opendata.neutralise("Lille") == "Lille"
    assert opendata.restore("'=1+1") == "=1+1"
    assert opendata.restore("'Lille") == "'Lille"  # an apostrophe the export did not add


@given(st.text(max_size=20))
def test_restore_undoes_neutralise_for_any_text(text):
    cell = opendata.neutralise(text)

    assert not cell.startswith(opendata.FORMULA_STARTS)
    assert opendata.restore(cell) == text


def test_imported_actors_keep_their_source_and_own_ones_get_the_instance(db, settings):
    settings.SITE_URL = "https://annuaire.example.coop"
    ActorFactory(name="A", slug="a", source="ess-hdf", source_id="42", licence="CC-BY-4.0")
    ActorFactory(name="B", slug="b")
    long_one = ActorFactory(name="C", slug="c" * 200)

    rows = csv_rows(Client().get(export_url("csv")))

    identities = [(r["source"], r["source_id"], r["licence"], r["url"]) for r in rows]
    assert identities == [
        ("ess-hdf", "42", "CC-BY-4.0", "https://annuaire.example.coop/annuaire/a/"),
        (
            "coops:annuaire.example.coop",
            "b",
            "ODbL-1.0",
            "https://annuaire.example.coop/annuaire/b/",
        ),
        (
            "coops:annuaire.example.coop",
            "c" * (120 - len(f"~{long_one.pk}")) + f"~{long_one.pk}",
            "ODbL-1.0",
            "https://annuaire.example.coop/annuaire/" + "c" * 200 + "/",
        ),
    ]


def _import_row(row: dict[str, str]) -> Actor:
    """What the importer does with a row, reduced to the fields this file carries."""
    from coops.directory.models import Label, Sector, Skill, Tag

    values = {column: opendata.restore(value) for column, value in row.items()}
    terms = {
        field: list(model.objects.filter(slug__in=values[field].split("|")))
        for field, model in (("sectors", Sector), ("skills", Skill), ("labels", Label),
                             ("tags", Tag))
    }  # fmt: skip
    fields = {
        column: values[column]
        for column in opendata.CSV_COLUMNS
        if column not in (*opendata.LIST_COLUMNS, *opendata.NUMBER_COLUMNS, "url", "updated_at")
    }
    coordinates = {
        column: Decimal(values[column]) if values[column] else None
        for column in opendata.NUMBER_COLUMNS
    }
    return actor_create(
        acting_user=None, status=ActorStatus.PUBLISHED, **fields, **coordinates, **terms
    )


def test_export_then_import_into_an_empty_directory_gives_the_same_actors(full_actor):
    ActorFactory(
        name=HYPERLINK,
        description="+ de vélos",
        kind=ActorKind.ASSOCIATION,
        legal_form=LegalForm.ASSOCIATION,
        longitude=Decimal("-1.553600"),
        latitude=Decimal("47.218400"),
        source="osm",
        source_id="node/123",
    )
    ActorFactory(name="Sans adresse", unlocated=True, street="", postcode="", city="")
    first = csv_rows(Client().get(export_url("csv")))

    Actor.objects.all().delete()
    for row in first:
        _import_row(row)
    second = csv_rows(Client().get(export_url("csv")))

    def identity(rows):
        return [{k: v for k, v in r.items() if k not in ("url", "updated_at")} for r in rows]

    assert len(first) == 3
    assert identity(second) == identity(first)


# --- GeoJSON ---------------------------------------------------------------------------------


def test_geojson_is_rfc7946_longitude_first(full_actor):
    ActorFactory(name="Zéro position", slug="zero", unlocated=True)

    response = Client().get(export_url("geojson"))
    document = json.loads(body(response))

    assert response["Content-Type"] == "application/geo+json"
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    located, unlocated = document["features"]
    assert located["type"] == "Feature"
    assert located["id"] == "cooperative-boulangere"
    assert located["geometry"] == {"type": "Point", "coordinates": [3.0573, 50.6292]}
    assert list(located["properties"]) == list(opendata.CSV_COLUMNS)
    assert located["properties"]["sectors"] == ["boulangerie"]
    assert located["properties"]["tags"] == ["levain", "vrac"]
    assert located["properties"]["latitude"] == 50.6292
    assert located["properties"]["siret"] == "73282932000074"
    assert unlocated["geometry"] is None
    assert unlocated["properties"]["latitude"] is None
    assert unlocated["properties"]["geocode_status"] == "to_geolocate"


def test_geojson_keeps_text_as_written(db):
    ActorFactory(name=HYPERLINK, longitude=Decimal("-61.500000"))

    (feature,) = json.loads(body(Client().get(export_url("geojson"))))["features"]

    assert feature["properties"]["name"] == HYPERLINK
    assert feature["geometry"]["coordinates"] == [-61.5, 50.6292]


# --- JSON-LD ---------------------------------------------------------------------------------


def test_jsonld_describes_a_local_business_with_its_siret(full_actor):
    response = Client().get(export_url("jsonld"))
    document = json.loads(body(response))

    assert response["Content-Type"] == "application/ld+json"
    assert document == {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "LocalBusiness",
                "@id": "http://127.0.0.1:8000/annuaire/cooperative-boulangere/",
                "name": "Coopérative Boulangère",
                "description": "Pain au levain, farines locales.",
                "url": "http://127.0.0.1:8000/annuaire/cooperative-boulangere/",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": "12 rue de Béthune",
                    "postalCode": "59000",
                    "addressLocality": "Lille",
                    "addressCountry": "FR",
                },
                "email": "contact@boulangere.example.org",
                "telephone": "03 20 00 00 00",
                "sameAs": "https://boulangere.example.org",
                "knowsAbout": ["Fournil"],
                "keywords": ["Boulangerie", "Agriculture biologique", "levain", "vrac"],
                "geo": {"@type": "GeoCoordinates", "latitude": 50.6292, "longitude": 3.0573},
                "identifier": {
                    "@type": "PropertyValue",
                    "propertyID": "SIRET",
                    "value": "73282932000074",
                },
                "openingHours": [
                    "Tu-Sa 07:00-13:00",
                    "Tu-Sa 15:00-19:30",
                    "Su 08:00-12:00",
                ],
            }
        ],
    }


def test_jsonld_names_terms_in_the_request_language(full_actor):
    client = Client()
    client.cookies["coops_language"] = "en"

    (node,) = json.loads(body(client.get(export_url("jsonld"))))["@graph"]

    assert node["knowsAbout"] == ["Bakehouse"]
    assert node["keywords"] == ["Bakery", "Organic", "levain", "vrac"]


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        (ActorKind.PRODUCER, "LocalBusiness"),
        (ActorKind.SHOP, "LocalBusiness"),
        (ActorKind.CRAFT, "LocalBusiness"),
        (ActorKind.SERVICE, "LocalBusiness"),
        (ActorKind.ASSOCIATION, "Organization"),
        (ActorKind.NETWORK, "Organization"),
        (ActorKind.INDEPENDENT, "Organization"),
        (ActorKind.PUBLIC, "GovernmentOrganization"),
    ],
)
def test_jsonld_type_follows_the_kind(db, kind, schema_type):
    ActorFactory(kind=kind, opening_hours="Mo-Fr 09:00-17:00", unlocated=True)

    (node,) = json.loads(body(Client().get(export_url("jsonld"))))["@graph"]

    assert node["@type"] == schema_type
    assert "geo" not in node and "identifier" not in node
    # schema.org gives opening hours to local businesses only.
    assert ("openingHours" in node) == (schema_type == "LocalBusiness")


@pytest.mark.parametrize(
    ("osm", "schema"),
    [
        ("", []),
        ("24/7", ["Mo-Su 00:00-24:00"]),
        ("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; Su off", [
            "Mo-Fr 09:00-12:00", "Mo-Fr 14:00-18:00", "Sa 09:00-12:00"]),
        ("Mo,We,Fr 10:00-19:00; PH off", ["Mo,We,Fr 10:00-19:00"]),
        ("Sa,PH 08:00-12:00", ["Sa 08:00-12:00"]),
        ("PH 08:00-12:00", []),
        ("Mo-Fr 09:00-18:00; week 1-52 Sa 10:00-12:00", []),
        ("sunrise-sunset", []),
        ("Mo-Fr 9h-18h", []),
    ],
)  # fmt: skip
def test_opening_hours_are_converted_to_schema_org_or_left_out(osm, schema):
    assert opendata.schema_opening_hours(osm) == schema


# --- What is exported ------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    food = SectorFactory(slug="alimentation", name="Alimentation")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", parent=food)
    repair = SectorFactory(slug="reparation", name="Réparation")
    ActorFactory(name="Coopérative Boulangère", kind=ActorKind.CRAFT, sectors=[bread])
    ActorFactory(name="Épicerie Vrac", kind=ActorKind.SHOP, sectors=[food])
    ActorFactory(
        name="Vélo Cité",
        kind=ActorKind.SERVICE,
        sectors=[repair],
        city="Arras",
        postcode="62000",
        department="62",
        latitude=Decimal("50.291000"),
        longitude=Decimal("2.777500"),
    )
    ActorFactory(name="Boulange en attente", sectors=[bread], pending=True)
    ActorFactory(name="Boulange archivée", sectors=[bread], status=ActorStatus.ARCHIVED)
    ActorFactory(name="Boulange refusée", sectors=[bread], status=ActorStatus.REJECTED)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({}, ["Coopérative Boulangère", "Épicerie Vrac", "Vélo Cité"]),
        ({"sector": "alimentation"}, ["Coopérative Boulangère", "Épicerie Vrac"]),
        ({"sector": "boulangerie"}, ["Coopérative Boulangère"]),
        ({"q": "boulang"}, ["Coopérative Boulangère"]),
        ({"kind": ["shop", "service"]}, ["Épicerie Vrac", "Vélo Cité"]),
        ({"place": "Arras", "radius": "5"}, ["Vélo Cité"]),
        ({"lat": "50.6292", "lon": "3.0573", "radius": "2"}, [
            "Coopérative Boulangère", "Épicerie Vrac"]),
        ({"department": "62"}, ["Vélo Cité"]),
        ({"sector": "inconnu"}, ["Coopérative Boulangère", "Épicerie Vrac", "Vélo Cité"]),
        ({"radius": "abc", "place": "Arras"}, ["Vélo Cité"]),
        ({"page": "2", "per_page": "20"}, ["Coopérative Boulangère", "Épicerie Vrac", "Vélo Cité"]),
    ],
)  # fmt: skip
@pytest.mark.parametrize("fmt", ["csv", "geojson", "jsonld"])
def test_the_search_filters_apply_and_unpublished_actors_never_leave(catalogue, fmt, query, names):
    response = Client().get(export_url(fmt), query)
    if fmt == "csv":
        exported = csv_names(response)
    elif fmt == "geojson":
        exported = [f["properties"]["name"] for f in json.loads(body(response))["features"]]
    else:
        exported = [node["name"] for node in json.loads(body(response))["@graph"]]

    assert exported == names
    assert response["X-Coops-Total"] == str(len(names))
    assert "X-Coops-Truncated" not in response


def test_owners_and_moderators_export_only_published_actors_too(catalogue):
    moderator = UserFactory(is_staff=True)
    owner = UserFactory()
    ActorFactory(name="Mon brouillon", pending=True, owners=[owner])
    for user in (moderator, owner):
        client = Client()
        client.force_login(user)
        names = csv_names(client.get(export_url("csv")))
        assert names == ["Coopérative Boulangère", "Épicerie Vrac", "Vélo Cité"]


def test_the_export_is_cut_at_the_row_cap_and_says_so(catalogue, settings):
    settings.DIRECTORY_EXPORT_MAX_ROWS = 2

    response = Client().get(export_url("csv"))

    assert csv_names(response) == ["Coopérative Boulangère", "Épicerie Vrac"]
    assert response["X-Coops-Truncated"] == "true"
    assert response["X-Coops-Total"] == "3"


def test_an_empty_search_gives_a_file_with_only_its_header(db):
    response = Client().get(export_url("csv"), {"q": "introuvable"})

    assert body(response) == "\ufeff" + HEADER + "\r\n"
    assert json.loads(body(Client().get(export_url("geojson"), {"q": "introuvable"}))) == {
        "type": "FeatureCollection",
        "features": [],
    }


# --- Queries and memory ----------------------------------------------------------------------


def _queries_to_export(query: dict, fmt: str = "csv") -> tuple[int, int]:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(export_url(fmt), query)
        text = body(response)
    return len(queries), text.count("\r\n") - 1 if fmt == "csv" else len(json.loads(text)[
        "features" if fmt == "geojson" else "@graph"])  # fmt: skip


def _actors(n: int, sector, skill, label, tag) -> None:
    for _ in range(n):
        ActorFactory(sectors=[sector], skills=[skill], labels=[label], tags=[tag])


@pytest.mark.parametrize("fmt", ["csv", "geojson", "jsonld"])
def test_the_query_count_does_not_grow_with_the_rows(db, fmt):
    food = SectorFactory(slug="alimentation")
    terms = (SectorFactory(parent=food), SkillFactory(), LabelFactory(), TagFactory())
    query = {"q": "cooperative", "sector": "alimentation", "skill": terms[1].slug}

    _actors(30, *terms)
    few = _queries_to_export(query, fmt)
    _actors(270, *terms)
    many = _queries_to_export(query, fmt)

    # 2 ticked terms, the count, the rows, then 4 prefetches (one chunk).
    assert few == (8, 30)
    assert many == (8, 300)


def test_rows_are_read_chunk_by_chunk(db, monkeypatch):
    monkeypatch.setattr(export_selectors, "EXPORT_CHUNK_SIZE", 100)
    terms = (SectorFactory(), SkillFactory(), LabelFactory(), TagFactory())
    _actors(250, *terms)

    # The count and the rows, then 4 prefetches for each of the 3 chunks.
    assert _queries_to_export({}) == (2 + 3 * 4, 250)


def test_rows_are_read_only_as_the_response_is_written(db):
    ActorFactory(name="Vélo Cité")
    with CaptureQueriesContext(connection) as counting:
        selection = export_selectors.actors_for_export(SearchParams(), limit=10)
    with CaptureQueriesContext(connection) as reading:
        names = [entry.actor.name for entry in selection.actors]

    assert (selection.total, len(counting)) == (1, 1)
    assert (names, len(reading)) == (["Vélo Cité"], 5)


# --- The view --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "geojson", "jsonld"])
@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_may_download_and_nobody_may_post(personas, catalogue, who, fmt):
    client = personas.client(who)
    before = list(Actor.objects.order_by("pk").values_list("pk", "name", "status"))

    response = client.get(export_url(fmt))
    denied = client.post(export_url(fmt), {"name": "Intrus"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="annuaire-coops-{timezone.localdate().isoformat()}.{fmt}"'
    )
    assert response["Link"] == '<https://opendatacommons.org/licenses/odbl/1-0/>; rel="license"'
    assert response["Access-Control-Allow-Origin"] == "*"
    body(response)
    assert denied.status_code == 405
    assert list(Actor.objects.order_by("pk").values_list("pk", "name", "status")) == before


@pytest.mark.parametrize("fmt", ["xlsx", "CSV", "json", "..", "csv.exe"])
def test_an_unknown_format_is_404(db, fmt):
    assert Client().get(f"/annuaire/export/{fmt}/").status_code == 404


def test_downloads_are_limited_per_address(db, settings):
    settings.DIRECTORY_EXPORTS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="192.0.2.1")

    assert [client.get(export_url("csv")).status_code for _ in range(2)] == [200, 200]
    refused = client.get(export_url("geojson"))

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "Trop de tentatives" in refused.content.decode()
    assert Client(REMOTE_ADDR="192.0.2.2").get(export_url("csv")).status_code == 200


# --- The list page and the actor page --------------------------------------------------------


def test_the_list_links_to_the_export_of_the_same_search(catalogue):
    html = Client().get("/annuaire/", {"sector": "alimentation", "page": "1"}).content.decode()

    assert (
        '<a href="/annuaire/export/csv/?sector=alimentation" type="text/csv" download>CSV' in html
    )
    assert '<a href="/annuaire/export/geojson/?sector=alimentation"' in html
    assert '<a href="/annuaire/export/jsonld/?sector=alimentation"' in html
    assert 'rel="license">ODbL</a>' in html


def test_the_list_says_when_a_download_would_be_cut(catalogue, settings):
    client = Client()
    client.cookies["coops_language"] = "en"
    note = "A download holds the first 2 actors of a search"

    assert note not in client.get("/annuaire/", {"sector": "alimentation"}).content.decode()
    settings.DIRECTORY_EXPORT_MAX_ROWS = 2
    assert note in client.get("/annuaire/").content.decode()
    assert note not in client.get("/annuaire/", {"sector": "alimentation"}).content.decode()


def test_no_download_links_when_nothing_is_found(catalogue):
    html = Client().get("/annuaire/", {"q": "introuvable"}).content.decode()
    assert "/annuaire/export/" not in html


def _jsonld_blocks(html: str) -> list[dict]:
    start = '<script type="application/ld+json">'
    blocks = []
    while start in html:
        html = html.split(start, 1)[1]
        text, html = html.split("</script>", 1)
        blocks.append(json.loads(text))
    return blocks


def test_the_actor_page_embeds_its_jsonld_safely(full_actor):
    full_actor.description = "</script><script>alert(1)</script> & co"
    full_actor.save()

    response = Client().get(full_actor.get_absolute_url())
    html = response.content.decode()

    (block,) = _jsonld_blocks(html)
    assert block["@context"] == "https://schema.org"
    assert block["@type"] == "LocalBusiness"
    assert block["identifier"]["value"] == "73282932000074"
    assert block["description"] == "</script><script>alert(1)</script> & co"
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_an_unpublished_actor_page_has_no_jsonld(db):
    owner = UserFactory()
    actor = ActorFactory(pending=True, owners=[owner])
    client = Client()
    client.force_login(owner)

    response = client.get(actor.get_absolute_url())

    assert response.status_code == 200
    assert _jsonld_blocks(response.content.decode()) == []


def test_jsonld_gives_the_image_as_an_absolute_address(db, settings):
    settings.SITE_URL = "https://annuaire.example.coop"
    ActorFactory(image="actors/logo.png")

    (node,) = json.loads(body(Client().get(export_url("jsonld"))))["@graph"]

    assert node["image"] == "https://annuaire.example.coop/media/actors/logo.png"
