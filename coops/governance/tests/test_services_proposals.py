"""Drafting, opening, withdrawing, editing and amending proposals (services.proposals)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from coops.core.models import Event
from coops.groups.models import MembershipStatus
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from ..models import (
    Ballot,
    BallotChange,
    Method,
    Proposal,
    ProposalOption,
    ProposalStatus,
    ProposalVersion,
    QuorumRule,
    Voter,
)
from ..services.ballots import ballot_cast
from ..services.proposals import (
    ALLOWED,
    _transition,
    proposal_amend,
    proposal_create,
    proposal_open,
    proposal_update,
    proposal_withdraw,
)
from .factories_proposals import CollegeFactory, draft, make_council, opened, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def council():
    return make_council()


def _refused(call, message: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.messages == [message]
    return info.value


def _snapshot() -> tuple:
    return (
        sorted(Proposal.objects.values_list("pk", "status", "title", "body", "version")),
        sorted(ProposalOption.objects.values_list("pk", "label")),
        Voter.objects.count(),
        ProposalVersion.objects.count(),
        Ballot.objects.count(),
        Notification.objects.count(),
    )


# --- Drafting ---------------------------------------------------------------------------------


def test_create_a_consent_draft_records_it_and_an_event(council):
    proposal = draft(council.group, council.alice, review_on=timezone.localdate())
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.author == council.alice
    assert proposal.method == Method.CONSENT
    assert proposal.title == "Changer de fournisseur de pain"
    assert proposal.settings == {}
    assert list(proposal.options.all()) == []
    event = Event.objects.get(verb="governance.proposal_created")
    assert event.actor == council.alice
    assert event.target_id == str(proposal.pk)
    assert event.data["method"] == "consent"


def test_create_an_option_method_keeps_options_in_order(council):
    proposal = draft(council.group, council.alice, method=Method.JUDGMENT, options=[" A ", "B", ""])
    assert list(proposal.options.values_list("label", "position")) == [("A", 0), ("B", 1)]


@pytest.mark.parametrize(
    ("method", "settings", "stored"),
    [
        (Method.QUALIFIED, {}, {"threshold": "2/3"}),
        (Method.QUALIFIED, {"threshold": "6/10"}, {"threshold": "3/5"}),
        (Method.DOTS, {}, {"dots": 5}),
        (Method.SCORE, {"max_score": 10}, {"min_score": 0, "max_score": 10}),
    ],
)
def test_method_settings_get_their_defaults_and_are_cleaned(council, method, settings, stored):
    proposal = draft(council.group, council.alice, method=method, settings=settings)
    proposal.refresh_from_db()
    assert proposal.settings == stored


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "lottery"}, "Choose a decision method."),
        (
            {"method": Method.CONSENT, "options": ["A", "B"]},
            "This method answers the proposal itself; it takes no options.",
        ),
        ({"method": Method.SCHULZE, "options": ["A"]}, "Give at least two options to choose from."),
        ({"method": Method.DOTS, "options": ["Pain", "pain"]}, "Two options have the same text."),
        ({"method": Method.DOTS, "options": [str(i) for i in range(51)]}, "At most 50 options."),
        (
            {"method": Method.QUALIFIED, "settings": {"threshold": "5/3"}},
            "A threshold is a fraction such as 2/3, above 0 and at most 1.",
        ),
        (
            {"method": Method.DOTS, "options": ["A", "B"], "settings": {"dots": 0}},
            "The number of dots is a whole number from 1 to 1000.",
        ),
        (
            {"method": Method.CONSENT, "weighted": True},
            "This group has no colleges: a weighted vote needs them.",
        ),
        (
            {"method": Method.CONSENT, "quorum_rule": QuorumRule.PERCENT, "quorum_value": 101},
            "A quorum in percent is at most 100.",
        ),
        (
            {"method": Method.CONSENT, "motion_type": "lottery.draw"},
            "“lottery.draw” is not a known kind of decision.",
        ),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_written(council, kwargs, message):
    before = _snapshot()
    _refused(
        lambda: proposal_create(
            group=council.group, acting_user=council.alice, title="Essai", **kwargs
        ),
        message,
    )
    assert _snapshot() == before
    assert not Event.objects.filter(verb="governance.proposal_created").exists()


def test_a_counter_proposal_stays_in_its_group(council):
    elsewhere = draft(GroupFactory(), council.alice)
    before = _snapshot()
    _refused(
        lambda: draft(council.group, council.alice, counters=elsewhere),
        "A counter-proposal belongs to the same group as the proposal it answers.",
    )
    assert _snapshot() == before


def test_excluding_a_member_needs_consensus(council):
    membership = council.bob.memberships.get(group=council.group)
    _refused(
        lambda: draft(
            council.group,
            council.alice,
            motion_type="groups.exclude_member",
            motion_data={"membership": membership.pk},
        ),
        "“Exclude a member” can only be decided by: consensus.",
    )
    proposal = draft(
        council.group,
        council.alice,
        method=Method.CONSENSUS,
        motion_type="groups.exclude_member",
        motion_data={"membership": str(membership.pk)},
    )
    assert proposal.motion_data == {"membership": membership.pk, "name": council.bob.public_name}


def test_admitting_needs_a_pending_request(council):
    active = council.bob.memberships.get(group=council.group)
    _refused(
        lambda: draft(
            council.group,
            council.alice,
            motion_type="groups.admit_member",
            motion_data={"membership": active.pk},
        ),
        "This person has no pending request to join.",
    )


# --- Opening ----------------------------------------------------------------------------------


def test_open_snapshots_the_active_members_and_notifies_them(council):
    pending = MembershipFactory(group=council.group, status=MembershipStatus.PENDING).user
    MembershipFactory()  # someone in another group
    college = CollegeFactory(group=council.group, weight=50)
    place(college, council.alice)
    proposal = draft(council.group, council.organiser)
    before = timezone.now()
    proposal = proposal_open(proposal=proposal, acting_user=council.organiser)
    assert proposal.status == ProposalStatus.OPEN
    assert before <= proposal.opens_at <= timezone.now()
    assert proposal.closes_at == proposal.opens_at + timedelta(days=7)
    voters = dict(Voter.objects.filter(proposal=proposal).values_list("user", "college"))
    assert voters == {
        council.organiser.pk: None,
        council.alice.pk: college.pk,
        council.bob.pk: None,
        council.carol.pk: None,
    }
    assert pending.pk not in voters
    notified = Notification.objects.filter(kind="governance.proposal_opened")
    # The organiser who opened it is not notified of their own act.
    assert sorted(notified.values_list("recipient", flat=True)) == sorted(
        [council.alice.pk, council.bob.pk, council.carol.pk]
    )
    assert {n.title for n in notified} == {
        fr("Vote open: %(title)s", title="Changer de fournisseur de pain")
    }
    assert Event.objects.filter(verb="governance.proposal_open", target_id=str(proposal.pk))


def test_open_keeps_a_closing_time_chosen_in_the_draft(council):
    closes = timezone.now() + timedelta(days=2)
    proposal = opened(council.group, council.alice, closes_at=closes)
    assert proposal.closes_at == closes


def test_open_refuses_a_past_closing_time(council):
    proposal = draft(council.group, council.alice, closes_at=timezone.now() - timedelta(hours=1))
    before = _snapshot()
    _refused(
        lambda: proposal_open(proposal=proposal, acting_user=council.alice),
        "The closing time has passed: set a later one before opening.",
    )
    assert _snapshot() == before


def test_open_a_weighted_vote_needs_every_member_in_a_college(council):
    college = CollegeFactory(group=council.group)
    place(college, council.organiser, council.alice)
    proposal = draft(council.group, council.alice, weighted=True)
    before = _snapshot()
    _refused(
        lambda: proposal_open(proposal=proposal, acting_user=council.alice),
        "2 members have no college: place them in one before opening a vote weighted by college.",
    )
    assert _snapshot() == before


def test_a_proposal_opens_once(council):
    proposal = opened(council.group, council.alice)
    before = _snapshot()
    _refused(
        lambda: proposal_open(proposal=proposal, acting_user=council.alice),
        "A proposal cannot go from “Open” to “Open”.",
    )
    assert _snapshot() == before


@pytest.mark.parametrize("start", list(ProposalStatus))
@pytest.mark.parametrize("end", list(ProposalStatus))
def test_the_state_machine(council, start, end):
    proposal = draft(council.group, council.alice)
    Proposal.objects.filter(pk=proposal.pk).update(status=start)
    proposal.refresh_from_db()
    if end in ALLOWED.get(start, set()):
        _transition(proposal, end, acting_user=council.alice)
        proposal.refresh_from_db()
        assert proposal.status == end
        assert (proposal.decided_at is not None) == (
            end in (ProposalStatus.ADOPTED, ProposalStatus.REJECTED, ProposalStatus.NO_QUORUM)
        )
    else:
        with pytest.raises(ValidationError):
            _transition(proposal, end, acting_user=council.alice)
        proposal.refresh_from_db()
        assert proposal.status == start


# --- Withdrawing ------------------------------------------------------------------------------


def test_withdraw_a_draft_and_an_open_proposal(council):
    first = draft(council.group, council.alice)
    second = opened(council.group, council.alice)
    for proposal in (first, second):
        proposal_withdraw(proposal=proposal, acting_user=council.alice, reason=" Doublon ")
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN
        event = Event.objects.get(verb="governance.proposal_withdrawn", target_id=str(proposal.pk))
        assert event.data == {
            "before": "draft" if proposal is first else "open",
            "after": "withdrawn",
            "reason": "Doublon",
        }
    _refused(
        lambda: proposal_withdraw(proposal=first, acting_user=council.alice),
        "A proposal cannot go from “Withdrawn” to “Withdrawn”.",
    )


# --- Editing a draft --------------------------------------------------------------------------


def test_update_a_draft_replaces_its_fields_and_options(council):
    proposal = draft(council.group, council.alice, method=Method.DOTS, options=["A", "B"])
    proposal_update(
        proposal=proposal,
        acting_user=council.alice,
        title=" Jour de distribution ",
        body="Choisissons.",
        method=Method.SCORE,
        options=["Mardi", "Jeudi", "Samedi"],
        settings={"max_score": 3},
        secret=True,
    )
    proposal.refresh_from_db()
    assert proposal.title == "Jour de distribution"
    assert proposal.method == Method.SCORE
    assert proposal.settings == {"min_score": 0, "max_score": 3}
    assert proposal.secret is True
    assert list(proposal.options.values_list("label", flat=True)) == ["Mardi", "Jeudi", "Samedi"]
    event = Event.objects.get(verb="governance.proposal_updated")
    assert event.data["changed"] == ["title", "body", "method", "settings", "secret", "options"]


def test_update_refuses_bad_input_and_open_proposals(council):
    proposal = draft(council.group, council.alice)
    before = _snapshot()
    _refused(
        lambda: proposal_update(
            proposal=proposal, acting_user=council.alice, title="X", method=Method.SCHULZE
        ),
        "Give at least two options to choose from.",
    )
    proposal_open(proposal=proposal, acting_user=council.alice)
    before = _snapshot()
    _refused(
        lambda: proposal_update(
            proposal=proposal, acting_user=council.alice, title="X", method=Method.CONSENT
        ),
        "Only a draft can be edited.",
    )
    assert _snapshot() == before


# --- Amending ---------------------------------------------------------------------------------


def test_amend_keeps_the_old_text_and_sets_aside_the_integrated_objections(council):
    proposal = opened(council.group, council.organiser)
    objection = ballot_cast(
        proposal=proposal,
        acting_user=council.alice,
        response={"position": "objection", "reason": "Trop cher"},
    )
    agree = ballot_cast(proposal=proposal, acting_user=council.bob, response={"position": "agree"})
    proposal_amend(
        proposal=proposal,
        acting_user=council.organiser,
        title="Changer de fournisseur de pain, à prix égal",
        body="Au même prix.",
        reason="Répond à l'objection sur le prix",
        integrates=[objection.pk],
    )
    proposal.refresh_from_db()
    assert proposal.version == 2
    assert proposal.title == "Changer de fournisseur de pain, à prix égal"
    old = ProposalVersion.objects.get(proposal=proposal)
    assert (old.version, old.title, old.reason, old.created_by) == (
        1,
        "Changer de fournisseur de pain",
        "Répond à l'objection sur le prix",
        council.organiser,
    )
    objection.refresh_from_db()
    agree.refresh_from_db()
    assert objection.set_aside_at is not None
    assert agree.set_aside_at is None
    assert list(
        BallotChange.objects.filter(ballot=objection).values_list("response", flat=True)
    ) == [{"position": "objection", "reason": "Trop cher", "counter_proposal": None}]
    notified = Notification.objects.filter(kind="governance.proposal_amended")
    assert sorted(notified.values_list("recipient", flat=True)) == sorted(
        [council.alice.pk, council.bob.pk]
    )


def test_amend_refusals_change_nothing(council):
    proposal = opened(council.group, council.organiser)
    other = opened(council.group, council.organiser)
    foreign = ballot_cast(proposal=other, acting_user=council.alice, response={"position": "agree"})
    before = _snapshot()
    _refused(
        lambda: proposal_amend(
            proposal=proposal, acting_user=council.organiser, title="X", body="", reason=" "
        ),
        "Say what the amendment changes.",
    )
    _refused(
        lambda: proposal_amend(
            proposal=proposal,
            acting_user=council.organiser,
            title="X",
            body="",
            reason="Intégrer",
            integrates=[foreign.pk],
        ),
        "Some of these answers are not on this proposal.",
    )
    assert _snapshot() == before
    closed_draft = draft(council.group, council.organiser)
    _refused(
        lambda: proposal_amend(
            proposal=closed_draft, acting_user=council.organiser, title="X", body="", reason="R"
        ),
        "Only an open proposal can be amended.",
    )
