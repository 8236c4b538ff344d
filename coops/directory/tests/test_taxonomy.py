import json

import pytest

from coops.core.models import Event
from coops.directory.models import Label, Sector, Skill, Tag
from coops.directory.taxonomy import index_terms, load_taxonomy, read_taxonomy

pytestmark = pytest.mark.django_db


def test_load_creates_the_whole_taxonomy():
    counts = load_taxonomy()

    assert counts == {
        "sectors": 83,
        "skills": 43,
        "labels": 11,
        "tags": 12,
        "changed": 149,
    }
    assert Sector.objects.filter(depth=0).count() == 12
    assert Sector.objects.filter(depth=1).count() == 71
    assert (Skill.objects.count(), Label.objects.count(), Tag.objects.count()) == (43, 11, 12)
    market = Sector.objects.get(slug="maraichage")
    assert (market.name, market.name_en, market.path) == (
        "Maraîchage",
        "Market gardening",
        "alimentation/maraichage",
    )
    assert market.parent.slug == "alimentation"
    assert Label.objects.get(slug="agrement-esus").name == "Agrément ESUS"
    event = Event.objects.get(verb="directory.taxonomy_loaded")
    assert event.data["changed"] == 149


def test_loading_twice_changes_nothing():
    load_taxonomy()
    fields = ("pk", "slug", "path", "depth", "position", "parent")
    before = list(Sector.objects.values_list(*fields))

    counts = load_taxonomy()

    assert counts["changed"] == 0
    assert list(
        Sector.objects.values_list("pk", "slug", "path", "depth", "position", "parent")
    ) == (before)
    assert Event.objects.filter(verb="directory.taxonomy_loaded").count() == 1


def test_the_tree_is_consistent():
    load_taxonomy()

    for sector in Sector.objects.select_related("parent"):
        assert sector.name and sector.name_en, sector.slug
        if sector.parent is None:
            assert (sector.depth, sector.path) == (0, sector.slug)
        else:
            assert sector.path == f"{sector.parent.path}/{sector.slug}"
            assert sector.depth == sector.parent.depth + 1
    for parent in Sector.objects.filter(depth=0):
        positions = list(parent.children.order_by("position").values_list("position", flat=True))
        assert positions == list(range(len(positions)))
    roots = list(Sector.objects.filter(depth=0).order_by("position").values_list("slug", flat=True))
    assert roots[:3] == ["alimentation", "habitat", "energie"]


def test_every_term_is_named_in_both_languages():
    data = read_taxonomy()
    for key in ("skills", "labels", "tags"):
        slugs = [t["slug"] for t in data[key]]
        assert len(slugs) == len(set(slugs)), key
        assert all(t["name"] and t["name_en"] for t in data[key]), key


def test_a_changed_file_updates_and_moves_terms(tmp_path):
    load_taxonomy()
    data = read_taxonomy()
    food = data["sectors"][0]
    food["name_en"] = "Food"
    bakery = next(c for c in food["children"] if c["slug"] == "boulangerie")
    food["children"].remove(bakery)
    data["sectors"][10]["children"].insert(0, bakery)  # under crafts, first
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    counts = load_taxonomy(path)

    bakery_sector = Sector.objects.get(slug="boulangerie")
    assert bakery_sector.path == "artisanat/boulangerie"
    assert (bakery_sector.parent.slug, bakery_sector.position) == ("artisanat", 0)
    assert Sector.objects.get(slug="alimentation").name_en == "Food"
    assert Sector.objects.get(slug="menuiserie").position == 1
    assert counts["changed"] > 2
    assert Sector.objects.count() == 83


def test_index_terms_lists_ancestors_first_in_both_languages_without_repeats():
    load_taxonomy()
    by_slug = {s.slug: s for s in Sector.objects.all()}

    words = index_terms(
        sectors=[by_slug["boulangerie"], by_slug["maraichage"]],
        sectors_by_slug=by_slug,
        skills=[Skill.objects.get(slug="apiculture")],
        labels=[Label.objects.get(slug="demeter")],
    )

    assert words == [
        "Alimentation et agriculture",
        "Food and farming",
        "Boulangerie et meunerie",
        "Bakery and milling",
        "Maraîchage",
        "Market gardening",
        "Apiculture",
        "Beekeeping",
        "Demeter",
    ]
