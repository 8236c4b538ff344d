"""The directory map: the selector (points or clusters in a box, the search's filters), the
map page, its JSON endpoint, the embedded widget and its code, the actor page's map."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client, override_settings

from conftest import PERSONAS
from coops.core.geo import BoundingBox, Point, map_grid, web_map_box
from coops.directory.forms import ActorSearchForm
from coops.directory.models import Actor, ActorKind, ActorStatus
from coops.directory.seed import seed_actors
from coops.directory.selectors import SearchParams, actor_search
from coops.directory.selectors import map as map_selectors
from coops.directory.selectors.map import map_data, map_extent
from coops.directory.tests.factories import ActorFactory, SectorFactory

pytestmark = pytest.mark.django_db

MAP_URL = "/annuaire/carte/"
DATA_URL = "/annuaire/carte/donnees/"
EMBED_URL = "/annuaire/integrer/"
CODE_URL = "/annuaire/integrer/code/"
HAUTS_DE_FRANCE = BoundingBox(min_lat=49.9, min_lon=1.5, max_lat=51.1, max_lon=4.3)
LILLE_BBOX = "2.9,50.5,3.2,50.7"


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def place(name: str, lat: str, lon: str, **fields) -> Actor:
    return ActorFactory(
        name=name, latitude=Decimal(lat), longitude=Decimal(lon), city=fields.pop("city", ""),
        **fields,
    )  # fmt: skip


@pytest.fixture
def territory():
    """Actors around Lille and Arras, and some the map must never show."""
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    bikes = SectorFactory(slug="velo", name="Vélo", name_en="Cycling")
    actors = {
        "fournil": place(
            "Le Fournil", "50.629200", "3.057300", city="Lille", slug="le-fournil",
            kind=ActorKind.CRAFT, sectors=[bread],
        ),
        "recyclerie": place(
            "Recyclerie du Sud", "50.610000", "3.040000", city="Lille", slug="recyclerie",
            kind=ActorKind.ASSOCIATION, sectors=[bikes],
        ),
        "amap": place(
            "AMAP des Weppes", "50.650000", "2.900000", city="Fournes", slug="amap",
            kind=ActorKind.PRODUCER, sectors=[food],
        ),
        "velo": place(
            "Vélo Cité", "50.291000", "2.777500", city="Arras", slug="velo-cite",
            kind=ActorKind.SERVICE, sectors=[bikes],
        ),
    }  # fmt: skip
    place("En attente", "50.630000", "3.050000", pending=True, slug="en-attente")
    place("Archivé", "50.631000", "3.051000", status=ActorStatus.ARCHIVED, slug="archive")
    ActorFactory(name="Sans adresse", slug="sans-adresse", unlocated=True, sectors=[bread])
    return actors


def params_for(**values) -> SearchParams:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    form = ActorSearchForm(query)
    form.is_valid()
    return form.search_params()


def near(value: float):
    """A cluster's mean position, rounded to 4 places by the selector."""
    return pytest.approx(value, abs=0.00006)


def slugs(data) -> list[str]:
    return [point[3] for point in data.points]


# --- The selector ----------------------------------------------------------------------------


def test_few_actors_come_as_points_sorted_by_name(territory):
    data = map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8, max_points=10)

    bread = territory["fournil"].sectors.get()
    bikes = territory["velo"].sectors.get()
    food = territory["amap"].sectors.get()
    assert data.total == 4
    assert data.clusters == []
    assert data.points == [
        [50.65, 2.9, "AMAP des Weppes", "amap", "Fournes", [food.pk]],
        [50.6292, 3.0573, "Le Fournil", "le-fournil", "Lille", [bread.pk]],
        [50.61, 3.04, "Recyclerie du Sud", "recyclerie", "Lille", [bikes.pk]],
        [50.291, 2.7775, "Vélo Cité", "velo-cite", "Arras", [bikes.pk]],
    ]
    assert data.sectors == {food.pk: "Alimentation", bread.pk: "Boulangerie", bikes.pk: "Vélo"}


def test_sector_labels_follow_the_language(territory):
    from django.utils import translation

    with translation.override("en"):
        data = map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8, max_points=10)

    assert sorted(data.sectors.values()) == ["Bakery", "Cycling", "Food"]


