from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from stdnum.fr import siret as stdnum_siret

from coops.directory.models import Actor, ActorStatus, GeocodeStatus
from coops.directory.seed import SIREN_STEP, SOURCE, Generator, de, seed_actors, siret_for
from coops.directory.services import actor_reindex, department_from_postcode
from coops.directory.taxonomy import load_taxonomy
from coops.directory.tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

# Metropolitan France with Corsica: the towns the offline list ships.
LAT_RANGE, LON_RANGE = (41.3, 51.1), (-5.2, 9.6)


def test_seed_creates_exactly_n_plausible_actors():
    result = seed_actors(count=300, seed=1, batch_size=128)

    assert (result.created, result.skipped) == (300, 0)
    actors = list(Actor.objects.filter(source=SOURCE).prefetch_related("sectors"))
    assert len(actors) == 300
    sirets = [a.siret for a in actors if a.siret]
    assert len(sirets) > 200
    assert len(set(sirets)) == len(sirets)
    assert all(stdnum_siret.is_valid(s) for s in sirets)
    now = timezone.now()
    for actor in actors:
        assert LAT_RANGE[0] < actor.latitude < LAT_RANGE[1], actor.name
        assert LON_RANGE[0] < actor.longitude < LON_RANGE[1], actor.name
        assert actor.geocode_status in {GeocodeStatus.ADDRESS, GeocodeStatus.MUNICIPALITY}
        assert bool(actor.street) == (actor.geocode_status == GeocodeStatus.ADDRESS)
        assert actor.department == department_from_postcode(actor.postcode) != ""
        assert len(actor.sectors.all()) in (1, 2)
        assert actor.created_at == actor.updated_at < now
        if actor.status == ActorStatus.PUBLISHED:
            assert actor.created_at <= actor.published_at <= now
        else:
            assert (actor.status, actor.published_at) == (ActorStatus.PENDING, None)
        assert not actor.email or actor.email.endswith(".example.org")
        assert actor.description.endswith(".")
        assert 1 <= len(actor.description.split(". ")) <= 3
    pending = sum(a.status == ActorStatus.PENDING for a in actors)
    assert 0 < pending < 30
    oldest = min(a.created_at for a in actors)
    assert oldest < now - timedelta(days=365)
    food = Actor.objects.filter(source=SOURCE, sectors__path__startswith="alimentation/")
    assert food.distinct().count() > 80


def test_seeded_rows_pass_model_validation_and_match_the_reindexed_text():
    seed_actors(count=60, seed=2)

    for actor in Actor.objects.filter(source=SOURCE):
        actor.full_clean()
        stored = actor.search_text
        assert actor_reindex(actor=actor).search_text == stored


def test_a_rerun_skips_existing_actors_and_adds_only_the_new_ones():
    seed_actors(count=40, seed=5, batch_size=16)
    first_ids = set(Actor.objects.values_list("pk", flat=True))

    again = seed_actors(count=40, seed=5, batch_size=16)
    more = seed_actors(count=55, seed=5, batch_size=16)

    assert (again.created, again.skipped) == (0, 40)
    assert (more.created, more.skipped) == (15, 40)
    assert Actor.objects.count() == 55
    assert first_ids < set(Actor.objects.values_list("pk", flat=True))
    assert Actor.objects.values("source_id").distinct().count() == 55


def test_the_batch_size_does_not_change_what_is_generated():
    def snapshot():
        return sorted(
            Actor.objects.values_list("source_id", "name", "siret", "latitude", "description")
        )

    seed_actors(count=30, seed=3, batch_size=7)
    small_batches = snapshot()
    Actor.objects.all().delete()
    seed_actors(count=30, seed=3, batch_size=1000)

    assert snapshot() == small_batches


def test_terms_are_linked_through_the_through_tables():
    load_taxonomy()
    generator = Generator(seed=9)
    expected = [generator.build(i)[1] for i in range(20)]

    seed_actors(count=20, seed=9)

    for i, terms in enumerate(expected):
        actor = Actor.objects.get(source_id=f"9-{i}")
        assert sorted(actor.sectors.values_list("pk", flat=True)) == sorted(terms["sectors"])
        assert sorted(actor.skills.values_list("pk", flat=True)) == sorted(terms["skills"])
        assert sorted(actor.labels.values_list("pk", flat=True)) == sorted(terms["labels"])
        assert sorted(actor.tags.values_list("pk", flat=True)) == sorted(terms["tags"])


def test_departments_limit_the_towns():
    seed_actors(count=60, seed=4, departments={"59", "62"})

    assert set(Actor.objects.values_list("department", flat=True)) == {"59", "62"}
    with pytest.raises(ValueError, match="no commune"):
        seed_actors(count=1, seed=4, departments={"99"})


def test_a_hand_made_slug_is_not_taken_over():
    load_taxonomy()
    slug = Generator(seed=6).build(0)[0].slug
    ActorFactory(slug=slug)

    seed_actors(count=1, seed=6)

    assert Actor.objects.get(source=SOURCE).slug == f"{slug}-seed"


def test_made_up_sirets_are_valid_and_distinct():
    sirets = [siret_for(i, seed=7) for i in range(5000)]

    assert len(set(sirets)) == 5000
    assert all(stdnum_siret.is_valid(s) for s in sirets)
    assert not any(s.startswith("356000000") for s in sirets)


@pytest.mark.parametrize(
    ("town", "expected"),
    [
        ("Lille", "de Lille"),
        ("Arras", "d'Arras"),
        ("Évreux", "d'Évreux"),
        ("Hazebrouck", "d'Hazebrouck"),
        ("Le Havre", "du Havre"),
        ("La Rochelle", "de La Rochelle"),
    ],
)
def test_town_names_are_elided(town, expected):
    assert de(town) == expected


def test_the_command_reports_what_it_did():
    out = StringIO()
    call_command("coops_seed_directory", "--actors", "25", "--seed", "4", stdout=out)
    call_command("coops_seed_directory", "--actors", "25", "--seed", "4", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("25 actors created, 0 already there, in ")
    assert lines[1].startswith("0 actors created, 25 already there, in ")
    assert Actor.objects.count() == 25
    with pytest.raises(CommandError, match="--batch at least 1"):
        call_command("coops_seed_directory", "--actors", "5", "--batch", "0")
    with pytest.raises(CommandError, match="no commune"):
        call_command("coops_seed_directory", "--actors", "5", "--departments", "99")


def test_generated_names_keep_clear_of_hand_made_actors():
    load_taxonomy()
    names = [Generator(seed=8).build(i)[0].name for i in range(10)]
    for name in names:
        ActorFactory(name=name)

    seed_actors(count=10, seed=8)

    generated = set(Actor.objects.filter(source=SOURCE).values_list("name", flat=True))
    assert not generated & set(names)


def test_la_poste_siren_gets_la_poste_rule():
    index = ((35_600_000 - 12_345_678) * pow(SIREN_STEP, -1, 10**8)) % 10**8

    siret = siret_for(index, seed=0)

    assert siret.startswith("356000000")
    assert stdnum_siret.is_valid(siret)
    assert sum(map(int, siret)) % 5 == 0
