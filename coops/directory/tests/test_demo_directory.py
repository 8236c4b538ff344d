from decimal import Decimal

import pytest

from coops.accounts.demo import load_people
from coops.core.demo import DemoContext
from coops.core.models import Event
from coops.directory.demo import GENERATED, REGION, load_directory
from coops.directory.models import Actor, ActorStatus, GeocodeStatus, Skill
from coops.groups.demo import load_groups


@pytest.fixture
def territory(db):
    lines: list[str] = []
    ctx = DemoContext(log=lines.append)
    load_people(ctx)
    load_groups(ctx)
    load_directory(ctx)
    return ctx, lines


def test_the_directory_step_writes_the_hand_written_actors(territory):
    ctx, _lines = territory
    hand_written = Actor.objects.exclude(source="seed")

    assert hand_written.count() == 42
    assert set(ctx.extra["actors"]) >= {"ferme-vandamme", "amap-des-weppes", "grand-panier"}
    assert set(hand_written.filter(status=ActorStatus.PENDING).values_list("name", flat=True)) == {
        "Monnaie locale de la métropole lilloise",
        "Ferme de la Motte",
        "Atelier Métal & Bois",
    }
    farm = Actor.objects.get(name="Ferme Vandamme")
    assert (farm.city, farm.postcode, farm.department) == ("Wavrin", "59136", "59")
    assert (farm.latitude, farm.longitude) == (Decimal("50.566000"), Decimal("2.920500"))
    assert farm.group == ctx.groups["amap-des-weppes"]
    assert list(farm.owners.all()) == [ctx.users["bernard"]]
    assert [s.path for s in farm.sectors.all()] == ["alimentation/maraichage"]
    assert [label.slug for label in farm.labels.all()] == ["agriculture-biologique"]
    assert "alimentation et agriculture" in farm.search_text
    assert "market gardening" in farm.search_text
    unlocated = Actor.objects.get(name="Ferme de la Motte")
    assert (unlocated.geocode_status, unlocated.latitude) == (GeocodeStatus.TO_GEOLOCATE, None)
    bethune = Actor.objects.get(name="Repair café de Béthune")
    assert bethune.geocode_status == GeocodeStatus.MUNICIPALITY
    assert all(a.siret and a.email.endswith("@example.org") for a in hand_written)
    created = Event.objects.filter(verb="directory.actor_created")
    assert created.count() == 42
    assert created.filter(actor=ctx.users["bernard"]).count() == 1


def test_the_directory_step_adds_generated_actors_in_the_region(territory):
    _ctx, lines = territory
    generated = Actor.objects.filter(source="seed")

    assert generated.count() == GENERATED
    assert set(generated.values_list("department", flat=True)) == set(REGION)
    sirets = list(Actor.objects.exclude(siret="").values_list("siret", flat=True))
    assert len(sirets) == len(set(sirets))
    hand_written_names = set(Actor.objects.exclude(source="seed").values_list("name", flat=True))
    assert not generated.filter(name__in=hand_written_names).exists()
    assert lines[-1].startswith(
        "directory: 83 sectors, 43 skills, 11 labels; 42 hand-written actors (3 pending), "
        f"{GENERATED} generated in "
    )


def test_commissions_gather_their_skills(territory):
    ctx, _lines = territory

    assert set(
        Skill.objects.filter(commission=ctx.groups["commission-numerique"]).values_list(
            "slug", flat=True
        )
    ) == {"developpement-web", "administration-systemes", "depannage-informatique"}
    assert set(
        Skill.objects.filter(commission=ctx.groups["commission-juridique"]).values_list(
            "slug", flat=True
        )
    ) == {"droit-cooperatif", "droit-associatif"}
