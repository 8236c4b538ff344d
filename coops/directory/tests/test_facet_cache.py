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
