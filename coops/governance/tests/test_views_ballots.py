"""A proposal's page: the ballot of each method, voting for a proxy giver, one's answer and
its history, results (live, hidden, final), secrecy, amendments — who may do what, and
that refusals change nothing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext

from conftest import PERSONAS
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, messages_of, page

from ..models import Ballot, BallotChange, BallotMark, Method, Proposal, ProposalVersion
from ..services.ballots import ballot_cast
from ..services.closing import proposal_close
from ..services.delegation import proxy_give
from .factories_proposals import (
    CollegeFactory,
    draft,
    enable_governance,
    login_redirect,
    opened,
    option_ids,
    past_deadline,
    place,
    url,
)

pytestmark = pytest.mark.django_db

MEMBERS = ("member", "organiser", "admin")
VIEW_DENIED = "Only the group's members can see its assemblies and proposals."
PARTICIPATE_DENIED = "Only the group's active members can take part."


@pytest.fixture
def world(personas):
    p = personas
    enable_governance(p.group)
    p.open = opened(p.group, p.organiser, title="Changer de fournisseur de pain")
    return p


def _snapshot() -> tuple:
    return (
        sorted(
            Ballot.objects.values_list(
                "pk", "voter", "cast_by", "position", "reason", "counter_proposal", "changed_at"
            )
        ),
        sorted(BallotMark.objects.values_list("ballot", "option", "value")),
        BallotChange.objects.count(),
        sorted(Proposal.objects.values_list("pk", "status", "title", "body", "version")),
        ProposalVersion.objects.count(),
    )


def _vote(world, who: str, proposal=None, **data):
    proposal = proposal or world.open
    return world.client(who).post(url(world.group, "proposal_vote", pk=proposal.pk), data)


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_detail_and_results(world, who):
    for name in ("proposal", "proposal_results"):
        response = world.client(who).get(url(world.group, name, pk=world.open.pk))
        if who == "anonymous":
            login_redirect(response)
        elif who == "other_member":
            assert response.status_code == 403
            assert fr(VIEW_DENIED) in page(response)
            assert "Changer de fournisseur de pain" not in page(response)
        else:
            assert response.status_code == 200
            text = page(response)
            assert fr("%(n)s of %(total)s voters answered.") % {"n": 0, "total": 3} in text


def test_markdown_is_rendered_safely(world):
    proposal = opened(
        world.group,
        world.organiser,
        body="**Pain bio** <script>alert('x')</script> [lien](javascript:alert(1))",
    )
    text = world.client("member").get(url(world.group, "proposal", pk=proposal.pk)).content
    text = text.decode()
    assert "<strong>Pain bio</strong>" in text
    assert "<script>alert" not in text
    assert "javascript:" not in text


def test_time_left_is_shown_in_the_groups_zone(world):
    type(world.group).objects.filter(pk=world.group.pk).update(time_zone="Pacific/Auckland")
    response = world.client("member").get(url(world.group, "proposal", pk=world.open.pk))
    local = world.open.closes_at.astimezone(ZoneInfo("Pacific/Auckland"))
    assert f'datetime="{local.isoformat()}"' in page(response)


# --- Voting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_vote(world, who):
    before = _snapshot()
    response = _vote(world, who, position="no_objection")
    if who not in MEMBERS:
        if who == "anonymous":
            login_redirect(response)
        else:
            assert response.status_code == 403
            assert fr(PARTICIPATE_DENIED) in page(response)
        assert _snapshot() == before
        return
    assert response.status_code == 302
    assert messages_of(response) == [fr("Your answer is recorded.")]
    ballot = Ballot.objects.get(voter=getattr(world, who))
    assert (ballot.position, ballot.cast_by) == ("no_objection", getattr(world, who))


def test_my_answer_and_its_history_are_shown(world):
    _vote(world, "member", position="agree")
    _vote(world, "member", position="objection", reason="Trop cher")
    text = page(world.client("member").get(url(world.group, "proposal", pk=world.open.pk)))
    assert fr("%(answer)s: %(reason)s") % {"answer": fr("Objection"), "reason": "Trop cher"} in text
    assert fr("Your earlier answers") in text
    assert fr("Agree") in text


def test_a_vote_after_closing_is_refused_on_the_page(world):
    past_deadline(world.open)
    before = _snapshot()
    response = _vote(world, "member", position="agree")
    assert response.status_code == 200
    assert fr("This vote is closed.") in page(response)
    assert _snapshot() == before


def test_a_member_who_joined_after_opening_is_told_why(world):
    world.newcomer = MembershipFactory(group=world.group).user
    client_text = page(world.client("newcomer").get(url(world.group, "proposal", pk=world.open.pk)))
    assert fr(
        "You were not a member of the group when this vote opened: you cannot answer it."
    ) in (client_text)
    before = _snapshot()
    response = _vote(world, "newcomer", position="agree")
    assert fr("You were not a member of the group when this vote opened.") in page(response)
    assert _snapshot() == before


def test_an_objection_needs_a_reason(world):
    before = _snapshot()
    response = _vote(world, "member", position="objection", reason=" ")
    assert fr("An objection needs a written reason.") in page(response)
    assert _snapshot() == before


def test_no_change_when_the_vote_forbids_it(world):
    proposal = opened(world.group, world.organiser, changes_allowed=False)
    _vote(world, "member", proposal, position="agree")
    before = _snapshot()
    response = _vote(world, "member", proposal, position="objection", reason="Non")
    assert fr("This vote does not allow changing an answer.") in page(response)
    assert _snapshot() == before


# --- Consensus blocks -------------------------------------------------------------------------


@pytest.fixture
def consensus(world):
    world.consensus = opened(
        world.group, world.organiser, method=Method.CONSENSUS, title="Horaires d'été"
    )
    return world


@pytest.mark.parametrize(
    "data",
    [
        {"position": "block", "reason": "Trop tôt"},
        {"position": "block", "reason": "", "counter_title": "Plus tard"},
    ],
)
def test_a_block_without_reason_or_counter_proposal_is_refused(consensus, data):
    before = _snapshot()
    response = _vote(consensus, "member", consensus.consensus, **data)
    assert response.status_code == 200
    assert fr("A block needs a written reason and a counter-proposal.") in page(response)
    assert _snapshot() == before


def test_a_block_writes_its_counter_proposal_in_the_same_step(consensus):
    response = _vote(
        consensus,
        "member",
        consensus.consensus,
        position="block",
        reason="Trop tôt pour les familles",
        counter_title="Ouvrir à 10 h",
        counter_body="Ouvrir à **10 h** en été.",
    )
    assert response.status_code == 302
    counter = Proposal.objects.get(counters=consensus.consensus)
    assert (counter.title, counter.author, counter.status) == (
        "Ouvrir à 10 h",
        consensus.member,
        "draft",
    )
    ballot = Ballot.objects.get(proposal=consensus.consensus)
    assert (ballot.position, ballot.counter_proposal) == ("block", counter)
    # Everyone reads the block with a link to its counter-proposal.
    text = page(
        consensus.client("admin").get(url(consensus.group, "proposal", pk=consensus.consensus.pk))
    )
    assert "Trop tôt pour les familles" in text
    assert url(consensus.group, "proposal", pk=counter.pk) in text


def test_a_block_can_point_to_an_existing_counter_proposal(consensus):
    counter = draft(
        consensus.group,
        consensus.admin,
        method=Method.CONSENSUS,
        title="Ouvrir à 9 h",
        counters=consensus.consensus,
    )
    text = page(
        consensus.client("member").get(url(consensus.group, "proposal", pk=consensus.consensus.pk))
    )
    assert f'<option value="{counter.pk}">Ouvrir à 9 h</option>' in text
    _vote(
        consensus,
        "member",
        consensus.consensus,
        position="block",
        reason="Trop tôt",
        counter_proposal=str(counter.pk),
    )
    assert Ballot.objects.get(proposal=consensus.consensus).counter_proposal == counter
    assert Proposal.objects.filter(counters=consensus.consensus).count() == 1


def test_a_refused_block_does_not_keep_its_counter_proposal(consensus):
    past_deadline(consensus.consensus)
    before = _snapshot()
    response = _vote(
        consensus,
        "member",
        consensus.consensus,
        position="block",
        reason="Trop tôt",
        counter_title="Ouvrir à 10 h",
    )
    assert fr("This vote is closed.") in page(response)
    assert _snapshot() == before


# --- Option methods ---------------------------------------------------------------------------


def test_majority_judgment_ballot(world):
    proposal = opened(world.group, world.organiser, method=Method.JUDGMENT)
    a, b, c = option_ids(proposal)
    before = _snapshot()
    response = _vote(world, "member", proposal, **{f"option_{a}": "6", f"option_{b}": "3"})
    assert fr("Grade every option.") in page(response)
    assert _snapshot() == before
    _vote(world, "member", proposal, **{f"option_{a}": "6", f"option_{b}": "3", f"option_{c}": "0"})
    assert dict(BallotMark.objects.values_list("option", "value")) == {a: 6, b: 3, c: 0}
    text = page(world.client("member").get(url(world.group, "proposal", pk=proposal.pk)))
    assert f'name="option_{a}" value="6" id="id_option_{a}_6" checked' in text
    assert (
        fr("%(winner)s wins with the majority grade “%(grade)s”.")
        % {
            "winner": "Mardi soir",
            "grade": fr("Excellent"),
        }
        in text
    )


def test_ranked_choice_ballot_with_ties_and_blanks(world):
    proposal = opened(world.group, world.organiser, method=Method.SCHULZE)
    a, b, c = option_ids(proposal)
    _vote(world, "member", proposal, **{f"option_{a}": "1", f"option_{b}": "1", f"option_{c}": ""})
    assert dict(BallotMark.objects.values_list("option", "value")) == {a: 1, b: 1}
    before = _snapshot()
    response = _vote(world, "member", proposal, **{f"option_{a}": "9"})
    assert fr("A rank is a whole number from 1 to %(count)s.") % {"count": 3} in page(response)
    assert _snapshot() == before


def test_dot_ballot_within_the_budget(world):
    proposal = opened(world.group, world.organiser, method=Method.DOTS, settings={"dots": 4})
    a, b, _c = option_ids(proposal)
    before = _snapshot()
    response = _vote(world, "member", proposal, **{f"option_{a}": "3", f"option_{b}": "2"})
    with translation.override("fr"):
        message = ngettext(
            "You have %(dots)s dot; this ballot spends %(spent)s.",
            "You have %(dots)s dots; this ballot spends %(spent)s.",
            4,
        ) % {"dots": 4, "spent": 5}
    assert message in page(response)
    assert _snapshot() == before
    _vote(world, "member", proposal, **{f"option_{a}": "3", f"option_{b}": "1"})
    assert dict(BallotMark.objects.values_list("option", "value")) == {a: 3, b: 1}


def test_score_ballot(world):
    proposal = opened(world.group, world.organiser, method=Method.SCORE)
    a, b, c = option_ids(proposal)
    _vote(world, "member", proposal, **{f"option_{a}": "5", f"option_{b}": "0", f"option_{c}": "2"})
    assert dict(BallotMark.objects.values_list("option", "value")) == {a: 5, b: 0, c: 2}
    before = _snapshot()
    response = _vote(world, "member", proposal, **{f"option_{a}": "abc"})
    assert response.status_code == 200
    assert _snapshot() == before


# --- Proxies ----------------------------------------------------------------------------------


def test_voting_for_the_member_whose_proxy_i_hold(world):
    proxy_give(group=world.group, acting_user=world.admin, holder=world.member, proposal=world.open)
    text = page(world.client("member").get(url(world.group, "proposal", pk=world.open.pk)))
    assert f'<option value="{world.admin.pk}">{world.admin.public_name}</option>' in text
    response = _vote(world, "member", voter=str(world.admin.pk), position="agree")
    assert messages_of(response) == [
        fr("The answer of %(name)s is recorded.") % {"name": world.admin.public_name}
    ]
    ballot = Ballot.objects.get()
    assert (ballot.voter, ballot.cast_by) == (world.admin, world.member)


def test_a_forged_voter_is_refused(world):
    before = _snapshot()
    response = _vote(world, "member", voter=str(world.organiser.pk), position="agree")
    # No proxy held: the form has no voter field, so the answer is the member's own.
    assert response.status_code == 302
    assert Ballot.objects.get().voter == world.member
    proxy_give(group=world.group, acting_user=world.admin, holder=world.member, proposal=world.open)
    before = _snapshot()
    response = _vote(world, "member", voter=str(world.organiser.pk), position="agree")
    assert response.status_code == 200
    assert _snapshot() == before


# --- Secrecy and hidden results ---------------------------------------------------------------


def test_an_open_ballot_shows_answers_a_secret_one_only_who_answered(world):
    for secret in (False, True):
        proposal = opened(world.group, world.organiser, secret=secret)
        ballot_cast(
            proposal=proposal,
            acting_user=world.member,
            response={"position": "objection", "reason": "Trop cher"},
        )
        text = page(world.client("admin").get(url(world.group, "proposal", pk=proposal.pk)))
        voters = text[text.index('data-testid="voters"') :]
        answer = fr("%(answer)s: %(reason)s") % {"answer": fr("Objection"), "reason": "Trop cher"}
        assert f"{world.member.public_name} — " in voters
        assert (answer in voters) is not secret


def test_hidden_results_show_after_closing(world):
    proposal = opened(world.group, world.organiser, results_hidden=True)
    ballot_cast(proposal=proposal, acting_user=world.member, response={"position": "agree"})
    client = world.client("admin")
    for name in ("proposal", "proposal_results"):
        text = page(client.get(url(world.group, name, pk=proposal.pk)))
        assert fr("The results are shown when the vote closes.") in text
        assert 'data-testid="summary"' not in text
    proposal_close(proposal=proposal, acting_user=world.organiser)
    proposal.refresh_from_db()
    text = page(client.get(url(world.group, "proposal", pk=proposal.pk)))
    assert proposal.outcome_summary in text
    assert fr("Outcome") in text


def test_a_decision_shows_its_outcome_and_effect(world):
    proposal = opened(
        world.group,
        world.organiser,
        motion_type="governance.change_setting",
        motion_data={"setting": "max_proxies", "value": 2},
    )
    ballot_cast(proposal=proposal, acting_user=world.member, response={"position": "agree"})
    proposal_close(proposal=proposal, acting_user=world.organiser)
    proposal.refresh_from_db()
    text = page(world.client("member").get(url(world.group, "proposal", pk=proposal.pk)))
    assert proposal.outcome_summary in text
    assert (
        fr("Set “%(setting)s” to %(value)s")
        % {
            "setting": fr("Proxies a member may hold"),
            "value": 2,
        }
        in text
    )
    with translation.override("fr"), timezone.override(ZoneInfo(world.group.time_zone)):
        when = date_format(timezone.localtime(proposal.motion_applied_at), "DATETIME_FORMAT")
    assert fr("applied on %(when)s") % {"when": when} in text


# --- Amending ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_amend(world, who):
    objection = ballot_cast(
        proposal=world.open,
        acting_user=world.member,
        response={"position": "objection", "reason": "Trop cher"},
    )
    client = world.client(who)
    amend_url = url(world.group, "proposal_amend", pk=world.open.pk)
    get = client.get(amend_url)
    before = _snapshot()
    response = client.post(
        amend_url,
        {
            "title": "Changer de fournisseur, à prix égal",
            "body": "Nous proposons le fournil.\nAu même prix.",
            "reason": "Répond à l'objection sur le prix",
            "integrates": [str(objection.pk)],
        },
    )
    if who in ("organiser", "admin"):
        assert get.status_code == 200
        assert "Trop cher" in page(get)
        assert messages_of(response) == [
            fr("The proposal is amended; those who answered are asked to review it.")
        ]
        world.open.refresh_from_db()
        assert (world.open.version, world.open.title) == (2, "Changer de fournisseur, à prix égal")
        objection.refresh_from_db()
        assert objection.set_aside_at is not None
        text = page(world.client("member").get(url(world.group, "proposal", pk=world.open.pk)))
        assert "Répond à l'objection sur le prix" in text
        assert "Au même prix." in text
        assert (
            fr(
                "The text was amended to answer your objection: your answer no longer counts. "
                "Please answer the new version."
            )
            in text
        )
        return
    if who == "anonymous":
        login_redirect(get)
        login_redirect(response)
    elif who == "member":
        for r in (get, response):
            assert r.status_code == 403
            assert fr("Only the author of the proposal or the group's organisers can do this.") in (
                page(r)
            )
    else:
        assert get.status_code == response.status_code == 403
    assert _snapshot() == before


def test_amend_needs_a_reason_and_an_open_consent_or_consensus_vote(world):
    client = world.client("organiser")
    before = _snapshot()
    response = client.post(
        url(world.group, "proposal_amend", pk=world.open.pk),
        {"title": "Autre", "body": "", "reason": ""},
    )
    assert response.status_code == 200
    assert _snapshot() == before
    majority = opened(world.group, world.organiser, method=Method.MAJORITY)
    response = client.get(url(world.group, "proposal_amend", pk=majority.pk))
    assert messages_of(response) == [
        fr("Only an open proposal decided by consent or consensus can be amended.")
    ]


def test_an_answer_that_cannot_change_hides_the_form(world):
    proposal = opened(world.group, world.organiser, changes_allowed=False)
    _vote(world, "member", proposal, position="agree")
    text = page(world.client("member").get(url(world.group, "proposal", pk=proposal.pk)))
    assert url(world.group, "proposal_vote", pk=proposal.pk) not in text
    assert fr("An answer cannot be changed.") in text


def test_a_weighted_vote_shows_each_college_and_the_quorum(world):
    workers = CollegeFactory(group=world.group, name="Salariés", weight=50)
    users = CollegeFactory(group=world.group, name="Usagers", weight=50)
    place(workers, world.organiser)
    place(users, world.member, world.admin)
    proposal = opened(
        world.group,
        world.organiser,
        method=Method.MAJORITY,
        weighted=True,
        quorum_rule="participants",
        quorum_value=2,
    )
    for who, position in (("organiser", "yes"), ("member", "no"), ("admin", "yes")):
        _vote(world, who, proposal, position=position)
    text = page(world.client("member").get(url(world.group, "proposal", pk=proposal.pk)))
    breakdown = text[text.index(fr("By college")) :]
    assert "Salariés" in breakdown
    assert "Usagers" in breakdown
    with translation.override("fr"):
        took_part = ngettext("%(count)s person took part", "%(count)s people took part", 3) % {
            "count": 3
        }
        quorum = ngettext(
            "Quorum of %(needed)s participant met: %(took_part)s.",
            "Quorum of %(needed)s participants met: %(took_part)s.",
            2,
        ) % {"needed": 2, "took_part": took_part}
    assert quorum in text
    assert fr("%(n)s of %(total)s voters answered.") % {"n": 3, "total": 3} in text


def test_a_holder_who_is_not_a_voter_answers_only_for_the_giver(world):
    world.newcomer = MembershipFactory(group=world.group).user  # joined after the opening
    proxy_give(
        group=world.group, acting_user=world.admin, holder=world.newcomer, proposal=world.open
    )
    text = page(world.client("newcomer").get(url(world.group, "proposal", pk=world.open.pk)))
    assert f'<option value="{world.admin.pk}">{world.admin.public_name}</option>' in text
    assert f'<option value="">{fr("Myself")}</option>' not in text
    before = _snapshot()
    response = _vote(world, "newcomer", position="agree")  # no one chosen
    assert response.status_code == 200
    assert _snapshot() == before
    _vote(world, "newcomer", voter=str(world.admin.pk), position="agree")
    ballot = Ballot.objects.get()
    assert (ballot.voter, ballot.cast_by) == (world.admin, world.newcomer)
