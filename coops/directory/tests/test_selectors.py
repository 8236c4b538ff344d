"""actor_search: text, facets with exact counts, radius, sorting, pagination."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from coops.core.geo import Point, haversine_km
from coops.directory.models import ActorKind, LegalForm, Sector
from coops.directory.selectors import (
    SearchParams,
    actor_search,
    effective_sort,
    opening_hours_rows,
    sector_chains,
)
from coops.directory.tests.factories import (
    ActorFactory,
    LabelFactory,
    SectorFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

LILLE = Point(50.6292, 3.0573)


def names(result) -> list[str]:
    return [actor.name for actor in result.page]


def by_name(**params) -> list[str]:
    return names(actor_search(SearchParams(sort="name", **params)))


def counts(result, facet: str) -> dict[str, int]:
    (found,) = [f for f in result.facets if f.param == facet]
    return {option.value: option.count for option in found.options}


@pytest.fixture
def network():
    """Five actors, one of them pending; sectors two levels deep."""
    food = SectorFactory(slug="alimentation", name="Alimentation")
    market = SectorFactory(slug="maraichage", name="Maraîchage", parent=food)
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", parent=food)
    transport = SectorFactory(slug="mobilite", name="Mobilité")
    SectorFactory(slug="habitat", name="Habitat")  # nobody in it
    organic = LabelFactory(slug="bio", name="Agriculture biologique")
    permaculture = SkillFactory(slug="permaculture", name="Permaculture")
    ActorFactory(
        name="Les Jardins de Cocagne",
        kind=ActorKind.PRODUCER,
        legal_form=LegalForm.ASSOCIATION,
        city="Lille",
        sectors=[market],
        labels=[organic],
        skills=[permaculture],
    )
    ActorFactory(  # in two children of "alimentation": counted once there
        name="Coopérative Boulangère",
        kind=ActorKind.CRAFT,
        legal_form=LegalForm.SCOP,
        city="Roubaix",
        postcode="59100",
        sectors=[bread, market],
        labels=[organic],
    )
    ActorFactory(
        name="Vélo Cité",
        kind=ActorKind.SERVICE,
        legal_form=LegalForm.SCIC,
        city="Arras",
        postcode="62000",
        department="62",
        sectors=[transport],
    )
    ActorFactory(
        name="Épicerie du Nord",
        kind=ActorKind.SHOP,
        legal_form=LegalForm.CONSUMER_COOP,
        city="Lille",
        sectors=[food],
    )
    ActorFactory(name="Boulangerie en attente", pending=True, sectors=[bread])


def test_only_published_actors_newest_first_by_default(network):
    result = actor_search(SearchParams())

    assert names(result) == [
        "Épicerie du Nord",
        "Vélo Cité",
        "Coopérative Boulangère",
        "Les Jardins de Cocagne",
    ]
    assert result.sort == "newest"
    assert result.total == 4


def test_facet_counts_are_exact(network):
    result = actor_search(SearchParams())

    # An actor counts under every ancestor of its sectors, once.
    assert counts(result, "sector") == {
        "alimentation": 3,
        "boulangerie": 1,
        "maraichage": 2,
        "mobilite": 1,
    }
    assert counts(result, "kind") == {"craft": 1, "producer": 1, "service": 1, "shop": 1}
    assert counts(result, "legal_form") == {
        "association": 1,
        "coop_conso": 1,
        "scic": 1,
        "scop": 1,
    }
    assert counts(result, "department") == {"59": 3, "62": 1}
    assert list(counts(result, "city").items()) == [("Lille", 2), ("Arras", 1), ("Roubaix", 1)]
    assert counts(result, "label") == {"bio": 2}
    assert counts(result, "skill") == {"permaculture": 1}


def test_sector_facet_is_in_tree_order_with_depths(network):
    result = actor_search(SearchParams())
    (sectors,) = [f for f in result.facets if f.param == "sector"]

    assert [(o.label, o.depth) for o in sectors.options] == [
        ("Alimentation", 0),
        ("Boulangerie", 1),
        ("Maraîchage", 1),
        ("Mobilité", 0),
    ]


def test_a_facet_counts_with_every_filter_but_its_own(network):
    result = actor_search(SearchParams(kinds=("producer",)))

    assert names(result) == ["Les Jardins de Cocagne"]
    # Other kinds stay countable, so ticking one more shows what it adds.
    assert counts(result, "kind") == {"craft": 1, "producer": 1, "service": 1, "shop": 1}
    assert counts(result, "sector") == {"alimentation": 1, "maraichage": 1}
    assert counts(result, "city") == {"Lille": 1}


def test_filters_combine_or_within_a_facet_and_across_facets(network):
    assert by_name(sectors=("alimentation",), departments=("59",)) == [
        "Coopérative Boulangère",
        "Épicerie du Nord",
        "Les Jardins de Cocagne",
    ]
    assert by_name(sectors=("alimentation",), kinds=("craft", "shop")) == [
        "Coopérative Boulangère",
        "Épicerie du Nord",
    ]
    assert by_name(sectors=("mobilite",), labels=("bio",)) == []
    assert by_name(skills=("permaculture",), cities=("Lille",)) == ["Les Jardins de Cocagne"]
    assert by_name(legal_forms=("scop", "scic")) == [
        "Coopérative Boulangère",
        "Vélo Cité",
    ]


def test_a_sector_includes_its_subsectors(network):
    assert by_name(sectors=("alimentation",)) == [
        "Coopérative Boulangère",
        "Épicerie du Nord",
        "Les Jardins de Cocagne",
    ]
    assert names(actor_search(SearchParams(sectors=("boulangerie",)))) == ["Coopérative Boulangère"]


def test_text_and_facets_together(network):
    result = actor_search(SearchParams(q="boulangere", departments=("59",)))

    assert names(result) == ["Coopérative Boulangère"]
    assert result.sort == "relevance"
    assert counts(result, "department") == {"59": 1}
    assert counts(result, "sector") == {"alimentation": 1, "boulangerie": 1, "maraichage": 1}


def test_unknown_slugs_are_left_out_and_named(network):
    with translation.override("en"):
        result = actor_search(SearchParams(sectors=("inconnu", "mobilite"), skills=("jonglage",)))

    assert names(result) == ["Vélo Cité"]
    assert result.ignored == [
        "Unknown sector “inconnu” ignored.",
        "Unknown skill “jonglage” ignored.",
    ]


def test_a_selected_term_without_matches_stays_listed_to_be_unticked(network):
    result = actor_search(SearchParams(q="velo", labels=("bio",)))

    assert names(result) == []
    (labels,) = [f for f in result.facets if f.param == "label"]
    assert [(o.value, o.count, o.selected) for o in labels.options] == [("bio", 0, True)]


def north_of(point: Point, km: float) -> Decimal:
    return Decimal(str(round(point.lat + km / 111.19508, 6)))


def test_radius_keeps_actors_within_the_distance_sorted_by_distance(db):
    ActorFactory(name="À 11 km", latitude=north_of(LILLE, 11), longitude=Decimal("3.057300"))
    ActorFactory(name="À 9 km", latitude=north_of(LILLE, 9), longitude=Decimal("3.057300"))
    ActorFactory(name="Au centre", latitude=Decimal("50.629200"), longitude=Decimal("3.057300"))
    ActorFactory(name="Sans position", unlocated=True)

    result = actor_search(SearchParams(point=LILLE, radius_km=10))

    assert names(result) == ["Au centre", "À 9 km"]
    assert result.sort == "distance"
    distances = [round(actor.distance_km, 3) for actor in result.page]
    assert distances == [0.0, 9.0]
    eleven = actor_search(SearchParams(point=LILLE, radius_km=12))
    assert [round(a.distance_km, 3) for a in eleven.page] == [0.0, 9.0, 11.0]


def test_distance_matches_the_python_haversine(db):
    actor = ActorFactory(latitude=Decimal("50.370000"), longitude=Decimal("3.080000"))
    result = actor_search(SearchParams(point=LILLE, radius_km=50))

    expected = haversine_km(LILLE, Point(50.37, 3.08))
    assert result.page[0].pk == actor.pk
    assert abs(result.page[0].distance_km - expected) < 1e-6


def test_radius_prefilters_on_a_bounding_box(db):
    ActorFactory(name="Au centre")
    with CaptureQueriesContext(connection) as queries:
        list(actor_search(SearchParams(point=LILLE, radius_km=10)).page)

    # The box is in the page's query, or (PostgreSQL) in the one that collects the ids
    # from the actors' places, where the grid cells lead and the box is compared as
    # "latitude + 0" (ADRs 0031, 0032).
    box = re.compile(r'"directory_actor(?:_place)?"\."latitude"(?: \+ [^)]+\))? >=')
    (box_sql,) = [
        q["sql"]
        for q in queries.captured_queries
        if box.search(q["sql"]) and "WITH m" not in q["sql"]
    ]
    assert re.search(r'"longitude"(?: \+ [^)]+\))? <=', box_sql)
    if connection.vendor == "postgresql":
        assert "directory_geo_cells(" in box_sql


def test_radius_across_the_antimeridian(db):
    ActorFactory(name="Taveuni", latitude=Decimal("-16.850000"), longitude=Decimal("-179.980000"))
    ActorFactory(name="Loin", latitude=Decimal("-16.850000"), longitude=Decimal("179.500000"))

    result = actor_search(SearchParams(point=Point(-16.85, 179.98), radius_km=10))

    assert names(result) == ["Taveuni"]
    assert round(result.page[0].distance_km, 2) == round(
        haversine_km(Point(-16.85, 179.98), Point(-16.85, -179.98)), 2
    )


def test_sorting(db):
    ActorFactory(name="Zéro Déchet Lille", description="Vrac, vrac et encore du vrac.")
    ActorFactory(
        name="Atelier du vrac",
        description="Du vrac pour tous.",
        latitude=north_of(LILLE, 5),
        longitude=Decimal("3.0573"),
    )
    ActorFactory(
        name="Bocal",
        description="Épicerie en vrac.",
        latitude=north_of(LILLE, 2),
        longitude=Decimal("3.0573"),
    )

    assert names(actor_search(SearchParams(q="vrac"))) == [
        "Zéro Déchet Lille",
        "Atelier du vrac",
        "Bocal",
    ]
    assert names(actor_search(SearchParams(q="vrac", point=LILLE, sort="distance"))) == [
        "Zéro Déchet Lille",
        "Bocal",
        "Atelier du vrac",
    ]
    assert names(actor_search(SearchParams(sort="newest"))) == [
        "Bocal",
        "Atelier du vrac",
        "Zéro Déchet Lille",
    ]
    assert names(actor_search(SearchParams(sort="name"))) == [
        "Atelier du vrac",
        "Bocal",
        "Zéro Déchet Lille",
    ]


def test_a_sort_that_makes_no_sense_falls_back():
    assert effective_sort(SearchParams(sort="distance")) == "newest"
    assert effective_sort(SearchParams(sort="relevance")) == "newest"
    assert effective_sort(SearchParams(q="vrac", sort="bogus")) == "relevance"
    assert effective_sort(SearchParams(point=LILLE)) == "distance"
    assert effective_sort(SearchParams(q="vrac", point=LILLE)) == "relevance"


def test_pagination_on_the_server(db):
    for n in range(25):
        ActorFactory(name=f"Acteur {n:02d}")

    first = actor_search(SearchParams(sort="name"))
    second = actor_search(SearchParams(sort="name", page="2"))
    wrong = actor_search(SearchParams(page="abc"))
    beyond = actor_search(SearchParams(page="99"))
    odd_size = actor_search(SearchParams(per_page=7))

    assert (first.total, len(first.page), first.page.paginator.num_pages) == (25, 20, 2)
    assert names(second) == [f"Acteur {n:02d}" for n in range(20, 25)]
    assert wrong.page.number == 1
    assert beyond.page.number == 2
    assert len(odd_size.page) == 20


def test_sector_chains_go_from_the_root(network):
    actor = ActorFactory(name="Ferme")
    actor.sectors.set(Sector.objects.filter(slug__in=["mobilite", "maraichage"]))

    chains = sector_chains(actor)

    assert [[s.slug for s in chain] for chain in chains] == [
        ["alimentation", "maraichage"],
        ["mobilite"],
    ]


@translation.override("en")
def test_opening_hours_in_words():
    assert opening_hours_rows("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; Su off") == [
        ("Monday to Friday", "09:00–12:00, 14:00–18:00"),
        ("Saturday", "09:00–12:00"),
        ("Sunday", "Closed"),
    ]
    assert opening_hours_rows("Tu,Th 17:00-19:00") == [("Tuesday, Thursday", "17:00–19:00")]
    assert opening_hours_rows("24/7") == [("Every day", "Open 24 hours a day")]
    assert opening_hours_rows("") == []
    # Richer syntax is shown as written.
    assert opening_hours_rows("Mo-Fr 09:00-18:00; PH off; Jan-Mar Sa 10:00-12:00") is None
    assert opening_hours_rows("sunrise-sunset") is None


@pytest.mark.parametrize("collect", [False, True])
def test_a_radius_search_finds_the_same_whether_ids_are_collected_or_not(db, monkeypatch, collect):
    from coops.directory.selectors import search as search_module

    monkeypatch.setattr(search_module, "COLLECT", collect)
    ActorFactory(name="Boulangerie du centre", description="Pain au levain")
    ActorFactory(name="Boulangerie des Weppes", description="Pain", kind=ActorKind.SHOP)
    ActorFactory(name="Garage solidaire")
    result = actor_search(SearchParams(q="boulangerie", point=LILLE, radius_km=10))
    assert sorted(names(result)) == ["Boulangerie des Weppes", "Boulangerie du centre"]
    assert result.total == 2
    kinds = {o.value: o.count for f in result.facets if f.param == "kind" for o in f.options}
    assert kinds == {"service": 1, "shop": 1}


@pytest.mark.parametrize("collect", [False, True])
def test_collected_ranks_order_results_as_the_ranking_query_does(db, monkeypatch, collect):
    from coops.directory.selectors import search as search_module

    monkeypatch.setattr(search_module, "COLLECT", collect)
    ActorFactory(name="Atelier vélo", description="Réparation")
    ActorFactory(name="Vélo école", description="Vélo, vélo et encore vélo")
    ActorFactory(name="Garage", description="Vélos et voitures", kind=ActorKind.SHOP)
    ActorFactory(name="Boulangerie", description="Pain")
    result = actor_search(SearchParams(q="velo", point=LILLE, radius_km=10, kinds=("service",)))
    ranks = [a.search_rank for a in result.page]
    assert ranks == sorted(ranks, reverse=True)
    assert names(result)[0] == "Vélo école"
    assert sorted(names(result)) == ["Atelier vélo", "Vélo école"]


def _everything(result) -> tuple:
    facets = [(f.param, [(o.value, o.count, o.selected) for o in f.options]) for f in result.facets]
    return [a.pk for a in result.page], result.total, facets, result.sort


@pytest.mark.parametrize(
    "filters",
    [
        {"q": "boulang"},
        {"q": "cooperative boulangere", "sectors": ("alimentation",)},
        {"q": "lille", "labels": ("bio",), "kinds": ("producer", "shop")},
        {"sectors": ("alimentation",), "skills": ("permaculture",)},
        {"legal_forms": ("scop", "scic"), "cities": ("Roubaix", "Arras")},
        {"q": "les", "sectors": ("maraichage", "mobilite"), "departments": ("59",)},
        {"q": "absent"},
    ],
)
def test_a_collected_search_gives_what_the_filtering_statements_give(network, monkeypatch, filters):
    """On PostgreSQL a radius search collects its actors once, and one statement filters
    and counts them and takes the page (ADR 0033); with COLLECT off, the statements
    filter the actors. Page, order, total and every facet count must be the same."""
    from coops.directory.selectors import search as search_module

    params = SearchParams(point=LILLE, radius_km=80, per_page=20, **filters)
    collected = _everything(actor_search(params))
    monkeypatch.setattr(search_module, "COLLECT", False)
    filtered = _everything(actor_search(params))
    assert collected == filtered
    assert collected[1] == len(collected[0])


@pytest.mark.parametrize("page", [1, 2, 3, 99, 10**20, "suivante"])
def test_collected_pages_are_the_filtering_statements_pages(db, monkeypatch, page):
    """The collecting statement reads the page asked for with the counts; another page
    (past the last one, or not a number) is read after them. Same rows, order and ranks."""
    from coops.directory.selectors import search as search_module

    for i in range(45):
        kind = ActorKind.SHOP if i % 3 else ActorKind.CRAFT
        ActorFactory(name=f"Boulangerie {i}", description="pain " * (i % 7), kind=kind)
    ActorFactory(name="Garage solidaire")
    params = SearchParams(q="boulangerie pain", point=LILLE, radius_km=20, page=page)
    with CaptureQueriesContext(connection) as queries:
        collected = actor_search(params)
        list(collected.page)
    if connection.vendor == "postgresql":
        pages = [q["sql"] for q in queries.captured_queries if "'page' AS f" in q["sql"]]
        with_counts = ["'total' AS f" in sql for sql in pages]
        # Past the last page, the paginator asks for the last one after the counts.
        assert with_counts == ([True] if page in (1, 2, "suivante") else [True, False])
    monkeypatch.setattr(search_module, "COLLECT", False)
    filtered = actor_search(params)
    assert collected.total == filtered.total == 38  # without "pain" (i % 7 == 0): 7 out
    assert collected.page.number == filtered.page.number
    ranked = [(a.pk, a.search_rank) for a in collected.page]
    assert ranked == [(a.pk, pytest.approx(a.search_rank)) for a in filtered.page]
    assert len(ranked) == (20 if page in (1, "suivante") else 18)


def test_the_facet_cache_key_tells_parameters_apart():
    from coops.directory.selectors.facets import _digest

    def key(*params):
        return _digest("default", "SELECT 1", list(params))

    assert key([1, 2], "a") == key([1, 2], "a")
    different = [
        key([1, 2], "a"),
        key([1, 3], "a"),
        key([1], [2], "a"),
        key([], "a"),
        key([1, 2], "a", "scop"),
        key([1, 2], ["a", "b"]),
        key([1, 2], ["ab", ""]),
        key([1, 2], 3),
        key([1, 2], "3"),
        key([1, 1], "3"),
        key([1, True], "3"),
    ]
    assert len(set(different)) == len(different)
