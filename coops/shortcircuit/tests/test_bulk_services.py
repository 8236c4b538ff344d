"""Bulk orders: creating, opening, requests, closing (allocation, idempotence, times,
notifications), and what the selectors show (ranges, case progress, tiers, the
purchase order and the distribution list)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coops.core.models import Event
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from ..kinds import BULK_ALLOCATED
from ..models import BulkArticle, BulkOrder, BulkRequest, BulkStatus
from ..selectors import bulk as selectors
from ..services import bulk as services
from .factories import hub

pytestmark = pytest.mark.django_db

RICE = {"name": "Riz bio", "case_size": 6, "unit_price": Decimal("2.40")}


def make_order(group, organiser, *, articles=(RICE,), minimum=None, open_=True):
    order = services.bulk_order_create(
        group=group,
        acting_user=organiser,
        title="Épicerie sèche",
        supplier_name="Biocoop grossiste",
        closes_at=timezone.now() + timedelta(days=2),
        minimum_total=minimum,
        articles=list(articles),
    )
    if open_:
        services.bulk_order_open(bulk_order=order, acting_user=organiser)
    return BulkOrder.objects.get(pk=order.pk)


@pytest.fixture
def world(db):
    group = hub()
    people = [MembershipFactory(group=group, role=Role.MEMBER).user for _ in range(3)]
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    return group, organiser, people


def ask(article, user, q, t=0, *, minutes=0):
    request = services.bulk_request_set(article=article, acting_user=user, quantity=q, tolerance=t)
    BulkRequest.objects.filter(pk=request.pk).update(
        requested_at=timezone.now() - timedelta(hours=1) + timedelta(minutes=minutes)
    )
    return request


def test_create_then_open(world):
    group, organiser, _people = world
    order = make_order(group, organiser, open_=False)
    assert (order.status, order.supplier_name, order.created_by) == (
        "draft",
        "Biocoop grossiste",
        organiser,
    )
    article = order.articles.get()
    assert (article.name, article.case_size, article.unit_price) == ("Riz bio", 6, Decimal("2.40"))
    services.bulk_order_open(bulk_order=order, acting_user=organiser)
    assert BulkOrder.objects.get(pk=order.pk).status == BulkStatus.OPEN
    with pytest.raises(ValidationError) as exc:
        services.bulk_order_open(bulk_order=order, acting_user=organiser)
    assert exc.value.messages == [fr("Only a draft bulk order can be opened.")]


def test_opening_needs_an_article_and_a_closing_time_to_come(world):
    group, organiser, _people = world
    empty = make_order(group, organiser, articles=(), open_=False)
    with pytest.raises(ValidationError) as exc:
        services.bulk_order_open(bulk_order=empty, acting_user=organiser)
    assert exc.value.messages == [fr("Add at least one article before opening.")]
    late = make_order(group, organiser, open_=False)
    BulkOrder.objects.filter(pk=late.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        services.bulk_order_open(bulk_order=late, acting_user=organiser)
    assert exc.value.messages == [fr("The closing time has already passed.")]


@pytest.mark.parametrize(
    "tiers",
    [
        [{"min_units": 1, "unit_price": "2.00"}],  # must start from 2 units
        [{"min_units": 24, "unit_price": "2.50"}],  # dearer than the base price
        [{"min_units": 48, "unit_price": "1.95"}, {"min_units": 24, "unit_price": "2.10"}],
        [{"min_units": 24, "unit_price": "2.10"}, {"min_units": 48, "unit_price": "2.20"}],
    ],
)
def test_price_tiers_must_grow_in_volume_and_fall_in_price(world, tiers):
    group, organiser, _people = world
    with pytest.raises(ValidationError):
        make_order(group, organiser, articles=[{**RICE, "price_tiers": tiers}], open_=False)
    assert BulkOrder.objects.count() == 0


def test_parse_tiers():
    assert services.parse_tiers("24:2,10; 48:1.95") == [
        {"min_units": 24, "unit_price": "2.10"},
        {"min_units": 48, "unit_price": "1.95"},
    ]
    assert services.parse_tiers("24:2,10, 48:1,95") == services.parse_tiers("24:2.10;48:1.95")
    assert services.parse_tiers(" ") == []
    with pytest.raises(ValidationError):
        services.parse_tiers("24=2.10")


def test_a_request_keeps_its_place_when_changed_and_can_be_withdrawn(world):
    group, organiser, (ann, _bob, _cy) = world
    article = make_order(group, organiser).articles.get()
    first = services.bulk_request_set(article=article, acting_user=ann, quantity=2, tolerance=1)
    again = services.bulk_request_set(article=article, acting_user=ann, quantity=5, tolerance=0)
    assert (again.pk, again.quantity, again.tolerance) == (first.pk, 5, 0)
    assert BulkRequest.objects.get().requested_at == first.requested_at
    services.bulk_request_withdraw(article=article, acting_user=ann)
    assert not BulkRequest.objects.exists()


def test_requests_stop_at_the_closing_time_by_the_server_clock(world):
    group, organiser, (ann, _bob, _cy) = world
    order = make_order(group, organiser)
    article = order.articles.get()
    ask(article, ann, 2)
    BulkOrder.objects.filter(pk=order.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    for call in (
        lambda: services.bulk_request_set(article=article, acting_user=ann, quantity=3),
        lambda: services.bulk_request_withdraw(article=article, acting_user=ann),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.messages == [fr("Requests for this bulk order are closed.")]
    assert BulkRequest.objects.get().quantity == 2


def test_no_request_on_a_draft(world):
    group, organiser, (ann, _bob, _cy) = world
    article = make_order(group, organiser, open_=False).articles.get()
    with pytest.raises(ValidationError):
        services.bulk_request_set(article=article, acting_user=ann, quantity=1)
    assert not BulkRequest.objects.exists()


def test_closing_allocates_stores_explains_and_notifies(world, django_capture_on_commit_callbacks):
    group, organiser, (ann, bob, cy) = world
    order = make_order(group, organiser)
    article = order.articles.get()
    a = ask(article, ann, 5, 2, minutes=1)
    b = ask(article, bob, 5, 2, minutes=2)
    c = ask(article, cy, 1, 0, minutes=3)
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.bulk_order_close(bulk_order=order, acting_user=organiser)
    assert (closed.status, closed.closed_at is not None) == ("closed", True)
    assert BulkArticle.objects.get().cases_ordered == 2
    got = dict(BulkRequest.objects.values_list("pk", "allocated"))
    # Q = 11, T = 4: one full case, 5 left + 4 tolerance ≥ 6 → two cases (12 units).
    assert got == {a.pk: 6, b.pk: 5, c.pk: 1}
    data = json.loads(BulkRequest.objects.get(pk=a.pk).explanation)
    assert (data["reason"], data["cases"], data["units"], data["from_tolerance"]) == (
        "quantity_and_part",
        2,
        12,
        1,
    )
    notes = Notification.objects.filter(kind=BULK_ALLOCATED).order_by("recipient_id")
    assert [n.recipient for n in notes] == sorted([ann, bob, cy], key=lambda u: u.pk)
    ann_note = notes.get(recipient=ann)
    assert ann_note.title == fr("Group purchase “%(title)s” is closed", title="Épicerie sèche")
    assert ann_note.body.startswith(fr("%(article)s: %(got)s.", article="Riz bio", got="6 kg"))
    assert fr("You asked %(quantity)s + %(tolerance)s tolerance.", quantity=5, tolerance=2) in (
        ann_note.body
    )


def test_closing_twice_does_nothing(world, django_capture_on_commit_callbacks):
    group, organiser, (ann, _bob, _cy) = world
    order = make_order(group, organiser)
    ask(order.articles.get(), ann, 6)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_close(bulk_order=order, acting_user=organiser)
    first = BulkOrder.objects.get(pk=order.pk).closed_at
    events = Event.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.bulk_order_close(bulk_order=order, acting_user=organiser)
    assert (again.status, again.closed_at, callbacks) == ("closed", first, [])
    assert Event.objects.count() == events
    assert Notification.objects.filter(kind=BULK_ALLOCATED).count() == 1


def test_a_draft_cannot_be_closed(world):
    group, organiser, _people = world
    order = make_order(group, organiser, open_=False)
    with pytest.raises(ValidationError) as exc:
        services.bulk_order_close(bulk_order=order, acting_user=organiser)
    assert exc.value.messages == [fr("Only an open bulk order can be closed.")]
    assert BulkOrder.objects.get(pk=order.pk).status == "draft"


def test_the_tick_closes_only_orders_past_their_closing_time(world):
    group, organiser, (ann, _bob, _cy) = world
    due = make_order(group, organiser)
    later = make_order(group, organiser)
    ask(due.articles.get(), ann, 4)
    BulkOrder.objects.filter(pk=due.pk).update(closes_at=timezone.now() - timedelta(minutes=5))
    assert services.bulk_orders_close_due() == 1
    assert BulkOrder.objects.get(pk=due.pk).status == "closed"
    assert BulkOrder.objects.get(pk=later.pk).status == "open"
    # Four units of a case of six and no tolerance: nothing is ordered.
    assert BulkRequest.objects.get().allocated == 0
    assert services.bulk_orders_close_due() == 0
    assert services.bulk_orders_close_due(now=timezone.now() + timedelta(days=3)) == 1


# --- selectors -------------------------------------------------------------------------------


def test_page_shows_progress_tier_range_and_minimum(world, django_assert_max_num_queries):
    group, organiser, (ann, bob, _cy) = world
    tiers = [{"min_units": 12, "unit_price": "2.10"}]
    order = make_order(group, organiser, articles=[{**RICE, "price_tiers": tiers}], minimum=50)
    article = order.articles.get()
    ask(article, ann, 2, 2, minutes=1)
    ask(article, bob, 1, minutes=2)
    page = selectors.bulk_page(bulk_order=order, user=ann)
    state = page.articles[0]
    a = state.allocation
    assert (a.total_quantity, a.total_tolerance, a.full_cases, a.cases, a.missing) == (
        3,
        2,
        0,
        0,
        1,
    )
    assert (state.unit_price, state.next_tier["min_units"]) == (Decimal("2.40"), 12)
    assert state.my_range == (0, 4)
    assert state.my_range_text == "0 kg … 4 kg"
    assert (page.total.amount, page.minimum_reached) == (Decimal("0"), False)

    ask(article, bob, 10, minutes=2)  # 12 units: two full cases, the tier applies
    with django_assert_max_num_queries(3):
        page = selectors.bulk_page(bulk_order=order, user=ann)
    state = page.articles[0]
    assert (state.allocation.cases, state.unit_price, state.next_tier) == (2, Decimal("2.10"), None)
    assert state.my_range == (2, 4)
    assert (page.total.amount, page.minimum_reached) == (Decimal("25.20"), False)
    assert page.my_total.amount == Decimal("4.20")


def test_purchase_order_and_distribution_list(world):
    group, organiser, (ann, bob, cy) = world
    oil = {"name": "Huile d’olive", "unit": "l", "case_size": 4, "unit_price": Decimal("9.50")}
    order = make_order(group, organiser, articles=[RICE, oil])
    rice, oil_article = order.articles.order_by("name")[1], order.articles.order_by("name")[0]
    ask(rice, ann, 4, 2, minutes=1)
    ask(rice, bob, 6, minutes=2)
    ask(oil_article, cy, 3, minutes=3)  # 3 of 4: no case
    services.bulk_order_close(bulk_order=order, acting_user=organiser)
    lines, total = selectors.purchase_order(bulk_order=BulkOrder.objects.get(pk=order.pk))
    assert [(x.article.name, x.cases, x.units, x.total.amount) for x in lines] == [
        ("Riz bio", 2, 12, Decimal("28.80"))
    ]
    assert total.amount == Decimal("28.80")
    text = selectors.purchase_order_csv(order, lines, total)
    rows = text.lstrip("\ufeff").split("\r\n")
    assert text.startswith("\ufeff")
    assert rows[1] == "Riz bio;2;6;12;1 kg;2,40;28,80;EUR"
    assert rows[2] == f"{fr('Total')};;;;;;28,80;EUR"
    members = selectors.distribution_list(bulk_order=order)
    got = {
        m.member.pk: [(x.article.name, x.units, x.amount.amount) for x in m.lines] for m in members
    }
    assert got == {
        ann.pk: [("Riz bio", 6, Decimal("14.40"))],
        bob.pk: [("Riz bio", 6, Decimal("14.40"))],
    }
