from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from coops.accounts.tests.factories import UserFactory
from coops.core.geocoding import GeocodeResult
from coops.core.models import Event
from coops.directory.indexing import fold
from coops.directory.models import Actor, ActorKind, ActorStatus, GeocodeStatus, LegalForm
from coops.directory.services import (
    actor_create,
    actor_reindex,
    department_from_postcode,
    legal_form_words,
)
from coops.directory.services import actors as services
from coops.directory.tests.factories import (
    ActorFactory,
    LabelFactory,
    SectorFactory,
    SkillFactory,
    TagFactory,
)


@pytest.mark.parametrize(
    ("postcode", "department"),
    [
        ("59000", "59"),
        ("02100", "02"),
        ("75011", "75"),
        ("20000", "2A"),
        ("20169", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97400", "974"),
        ("97133", "971"),
        ("97600", "976"),
        (" 62000 ", "62"),
        ("5900", ""),
        ("59 000", ""),
        ("", ""),
    ],
)
def test_department_from_postcode(postcode, department):
    assert department_from_postcode(postcode) == department


@pytest.fixture
def user(db):
    return UserFactory(display_name="Karim Benali")


@pytest.fixture
def bakery(db):
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    return SectorFactory(
        slug="boulangerie", name="Boulangerie et meunerie", name_en="Bakery", parent=food
    )


def _create(user, **fields):
    values = {
        "name": "Le Levain de Wazemmes",
        "kind": ActorKind.CRAFT,
        "legal_form": LegalForm.SCOP,
        "postcode": "59000",
        "city": "Lille",
    }
    return actor_create(acting_user=user, **(values | fields))


def test_actor_create_geocodes_the_town_and_indexes_the_terms(user, bakery):
    skill = SkillFactory(slug="panification", name="Panification au levain", name_en="Sourdough")
    label = LabelFactory(slug="ab", name="Agriculture biologique", name_en="Organic farming")
    tag = TagFactory(slug="vrac", name="vrac")

    actor = _create(
        user,
        description="Pains cuits au feu de bois.",
        street="41 rue Gambetta",
        siret="732 829 320 00074",
        status=ActorStatus.PUBLISHED,
        sectors=[bakery],
        skills=[skill],
        labels=[label],
        tags=[tag],
        owners=[user],
    )

    actor.refresh_from_db()
    assert (actor.latitude, actor.longitude) == (Decimal("50.629200"), Decimal("3.057300"))
    assert actor.geocode_status == GeocodeStatus.MUNICIPALITY
    assert (actor.department, actor.siret, actor.slug) == (
        "59",
        "73282932000074",
        "le-levain-de-wazemmes",
    )
    assert actor.published_at is not None
    assert list(actor.owners.all()) == [user]
    assert actor.search_text.startswith("le levain de wazemmes lille scop")
    for words in (
        "alimentation food boulangerie et meunerie bakery",
        "panification au levain sourdough agriculture biologique organic farming vrac",
        "pains cuits au feu de bois.",
    ):
        assert words in actor.search_text
    event = Event.objects.get(verb="directory.actor_created")
    assert (event.actor, event.target_id) == (user, str(actor.pk))
    assert event.data["after"]["geocode_status"] == "municipality"
    assert event.data["after"]["siret"] == "73282932000074"


def test_actor_create_fills_the_town_from_a_postcode_alone(user):
    actor = _create(user, city="", postcode="62000")

    assert (actor.city, actor.department, actor.geocode_status) == (
        "Arras",
        "62",
        GeocodeStatus.MUNICIPALITY,
    )
    assert (actor.latitude, actor.longitude) == (Decimal("50.291000"), Decimal("2.777500"))


def test_actor_create_in_corsica_gets_2a(user):
    actor = _create(user, postcode="20000", city="Ajaccio")

    assert (actor.department, actor.latitude) == ("2A", Decimal("41.919200"))


def test_an_unknown_town_is_left_to_geolocate_never_at_zero(user):
    actor = _create(user, postcode="59249", city="Fromelles", latitude=0, longitude=0)

    actor.refresh_from_db()
    assert (actor.latitude, actor.longitude) == (None, None)
    assert actor.geocode_status == GeocodeStatus.TO_GEOLOCATE
    assert actor.department == "59"


def test_an_actor_abroad_is_not_geocoded_nor_given_a_department(user, monkeypatch):
    monkeypatch.setattr(services, "geocode", lambda q: pytest.fail("must not geocode"))

    actor = _create(user, postcode="75001", city="Luxembourg", country="LU")

    assert (actor.geocode_status, actor.latitude, actor.department) == (
        GeocodeStatus.TO_GEOLOCATE,
        None,
        "",
    )


def test_given_coordinates_are_kept_as_placed_by_hand(user, monkeypatch):
    monkeypatch.setattr(services, "geocode", lambda q: pytest.fail("must not geocode"))

    actor = _create(user, latitude=Decimal("50.566"), longitude=Decimal("2.9205"))

    assert (actor.latitude, actor.longitude) == (Decimal("50.566"), Decimal("2.9205"))
    assert actor.geocode_status == GeocodeStatus.MANUAL


def test_a_street_found_by_the_address_api_is_an_address(user, monkeypatch):
    queries = []

    def fake_geocode(query):
        queries.append(query)
        return GeocodeResult(
            "41 Rue Gambetta 59000 Lille", "59000", "Lille", 50.6287, 3.0512, "ban"
        )

    monkeypatch.setattr(services, "geocode", fake_geocode)

    actor = _create(user, street="41 rue Gambetta")

    assert queries == ["41 rue Gambetta 59000 Lille"]
    assert actor.geocode_status == GeocodeStatus.ADDRESS
    assert (actor.latitude, actor.longitude) == (Decimal("50.628700"), Decimal("3.051200"))


def test_a_street_unknown_to_the_offline_list_falls_back_to_the_town(user):
    actor = _create(user, street="41 rue Gambetta")

    assert actor.geocode_status == GeocodeStatus.MUNICIPALITY
    assert actor.latitude == Decimal("50.629200")


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("73282932000074", True),
        ("73282932000079", False),  # wrong Luhn checksum
        ("35600000000048", True),  # La Poste's head office: plain Luhn
        ("35600000049837", True),  # a La Poste office: digits add up to a multiple of 5
        ("35600000049838", False),
        ("7328293200007", False),
        ("7328293200007A", False),
    ],
)
def test_actor_create_checks_the_siret(user, siret, valid):
    if valid:
        assert _create(user, siret=siret).siret == siret
        return
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _create(user, siret=siret)
    assert caught.value.message_dict == {"siret": ["This SIRET is not valid: check its 14 digits."]}
    assert Actor.objects.count() == 0
    assert not Event.objects.filter(verb="directory.actor_created").exists()


