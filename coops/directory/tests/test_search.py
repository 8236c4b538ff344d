"""The actor search index (migration 0002) on the engine the tests run on: run this file
with DATABASE_URL=postgres://… as well; the assertions are the same on both."""

import importlib

import pytest
from django.db import connection

from coops.core import search
from coops.core.search import search_filter
from coops.directory.models import Actor
from coops.directory.selectors import ACTOR_INDEX
from coops.directory.services import actor_reindex
from coops.directory.tests.factories import ActorFactory, SectorFactory, SkillFactory

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    rows = search_filter(Actor.objects.all(), query, index=ACTOR_INDEX)
    return list(rows.order_by("-search_rank", "name").values_list("name", flat=True))


@pytest.fixture
def actors():
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    market = SectorFactory(slug="maraichage", name="Maraîchage", name_en="Market gardening",
                           parent=food)  # fmt: skip
    ActorFactory(
        name="Coopérative Boulangère",
        description="Pain au levain cuit au feu de bois.",
        city="Lille",
        sectors=[bread],
    )
    ActorFactory(
        name="Les Jardins de Cocagne",
        description="Paniers de légumes bio en insertion.",
        city="Roubaix",
        sectors=[market],
        skills=[SkillFactory(slug="permaculture", name="Permaculture", name_en="Permaculture")],
    )
    ActorFactory(name="Vélo Cité", description="Atelier de réparation de vélos.", city="Arras")


def test_the_migration_installed_the_index():
    assert search.index_problems(ACTOR_INDEX) == []


def test_accents_and_case_are_ignored(actors):
    assert found("cooperative boulangere") == ["Coopérative Boulangère"]
    assert found("Coopérative BOULANGÈRE") == ["Coopérative Boulangère"]
    assert found("velo cite") == ["Vélo Cité"]


def test_the_last_word_is_a_prefix(actors):
    assert found("boulang") == ["Coopérative Boulangère"]
    assert found("cooperative boul") == ["Coopérative Boulangère"]
    assert found("repar") == ["Vélo Cité"]


def test_taxonomy_names_are_searchable_in_both_languages(actors):
    assert found("maraichage") == ["Les Jardins de Cocagne"]
    assert found("market gardening") == ["Les Jardins de Cocagne"]
    assert found("permaculture") == ["Les Jardins de Cocagne"]
    # A parent sector's name finds the actors of its children.
    assert sorted(found("alimentation")) == ["Coopérative Boulangère", "Les Jardins de Cocagne"]


def test_ranking_puts_the_actor_most_about_the_words_first(db):
    ActorFactory(name="Atelier Vélo", description="Vélos d'occasion, réparation de vélos.")
    ActorFactory(name="Maison des associations", description="On y trouve aussi un atelier vélo.")
    ActorFactory(name="AMAP du Vieux-Lille", description="Paniers de légumes.")

    assert found("velo") == ["Atelier Vélo", "Maison des associations"]


def test_the_index_follows_edits_and_deletions(actors):
    actor = Actor.objects.get(name="Vélo Cité")
    actor.name = "Cyclofficine"
    actor.save()
    actor_reindex(actor=actor)

    assert found("cyclofficine") == ["Cyclofficine"]
    assert found("cite") == []

    actor.delete()
    assert found("cyclofficine") == []


def test_unpublished_actors_are_indexed_but_filtered_by_the_caller(actors):
    ActorFactory(name="Boulangerie en attente", pending=True)
    assert sorted(found("boulang")) == ["Boulangerie en attente", "Coopérative Boulangère"]
    published = search_filter(Actor.objects.published(), "boulang", index=ACTOR_INDEX)
    assert list(published.values_list("name", flat=True)) == ["Coopérative Boulangère"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_and_applies_again():
    migration = importlib.import_module("coops.directory.migrations.0002_search_index")
    ActorFactory(name="Coopérative Boulangère")

    with connection.schema_editor() as editor:
        migration.backwards(None, editor)
    missing = search.index_problems(ACTOR_INDEX)
    with connection.schema_editor() as editor:
        migration.forwards(None, editor)

    if connection.vendor == "sqlite":
        assert missing == [
            "directory_actor_fts",
            "directory_actor_fts_ad",
            "directory_actor_fts_ai",
            "directory_actor_fts_au",
        ]
    else:
        assert missing == [
            "directory_actor_name_trgm",
            "directory_actor_search_text_tsv",
            "directory_actor_words",
            "directory_actor_words_ai",
            "directory_actor_words_au",
            "search_vector",
        ]
        # Dropping the column dropped the cells and text index of 0006 with it.
        cells_text = importlib.import_module("coops.directory.migrations.0006_cells_text_index")
        with connection.schema_editor() as editor:
            cells_text.forwards(None, editor)
    assert search.index_problems(ACTOR_INDEX) == []
    # Rows written before the index was created are found (SQLite rebuilds the table).
    assert found("boulangere") == ["Coopérative Boulangère"]
