from decimal import Decimal

import pytest
from django.utils import translation

from coops.directory.models import ActorStatus
from coops.directory.selectors.duplicates import (
    distinctive_name,
    names_similar,
    possible_duplicates,
    website_variants,
)
from coops.directory.tests.factories import ActorFactory


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (msgids); French is the site's default."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

LAT, LON = Decimal("50.637000"), Decimal("3.063000")  # Lille, place du Théâtre


def test_distinctive_name_drops_legal_forms_and_small_words():
    assert distinctive_name("SCOP La Fournée") == "fournee"
    assert distinctive_name("Association Les Jardins du Cœur") == "jardins coeur"
    assert distinctive_name("La Coop") == "la coop"  # nothing distinctive: keep it all


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Boulangerie La Fournée", "boulangerie la fournee", True),
        ("SCOP La Fournée", "La Fournée", True),
        ("Épicerie Vrac & Co", "Epicerie Vrac et Co", True),
        ("La Fournée", "Le Fournil", False),
        ("La Fournée", "Boulangerie La Fournée", True),
        ("Garage solidaire", "Recyclerie solidaire", False),
    ],
)
def test_names_similar(a, b, similar):
    assert names_similar(a, b) is similar


def test_website_variants_cover_scheme_www_and_slash():
    variants = website_variants("http://www.Fournee.fr/")
    assert "https://fournee.fr" in variants
    assert "http://www.fournee.fr/" in variants
    assert len(variants) == 8
    assert website_variants("") == []


def test_same_siret_email_or_website_whatever_the_place():
    first = ActorFactory(name="La Fournée", siret="73282932000074", email="pain@fournee.fr",
                         website="https://www.fournee.fr/")  # fmt: skip
    ActorFactory(name="Autre chose", siret="", email="autre@example.org", website="")
    found = possible_duplicates(
        name="Tout autre nom",
        siret="732 829 320 00074",
        email=" PAIN@fournee.fr",
        website="http://fournee.fr",
    )
    assert [(d.actor, d.reasons) for d in found] == [(first, ["siret", "email", "website"])]


def test_similar_name_counts_only_within_200_m():
    near = ActorFactory(name="Boulangerie La Fournée", latitude=LAT + Decimal("0.0010"),
                        longitude=LON)  # fmt: skip  # ~111 m north
    ActorFactory(name="Boulangerie La Fournée bis", latitude=LAT + Decimal("0.0030"),
                 longitude=LON)  # fmt: skip  # ~333 m
    ActorFactory(name="Le Fournil", latitude=LAT, longitude=LON)
    found = possible_duplicates(name="La Fournée", latitude=LAT, longitude=LON)
    assert [(d.actor, d.reasons) for d in found] == [(near, ["name_nearby"])]


def test_rejected_archived_and_the_entry_itself_are_left_out():
    itself = ActorFactory(siret="73282932000074")
    ActorFactory(siret="73282932000074", status=ActorStatus.REJECTED)
    ActorFactory(siret="73282932000074", status=ActorStatus.ARCHIVED)
    pending = ActorFactory(siret="73282932000074", pending=True)
    found = possible_duplicates(siret="73282932000074", exclude_pk=itself.pk)
    assert [d.actor for d in found] == [pending]
    assert found[0].reason_labels == ["Same SIRET"]


def test_nothing_to_compare_finds_nothing(django_assert_num_queries):
    ActorFactory()
    with django_assert_num_queries(0):
        assert possible_duplicates(name="Coopérative 1") == []
