"""The decision register: a group's adopted proposals and those of the groups above it,
searchable, filtered, paginated on the server in a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import PERSONAS
from coops.groups.models import Group, GroupKind
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.groups.tests.helpers import fr, page

from ..models import Method, ProposalStatus
from .factories import ProposalFactory
from .factories_proposals import enable_governance, login_redirect, url

pytestmark = pytest.mark.django_db

MEMBERS = ("member", "organiser", "admin")


def _decision(group, title: str, *, year: int = 2025, month: int = 6, **kwargs):
    kwargs.setdefault("status", ProposalStatus.ADOPTED)
    return ProposalFactory(
        group=group,
        title=title,
        decided_at=datetime(year, month, 15, 10, 0, tzinfo=UTC),
        outcome_summary="Adopté par consentement : aucune objection.",
        **kwargs,
    )


@pytest.fixture
def world(personas):
    """The AMAP belongs to a network; each has decisions, and so has an unrelated group."""
    p = personas
    p.network = GroupFactory(name="Réseau des AMAP", slug="reseau-amap", kind=GroupKind.NETWORK)
    Group.objects.filter(pk=p.group.pk).update(parent=p.network)
    p.group.refresh_from_db()
    for group in (p.group, p.network, p.other_group):
        enable_governance(group)
    p.local = _decision(p.group, "Distribution le jeudi", body="Au local de la rue Nationale")
    p.charter = _decision(p.network, "Adopter la charte 2025", method=Method.CONSENSUS, year=2024)
    p.rejected = _decision(p.group, "Fermer en août", status=ProposalStatus.REJECTED)
    p.foreign = _decision(p.other_group, "Décision de Roubaix")
    return p


@pytest.mark.parametrize("who", PERSONAS)
def test_register(world, who):
    response = world.client(who).get(url(world.group, "register"))
    if who == "anonymous":
        login_redirect(response)
        return
    if who == "other_member":
        assert response.status_code == 403
        assert fr("Only members of the group or of its subgroups can read its decisions.") in page(
            response
        )
        assert "Distribution le jeudi" not in page(response)
        return
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"]] == [world.local.pk, world.charter.pk]
    text = page(response)
    # A parent's decision is labelled with its group and not linked (its page is the
    # parent's, for its members).
    charter = text[text.index(f'data-testid="decision-{world.charter.pk}"') :]
    assert '<span class="tag">Réseau des AMAP</span>' in charter[:600]
    assert url(world.group, "proposal", pk=world.local.pk) in text
    assert "Fermer en août" not in text
    assert "Décision de Roubaix" not in text


def test_members_of_a_subgroup_read_the_parents_register(world):
    response = world.client("member").get(url(world.network, "register"))
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"]] == [world.charter.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "jeudi"}, ["local"]),
        ({"q": "NATIONALE"}, ["local"]),
        ({"q": "charte"}, ["charter"]),
        ({"method": "consensus"}, ["charter"]),
        ({"year": "2025"}, ["local"]),
        ({"year": "2024", "q": "jeudi"}, []),
        ({"year": "1999"}, ["local", "charter"]),  # not a year offered: the filter is ignored
    ],
)
def test_search_and_filters(world, query, expected):
    response = world.client("member").get(url(world.group, "register"), query)
    assert [d.pk for d in response.context["page"]] == [getattr(world, n).pk for n in expected]


def test_year_choices_are_the_years_with_decisions(world):
    response = world.client("member").get(url(world.group, "register"))
    assert response.context["form"].fields["year"].choices == [
        ("", fr("All")),
        ("2025", "2025"),
        ("2024", "2024"),
    ]


def test_pagination_and_constant_queries(world):
    client = world.client("member")
    client.get(url(world.group, "register"))  # warm the session and permission caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(world.group, "register"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(23):
        _decision(world.group, f"Décision {i}", month=1 + i % 12)
    assert queries() == few
    first = client.get(url(world.group, "register"))
    assert len(first.context["page"].object_list) == 20
    assert first.context["page"].paginator.count == 25
    second = client.get(url(world.group, "register"), {"page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert fr("Page %(number)s of %(total)s") % {"number": 2, "total": 2} in page(second)


def test_a_grandchild_sees_every_ancestor(world):
    commission = GroupFactory(name="Commission pain", slug="commission-pain", parent=world.group)
    enable_governance(commission)
    baker = MembershipFactory(group=commission).user
    world.baker = baker
    response = world.client("baker").get(url(commission, "register"))
    assert [d.pk for d in response.context["page"]] == [world.local.pk, world.charter.pk]
