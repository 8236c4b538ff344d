"""Proxies (no chain, the holder's limit, no withdrawal once used) and colleges (weights,
members) — services.delegation — including two gifts to one holder at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from coops.core.models import Event
from coops.core.tests.concurrency import race
from coops.groups.models import MembershipStatus
from coops.groups.tests.factories import GroupFactory, MembershipFactory

from ..models import College, CollegeMember, GroupGovernance, Method, Proxy
from ..services.ballots import ballot_cast
from ..services.delegation import college_assign, colleges_set, proxy_give, proxy_withdraw
from .factories import AssemblyFactory
from .factories_proposals import CollegeFactory, draft, make_council, opened, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def council():
    return make_council()


def _refused(call, message: str | list[str]) -> None:
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.messages == ([message] if isinstance(message, str) else message)


def _proxies() -> list:
    return sorted(
        Proxy.objects.values_list("pk", "giver", "holder", "proposal", "assembly", "withdrawn_at")
    )


def _colleges() -> tuple:
    return (
        sorted(College.objects.values_list("pk", "group", "name", "weight", "description")),
        sorted(CollegeMember.objects.values_list("group", "college", "user")),
    )


# --- Giving a proxy ---------------------------------------------------------------------------


def test_give_a_proxy_for_a_proposal_and_for_an_assembly(council):
    proposal = opened(council.group, council.organiser)
    assembly = AssemblyFactory(group=council.group)
    first = proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, proposal=proposal
    )
    second = proxy_give(
        group=council.group, acting_user=council.alice, holder=council.carol, assembly=assembly
    )
    assert (first.giver, first.holder, first.proposal, first.assembly) == (
        council.alice,
        council.bob,
        proposal,
        None,
    )
    assert (second.holder, second.assembly) == (council.carol, assembly)
    event = Event.objects.filter(verb="governance.proxy_given").order_by("pk").first()
    assert event.data == {"holder": council.bob.pk, "assembly": None, "proposal": proposal.pk}


def test_proxy_refusals_change_nothing(council):
    proposal = opened(council.group, council.organiser)
    elsewhere = opened(GroupFactory(), council.organiser)
    outsider = MembershipFactory().user
    pending = MembershipFactory(group=council.group, status=MembershipStatus.PENDING).user
    before = _proxies()
    give = proxy_give
    g = council.group
    cases = [
        (
            lambda: give(
                group=g, acting_user=council.alice, holder=council.bob, proposal=elsewhere
            ),
            "This vote belongs to another group.",
        ),
        (
            lambda: give(
                group=g, acting_user=council.alice, holder=council.alice, proposal=proposal
            ),
            "You cannot give your vote to yourself.",
        ),
        (
            lambda: give(group=g, acting_user=outsider, holder=council.bob, proposal=proposal),
            "Only members can give their vote.",
        ),
        (
            lambda: give(group=g, acting_user=council.alice, holder=pending, proposal=proposal),
            f"{pending.public_name} is not a member of this group.",
        ),
    ]
    for call, message in cases:
        _refused(call, message)
    assert _proxies() == before


def test_no_second_proxy_for_the_same_vote(council):
    proposal = opened(council.group, council.organiser)
    proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, proposal=proposal
    )
    before = _proxies()
    _refused(
        lambda: proxy_give(
            group=council.group, acting_user=council.alice, holder=council.carol, proposal=proposal
        ),
        "You have already given your vote for this; withdraw that proxy first.",
    )
    assert _proxies() == before


def test_proxies_do_not_chain(council):
    proposal = opened(council.group, council.organiser)
    # A → B exists: B cannot pass it on to C, and C cannot give to A… nor A hold C's.
    proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, proposal=proposal
    )
    before = _proxies()
    _refused(
        lambda: proxy_give(
            group=council.group, acting_user=council.bob, holder=council.carol, proposal=proposal
        ),
        "You hold another member's vote: proxies do not chain.",
    )
    _refused(
        lambda: proxy_give(
            group=council.group, acting_user=council.carol, holder=council.alice, proposal=proposal
        ),
        f"{council.alice.public_name} has given their own vote to someone else: proxies do not "
        "chain.",
    )
    assert _proxies() == before


def test_a_holder_carries_the_groups_limit(council):
    proposal = opened(council.group, council.organiser)
    proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, proposal=proposal
    )
    before = _proxies()
    _refused(
        lambda: proxy_give(
            group=council.group, acting_user=council.carol, holder=council.bob, proposal=proposal
        ),
        f"{council.bob.public_name} already holds 1 proxy, the group's limit.",
    )
    assert _proxies() == before
    GroupGovernance.objects.update_or_create(group=council.group, defaults={"max_proxies": 2})
    proxy_give(
        group=council.group, acting_user=council.carol, holder=council.bob, proposal=proposal
    )
    assert Proxy.objects.filter(holder=council.bob, withdrawn_at__isnull=True).count() == 2


def test_a_proxy_for_another_vote_does_not_count_against_the_limit(council):
    first = opened(council.group, council.organiser)
    second = opened(council.group, council.organiser)
    proxy_give(group=council.group, acting_user=council.alice, holder=council.bob, proposal=first)
    proxy_give(group=council.group, acting_user=council.carol, holder=council.bob, proposal=second)
    assert Proxy.objects.filter(holder=council.bob).count() == 2


# --- Withdrawing ------------------------------------------------------------------------------


def test_withdraw_then_give_again(council):
    proposal = opened(council.group, council.organiser)
    proxy = proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, proposal=proposal
    )
    proxy_withdraw(proxy=proxy, acting_user=council.alice)
    proxy.refresh_from_db()
    assert proxy.withdrawn_at is not None
    assert Event.objects.filter(verb="governance.proxy_withdrawn", target_id=str(proxy.pk))
    again = proxy_give(
        group=council.group, acting_user=council.alice, holder=council.carol, proposal=proposal
    )
    assert again.pk != proxy.pk


def test_withdraw_refusals(council):
    proposal = opened(council.group, council.organiser)
    proxy = proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, proposal=proposal
    )
    before = _proxies()
    _refused(
        lambda: proxy_withdraw(proxy=proxy, acting_user=council.bob),
        "Only the member who gave this proxy can withdraw it.",
    )
    ballot_cast(
        proposal=proposal,
        acting_user=council.bob,
        voter=council.alice,
        response={"position": "agree"},
    )
    _refused(
        lambda: proxy_withdraw(proxy=proxy, acting_user=council.alice),
        f"{council.bob.public_name} has already voted with this proxy: it can no longer be "
        "withdrawn.",
    )
    assert _proxies() == before
    other = opened(council.group, council.organiser)
    unused = proxy_give(
        group=council.group, acting_user=council.carol, holder=council.alice, proposal=other
    )
    proxy_withdraw(proxy=unused, acting_user=council.carol)
    _refused(
        lambda: proxy_withdraw(proxy=unused, acting_user=council.carol),
        "This proxy is already withdrawn.",
    )


# --- Colleges ---------------------------------------------------------------------------------

SCIC = [
    {"name": "Salariés", "weight": 40, "description": "Les personnes salariées"},
    {"name": "Usagers", "weight": 30},
    {"name": "Collectivités", "weight": 30},
]


def test_set_colleges_in_order_with_an_event(council):
    kept = colleges_set(group=council.group, acting_user=council.organiser, colleges=SCIC)
    assert [(c.name, c.weight, c.position) for c in kept] == [
        ("Salariés", 40, 0),
        ("Usagers", 30, 1),
        ("Collectivités", 30, 2),
    ]
    assert kept[0].description == "Les personnes salariées"
    event = Event.objects.get(verb="governance.colleges_set")
    assert event.data == {
        "before": {},
        "after": {"Salariés": 40, "Usagers": 30, "Collectivités": 30},
    }


def test_a_college_kept_by_name_keeps_its_members(council):
    kept = colleges_set(group=council.group, acting_user=council.organiser, colleges=SCIC)
    place(kept[0], council.alice)
    place(kept[1], council.bob)
    colleges_set(
        group=council.group,
        acting_user=council.organiser,
        colleges=[{"name": "Salariés", "weight": 50}, {"name": "Bénévoles", "weight": 50}],
    )
    assert sorted(College.objects.values_list("name", "weight")) == [
        ("Bénévoles", 50),
        ("Salariés", 50),
    ]
    assert list(CollegeMember.objects.values_list("user", "college__name")) == [
        (council.alice.pk, "Salariés")
    ]


@pytest.mark.parametrize(
    ("colleges", "messages"),
    [
        (
            [{"name": "A", "weight": 60}, {"name": "B", "weight": 40}],
            ["The weight of “A” must be between 10 and 50 %."],
        ),
        (
            [{"name": "A", "weight": 5}, {"name": "B", "weight": 95}],
            [
                "The weight of “A” must be between 10 and 50 %.",
                "The weight of “B” must be between 10 and 50 %.",
            ],
        ),
        (
            [{"name": "A", "weight": 50}, {"name": "B", "weight": 40}],
            ["The weights add up to 90 %; they must add up to 100 %."],
        ),
        (
            [{"name": "A", "weight": 50}, {"name": " a ", "weight": 50}],
            ["Two colleges have the same name."],
        ),
        (
            [{"name": "", "weight": 50}, {"name": "B", "weight": 50}],
            ["Every college needs a name."],
        ),
        (
            [{"name": "A", "weight": "50"}, {"name": "B", "weight": 50}],
            ["The weight of “A” must be between 10 and 50 %."],
        ),
    ],
)
def test_bad_colleges_are_refused_and_nothing_changes(council, colleges, messages):
    colleges_set(group=council.group, acting_user=council.organiser, colleges=SCIC)
    before = _colleges()
    _refused(
        lambda: colleges_set(group=council.group, acting_user=council.organiser, colleges=colleges),
        messages,
    )
    assert _colleges() == before


def test_colleges_cannot_be_removed_while_a_weighted_vote_is_open(council):
    kept = colleges_set(group=council.group, acting_user=council.organiser, colleges=SCIC)
    for user, college in zip(
        (council.organiser, council.alice, council.bob, council.carol),
        (kept[0], kept[0], kept[1], kept[2]),
        strict=True,
    ):
        place(college, user)
    opened(council.group, council.organiser, weighted=True)
    before = _colleges()
    _refused(
        lambda: colleges_set(group=council.group, acting_user=council.organiser, colleges=[]),
        "A weighted vote is open: the colleges cannot be removed now.",
    )
    assert _colleges() == before


def test_remove_every_college(council):
    colleges_set(group=council.group, acting_user=council.organiser, colleges=SCIC)
    assert colleges_set(group=council.group, acting_user=council.organiser, colleges=[]) == []
    assert not College.objects.exists()


def test_assign_move_and_unplace_a_member(council):
    a, b = (CollegeFactory(group=council.group, weight=50) for _ in range(2))
    college_assign(
        group=council.group, acting_user=council.organiser, user=council.alice, college=a
    )
    college_assign(
        group=council.group, acting_user=council.organiser, user=council.alice, college=b
    )
    assert list(CollegeMember.objects.values_list("user", "college")) == [(council.alice.pk, b.pk)]
    college_assign(
        group=council.group, acting_user=council.organiser, user=council.alice, college=None
    )
    assert not CollegeMember.objects.exists()
    assert Event.objects.filter(verb="governance.college_assigned").count() == 3


def test_assign_refusals(council):
    mine = CollegeFactory(group=council.group)
    theirs = CollegeFactory()
    outsider = MembershipFactory().user
    before = _colleges()
    _refused(
        lambda: college_assign(
            group=council.group, acting_user=council.organiser, user=council.alice, college=theirs
        ),
        "This college belongs to another group.",
    )
    _refused(
        lambda: college_assign(
            group=council.group, acting_user=council.organiser, user=outsider, college=mine
        ),
        f"{outsider.public_name} is not a member of this group.",
    )
    assert _colleges() == before


def test_a_draft_weighted_by_college_needs_colleges(council):
    _refused(
        lambda: draft(council.group, council.alice, method=Method.MAJORITY, weighted=True),
        "This group has no colleges: a weighted vote needs them.",
    )


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
def test_two_gifts_to_one_holder_with_limit_one_exactly_one_succeeds(pg):
    council = make_council()
    for _round in range(3):
        proposal = opened(council.group, council.organiser)
        results = race(
            lambda p=proposal: proxy_give(
                group=council.group, acting_user=council.alice, holder=council.bob, proposal=p
            ),
            lambda p=proposal: proxy_give(
                group=council.group, acting_user=council.carol, holder=council.bob, proposal=p
            ),
        )
        given = [r for r in results if isinstance(r, Proxy)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert (len(given), len(refused)) == (1, 1), results
        assert refused[0].code == "limit"
        assert Proxy.objects.filter(proposal=proposal, holder=council.bob).count() == 1