def test_more_actors_than_the_threshold_come_as_clusters(territory):
    data = map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8, max_points=3)

    assert data.points == []
    assert data.total == 4
    # At zoom 8 the Lille three share a cell; Arras has its own.
    assert data.clusters == [[near(50.62973), near(2.9991), 3], [50.291, 2.7775, 1]]


def test_cluster_counts_add_up_and_follow_the_grid(db):
    for n in range(60):
        place(f"Acteur {n}", f"{49.5 + (n % 10) * 0.17:.6f}", f"{1.2 + (n // 10) * 0.55:.6f}")
    box = BoundingBox(min_lat=49.0, min_lon=1.0, max_lat=51.5, max_lon=5.0)

    data = map_data(SearchParams(), box=box, zoom=7, max_points=20)

    grid = map_grid(box, 7)
    expected = Counter(
        grid.cell(Point(float(a.latitude), float(a.longitude))) for a in Actor.objects.all()
    )
    assert data.total == 60
    assert sum(count for _lat, _lon, count in data.clusters) == 60
    assert sorted(count for *_, count in data.clusters) == sorted(expected.values())
    for lat, lon, _count in data.clusters:  # a cell's mean lies in the cell
        assert grid.cell(Point(lat, lon)) in expected


def test_the_box_keeps_its_edges_and_leaves_out_the_rest(db):
    place("Nord-Ouest", "51.000000", "2.000000", slug="coin")
    place("Dedans", "50.500000", "2.500000", slug="dedans")
    place("Dehors", "51.000001", "2.500000", slug="dehors-nord")
    place("Dehors Est", "50.500000", "3.000001", slug="dehors-est")
    box = BoundingBox(min_lat=50.0, min_lon=2.0, max_lat=51.0, max_lon=3.0)

    data = map_data(SearchParams(), box=box, zoom=9, max_points=10)

    assert slugs(data) == ["dedans", "coin"]


@pytest.mark.parametrize("max_points", [0, 100])
def test_never_unpublished_nor_unlocated(territory, max_points):
    box = BoundingBox(min_lat=-90, min_lon=-180, max_lat=90, max_lon=180)

    data = map_data(SearchParams(), box=box, zoom=2, max_points=max_points)

    assert data.total == 4  # not the pending, archived or unlocated ones
    if max_points:
        assert "en-attente" not in slugs(data) and "archive" not in slugs(data)
    else:
        assert data.clusters == [[near(50.54505), near(2.943675), 4]]


FILTERS = [
    ({"sector": "alimentation"}, ["amap", "le-fournil"]),  # with its subtree
    ({"sector": "velo", "kind": "service"}, ["velo-cite"]),
    ({"kind": ["craft", "producer"]}, ["amap", "le-fournil"]),
    ({"q": "fournil"}, ["le-fournil"]),
    ({"q": "velo"}, ["recyclerie", "velo-cite"]),  # its name, or its sector's
    ({"city": "Lille"}, ["le-fournil", "recyclerie"]),
    ({"place": "Arras", "radius": "5"}, ["velo-cite"]),
    ({"lat": "50.629", "lon": "3.057", "radius": "3"}, ["le-fournil", "recyclerie"]),
    ({"sector": "inconnu"}, ["amap", "le-fournil", "recyclerie", "velo-cite"]),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[str(q) for q, _ in FILTERS])
def test_the_map_applies_the_filters_of_the_list(territory, query, expected):
    params = params_for(**query)

    data = map_data(params, box=HAUTS_DE_FRANCE, zoom=9, max_points=50)

    assert sorted(slugs(data)) == expected
    listed = {a.slug for a in actor_search(params).page if a.latitude is not None}
    assert set(slugs(data)) == listed  # the same search as the list's (sans unlocated)
    clustered = map_data(params, box=HAUTS_DE_FRANCE, zoom=9, max_points=0)
    assert clustered.total == len(expected)


def test_points_too_heavy_for_the_budget_come_as_clusters(territory, monkeypatch):
    monkeypatch.setattr(map_selectors, "POINTS_MAX_BYTES", 200)

    data = map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8, max_points=10)

    assert data.points == []
    assert sum(c[2] for c in data.clusters) == data.total == 4


def test_the_threshold_comes_from_the_settings(territory):
    with override_settings(MAP_MAX_POINTS=2):
        assert map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8).points == []
    with override_settings(MAP_MAX_POINTS=4):
        assert len(map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8).points) == 4


