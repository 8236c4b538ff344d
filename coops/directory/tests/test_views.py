"""The directory's public pages: the list (search state in the URL) and the actor page."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.directory.forms import ActorSearchForm, search_query
from coops.directory.models import Actor, ActorKind, ActorStatus, LegalForm
from coops.directory.sections import register_actor_section, unregister_actor_section
from coops.directory.selectors import SearchParams
from coops.directory.tests.factories import (
    ActorFactory,
    LabelFactory,
    SectorFactory,
    SkillFactory,
)
from coops.groups.models import Visibility

pytestmark = pytest.mark.django_db

LIST_URL = "/annuaire/"


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def card_names(response) -> list[str]:
    return [actor.name for actor in response.context["page"]]


@pytest.fixture
def catalogue():
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    ActorFactory(
        name="Coopérative Boulangère",
        slug="cooperative-boulangere",
        kind=ActorKind.CRAFT,
        sectors=[bread],
    )
    ActorFactory(
        name="Vélo Cité",
        slug="velo-cite",
        kind=ActorKind.SERVICE,
        city="Arras",
        postcode="62000",
        department="62",
        latitude=Decimal("50.291000"),
        longitude=Decimal("2.777500"),
    )


# --- The list ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_sees_the_list(personas, catalogue, who):
    response = personas.client(who).get(LIST_URL)

    assert response.status_code == 200
    assert card_names(response) == ["Vélo Cité", "Coopérative Boulangère"]


def test_the_list_shows_cards_counts_and_facets(catalogue):
    response = english_client().get(LIST_URL, {"q": "boulangere"})
    html = response.content.decode()

    assert card_names(response) == ["Coopérative Boulangère"]
    assert "1 actor found" in html
    assert '<a href="/annuaire/cooperative-boulangere/">Coopérative Boulangère</a>' in html
    assert '<span class="tag">Craft business</span> · Lille' in html
    assert 'value="boulangerie" id="facet-sector-2">' in html
    assert '<label for="facet-sector-2">Bakery <span class="count">(1)</span></label>' in html


def test_distance_shows_on_cards_when_a_place_is_given(catalogue):
    response = english_client().get(LIST_URL, {"place": "Arras", "radius": "5"})
    html = response.content.decode()

    assert card_names(response) == ["Vélo Cité"]
    assert "1 actor found · within 5 km of Arras (62000)" in html
    distance = response.context["page"][0].distance_km
    assert f'<span class="distance">{distance:.1f} km away</span>' in html


def test_the_search_state_round_trips_through_the_url(catalogue):
    params = {
        "q": "coop",
        "place": "Lille",
        "radius": "20",
        "sector": ["alimentation"],
        "kind": ["craft", "service"],
        "sort": "distance",
        "per_page": "50",
    }
    response = english_client().get(LIST_URL, params, follow=False)
    html = response.content.decode()

    assert 'name="q" value="coop"' in html
    assert 'name="place" value="Lille"' in html
    assert 'name="radius" value="20"' in html
    assert 'name="sector" value="alimentation" id="facet-sector-1" checked' in html
    assert re.search(r'name="kind" value="craft" id="facet-kind-\d" checked', html)
    assert re.search(r'name="kind" value="service" id="facet-kind-\d" checked', html)
    assert '<option value="distance" selected>' in html
    assert '<option value="50" selected>' in html
    form = response.context["form"]
    assert form.search_params().kinds == ("craft", "service")
    # The parameters rebuild the same search.
    query = search_query(form.search_params(), place="Lille")
    again = ActorSearchForm(query)
    again.is_valid()
    assert again.search_params() == form.search_params()


def test_pagination_links_keep_the_filters(db):
    for n in range(25):
        ActorFactory(name=f"Acteur {n:02d}", sectors=[SectorFactory(slug="habitat")])

    response = english_client().get(LIST_URL, {"sector": "habitat", "sort": "name"})
    html = response.content.decode()

    assert len(response.context["page"]) == 20
    assert '<a href="?sector=habitat&amp;sort=name&amp;page=2" rel="next">' in html
    second = english_client().get(LIST_URL, {"sector": "habitat", "sort": "name", "page": "2"})
    assert card_names(second) == [f"Acteur {n:02d}" for n in range(20, 25)]


def test_active_filters_link_to_the_search_without_them(catalogue):
    response = english_client().get(LIST_URL, {"q": "velo", "kind": ["service", "craft"]})
    html = response.content.decode()

    assert '<a class="tag removable" href="?kind=service&amp;kind=craft">« velo »' in html
    assert '<a class="tag removable" href="?q=velo&amp;kind=craft">Services' in html


def test_the_map_link_keeps_the_query_string(catalogue):
    html = english_client().get(LIST_URL, {"q": "velo", "page": "1"}).content.decode()
    assert '<a href="/annuaire/carte/?q=velo">Show on a map</a>' in html


@pytest.mark.parametrize("per_page", [20, 100])
def test_the_list_runs_the_same_queries_whatever_the_page_size(
    db, django_assert_num_queries, per_page
):
    food = SectorFactory(slug="alimentation")
    sectors = [SectorFactory(parent=food) for _ in range(3)]
    skill, label = SkillFactory(), LabelFactory()
    for n in range(110):
        ActorFactory(sectors=[sectors[n % 3]], skills=[skill], labels=[label])
    client = Client()

    # The 3 ticked terms, the sector list, one facet statement (with the count) and one
    # per facet with ticked values, the best-ranked ids, their rows and their sectors.
    # On PostgreSQL, the last word is looked up in the vocabulary, and one statement
    # collects the actors within the radius, counts every facet and takes the page's ids
    # (ADR 0033), then the page's rows and their sectors.
    with django_assert_num_queries(8 if connection.vendor == "postgresql" else 11):
        response = client.get(
            LIST_URL,
            {
                "q": "cooperative",
                "place": "Lille",
                "per_page": per_page,
                "sector": "alimentation",
                "skill": skill.slug,
                "label": label.slug,
            },
        )
    assert len(response.context["page"]) == per_page


BAD_INPUT = [
    ({"radius": "abc", "place": "Lille"}, "Enter a whole number."),
    ({"radius": "-4", "place": "Lille"}, "Ensure this value is greater than or equal to 1."),
    ({"lat": "999", "lon": "3.05"}, "Your position could not be used; search by town instead."),
    ({"lat": "nan", "lon": "inf"}, "Your position could not be used; search by town instead."),
    ({"place": "Nulle-Part-sur-Mer"}, "No town called “Nulle-Part-sur-Mer” was found"),
    ({"sector": "inconnu"}, "Unknown sector “inconnu” ignored."),
    ({"skill": "x" * 500}, "2 actors found"),
    ({"kind": "martian", "legal_form": "<script>"}, "2 actors found"),
    ({"department": "ZZ'; --"}, "2 actors found"),
    ({"page": "abc"}, "2 actors found"),
    ({"page": "-1"}, "2 actors found"),
    ({"per_page": "100000"}, "Select a valid choice."),
    ({"sort": "bogus"}, "Select a valid choice."),
    ({"q": "\"' OR 1=1 -- NEAR( *"}, "0 actors found"),
    ({"q": "a" * 300}, "Ensure this value has at most 200 characters"),
]


@pytest.mark.parametrize(("query", "message"), BAD_INPUT, ids=[str(q) for q, _ in BAD_INPUT])
def test_bad_input_never_breaks_the_list(catalogue, query, message):
    response = english_client().get(LIST_URL, query)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_unusable_radius_falls_back_to_the_default(catalogue):
    response = english_client().get(LIST_URL, {"place": "Arras", "radius": "abc"})

    assert response.context["result"].radius_km == 10
    assert card_names(response) == ["Vélo Cité"]


def test_near_me_uses_the_position_sent_by_the_browser(catalogue):
    response = english_client().get(LIST_URL, {"lat": "50.2910", "lon": "2.7775", "radius": "3"})

    assert card_names(response) == ["Vélo Cité"]
    assert "within 3 km of your position" in response.content.decode()


def test_the_list_answers_only_get(catalogue):
    response = Client().post(LIST_URL, {"q": "velo"})
    assert response.status_code == 405


# --- The actor page ------------------------------------------------------------------------


@pytest.fixture
def owner():
    return UserFactory(display_name="Olga Owner")


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def client_for(personas, who, owner, staff) -> Client:
    if who in ("owner", "staff"):
        client = Client()
        client.force_login(owner if who == "owner" else staff)
        return client
    return personas.client(who)


EXPECTED = {
    ActorStatus.PUBLISHED: dict.fromkeys([*PERSONAS, "owner", "staff"], 200),
    # Signed-in members see a pending entry to give their opinion on it (moderation).
    ActorStatus.PENDING: {
        **dict.fromkeys(PERSONAS, 200),
        "anonymous": 404,
        "owner": 200,
        "staff": 200,
    },
    ActorStatus.REJECTED: {**dict.fromkeys(PERSONAS, 404), "owner": 200, "staff": 200},
}
MATRIX = [(status, who) for status, row in EXPECTED.items() for who in row]


@pytest.mark.parametrize(("status", "who"), MATRIX, ids=[f"{s}-{w}" for s, w in MATRIX])
def test_actor_page_authorisation(personas, owner, staff, status, who):
    actor = ActorFactory(
        name="Atelier Soudure",
        slug="atelier-soudure",
        status=status,
        published_at=None,
        owners=[owner],
        group=personas.group,
    )
    client = client_for(personas, who, owner, staff)

    response = client.get(actor.get_absolute_url())

    assert response.status_code == EXPECTED[status][who]
    if response.status_code == 200:
        banner = 'data-testid="status-banner"' in response.content.decode()
        assert banner is (status != ActorStatus.PUBLISHED)
    denied = client.post(actor.get_absolute_url(), {"name": "Pirate"})
    assert denied.status_code == 405
    assert Actor.objects.get(pk=actor.pk).name == "Atelier Soudure"


def test_unknown_actor_is_404(db):
    assert Client().get("/annuaire/nobody-here/").status_code == 404


def test_an_archived_actor_is_hidden_from_the_public(owner):
    actor = ActorFactory(status=ActorStatus.ARCHIVED, owners=[owner])
    assert Client().get(actor.get_absolute_url()).status_code == 404


def test_the_owner_sees_the_pending_banner_in_words(owner):
    owner.language = "en"
    owner.save()
    actor = ActorFactory(pending=True, owners=[owner])
    client = Client()
    client.force_login(owner)

    html = client.get(actor.get_absolute_url()).content.decode()

    assert (
        "This entry is pending moderation: it is not public yet; signed-in members see it to "
        "give their opinion." in html
    )


@pytest.fixture
def full_actor(personas):
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    return ActorFactory(
        name="Coopérative Boulangère",
        slug="cooperative-boulangere",
        description="Pain au levain.\n\nCuit au feu de bois.",
        kind=ActorKind.CRAFT,
        legal_form=LegalForm.SCOP,
        siret="73282932000074",
        sectors=[bread],
        skills=[SkillFactory(slug="fournil", name="Fournil", name_en="Bakehouse")],
        labels=[LabelFactory(slug="bio", name="Agriculture biologique", name_en="Organic")],
        street="12 rue de Gand",
        postcode="59800",
        email="bonjour@boulangere.example.org",
        telephone="03 20 12 34 56",
        website="https://www.boulangere.example.org/",
        opening_hours="Tu-Sa 07:00-13:00; Su,Mo off",
        group=personas.group,
    )


def test_the_actor_page_shows_everything_public(full_actor):
    html = english_client().get(full_actor.get_absolute_url()).content.decode()

    assert "<h1>Coopérative Boulangère</h1>" in html
    assert "<p>Pain au levain.</p>\n\n<p>Cuit au feu de bois.</p>" in html
    assert '<dd data-testid="siret">732 829 320 00074</dd>' in html
    assert (
        '<a href="/annuaire/?sector=alimentation">Food</a> › '
        '<a href="/annuaire/?sector=boulangerie">Bakery</a>'
    ) in html
    assert '<a class="tag" href="/annuaire/?skill=fournil">Bakehouse</a>' in html
    assert '<a class="tag" href="/annuaire/?label=bio">Organic</a>' in html
    assert "<address>12 rue de Gand<br>59800 Lille</address>" in html
    assert (
        '<a href="mailto:bonjour@boulangere.example.org">bonjour@boulangere.example.org</a>'
    ) in html
    assert '<a href="tel:0320123456">03 20 12 34 56</a>' in html
    assert (
        '<a href="https://www.boulangere.example.org/" rel="nofollow noopener">'
        "boulangere.example.org</a>"
    ) in html
    assert '<th scope="row">Tuesday to Saturday</th><td>07:00–13:00</td>' in html
    assert '<th scope="row">Sunday, Monday</th><td>Closed</td>' in html
    assert '<a href="/g/amap-des-weppes/">AMAP des Weppes</a>' in html


def test_a_members_only_group_is_not_shown_to_the_public(full_actor, personas):
    personas.group.visibility = Visibility.MEMBERS
    personas.group.save()

    public = english_client().get(full_actor.get_absolute_url()).content.decode()
    member = personas.client("member").get(full_actor.get_absolute_url()).content.decode()

    assert "AMAP des Weppes" not in public
    assert '<a href="/g/amap-des-weppes/">AMAP des Weppes</a>' in member


def test_unparsed_opening_hours_are_shown_as_written(db):
    actor = ActorFactory(opening_hours="Mo-Fr 09:00-18:00; PH off; Jan-Mar Sa 10:00-12:00")
    html = english_client().get(actor.get_absolute_url()).content.decode()
    assert "<p>Mo-Fr 09:00-18:00; PH off; Jan-Mar Sa 10:00-12:00</p>" in html


@pytest.fixture
def charter_section(settings):
    templates = [{**settings.TEMPLATES[0]}]
    templates[0]["APP_DIRS"] = False
    templates[0]["OPTIONS"] = {
        **templates[0]["OPTIONS"],
        "loaders": [
            (
                "django.template.loaders.locmem.Loader",
                {
                    "tests/charter.html": (
                        '<section class="card" data-testid="charter"><h2>Charte</h2>'
                        "<p>{{ actor.name }} a signé la version {{ version }}.</p></section>"
                    )
                },
            ),
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = templates

    def context(actor, request):
        return {"version": 3} if actor.legal_form == LegalForm.SCOP else None

    register_actor_section("test-charter", "tests/charter.html", context=context, order=10)
    yield
    unregister_actor_section("test-charter")


def test_registered_sections_are_added_to_the_page(charter_section, full_actor):
    other = ActorFactory(legal_form=LegalForm.ASSOCIATION)

    signed = english_client().get(full_actor.get_absolute_url()).content.decode()
    unsigned = english_client().get(other.get_absolute_url()).content.decode()

    assert "<p>Coopérative Boulangère a signé la version 3.</p>" in signed
    assert 'data-testid="charter"' not in unsigned


def test_query_string_helper_builds_a_shareable_url():
    params = SearchParams(q="vrac", kinds=("shop",), sectors=("alimentation",), sort="newest")
    assert search_query(params).urlencode() == urlencode(
        {"q": "vrac", "sector": "alimentation", "kind": "shop", "sort": "newest"}
    )
    assert reverse("directory:list") == LIST_URL
