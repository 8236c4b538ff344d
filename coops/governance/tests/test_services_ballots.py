"""Casting, changing and refusing ballots (services.ballots), including the block that
writes its counter-proposal in the same step, and two votes of one voter at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from coops.core.models import Event
from coops.core.tests.concurrency import race
from coops.groups.tests.factories import MembershipFactory

from ..models import (
    Ballot,
    BallotChange,
    BallotMark,
    Method,
    Proposal,
    ProposalStatus,
    Voter,
)
from ..services.ballots import ballot_block_with_counter_proposal, ballot_cast, ballot_response
from ..services.delegation import proxy_give, proxy_withdraw
from ..services.proposals import proposal_withdraw
from .factories import AgendaItemFactory, AssemblyFactory
from .factories_proposals import draft, make_council, opened, option_ids, past_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def council():
    return make_council()


def _refused(call, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.messages == [message]


def _snapshot() -> tuple:
    return (
        sorted(
            Ballot.objects.values_list(
                "pk", "voter", "cast_by", "position", "reason", "counter_proposal", "changed_at"
            )
        ),
        sorted(BallotMark.objects.values_list("ballot", "option", "value")),
        BallotChange.objects.count(),
        sorted(Proposal.objects.values_list("pk", "status")),
        sorted(Voter.objects.values_list("pk", "reviewed_version")),
    )


def _cast(proposal, user, **response):
    return ballot_cast(proposal=proposal, acting_user=user, response=response)


# --- Casting and changing ---------------------------------------------------------------------


def test_cast_records_the_answer_and_an_event_saying_who_not_what(council):
    proposal = opened(council.group, council.organiser, secret=True)
    ballot = _cast(proposal, council.alice, position="agree")
    ballot.refresh_from_db()
    assert (ballot.voter, ballot.cast_by, ballot.proxy, ballot.position, ballot.reason) == (
        council.alice,
        council.alice,
        None,
        "agree",
        "",
    )
    assert ballot.changed_at is None
    event = Event.objects.get(verb="governance.ballot_cast")
    assert event.data == {"voter": council.alice.pk, "proxy": None, "changed": False}


def test_changing_an_answer_keeps_the_previous_one(council):
    proposal = opened(council.group, council.organiser)
    first = _cast(proposal, council.alice, position="agree")
    second = _cast(proposal, council.alice, position="objection", reason="Trop cher")
    assert first.pk == second.pk
    second.refresh_from_db()
    assert (second.position, second.reason) == ("objection", "Trop cher")
    assert second.changed_at is not None
    assert list(BallotChange.objects.values_list("response", "cast_by")) == [
        ({"position": "agree", "reason": "", "counter_proposal": None}, council.alice.pk)
    ]
    assert Ballot.objects.count() == 1


def test_no_change_when_the_vote_forbids_it(council):
    proposal = opened(council.group, council.organiser, changes_allowed=False)
    _cast(proposal, council.alice, position="agree")
    before = _snapshot()
    _refused(
        lambda: _cast(proposal, council.alice, position="objection", reason="Non"),
        "This vote does not allow changing an answer.",
    )
    assert _snapshot() == before


def test_a_closed_or_past_vote_takes_no_answer(council):
    past = opened(council.group, council.organiser)
    past_deadline(past)
    decided = opened(council.group, council.organiser)
    Proposal.objects.filter(pk=decided.pk).update(status=ProposalStatus.ADOPTED)
    waiting = draft(council.group, council.organiser)
    before = _snapshot()
    for proposal in (past, decided, waiting):
        _refused(
            lambda p=proposal: _cast(p, council.alice, position="agree"), "This vote is closed."
        )
    assert _snapshot() == before


def test_only_the_voters_snapshotted_at_opening_answer(council):
    proposal = opened(council.group, council.organiser)
    newcomer = MembershipFactory(group=council.group).user
    outsider = MembershipFactory().user
    before = _snapshot()
    for user in (newcomer, outsider):
        _refused(
            lambda u=user: _cast(proposal, u, position="agree"),
            "You were not a member of the group when this vote opened.",
        )
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("method", "response", "message"),
    [
        (Method.CONSENT, {"position": "objection"}, "An objection needs a written reason."),
        (
            Method.CONSENT,
            {"position": "yes"},
            "Choose one of: Agree, No objection, Objection.",
        ),
        (
            Method.CONSENSUS,
            {"position": "block", "reason": "Non"},
            "A block needs a written reason and a counter-proposal.",
        ),
        (Method.MAJORITY, {"position": "agree"}, "Choose one of: Yes, No, Abstain."),
    ],
)
def test_answers_the_method_refuses(council, method, response, message):
    proposal = opened(council.group, council.organiser, method=method)
    before = _snapshot()
    _refused(lambda: _cast(proposal, council.alice, **response), message)
    assert _snapshot() == before


def test_a_block_links_a_counter_proposal_to_this_proposal(council):
    proposal = opened(council.group, council.organiser, method=Method.CONSENSUS)
    unrelated = draft(council.group, council.alice, method=Method.CONSENSUS)
    before = _snapshot()
    _refused(
        lambda: _cast(
            proposal, council.alice, position="block", reason="Non", counter_proposal=unrelated.pk
        ),
        "A block must link a counter-proposal made to this proposal.",
    )
    assert _snapshot() == before
    counter = draft(council.group, council.alice, method=Method.CONSENSUS, counters=proposal)
    ballot = _cast(
        proposal, council.alice, position="block", reason="Non", counter_proposal=counter.pk
    )
    assert ballot.counter_proposal == counter


# --- Block with its counter-proposal in one step ----------------------------------------------


def test_block_and_counter_proposal_in_one_step(council):
    proposal = opened(council.group, council.organiser, method=Method.CONSENSUS)
    ballot = ballot_block_with_counter_proposal(
        proposal=proposal,
        acting_user=council.bob,
        reason="Le fournil est trop loin",
        title="Garder notre boulanger",
        body="Nous restons chez **Paul**.",
    )
    counter = Proposal.objects.get(counters=proposal)
    assert (counter.title, counter.body, counter.author, counter.status, counter.method) == (
        "Garder notre boulanger",
        "Nous restons chez **Paul**.",
        council.bob,
        ProposalStatus.DRAFT,
        Method.CONSENSUS,
    )
    assert (ballot.position, ballot.reason, ballot.counter_proposal) == (
        "block",
        "Le fournil est trop loin",
        counter,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": " ", "reason": "Non"}, "Give your counter-proposal a title."),
        (
            {"title": "Autre", "reason": " "},
            "A block needs a written reason and a counter-proposal.",
        ),
    ],
)
def test_block_with_counter_proposal_refusals(council, kwargs, message):
    proposal = opened(council.group, council.organiser, method=Method.CONSENSUS)
    before = _snapshot()
    _refused(
        lambda: ballot_block_with_counter_proposal(
            proposal=proposal, acting_user=council.bob, **kwargs
        ),
        message,
    )
    assert _snapshot() == before


def test_a_refused_block_does_not_keep_its_counter_proposal(council):
    proposal = opened(council.group, council.organiser, method=Method.CONSENSUS)
    past_deadline(proposal)
    newcomer = MembershipFactory(group=council.group).user
    before = _snapshot()
    _refused(
        lambda: ballot_block_with_counter_proposal(
            proposal=proposal, acting_user=council.bob, reason="Non", title="Autre"
        ),
        "This vote is closed.",
    )
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() + timedelta(days=1))
    _refused(
        lambda: ballot_block_with_counter_proposal(
            proposal=proposal, acting_user=newcomer, reason="Non", title="Autre"
        ),
        "You were not a member of the group when this vote opened.",
    )
    assert _snapshot()[0:3] == before[0:3]
    assert not Proposal.objects.filter(counters=proposal).exists()


# --- Proxies ----------------------------------------------------------------------------------


def test_voting_for_another_needs_their_proxy(council):
    proposal = opened(council.group, council.organiser)
    before = _snapshot()
    _refused(
        lambda: ballot_cast(
            proposal=proposal, acting_user=council.bob, voter=council.alice,
            response={"position": "agree"},
        ),
        "You hold no proxy from this member for this vote.",
    )  # fmt: skip
    assert _snapshot() == before
    proxy = proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, proposal=proposal
    )
    ballot = ballot_cast(
        proposal=proposal, acting_user=council.bob, voter=council.alice,
        response={"position": "agree"},
    )  # fmt: skip
    assert (ballot.voter, ballot.cast_by, ballot.proxy) == (council.alice, council.bob, proxy)
    _refused(
        lambda: proxy_withdraw(proxy=proxy, acting_user=council.alice),
        f"{council.bob.public_name} has already voted with this proxy: it can no longer be "
        "withdrawn.",
    )


def test_a_proxy_for_an_assembly_covers_its_votes(council):
    proposal = opened(council.group, council.organiser)
    assembly = AssemblyFactory(group=council.group)
    AgendaItemFactory(assembly=assembly, proposal=proposal)
    proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, assembly=assembly
    )
    ballot = ballot_cast(
        proposal=proposal, acting_user=council.bob, voter=council.alice,
        response={"position": "no_objection"},
    )  # fmt: skip
    assert ballot.proxy.assembly == assembly


def test_a_withdrawn_proxy_no_longer_lets_its_holder_vote(council):
    proposal = opened(council.group, council.organiser)
    proxy = proxy_give(
        group=council.group, acting_user=council.alice, holder=council.bob, proposal=proposal
    )
    proxy_withdraw(proxy=proxy, acting_user=council.alice)
    _refused(
        lambda: ballot_cast(
            proposal=proposal, acting_user=council.bob, voter=council.alice,
            response={"position": "agree"},
        ),
        "You hold no proxy from this member for this vote.",
    )  # fmt: skip


def test_for_someone_who_cannot_vote(council):
    proposal = opened(council.group, council.organiser)
    newcomer = MembershipFactory(group=council.group).user
    _refused(
        lambda: ballot_cast(
            proposal=proposal, acting_user=council.bob, voter=newcomer,
            response={"position": "agree"},
        ),
        "This person cannot vote on this proposal.",
    )  # fmt: skip


# --- Option methods ---------------------------------------------------------------------------


def test_judgment_marks_are_stored_and_replaced(council):
    proposal = opened(council.group, council.organiser, method=Method.JUDGMENT)
    a, b, c = option_ids(proposal)
    ballot = _cast(proposal, council.alice, grades={str(a): 6, str(b): "2", str(c): 0})
    assert dict(ballot.marks.values_list("option", "value")) == {a: 6, b: 2, c: 0}
    _cast(proposal, council.alice, grades={str(a): 1, str(b): 1, str(c): 1})
    assert dict(ballot.marks.values_list("option", "value")) == {a: 1, b: 1, c: 1}
    assert list(BallotChange.objects.values_list("response", flat=True)) == [
        {"grades": {str(a): 6, str(b): 2, str(c): 0}}
    ]
    assert ballot_response(ballot, Method.JUDGMENT) == {"grades": {str(a): 1, str(b): 1, str(c): 1}}


@pytest.mark.parametrize(
    ("method", "marks", "message"),
    [
        (Method.JUDGMENT, {"grades": {0: 3}}, "Grade every option."),
        (
            Method.JUDGMENT,
            {"grades": {0: 7, 1: 1, 2: 1}},
            "A grade is a whole number from 0 (To reject) to 6 (Excellent).",
        ),
        (Method.DOTS, {"dots": {0: 4, 1: 2}}, "You have 5 dots; this ballot spends 6."),
        (Method.SCORE, {"scores": {0: 1, 1: 1}}, "Score every option."),
        (Method.SCHULZE, {"ranking": {0: 4}}, "A rank is a whole number from 1 to 3."),
    ],
)  # fmt: skip
def test_option_answers_the_method_refuses(council, method, marks, message):
    proposal = opened(council.group, council.organiser, method=method)
    ids = option_ids(proposal)
    key = next(iter(marks))
    response = {key: {str(ids[i]): value for i, value in marks[key].items()}}
    before = _snapshot()
    _refused(
        lambda: ballot_cast(proposal=proposal, acting_user=council.alice, response=response),
        message,
    )
    assert _snapshot() == before


def test_schulze_ranks_with_ties_and_blanks(council):
    proposal = opened(council.group, council.organiser, method=Method.SCHULZE)
    a, b, _c = option_ids(proposal)
    ballot = _cast(proposal, council.alice, ranking={str(a): 1, str(b): 1})
    assert dict(ballot.marks.values_list("option", "value")) == {a: 1, b: 1}


def test_a_withdrawn_proposal_takes_no_answer(council):
    proposal = opened(council.group, council.organiser)
    proposal_withdraw(proposal=proposal, acting_user=council.organiser)
    _refused(lambda: _cast(proposal, council.alice, position="agree"), "This vote is closed.")


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
def test_two_votes_of_one_voter_at_once_make_one_ballot(pg):
    council = make_council()
    for changes_allowed in (True, False):
        proposal = opened(council.group, council.organiser, changes_allowed=changes_allowed)
        results = race(
            lambda p=proposal: _cast(p, council.alice, position="agree"),
            lambda p=proposal: _cast(p, council.alice, position="no_objection"),
        )
        assert Ballot.objects.filter(proposal=proposal).count() == 1
        ballots = [r for r in results if isinstance(r, Ballot)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        if changes_allowed:
            # The second waits for the first (the voter's row is locked), then changes it.
            assert len(ballots) == 2, results
            assert BallotChange.objects.filter(ballot__proposal=proposal).count() == 1
            assert Ballot.objects.get(proposal=proposal).changed_at is not None
        else:
            assert (len(ballots), len(refused)) == (1, 1), results
            assert refused[0].code == "no_change"
            assert BallotChange.objects.filter(ballot__proposal=proposal).count() == 0
