"""core.search on the engine the tests run on (SQLite by default, PostgreSQL with
DATABASE_URL): the same assertions hold on both.

The probe table is created for these tests only, so core is tested without any app
that uses it.
"""

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from coops.core import search
from coops.core.search import RankedResults, SearchIndex, search_filter, similar_filter, terms

PROBE = SearchIndex(table="core_search_probe", column="search_text", name_column="name")


@pytest.fixture
def probe(transactional_db):
    with isolate_apps("coops.core"):

        class Doc(models.Model):
            name = models.CharField(max_length=100)
            search_text = models.TextField()

            class Meta:
                app_label = "core"
                db_table = "core_search_probe"

            def __str__(self) -> str:
                return self.name

    with connection.schema_editor() as editor:
        editor.create_model(Doc)
        search.install(PROBE, editor)
    yield Doc
    with connection.schema_editor() as editor:
        search.uninstall(PROBE, editor)
        editor.delete_model(Doc)


def add(doc_model, name: str, text: str = ""):
    return doc_model.objects.create(name=name, search_text=search.fold(f"{name} {text}"))


def names(queryset) -> list[str]:
    return list(queryset.order_by("-search_rank", "name").values_list("name", flat=True))


@pytest.fixture
def docs(probe):
    add(probe, "Coopérative Boulangère", "Pain au levain, Lille")
    add(probe, "Boulangerie du Marché", "Roubaix")
    add(probe, "Les Jardins de Cocagne", "Maraîchage bio")
    add(probe, "Épicerie coopérative", "Vrac, Lille")
    return probe


def test_terms_fold_accents_case_and_punctuation():
    assert terms("  L'Économie sociale_et-SOLIDAIRE !  Cœur ") == [
        "l",
        "economie",
        "sociale",
        "et",
        "solidaire",
        "coeur",
    ]
    assert terms("!!! ... ") == []
    assert len(terms(" ".join(f"mot{i}" for i in range(30)))) == search.MAX_WORDS


def test_index_rejects_names_that_are_not_plain_identifiers():
    with pytest.raises(ValueError, match="not a plain SQL identifier"):
        SearchIndex(table="actor; DROP TABLE x")


def test_fts5_match_quotes_every_word_and_makes_the_last_a_prefix():
    assert search._fts5_match(["cooperative", "boulang"]) == '"cooperative" "boulang"*'


def test_accents_and_case_do_not_matter(docs):
    assert names(search_filter(docs.objects.all(), "cooperative boulangere", index=PROBE)) == [
        "Coopérative Boulangère"
    ]
    assert names(search_filter(docs.objects.all(), "COOPÉRATIVE Boulangère", index=PROBE)) == [
        "Coopérative Boulangère"
    ]


def test_the_last_word_is_a_prefix(docs):
    assert sorted(
        search_filter(docs.objects.all(), "boulang", index=PROBE).values_list("name", flat=True)
    ) == ["Boulangerie du Marché", "Coopérative Boulangère"]
    assert names(search_filter(docs.objects.all(), "jardin", index=PROBE)) == [
        "Les Jardins de Cocagne"
    ]
    # Only the last word is a prefix: "boulang" alone in first position matches nothing.
    assert names(search_filter(docs.objects.all(), "boulang lille", index=PROBE)) == []


def test_every_word_must_match(docs):
    found = search_filter(docs.objects.all(), "cooperative lille", index=PROBE)
    assert sorted(found.values_list("name", flat=True)) == [
        "Coopérative Boulangère",
        "Épicerie coopérative",
    ]
    assert names(search_filter(docs.objects.all(), "cooperative roubaix", index=PROBE)) == []


@pytest.mark.parametrize("query", ["cooperative lille", "boul", "jardins bio", "absent"])
def test_a_narrowed_search_finds_the_same_rows(docs, query):
    narrowed = docs.objects.filter(name__gte="C")  # stands for a bounding box
    expected = set(
        search_filter(narrowed, query, index=PROBE, rank=False).values_list("name", flat=True)
    )
    found = search_filter(narrowed, query, index=PROBE, rank=False, narrowed=True)
    assert set(found.values_list("name", flat=True)) == expected
    assert expected <= {"Coopérative Boulangère", "Les Jardins de Cocagne", "Épicerie coopérative"}


def test_a_query_without_words_filters_nothing_and_ranks_zero(docs):
    rows = search_filter(docs.objects.all(), " ?! ", index=PROBE)
    assert rows.count() == 4
    assert {row.search_rank for row in rows} == {0.0}


def test_query_syntax_cannot_be_injected(docs):
    for query in ['boulang" OR *', "NEAR(lille", "lille AND NOT", "'; DROP TABLE x; --", "a:*|b"]:
        list(search_filter(docs.objects.all(), query, index=PROBE))
    assert names(search_filter(docs.objects.all(), 'boulangere" OR "', index=PROBE)) == []
    assert docs.objects.count() == 4


def test_rank_puts_the_most_relevant_first(probe):
    add(probe, "Lille Vrac", "Épicerie de Lille, au centre de Lille")
    add(probe, "Épicerie du Nord", "Une épicerie de quartier tenue par des bénévoles, à Lille")
    add(probe, "Ferme des Weppes", "Paniers de légumes")

    assert names(search_filter(probe.objects.all(), "lille", index=PROBE)) == [
        "Lille Vrac",
        "Épicerie du Nord",
    ]


def test_rank_can_be_left_out_for_counting(docs):
    rows = search_filter(docs.objects.all(), "lille", index=PROBE, rank=False)
    assert rows.count() == 2
    assert "search_rank" not in rows.query.annotations


