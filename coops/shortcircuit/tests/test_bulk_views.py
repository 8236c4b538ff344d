"""Every needs and group-purchase page and action, as each persona: anonymous visitors
are sent to log in, others are refused with the rule's message, and a refused request
changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.core.models import Event
from coops.groups.tests.helpers import fr, page

from ..models import BulkArticle, BulkOrder, BulkRequest, Need, NeedVote
from ..services import bulk as services
from .factories import hub

pytestmark = pytest.mark.django_db

MEMBERS = ("member", "organiser", "admin")
ORGANISERS = ("organiser", "admin")
PARTICIPATE = "Only the group's active members can take part."
ORGANISE = "Only the group's organisers can do this."


def url(group, name: str, **kwargs) -> str:
    return reverse(f"groups:shortcircuit:{name}", kwargs={"slug": group.slug, **kwargs})


def snapshot() -> tuple:
    return (
        list(Need.objects.order_by("pk").values_list("pk", "closed")),
        list(NeedVote.objects.order_by("pk").values_list("pk", "quantity")),
        list(BulkOrder.objects.order_by("pk").values_list("pk", "status")),
        list(BulkArticle.objects.order_by("pk").values_list("pk", "cases_ordered")),
        list(BulkRequest.objects.order_by("pk").values_list("pk", "quantity", "tolerance")),
        Event.objects.count(),
    )


def denied(who, response, message) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        return
    assert response.status_code == 403
    assert fr(message) in page(response)


@pytest.fixture
def p(personas):
    hub(personas.group)
    hub(personas.other_group)
    personas.need = services.need_post(
        group=personas.group,
        acting_user=personas.organiser,
        title="Riz bio",
        quantity=Decimal("10"),
    )
    personas.order = services.bulk_order_create(
        group=personas.group,
        acting_user=personas.organiser,
        title="Épicerie sèche",
        supplier_name="Biocoop grossiste",
        closes_at=timezone.now() + timedelta(days=2),
        articles=[{"name": "Riz bio", "case_size": 6, "unit_price": Decimal("2.40")}],
    )
    services.bulk_order_open(bulk_order=personas.order, acting_user=personas.organiser)
    personas.article = personas.order.articles.get()
    personas.request = services.bulk_request_set(
        article=personas.article, acting_user=personas.member, quantity=5, tolerance=2
    )
    return personas


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("name", ["needs", "bulk_list", "bulk"])
def test_member_pages(p, who, name):
    kwargs = {"pk": p.order.pk} if name == "bulk" else {}
    response = p.client(who).get(url(p.group, name, **kwargs))
    if who not in MEMBERS:
        denied(who, response, PARTICIPATE)
        return
    assert response.status_code == 200
    if name == "bulk" and who == "member":
        assert fr("You will probably get %(range)s.", range="6 kg … 7 kg") in page(response)
        assert "Riz bio" in page(response)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("name", ["bulk_create", "bulk_purchase_order", "bulk_distribution"])
def test_organiser_pages(p, who, name):
    kwargs = {} if name == "bulk_create" else {"pk": p.order.pk}
    response = p.client(who).get(url(p.group, name, **kwargs))
    if who not in ORGANISERS:
        denied(who, response, ORGANISE)
        return
    assert response.status_code == 200


def test_purchase_order_csv(p):
    services.bulk_request_set(article=p.article, acting_user=p.admin, quantity=1)
    response = p.client("organiser").get(
        url(p.group, "bulk_purchase_order", pk=p.order.pk), {"format": "csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert text.split("\r\n")[1] == "Riz bio;1;6;6;1 kg;2,40;14,40;EUR"


def test_a_draft_is_hidden_from_members(p):
    BulkOrder.objects.filter(pk=p.order.pk).update(status="draft")
    assert p.client("member").get(url(p.group, "bulk", pk=p.order.pk)).status_code == 404
    assert p.client("organiser").get(url(p.group, "bulk", pk=p.order.pk)).status_code == 200


def test_starting_from_a_need_prefills_the_article(p):
    response = p.client("organiser").get(url(p.group, "bulk_create"), {"need": p.need.pk})
    assert 'value="Riz bio"' in page(response)


# --- actions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_posting_a_need(p, who):
    before = snapshot()
    response = p.client(who).post(url(p.group, "needs"), {"title": "Farine", "period": "month"})
    if who not in MEMBERS:
        denied(who, response, PARTICIPATE)
        assert snapshot() == before
        return
    assert response.status_code == 302 and response["Location"] == url(p.group, "needs")
    assert Need.objects.filter(title="Farine", author=getattr(p, who)).count() == 1


@pytest.mark.parametrize("who", PERSONAS)
def test_voting_and_withdrawing(p, who):
    before = snapshot()
    response = p.client(who).post(url(p.group, "need_vote", pk=p.need.pk), {"quantity": "2"})
    if who not in MEMBERS:
        denied(who, response, PARTICIPATE)
        response = p.client(who).post(url(p.group, "need_unvote", pk=p.need.pk))
        denied(who, response, PARTICIPATE)
        assert snapshot() == before
        return
    assert response.status_code == 302
    if who == "organiser":  # the author: already counted
        assert snapshot() == before
        return
    assert NeedVote.objects.get(user=getattr(p, who)).quantity == Decimal("2")
    p.client(who).post(url(p.group, "need_unvote", pk=p.need.pk))
    assert snapshot()[:-1] == before[:-1]  # only the two audit events are new


@pytest.mark.parametrize("who", PERSONAS)
def test_marking_a_need_met(p, who):
    before = snapshot()
    response = p.client(who).post(url(p.group, "need_close", pk=p.need.pk))
    if who not in ORGANISERS:
        denied(who, response, ORGANISE)
        assert snapshot() == before
        return
    assert response.status_code == 302
    assert Need.objects.get(pk=p.need.pk).closed is True


@pytest.mark.parametrize("who", PERSONAS)
def test_creating_a_bulk_order(p, who):
    before = snapshot()
    data = {
        "title": "Fruits secs",
        "supplier_name": "Relais Vert",
        "closes_at": (timezone.localtime(timezone.now()) + timedelta(days=3)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "articles-TOTAL_FORMS": "1",
        "articles-INITIAL_FORMS": "0",
        "articles-0-name": "Amandes",
        "articles-0-unit": "kg",
        "articles-0-unit_size": "1",
        "articles-0-case_size": "5",
        "articles-0-unit_price": "12.50",
        "articles-0-price_tiers": "10:11.90",
    }
    response = p.client(who).post(url(p.group, "bulk_create"), data)
    if who not in ORGANISERS:
        denied(who, response, ORGANISE)
        assert snapshot() == before
        return
    order = BulkOrder.objects.get(title="Fruits secs")
    assert response.status_code == 302 and response["Location"] == url(p.group, "bulk", pk=order.pk)
    article = order.articles.get()
    assert (order.status, article.case_size, article.price_tiers) == (
        "draft",
        5,
        [{"min_units": 10, "unit_price": "11.90"}],
    )


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("action", ["bulk_article_add", "bulk_close", "bulk_open"])
def test_running_an_order_is_for_organisers(p, who, action):
    before = snapshot()
    data = {
        "article-name": "Lentilles",
        "article-unit": "kg",
        "article-unit_size": "1",
        "article-case_size": "10",
        "article-unit_price": "3",
    }
    response = p.client(who).post(url(p.group, action, pk=p.order.pk), data)
    if who not in ORGANISERS:
        denied(who, response, ORGANISE)
        assert snapshot() == before
        return
    assert response.status_code == 302
    if action == "bulk_article_add":
        assert p.order.articles.filter(name="Lentilles").exists()
    elif action == "bulk_close":
        assert BulkOrder.objects.get(pk=p.order.pk).status == "closed"
        assert BulkRequest.objects.get().allocated == 6
    else:  # already open: refused with a message, nothing changes
        assert snapshot() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_requesting_and_withdrawing(p, who):
    before = snapshot()
    data = {"article": p.article.pk, "quantity": "3", "tolerance": "1"}
    response = p.client(who).post(url(p.group, "bulk_request", pk=p.order.pk), data)
    if who not in MEMBERS:
        denied(who, response, PARTICIPATE)
        response = p.client(who).post(
            url(p.group, "bulk_withdraw", pk=p.order.pk), {"article": p.article.pk}
        )
        denied(who, response, PARTICIPATE)
        assert snapshot() == before
        return
    assert response.status_code == 302
    mine = BulkRequest.objects.get(member=getattr(p, who))
    assert (mine.quantity, mine.tolerance) == (3, 1)
    p.client(who).post(url(p.group, "bulk_withdraw", pk=p.order.pk), {"article": p.article.pk})
    assert not BulkRequest.objects.filter(member=getattr(p, who)).exists()


def test_a_request_after_closing_changes_nothing(p):
    BulkOrder.objects.filter(pk=p.order.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    before = snapshot()
    client = p.client("member")
    response = client.post(
        url(p.group, "bulk_request", pk=p.order.pk),
        {"article": p.article.pk, "quantity": "9"},
        follow=True,
    )
    assert fr("Requests for this bulk order are closed.") in page(response)
    assert snapshot() == before


def test_an_article_of_another_order_is_not_found(p):
    other = services.bulk_order_create(
        group=p.other_group,
        acting_user=p.other_member,
        title="Ailleurs",
        supplier_name="X",
        closes_at=timezone.now() + timedelta(days=1),
        articles=[{"name": "Thé", "case_size": 2, "unit_price": Decimal("5")}],
    )
    before = snapshot()
    response = p.client("member").post(
        url(p.group, "bulk_request", pk=p.order.pk),
        {"article": other.articles.get().pk, "quantity": "1"},
    )
    assert response.status_code == 404
    assert snapshot() == before