def test_a_failed_validation_writes_nothing(user, bakery):
    with pytest.raises(ValidationError) as caught:
        _create(user, kind="spaceship", sectors=[bakery])

    assert "kind" in caught.value.message_dict
    assert Actor.objects.count() == 0
    assert Event.objects.filter(verb="directory.actor_created").count() == 0


def test_slugs_stay_unique(user):
    first = _create(user)
    second = _create(user)

    assert (first.slug, second.slug) == ("le-levain-de-wazemmes", "le-levain-de-wazemmes-2")


def test_a_pending_actor_has_no_publication_date(user):
    actor = _create(user, status=ActorStatus.PENDING)

    assert actor.published_at is None


def test_legal_form_words_hold_both_languages_once():
    assert legal_form_words("") == ""
    assert legal_form_words(LegalForm.SCIC).startswith("SCIC")
    words = legal_form_words(LegalForm.ASSOCIATION)
    assert "Association (loi 1901)" in words
    assert words.count("Association (loi 1901)") == 1


def test_reindex_follows_new_terms_and_ancestors(bakery):
    actor = ActorFactory(name="Fournil de la Motte", city="Wavrin", legal_form=LegalForm.SCOP)
    assert "boulangerie" not in actor.search_text

    actor.sectors.add(bakery)
    actor_reindex(actor=actor)

    actor.refresh_from_db()
    legal_form = fold(legal_form_words(LegalForm.SCOP))
    assert actor.search_text == (
        f"fournil de la motte wavrin {legal_form} alimentation food "
        "boulangerie et meunerie bakery une cooperative de l'economie sociale et solidaire."
    )


def test_no_actor_slug_shadows_a_directory_page(user):
    from coops.directory import urls
    from coops.directory.services.actors import RESERVED_SLUGS

    pages = {
        str(p.pattern).strip("/")
        for p in urls.urlpatterns
        if "<" not in str(p.pattern) and str(p.pattern).count("/") == 1
    }
    assert pages <= RESERVED_SLUGS
    actor = actor_create(acting_user=user, name="Carte", kind=ActorKind.SERVICE, country="BE")
    assert actor.slug == "carte-2"