def test_points_and_clusters_take_two_queries_each(territory, django_assert_num_queries):
    with django_assert_num_queries(2):  # the rows, then their sectors
        map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8, max_points=10)
    with django_assert_num_queries(2):  # the first rows past the threshold, then the cells
        first = map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8, max_points=1)
    panned = BoundingBox(49.95, 1.52, 51.05, 4.28)  # within the same cells
    with django_assert_num_queries(1):  # the cells come from the cache
        assert map_data(SearchParams(), box=panned, zoom=8, max_points=1) == first
    with django_assert_num_queries(2):  # another search has its own cells
        map_data(params_for(kind="craft"), box=panned, zoom=8, max_points=0)


class RecordingCache:
    def __init__(self):
        self.timeouts = []

    def get(self, key):
        return None

    def set(self, key, value, timeout):
        self.timeouts.append(timeout)


def test_large_clusters_stay_longer_in_the_cache(territory, monkeypatch):
    recorder = RecordingCache()
    monkeypatch.setattr(map_selectors, "cache", recorder)
    monkeypatch.setattr(map_selectors, "LONG_CACHE_MIN_ACTORS", 4)

    map_data(SearchParams(), box=HAUTS_DE_FRANCE, zoom=8, max_points=1)  # 4 actors
    map_data(params_for(city="Lille"), box=HAUTS_DE_FRANCE, zoom=8, max_points=1)  # 2

    assert recorder.timeouts == [600, 60]


def test_the_extent_covers_the_matching_located_actors(territory, django_assert_num_queries):
    assert map_extent(SearchParams()) == BoundingBox(50.291, 2.7775, 50.65, 3.0573)
    with django_assert_num_queries(0):  # cached
        assert map_extent(SearchParams()) == BoundingBox(50.291, 2.7775, 50.65, 3.0573)
    assert map_extent(params_for(city="Lille")) == BoundingBox(50.61, 3.04, 50.6292, 3.0573)
    assert map_extent(params_for(city="Nulle-Part")) is None
    around_arras = map_extent(params_for(place="Arras", radius="10"))
    assert around_arras.min_lat < 50.291 < around_arras.max_lat
    assert round(around_arras.max_lat - around_arras.min_lat, 3) == 0.18  # 2 × 10 km


