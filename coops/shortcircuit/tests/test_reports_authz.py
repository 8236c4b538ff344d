"""Who may read a distribution's reports (its group's organisers), and the query count
of each report, which does not grow with the orders."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.groups.models import GroupModule, Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, page

from ..models import Order, OrderLine
from .factories import DistributionFactory, hub, offer, place
from .test_reports_helpers import build_world, report_url, second_slot

pytestmark = pytest.mark.django_db

ORGANISERS = ("organiser", "admin")
PAGES = [
    (None, {}),
    *((kind, {}) for kind in ("producers", "pickup", "packing", "signoff")),
    *((kind, {"format": "csv"}) for kind in ("producers", "pickup", "packing", "signoff")),
]
RULE = "Only the group's organisers can do this."


@pytest.fixture
def w(personas):
    return build_world(personas)


def snapshot() -> tuple:
    return (
        list(Order.objects.order_by("pk").values_list("pk", "status", "total")),
        OrderLine.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize(("kind", "params"), PAGES)
def test_reports_are_for_the_groups_organisers(personas, w, who, kind, params):
    response = personas.client(who).get(report_url(personas.group, w.distribution, kind), params)
    if who in ORGANISERS:
        assert response.status_code == 200
        return
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        return
    assert response.status_code == 403
    assert fr(RULE) in page(response)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("kind", [None, "signoff"])
def test_posting_changes_nothing(personas, w, who, kind):
    before = snapshot()
    response = personas.client(who).post(report_url(personas.group, w.distribution, kind))
    assert response.status_code in ((302,) if who == "anonymous" else (405,))
    assert snapshot() == before


def test_an_organiser_of_another_group_is_refused(personas, w):
    hub(personas.other_group)
    outsider = MembershipFactory(group=personas.other_group, role=Role.ORGANISER).user
    client = personas.client("anonymous")
    client.force_login(outsider)
    response = client.get(report_url(personas.group, w.distribution, "packing"))
    assert response.status_code == 403


def test_another_groups_distribution_is_not_found_here(personas, w):
    other = DistributionFactory(group=hub(personas.other_group))
    response = personas.client("organiser").get(report_url(personas.group, other, "producers"))
    assert response.status_code == 404


def test_the_module_must_be_on(personas, w):
    GroupModule.objects.filter(group=personas.group, module="shortcircuit").delete()
    response = personas.client("organiser").get(report_url(personas.group, w.distribution))
    assert response.status_code == 404


# --- query count -----------------------------------------------------------------------------


def _orders(personas, count: int):
    group = hub(personas.group)
    distribution = DistributionFactory(group=group)
    second_slot(distribution)
    offers = [offer(distribution, stock=None) for _ in range(3)]
    offers.append(
        offer(
            distribution,
            stock=None,
            variable_weight=True,
            estimated_weight=Decimal("0.8"),
            price=Decimal("12.00"),
        )
    )
    for n in range(count):
        buyer = MembershipFactory(group=group, role=Role.MEMBER, user=UserFactory()).user
        place(distribution, buyer, {o: 1 + (n + i) % 3 for i, o in enumerate(offers[: 1 + n % 4])})
    return distribution


# Session and user, group and membership (middleware, module wrapper, permission),
# then the report: the distribution, its slots and one aggregate or two reads; the HTML
# page adds the page chrome's unread notifications count.
# HTML pages; a CSV download skips the page chrome (the producer-space link in the nav),
# hence two fewer queries.
EXPECTED = {None: 10, "producers": 9, "pickup": 10, "packing": 11, "signoff": 10}


FORMATS = [(None, "html"), *((k, f) for k in EXPECTED if k for f in ("html", "csv"))]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(("kind", "fmt"), FORMATS)
def test_query_count_does_not_grow(personas, django_assert_num_queries, count, kind, fmt):
    distribution = _orders(personas, count)
    client = personas.client("organiser")
    params = {"format": "csv"} if fmt == "csv" else {}
    url = report_url(personas.group, distribution, kind)
    with django_assert_num_queries(EXPECTED[kind] - 2 * (fmt == "csv")):
        response = client.get(url, params)
    assert response.status_code == 200
