"""Broad searches reuse their facet counts for a while; narrow ones are counted live."""

import pytest

from coops.directory.models import ActorKind
from coops.directory.selectors import SearchParams, actor_search, facets
from coops.directory.tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def threshold(monkeypatch):
    monkeypatch.setattr(facets, "FACET_CACHE_MIN_ROWS", 3)


def facet_statements(queries) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("WITH m "))


def test_a_broad_search_reuses_its_counts(threshold):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        ActorFactory(kind=ActorKind.SHOP)
    first = actor_search(SearchParams())
    assert first.total == 3
    ActorFactory(kind=ActorKind.SHOP)  # within the cache's lifetime: counts stay
    with CaptureQueriesContext(connection) as queries:
        again = actor_search(SearchParams())
    assert facet_statements(queries) == 0
    assert again.total == 3
    kinds = {o.value: o.count for f in again.facets if f.param == "kind" for o in f.options}
    assert kinds == {"shop": 3}


def test_the_cache_expires(threshold, monkeypatch):
    from django.core.cache.backends import locmem

    for _ in range(3):
        ActorFactory()
    assert actor_search(SearchParams()).total == 3
    ActorFactory()
    later = locmem.time.time() + facets.FACET_CACHE_SECONDS + 1
    monkeypatch.setattr(locmem.time, "time", lambda: later)  # no sleeping in tests
    assert actor_search(SearchParams()).total == 4


def test_a_narrow_search_is_counted_live(threshold):
    ActorFactory(kind=ActorKind.SHOP)
    ActorFactory(kind=ActorKind.CRAFT)
    assert actor_search(SearchParams(kinds=("shop",))).total == 1
    ActorFactory(kind=ActorKind.SHOP)
    assert actor_search(SearchParams(kinds=("shop",))).total == 2


def test_a_broad_radius_search_takes_its_page_live_when_its_counts_are_cached(threshold):
    """On PostgreSQL the page of a radius search is read with its counts (ADR 0033); with
    the counts from the cache, it is read alone, and still in rank order."""
    from coops.core.geo import Point

    for i in range(4):
        ActorFactory(name=f"Épicerie {i}", description="épicerie " * (i + 1))
    params = SearchParams(q="epicerie", point=Point(50.6292, 3.0573), radius_km=10)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = actor_search(params)
    with CaptureQueriesContext(connection) as queries:
        again = actor_search(params)
        list(again.page)
    assert not [q for q in queries.captured_queries if "'total' AS f" in q["sql"]]
    assert first.total == again.total == 4
    expected = ["Épicerie 3", "Épicerie 2", "Épicerie 1", "Épicerie 0"]
    assert [a.name for a in first.page] == [a.name for a in again.page] == expected
