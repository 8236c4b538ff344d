"""Closing proposals with their outcome and effect (services.closing), the scheduled work
(closing at the deadline, the reminder, review dates), and a vote racing with closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from coops.core.models import Event
from coops.core.tests.concurrency import race
from coops.groups.models import Membership, MembershipStatus, Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from ..models import Ballot, GroupGovernance, Method, Proposal, ProposalStatus, QuorumRule
from ..services.ballots import ballot_cast
from ..services.closing import (
    decisions_review_due,
    proposal_close,
    proposals_close_due,
    proposals_remind,
)
from .factories_proposals import (
    CollegeFactory,
    draft,
    make_council,
    opened,
    option_ids,
    past_deadline,
    place,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def council():
    return make_council()


def _cast(proposal, user, **response):
    return ballot_cast(proposal=proposal, acting_user=user, response=response)


def _closed(proposal, acting_user=None) -> Proposal:
    proposal_close(proposal=proposal, acting_user=acting_user)
    proposal.refresh_from_db()
    return proposal


def test_consent_without_objection_is_adopted(council):
    proposal = opened(council.group, council.organiser)
    _cast(proposal, council.alice, position="agree")
    _cast(proposal, council.bob, position="no_objection")
    proposal = _closed(proposal, council.organiser)
    assert proposal.status == ProposalStatus.ADOPTED
    assert proposal.decided_at is not None
    assert proposal.outcome_summary == "Adopted by consent: no objection (1 agree, 1 no objection)."
    assert proposal.outcome["adopted"] is True
    assert proposal.outcome["participants"] == 2
    assert proposal.outcome["eligible"] == 4
    assert proposal.outcome["counts"]["positions"] == {
        "agree": 1,
        "no_objection": 1,
        "objection": 0,
    }
    verbs = list(
        Event.objects.filter(target_id=str(proposal.pk), verb__startswith="governance.proposal_")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["governance.proposal_closed", "governance.proposal_adopted"]
    notified = Notification.objects.filter(kind="governance.proposal_outcome")
    assert sorted(notified.values_list("recipient", flat=True)) == sorted(
        [council.organiser.pk, council.alice.pk, council.bob.pk, council.carol.pk]
    )
    with translation.override("fr"):
        title = fr("%(status)s: %(title)s") % {
            "status": str(ProposalStatus.ADOPTED.label),
            "title": proposal.title,
        }
    assert {n.title for n in notified} == {title}


def test_an_objection_rejects(council):
    proposal = opened(council.group, council.organiser)
    _cast(proposal, council.alice, position="objection", reason="Trop cher")
    proposal = _closed(proposal)
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.outcome_summary == "Not adopted: 1 objection."
    assert proposal.outcome["blocks"] == [["Trop cher", None]]


def test_no_quorum(council):
    proposal = opened(
        council.group, council.organiser, quorum_rule=QuorumRule.PERCENT, quorum_value=50
    )
    _cast(proposal, council.alice, position="agree")
    proposal = _closed(proposal)
    assert proposal.status == ProposalStatus.NO_QUORUM
    assert proposal.outcome_summary == "No quorum: 1 of 4 voters answered."
    assert proposal.outcome["quorum_met"] is False


def test_the_summary_names_the_options(council):
    proposal = opened(council.group, council.organiser, method=Method.DOTS)
    a, b, _c = option_ids(proposal)
    _cast(proposal, council.alice, dots={str(a): 3, str(b): 2})
    _cast(proposal, council.bob, dots={str(a): 1})
    proposal = _closed(proposal)
    assert proposal.status == ProposalStatus.ADOPTED
    assert proposal.outcome_summary == "Mardi soir wins with 4 dots (66.7 % of the dots)."
    assert proposal.outcome["winners"] == [str(a)]


def test_a_weighted_vote_keeps_each_colleges_result(council):
    dave = MembershipFactory(group=council.group).user
    workers = CollegeFactory(group=council.group, name="Salariés", weight=50)
    users = CollegeFactory(group=council.group, name="Usagers", weight=50)
    place(workers, council.organiser, council.alice)
    place(users, council.bob, council.carol, dave)
    proposal = opened(council.group, council.organiser, method=Method.MAJORITY, weighted=True)
    for user, position in (
        (council.organiser, "yes"),
        (council.alice, "yes"),
        (council.bob, "no"),
        (council.carol, "yes"),
        (dave, "yes"),
    ):
        _cast(proposal, user, position=position)
    proposal = _closed(proposal)
    # Workers 100 % yes × 1/2 + users 2/3 yes × 1/2 = 5/6 yes, whatever the sizes.
    assert proposal.status == ProposalStatus.ADOPTED
    assert proposal.outcome_summary == "Adopted: 83.3 % yes, 16.7 % no (weighted votes)."
    colleges = {c["name"]: (c["weight"], c["summary"]) for c in proposal.outcome["colleges"]}
    assert colleges == {
        "Salariés": (50, "Adopted: 2 yes, 0 no, 0 abstentions (100 % of votes expressed)."),
        "Usagers": (50, "Adopted: 2 yes, 1 no, 0 abstentions (66.7 % of votes expressed)."),
    }


def test_an_adopted_motion_is_applied_in_the_same_step(council):
    proposal = opened(
        council.group,
        council.organiser,
        motion_type="governance.change_setting",
        motion_data={"setting": "max_proxies", "value": "3"},
    )
    _cast(proposal, council.alice, position="agree")
    proposal = _closed(proposal, council.organiser)
    assert GroupGovernance.objects.get(group=council.group).max_proxies == 3
    assert proposal.motion_applied_at is not None
    event = Event.objects.get(verb="governance.motion_applied")
    assert event.data == {
        "motion": "governance.change_setting",
        "data": {"setting": "max_proxies", "value": 3},
    }


def test_a_rejected_motion_is_not_applied(council):
    pending = MembershipFactory(group=council.group, status=MembershipStatus.PENDING)
    proposal = opened(
        council.group,
        council.organiser,
        motion_type="groups.admit_member",
        motion_data={"membership": pending.pk},
    )
    _cast(proposal, council.alice, position="objection", reason="Attendons")
    proposal = _closed(proposal)
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.motion_applied_at is None
    assert Membership.objects.get(pk=pending.pk).status == MembershipStatus.PENDING


def test_when_the_effect_fails_nothing_is_closed(council):
    pending = MembershipFactory(group=council.group, status=MembershipStatus.PENDING)
    proposal = opened(
        council.group,
        council.organiser,
        motion_type="groups.admit_member",
        motion_data={"membership": pending.pk},
    )
    _cast(proposal, council.alice, position="agree")
    Membership.objects.filter(pk=pending.pk).update(status=MembershipStatus.REFUSED)
    with pytest.raises(ValidationError) as info:
        proposal_close(proposal=proposal, acting_user=council.organiser)
    assert info.value.messages == ["This request has already been decided."]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.outcome, proposal.decided_at) == (
        ProposalStatus.OPEN,
        {},
        None,
    )
    assert not Notification.objects.filter(kind="governance.proposal_outcome").exists()


def test_only_an_open_proposal_closes(council):
    proposal = draft(council.group, council.organiser)
    with pytest.raises(ValidationError) as info:
        proposal_close(proposal=proposal)
    assert info.value.messages == ["Only an open proposal can be closed."]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


def test_close_due_closes_only_past_deadlines_and_survives_a_failing_effect(council):
    due = opened(council.group, council.organiser)
    later = opened(council.group, council.organiser)
    pending = MembershipFactory(group=council.group, status=MembershipStatus.PENDING)
    failing = opened(
        council.group,
        council.organiser,
        motion_type="groups.admit_member",
        motion_data={"membership": pending.pk},
    )
    _cast(failing, council.alice, position="agree")
    Membership.objects.filter(pk=pending.pk).update(status=MembershipStatus.REFUSED)
    past_deadline(due)
    past_deadline(failing)
    assert proposals_close_due() == 1
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: ProposalStatus.REJECTED,  # nobody answered
        later.pk: ProposalStatus.OPEN,
        failing.pk: ProposalStatus.OPEN,
    }


def test_remind_once_those_who_have_not_answered(council):
    proposal = opened(
        council.group, council.organiser, closes_at=timezone.now() + timedelta(hours=20)
    )
    opened(council.group, council.organiser)  # closes in 7 days: not yet
    _cast(proposal, council.alice, position="agree")
    assert proposals_remind() == 1
    reminded = Notification.objects.filter(kind="governance.proposal_closing")
    assert sorted(reminded.values_list("recipient", flat=True)) == sorted(
        [council.organiser.pk, council.bob.pk, council.carol.pk]
    )
    assert proposals_remind() == 0
    assert reminded.count() == 3


def test_review_dates_notify_the_organisers_once(council):
    admin = MembershipFactory(group=council.group, role=Role.ADMIN).user
    proposal = opened(council.group, council.organiser, review_on=timezone.localdate())
    _cast(proposal, council.alice, position="agree")
    _closed(proposal)
    assert decisions_review_due() == 1
    notified = Notification.objects.filter(kind="governance.decision_review")
    assert sorted(notified.values_list("recipient", flat=True)) == sorted(
        [council.organiser.pk, admin.pk]
    )
    assert decisions_review_due() == 0


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
def test_a_vote_racing_with_closing_is_counted_or_refused(pg):
    council = make_council()
    for _round in range(4):
        proposal = opened(council.group, council.organiser, method=Method.MAJORITY)
        cast, closed = race(
            lambda p=proposal: _cast(p, council.alice, position="yes"),
            lambda p=proposal: proposal_close(proposal=p, acting_user=council.organiser),
        )
        assert isinstance(closed, Proposal), closed
        proposal.refresh_from_db()
        if isinstance(cast, Ballot):
            assert proposal.outcome["participants"] == 1
            assert proposal.status == ProposalStatus.ADOPTED
        else:
            assert isinstance(cast, ValidationError), cast
            assert cast.messages == [fr("This vote is closed.")]  # threads speak French
            assert proposal.outcome["participants"] == 0
            assert proposal.status == ProposalStatus.REJECTED
        assert Ballot.objects.filter(proposal=proposal).count() == proposal.outcome["participants"]


def test_an_adopted_admission_makes_a_member(council):
    pending = MembershipFactory(group=council.group, status=MembershipStatus.PENDING)
    proposal = opened(
        council.group,
        council.organiser,
        motion_type="groups.admit_member",
        motion_data={"membership": pending.pk},
    )
    _cast(proposal, council.alice, position="agree")
    _closed(proposal, council.organiser)
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.ACTIVE
    event = Event.objects.get(verb="group.request_accepted")
    assert event.data["decision"] == f"Decision “{proposal.title}” (proposal {proposal.pk})"


def test_an_exclusion_by_consensus_removes_the_member(council):
    carol = Membership.objects.get(group=council.group, user=council.carol)
    proposal = opened(
        council.group,
        council.organiser,
        method=Method.CONSENSUS,
        motion_type="groups.exclude_member",
        motion_data={"membership": carol.pk},
    )
    for user in (council.alice, council.bob):
        _cast(proposal, user, position="agree")
    _cast(proposal, council.carol, position="disagree")  # disagreeing is not blocking
    proposal = _closed(proposal, council.organiser)
    assert proposal.status == ProposalStatus.ADOPTED
    carol.refresh_from_db()
    assert carol.status == MembershipStatus.LEFT