def test_the_index_follows_inserts_updates_and_deletes(docs):
    doc = docs.objects.get(name="Les Jardins de Cocagne")
    doc.search_text = "les jardins de cocagne paniers solidaires"
    doc.save()
    assert names(search_filter(docs.objects.all(), "solidaires", index=PROBE)) == [
        "Les Jardins de Cocagne"
    ]
    assert names(search_filter(docs.objects.all(), "maraichage", index=PROBE)) == []

    doc.delete()
    assert names(search_filter(docs.objects.all(), "jardins", index=PROBE)) == []
    add(docs, "Jardin partagé")
    assert names(search_filter(docs.objects.all(), "jardin", index=PROBE)) == ["Jardin partagé"]


def test_similar_names_are_candidates_for_duplicates(probe):
    add(probe, "Boulangerie du Vieux Lille")
    add(probe, "Les Jardins de Cocagne")

    found = similar_filter(probe.objects.all(), "La boulangerie du vieux-Lille", index=PROBE)

    assert list(found.values_list("name", flat=True)) == ["Boulangerie du Vieux Lille"]
    assert found.get().similarity > 0
    assert list(similar_filter(probe.objects.all(), " - ", index=PROBE)) == []


def test_index_problems_is_empty_once_installed(probe):
    assert search.index_problems(PROBE) == []


def test_a_lost_trigger_is_named_and_installing_again_restores_it(probe):
    if connection.vendor != "sqlite":
        pytest.skip("triggers exist on SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER core_search_probe_fts_au")
    assert search.index_problems(PROBE) == ["core_search_probe_fts_au"]

    with connection.schema_editor() as editor:  # what a later migration does
        search.install(PROBE, editor)

    assert search.index_problems(PROBE) == []
    doc = add(probe, "Atelier vélo")
    doc.search_text = "atelier velo cargo"
    doc.save()
    assert names(search_filter(probe.objects.all(), "cargo", index=PROBE)) == ["Atelier vélo"]


def test_rebuild_refills_the_fts_table_after_raw_writes(probe):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL indexes need no rebuild")
    add(probe, "Atelier vélo")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_search_probe_fts")
    assert names(search_filter(probe.objects.all(), "velo", index=PROBE)) == []

    search.rebuild(PROBE)

    assert names(search_filter(probe.objects.all(), "velo", index=PROBE)) == ["Atelier vélo"]


@pytest.mark.parametrize(
    "query", ["boul", "boulangere", "cooperative", "velo", "ecole", "contact", "lil", "zzz", "de"]
)
def test_an_expanded_prefix_finds_the_same_rows(docs, query):
    add(docs, "Vélo-école du Nord", "contact@velo-ecole.fr, l'atelier de Lille")
    plain = search_filter(docs.objects.all(), query, index=PROBE)
    expanded = search_filter(docs.objects.all(), query, index=PROBE, expand_prefix=True)
    # The same rows; PostgreSQL ranks them on another scale (ts_rank divides an
    # alternative of words by their number), which RankedResults' expand_prefix follows.
    assert sorted(expanded.values_list("name", flat=True)) == sorted(
        plain.values_list("name", flat=True)
    )
    ranked = RankedResults(docs.objects.all(), query, index=PROBE, expand_prefix=True)
    assert [(d.name, round(d.search_rank, 6)) for d in ranked[0:10]] == [
        (d.name, round(d.search_rank, 6)) for d in expanded.order_by("-search_rank", "pk")
    ]


def test_the_vocabulary_follows_inserts_and_updates(probe):
    if connection.vendor != "postgresql":
        pytest.skip("the vocabulary serves PostgreSQL's prefixes")
    assert search.prefix_words(PROBE, "velo") == ()
    doc = add(probe, "Atelier vélo", "vélos cargos")
    assert search.prefix_words(PROBE, "velo") == ("velo", "velos")
    probe.objects.filter(pk=doc.pk).update(search_text="atelier velocipede")
    # The triggers only add; rebuilding drops the words no row holds any more.
    assert search.prefix_words(PROBE, "velo") == ("velo", "velocipede", "velos")
    search.rebuild(PROBE)
    assert search.prefix_words(PROBE, "velo") == ("velocipede",)
    assert search.prefix_words(PROBE, "cargo") == ()


def test_a_prefix_of_too_many_words_stays_a_prefix(probe, monkeypatch):
    for word in ("bio", "biocoop", "biodiversite", "biologique"):
        add(probe, word.capitalize())
    monkeypatch.setattr(search, "MAX_EXPANSION", 3)
    expected = ["Bio", "Biocoop", "Biodiversite", "Biologique"]
    if connection.vendor == "postgresql":
        assert search.prefix_words(PROBE, "bio") is None
        monkeypatch.setattr(search, "MAX_EXPANSION", 4)
        assert len(search.prefix_words(PROBE, "bio")) == 4
    else:
        assert search.prefix_words(PROBE, "bio") is None  # SQLite has no vocabulary
    found = search_filter(probe.objects.all(), "bio", index=PROBE, expand_prefix=True)
    assert sorted(found.values_list("name", flat=True)) == expected


def test_odd_vocabulary_words_stay_one_lexeme(probe):
    if connection.vendor != "postgresql":
        pytest.skip("the vocabulary serves PostgreSQL's prefixes")
    add(probe, "Atelier", "ordinaire")
    with connection.cursor() as cursor:  # words no parser makes, as a worst case
        cursor.execute(
            "INSERT INTO core_search_probe_words (word) VALUES (%s), (%s), (%s)",
            ["ordi'naire", "ordi\\x", "ordi | !x"],
        )
    assert len(search.prefix_words(PROBE, "ordi")) == 4
    found = search_filter(probe.objects.all(), "ordi", index=PROBE, expand_prefix=True)
    assert list(found.values_list("name", flat=True)) == ["Atelier"]
    assert probe.objects.count() == 1
