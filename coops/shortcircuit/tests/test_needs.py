"""Needs: posting, +1 with or without a quantity, withdrawing, marking met, and the
ranking (+1s including the author, then the monthly total normalised by period)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr

from ..models import Need, NeedVote
from ..selectors import bulk as selectors
from ..services import bulk as services
from .factories import hub

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    group = hub()
    return group, [MembershipFactory(group=group, role=Role.MEMBER).user for _ in range(4)]


def post(group, user, title, quantity=None, period="month"):
    return services.need_post(
        group=group,
        acting_user=user,
        title=title,
        quantity=Decimal(quantity) if quantity else None,
        unit="kg",
        period=period,
    )


def test_ranking_by_votes_then_monthly_total(people):
    group, (ann, bob, cy, dee) = people
    rice = post(group, ann, "Riz bio", "10")  # 10 kg a month
    flour = post(group, bob, "Farine T80", "3", period="week")  # 13 kg a month
    oil = post(group, cy, "Huile", "24", period="year")  # 2 a month
    services.need_vote(need=oil, acting_user=dee)  # counts 24 a year again
    services.need_vote(need=rice, acting_user=bob, quantity=Decimal("5"))
    services.need_vote(need=flour, acting_user=ann, quantity=Decimal("1"))
    ranked = list(selectors.needs_ranked(group=group, user=ann))
    assert [(n.title, n.wanted, selectors.per_month(n)) for n in ranked] == [
        ("Farine T80", 2, Decimal("17.333")),
        ("Riz bio", 2, Decimal("15.000")),
        ("Huile", 2, Decimal("4.000")),
    ]
    assert [(n.voted, n.my_quantity) for n in ranked] == [
        (True, Decimal("1.000")),
        (False, None),
        (False, None),
    ]


def test_more_votes_beat_more_quantity(people):
    group, (ann, bob, cy, _dee) = people
    big = post(group, ann, "Sucre", "100")
    small = post(group, bob, "Sel", "1")
    services.need_vote(need=small, acting_user=cy)
    assert [n.pk for n in selectors.needs_ranked(group=group, user=ann)] == [small.pk, big.pk]


def test_voting_again_changes_the_quantity_and_withdrawing_removes_it(people):
    group, (ann, bob, _cy, _dee) = people
    need = post(group, ann, "Riz bio", "10")
    services.need_vote(need=need, acting_user=bob)
    services.need_vote(need=need, acting_user=bob, quantity=Decimal("2"))
    assert list(NeedVote.objects.values_list("user", "quantity")) == [(bob.pk, Decimal("2"))]
    services.need_unvote(need=need, acting_user=bob)
    services.need_unvote(need=need, acting_user=bob)
    assert not NeedVote.objects.exists()


def test_no_vote_on_ones_own_or_a_met_need(people):
    group, (ann, bob, _cy, _dee) = people
    need = post(group, ann, "Riz bio", "10")
    with pytest.raises(ValidationError) as exc:
        services.need_vote(need=need, acting_user=ann)
    assert exc.value.messages == [fr("You posted this need: it already counts you.")]
    services.need_close(need=need, acting_user=ann)
    assert Need.objects.get(pk=need.pk).closed is True
    with pytest.raises(ValidationError) as exc:
        services.need_vote(need=need, acting_user=bob)
    assert exc.value.messages == [fr("This need is already met.")]
    assert list(selectors.needs_ranked(group=group, user=bob)) == []
    assert list(selectors.needs_met(group=group)) == [need]


def test_a_need_quantity_must_be_positive(people):
    group, (ann, *_rest) = people
    with pytest.raises(ValidationError):
        post(group, ann, "Riz", "-1")
    assert not Need.objects.exists()