# --- The JSON endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_gets_the_map_data(personas, territory, who):
    response = personas.client(who).get(DATA_URL, {"bbox": LILLE_BBOX, "zoom": "11"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [p[3] for p in response.json()["points"]] == ["amap", "le-fournil", "recyclerie"]


def test_the_data_is_compact_and_cacheable(territory):
    response = Client().get(DATA_URL, {"bbox": LILLE_BBOX, "zoom": "11", "sector": "boulangerie"})

    bread = territory["fournil"].sectors.get()
    assert response.content.decode() == (
        '{"total":1,"points":[[50.6292,3.0573,"Le Fournil","le-fournil","Lille",'
        f'[{bread.pk}]]],"clusters":[],"sectors":{{"{bread.pk}":"Boulangerie"}}}}'
    )
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Vary"] == "Accept-Language, Cookie"


def test_a_world_wider_than_the_world_is_cut_to_it(territory):
    response = Client().get(DATA_URL, {"bbox": "-400,-95,400,95", "zoom": "1"})

    assert response.status_code == 200
    assert response.json()["total"] == 4


BAD_VIEWS = [
    ({"zoom": "5"}, "bbox", "This field is required."),
    ({"bbox": "1,2,3", "zoom": "5"}, "bbox", "bbox must be four numbers"),
    ({"bbox": "1,2,3,4,5", "zoom": "5"}, "bbox", "bbox must be four numbers"),
    ({"bbox": "a,b,c,d", "zoom": "5"}, "bbox", "bbox must be four numbers"),
    ({"bbox": "nan,0,1,1", "zoom": "5"}, "bbox", "bbox must be four numbers"),
    ({"bbox": "0,0,inf,1", "zoom": "5"}, "bbox", "bbox must be four numbers"),
    ({"bbox": "3,50,2,51", "zoom": "5"}, "bbox", "west below east and south below north"),
    ({"bbox": "2,51,3,50", "zoom": "5"}, "bbox", "west below east and south below north"),
    ({"bbox": "2,50,2,51", "zoom": "5"}, "bbox", "west below east and south below north"),
    ({"bbox": "200,50,300,51", "zoom": "5"}, "bbox", "west below east and south below north"),
    ({"bbox": "1" * 300, "zoom": "5"}, "bbox", "at most 200 characters"),
    ({"bbox": LILLE_BBOX}, "zoom", "This field is required."),
    ({"bbox": LILLE_BBOX, "zoom": "x"}, "zoom", "Enter a whole number."),
    ({"bbox": LILLE_BBOX, "zoom": "-1"}, "zoom", "greater than or equal to 0"),
    ({"bbox": LILLE_BBOX, "zoom": "23"}, "zoom", "less than or equal to 22"),
    ({"bbox": LILLE_BBOX, "zoom": "8.5"}, "zoom", "Enter a whole number."),
]


@pytest.mark.parametrize(
    ("query", "field", "message"), BAD_VIEWS, ids=[str(q) for q, *_ in BAD_VIEWS]
)
def test_a_bad_view_is_a_clear_400(territory, query, field, message):
    response = english_client().get(DATA_URL, query)

    assert response.status_code == 400
    body = response.json()
    assert message in body["error"]
    assert message in " ".join(body["fields"][field])


def test_bad_filters_do_not_break_the_data(territory):
    response = Client().get(
        DATA_URL,
        {"bbox": LILLE_BBOX, "zoom": "9", "radius": "abc", "lat": "999", "kind": "martian"},
    )

    assert response.status_code == 200
    assert response.json()["total"] == 3  # the unusable filters are left out, as on the list


def count_in(queryset, box: BoundingBox) -> int:
    micro = Decimal("0.000001")
    return queryset.filter(
        latitude__gte=Decimal(f"{box.min_lat:.6f}") - micro,
        latitude__lte=Decimal(f"{box.max_lat:.6f}") + micro,
        longitude__gte=Decimal(f"{box.min_lon:.6f}") - micro,
        longitude__lte=Decimal(f"{box.max_lon:.6f}") + micro,
    ).count()


def test_the_payload_stays_bounded_with_thousands_of_actors(db):
    seed_actors(count=3000, seed=7)
    located = Actor.objects.published().located()
    limit = 50
    client = Client()
    sizes = []
    with override_settings(MAP_MAX_POINTS=limit):
        for zoom in range(3, 19):
            for centre in (Point(48.8566, 2.3522), Point(46.6, 2.4), Point(50.63, 3.06)):
                box = web_map_box(centre, zoom, 1920, 1080)
                bbox = f"{box.min_lon},{box.min_lat},{box.max_lon},{box.max_lat}"
                response = client.get(DATA_URL, {"bbox": bbox, "zoom": zoom})
                body = response.json()
                in_box = count_in(located, box)
                if body["points"]:
                    assert len(body["points"]) == body["total"] == in_box <= limit
                elif in_box:  # whole cells: the box and the rest of its edge cells
                    assert in_box > limit
                    assert sum(c[2] for c in body["clusters"]) == body["total"]
                    assert body["total"] == count_in(located, map_grid(box, zoom).snap(box))
                    assert len(body["clusters"]) <= 50 * 50
                sizes.append(len(response.content))
    assert located.count() > 2800
    assert max(sizes) < 20_000  # bytes: bounded by the grid, not by the actors


def test_the_data_answers_only_get(territory):
    before = list(Actor.objects.values_list("pk", "updated_at"))

    response = Client().post(DATA_URL + f"?bbox={LILLE_BBOX}&zoom=9", {"name": "x"})

    assert response.status_code == 405
    assert list(Actor.objects.values_list("pk", "updated_at")) == before


# --- The map page ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_sees_the_map_page(personas, territory, who):
    response = personas.client(who).get(MAP_URL)

    assert response.status_code == 200
    assert 'data-directory-map role="region"' in response.content.decode()


@pytest.mark.parametrize("url", [MAP_URL, DATA_URL, EMBED_URL, CODE_URL])
def test_the_map_pages_answer_only_get(personas, territory, url):
    before = list(Actor.objects.order_by("pk").values_list("pk", "name", "status"))

    for who in PERSONAS:
        assert personas.client(who).post(url, {"name": "Changé"}).status_code == 405

    assert list(Actor.objects.order_by("pk").values_list("pk", "name", "status")) == before


def attribute(html: str, name: str) -> str:
    match = re.search(rf'\s{name}="([^"]*)"', html)
    assert match, f"no {name} attribute"
    return unescape(match.group(1))


def test_the_map_page_carries_the_search_and_links_back_to_the_list(territory):
    cache.clear()
    response = english_client().get(
        MAP_URL, {"q": "velo", "place": "Arras", "radius": "8", "sort": "name", "page": "2"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "1 actor found · within 8 km of Arras (62000)" in html
    list_query = "q=velo&amp;place=Arras&amp;radius=8&amp;sort=name"
    assert f'<a href="/annuaire/?{list_query}">Show as a list</a>' in html
    assert (
        f'<a href="/annuaire/integrer/code/?{list_query}">Embed this map on a website</a>' in html
    )
    # The place is already resolved: panning never geocodes.
    point = response.context["result"].point
    assert attribute(html, "data-url") == (
        f"/annuaire/carte/donnees/?q=velo&lat={point.lat}&lon={point.lon}&radius=8"
    )
    assert attribute(html, "data-circle") == f"{point.lat},{point.lon},8"
    assert attribute(html, "data-list-url") == "/annuaire/?q=velo&place=Arras&radius=8&sort=name"
    assert attribute(html, "data-actor-url") == "/annuaire/__slug__/"
    assert attribute(html, "data-tiles") == settings.MAP_TILE_URL
    assert attribute(html, "data-attribution") == settings.MAP_TILE_ATTRIBUTION
    assert attribute(html, "data-target") == ""
    # The search form and the facets submit to the map.
    assert '<form id="directory-search" method="get" action="/annuaire/carte/"' in html
    assert 'form="directory-search" name="sector" value="velo"' in html


def test_the_map_opens_on_the_matching_actors(territory):
    html = Client().get(MAP_URL, {"city": "Lille"}).content.decode()
    assert attribute(html, "data-bounds") == "50.61,3.04,50.6292,3.0573"

    html = Client().get(MAP_URL, {"city": "Nulle-Part"}).content.decode()
    assert attribute(html, "data-bounds") == "41.3,-5.2,51.1,9.6"  # France when empty


def test_the_map_page_works_without_javascript(territory):
    html = english_client().get(MAP_URL, {"sector": "velo"}).content.decode()

    assert (
        '<p class="map-fallback">The map needs JavaScript. '
        '<a href="/annuaire/?sector=velo">See the results as a list</a></p>'
    ) in html
    assert '<a class="map-skip" href="#after-map">Skip the map</a>' in html
    # Strict CSP: no inline script or style.
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)
    assert " style=" not in html


def test_the_list_links_to_the_map_with_its_filters(territory):
    html = english_client().get("/annuaire/", {"sector": "velo", "page": "1"}).content.decode()

    assert '<a href="/annuaire/carte/?sector=velo">Show on a map</a>' in html


def test_the_static_files_of_the_map_exist(territory):
    html = Client().get(MAP_URL).content.decode() + Client().get(EMBED_URL).content.decode()
    paths = set(re.findall(r'(?:src|href)="/static/([^"]+)"', html))

    assert {"vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "directory/map.js"} <= paths
    missing = [path for path in sorted(paths) if finders.find(path) is None]
    assert missing == [], "run `npm ci && npm run vendor` (make setup)"


# --- The embedded widget ---------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("view", ["carte", "liste"])
def test_everyone_sees_the_widget(personas, territory, who, view):
    response = personas.client(who).get(EMBED_URL, {"vue": view, "sector": "velo"})

    assert response.status_code == 200


@pytest.mark.parametrize("view", ["carte", "liste", "", "bogus"])
def test_any_site_may_frame_the_widget_only(territory, view):
    response = Client().get(EMBED_URL, {"vue": view})

    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "public, max-age=300"
    for url in ("/annuaire/", MAP_URL, CODE_URL, "/annuaire/le-fournil/"):
        other = Client().get(url)
        assert other["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_the_tile_server_is_allowed_by_the_csp(territory):
    header = Client().get(MAP_URL)["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))

    assert policy["img-src"] == "'self' data: https://tile.openstreetmap.org"


def test_the_listed_widget_opens_actors_in_a_new_tab(territory):
    response = english_client().get(EMBED_URL, {"vue": "liste", "city": "Lille", "sort": "name"})
    html = response.content.decode()

    assert "3 actors found" in html  # with the one not yet on the map
    assert (
        '<h3><a href="/annuaire/le-fournil/" target="_blank" rel="noopener">Le Fournil</a></h3>'
    ) in html
    assert 'class="main-nav"' not in html and "site-header" not in html
    assert (
        '<a href="/annuaire/?city=Lille&amp;sort=name" target="_blank" rel="noopener">'
        "The whole directory on Coops</a>"
    ) in html


def test_the_listed_widget_pages_keep_its_filters(db):
    for n in range(23):
        place(f"Acteur {n:02d}", "50.600000", "3.000000", kind=ActorKind.SHOP)

    html = Client().get(EMBED_URL, {"vue": "liste", "kind": "shop", "sort": "name"}).content
    second = Client().get(EMBED_URL, {"vue": "liste", "kind": "shop", "sort": "name", "page": 2})

    assert b'<a href="?vue=liste&amp;kind=shop&amp;sort=name&amp;page=2" rel="next">' in html
    assert [a.name for a in second.context["page"]] == ["Acteur 20", "Acteur 21", "Acteur 22"]


def test_the_map_widget_opens_actors_in_a_new_tab(territory):
    html = english_client().get(EMBED_URL, {"vue": "carte", "kind": "craft"}).content.decode()

    assert attribute(html, "data-target") == "_blank"
    assert attribute(html, "data-url") == "/annuaire/carte/donnees/?kind=craft"
    assert (
        '<a href="/annuaire/?kind=craft" target="_blank" rel="noopener">'
        "See the results as a list</a>"
    ) in html
    assert "main-nav" not in html


# --- The code to embed -----------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_gets_the_code_to_embed(personas, territory, who):
    response = personas.client(who).get(CODE_URL, {"sector": "velo"})

    assert response.status_code == 200


def test_the_code_embeds_the_current_search(territory):
    response = english_client().get(
        CODE_URL, {"sector": "velo", "kind": "service", "vue": "liste", "height": "600"}
    )
    html = response.content.decode()

    frame = "/annuaire/integrer/?vue=liste&sector=velo&kind=service"
    snippet = (
        f'<iframe src="{settings.SITE_URL}{frame.replace("&", "&amp;")}" title="Directory of '
        'Coops" width="100%" height="600" loading="lazy"></iframe>'
    )
    textarea = re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', html, re.S)
    assert unescape(textarea.group(1)) == snippet
    assert f'<iframe class="embed-preview" src="{frame.replace("&", "&amp;")}"' in html
    assert "1 actor found" in html
    assert '<input type="hidden" name="sector" value="velo">' in html
    assert '<input type="hidden" name="kind" value="service">' in html
    assert 'value="liste" id="id_vue_1" checked' in html


def test_a_bad_height_is_reported_and_the_default_used(territory):
    html = english_client().get(CODE_URL, {"height": "5"}).content.decode()

    assert "Ensure this value is greater than or equal to 200." in html
    assert "height=&quot;450&quot;" in html
    assert "vue=carte" in html
    assert "No filter: the whole directory." in html


# --- The actor page --------------------------------------------------------------------------


def test_the_actor_page_shows_where_the_actor_is(territory):
    html = english_client().get("/annuaire/le-fournil/").content.decode()

    assert 'data-actor-map role="region" aria-label="Map: where to find Le Fournil"' in html
    assert 'data-lat="50.629200" data-lon="3.057300" data-name="Le Fournil"' in html
    assert "vendor/leaflet/leaflet.js" in html


def test_the_actor_page_has_no_map_without_coordinates(territory):
    html = english_client().get("/annuaire/sans-adresse/").content.decode()

    assert "data-actor-map" not in html
    assert "leaflet" not in html
    assert "Not yet placed on the map." in html


def test_a_town_centre_position_is_said_to_be_approximate(db):
    actor = place(
        "Au centre", "50.629200", "3.057300", slug="centre", geocode_status="municipality"
    )

    html = english_client().get(actor.get_absolute_url()).content.decode()

    assert "Placed at the town centre: the address is approximate." in html


def test_the_json_is_plain_utf8(territory):
    body = Client().get(DATA_URL, {"bbox": "2.7,50.2,2.8,50.3", "zoom": "12"}).content

    assert '"Vélo Cité","velo-cite","Arras"'.encode() in body
