"""Anonymous visitors share the cached results of a search; the page around them is theirs."""

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from coops.accounts.tests.factories import UserFactory
from coops.directory.tests.factories import ActorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cached")]
URL = "/annuaire/?q=fournee"


@pytest.fixture
def cached():
    with override_settings(DIRECTORY_LIST_CACHE_SECONDS=30):
        yield


def get(client, url=URL, language="fr"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_anonymous_visit_runs_no_search():
    ActorFactory(name="La Fournée")
    first, first_queries = get(Client())
    ActorFactory(name="Fournée bis")  # shows once the entry expires (30 s here)
    second, second_queries = get(Client())
    assert "La Fournée" in first and "La Fournée" in second
    assert "Fournée bis" not in second
    assert first_queries > 0 and second_queries == 0


def test_each_visitor_gets_their_own_csrf_token_around_the_shared_results():
    ActorFactory(name="La Fournée")
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first, _ = get(Client())
    second, _ = get(Client())
    assert token.search(first).group(1) != token.search(second).group(1)


def test_languages_and_queries_are_cached_apart():
    ActorFactory(name="La Fournée")
    french, _ = get(Client())
    english, _ = get(Client(), language="en")
    other, _ = get(Client(), url="/annuaire/?q=garage")
    assert "1 acteur trouvé" in french
    assert "1 actor found" in english
    assert "La Fournée" not in other


def test_signed_in_people_always_see_the_live_results():
    ActorFactory(name="La Fournée")
    client = Client()
    client.force_login(UserFactory())
    get(client)
    ActorFactory(name="Fournée bis")
    page, queries = get(client)
    assert "Fournée bis" in page and queries > 0
