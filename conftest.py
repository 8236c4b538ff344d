"""Fixtures shared by every app's tests."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from coops.accounts.tests.factories import UserFactory
from coops.groups.models import Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request made by a user who
    reads English leaves English active in this thread otherwise."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _ledger_stays_sound(request):
    """After every test that touched the database, the book's invariants hold
    (`manage.py ledger_check` in miniature). Tests that corrupt the book on purpose
    are marked `ledger_corrupt`."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_db or request.node.get_closest_marker("ledger_corrupt"):
        yield
        return
    request.getfixturevalue("_django_db_helper")  # so this check runs before the rollback
    yield
    from coops.ledger.invariants import ledger_violations

    assert ledger_violations() == [], "the ledger's invariants broke during this test"


@dataclass
class Personas:
    """The five people every authorisation test is run as."""

    group: object
    other_group: object
    member: object
    other_member: object
    organiser: object
    admin: object

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(getattr(self, who))
        return client


PERSONAS = ["anonymous", "member", "other_member", "organiser", "admin"]


@pytest.fixture
def personas(db) -> Personas:
    group = GroupFactory(name="AMAP des Weppes", slug="amap-des-weppes")
    other_group = GroupFactory(name="Groupe local de Roubaix", slug="groupe-local-roubaix")
    return Personas(
        group=group,
        other_group=other_group,
        member=MembershipFactory(group=group, role=Role.MEMBER).user,
        other_member=MembershipFactory(group=other_group, role=Role.MEMBER).user,
        organiser=MembershipFactory(group=group, role=Role.ORGANISER).user,
        admin=MembershipFactory(group=group, role=Role.ADMIN).user,
    )


@pytest.fixture
def pg(transactional_db):
    """A real PostgreSQL database with committed transactions (row locks, threads)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL=postgres://…)")


@pytest.fixture
def user(db):
    return UserFactory()
