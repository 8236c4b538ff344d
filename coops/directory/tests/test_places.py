"""The actors' places that radius searches read on PostgreSQL (coops.directory.places):
the database's triggers keep them equal to the published, geocoded actors, with their
facet columns, tsvector and term ids, whatever writes the actors and their terms."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from coops.directory import places
from coops.directory.models import Actor, ActorStatus, GeocodeStatus

from .factories import ActorFactory, LabelFactory, SectorFactory, SkillFactory

pytestmark = pytest.mark.django_db

EXPECTED_SQL = """
SELECT a.id, a.latitude, a.longitude, a.kind, a.legal_form, a.department, a.city,
  a.search_vector::text,
  ARRAY(SELECT sector_id FROM directory_actor_sectors WHERE actor_id = a.id ORDER BY 1),
  ARRAY(SELECT skill_id FROM directory_actor_skills WHERE actor_id = a.id ORDER BY 1),
  ARRAY(SELECT label_id FROM directory_actor_labels WHERE actor_id = a.id ORDER BY 1)
FROM directory_actor a
WHERE a.status = 'published' AND a.latitude IS NOT NULL ORDER BY a.id
"""
PLACES_SQL = """
SELECT id, latitude, longitude, kind, legal_form, department, city, search_vector::text,
  sector_ids, skill_ids, label_ids
FROM directory_actor_place ORDER BY id
"""


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def assert_in_step() -> list[tuple]:
    """The places are exactly the published, geocoded actors' copies; returns them."""
    copied = rows(PLACES_SQL)
    assert copied == rows(EXPECTED_SQL)
    return copied


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the actors' places are a PostgreSQL table")


def test_inserted_changed_and_removed_actors_follow(postgresql):
    food = SectorFactory(slug="alimentation", name="Alimentation")
    bakery = SkillFactory(slug="boulangerie", name="Boulangerie")
    organic = LabelFactory(slug="bio", name="Bio")
    shop = ActorFactory(name="Épicerie du Vieux-Lille", sectors=[food], skills=[bakery])
    ActorFactory(name="En attente", pending=True)
    ActorFactory(name="Sans adresse", unlocated=True)

    (copied,) = assert_in_step()
    assert copied[0] == shop.pk
    assert copied[3:7] == ("service", "scop", "59", "Lille")
    assert copied[8:] == ([food.pk], [bakery.pk], [])
    assert "'vieux'" in copied[7]  # the tsvector of the text

    shop.city, shop.kind = "Roubaix", "shop"
    shop.latitude, shop.longitude = Decimal("50.690000"), Decimal("3.180000")
    shop.save()
    shop.labels.add(organic)
    shop.skills.remove(bakery)
    (copied,) = assert_in_step()
    assert (copied[3], copied[6], copied[10], copied[9]) == ("shop", "Roubaix", [organic.pk], [])

    shop.sectors.clear()
    shop.status = ActorStatus.PENDING
    shop.save()
    assert assert_in_step() == []

    Actor.objects.filter(pk=shop.pk).update(status=ActorStatus.PUBLISHED)
    assert len(assert_in_step()) == 1
    Actor.objects.filter(pk=shop.pk).update(
        latitude=None, longitude=None, geocode_status=GeocodeStatus.TO_GEOLOCATE
    )
    assert assert_in_step() == []


def test_bulk_writes_and_deletes_follow(postgresql):
    sector = SectorFactory(slug="mobilite", name="Mobilité")
    actors = [ActorFactory(name=f"Vélo {i}") for i in range(5)]
    through = Actor.sectors.through
    through.objects.bulk_create([through(actor=a, sector=sector) for a in actors[:3]])
    Actor.objects.filter(pk__in=[a.pk for a in actors[:2]]).update(department="62")
    assert [row[5] for row in assert_in_step()] == ["62", "62", "59", "59", "59"]
    assert [row[8] for row in assert_in_step()][:4] == [[sector.pk]] * 3 + [[]]

    through.objects.filter(actor=actors[0]).delete()
    actors[1].delete()
    assert [row[0] for row in assert_in_step()] == [a.pk for a in actors if a != actors[1]]

    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check left pending
        cursor.execute("TRUNCATE directory_actor CASCADE")
    assert assert_in_step() == []


def test_a_text_change_changes_the_copied_vector(postgresql):
    actor = ActorFactory(name="Atelier vélo")
    before = assert_in_step()[0][7]
    Actor.objects.filter(pk=actor.pk).update(search_text="ressourcerie solidaire")
    after = assert_in_step()[0][7]
    assert before != after and "'ressourcer'" in after


def test_reorder_writes_every_place_again(postgresql):
    for i in range(3):
        ActorFactory(latitude=Decimal(f"4{i}.100000"), longitude=Decimal(f"{i}.200000"))
    before = assert_in_step()
    with connection.cursor() as cursor:  # a copy gone wrong, whatever the cause
        cursor.execute("UPDATE directory_actor_place SET city = 'Ailleurs', skill_ids = '{7}'")
    out = StringIO()
    call_command("directory_reorder", stdout=out)
    assert "rewritten" in out.getvalue()
    assert assert_in_step() == before


def test_reorder_does_nothing_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL reorders")
    out = StringIO()
    call_command("directory_reorder", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert places.reorder() is False
