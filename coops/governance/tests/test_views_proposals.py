"""Proposal pages: the governance home, the list, drafting, editing, opening, withdrawing
and closing — who may do what, what they see, and that refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from conftest import PERSONAS
from coops.core.models import Event
from coops.groups.models import Group, GroupKind, GroupModule, MembershipStatus
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, messages_of, page

from ..models import (
    Ballot,
    Method,
    Proposal,
    ProposalOption,
    ProposalStatus,
    Proxy,
    Voter,
)
from ..services.ballots import ballot_cast
from ..services.closing import proposal_close
from .factories_proposals import (
    CollegeFactory,
    draft,
    enable_governance,
    login_redirect,
    opened,
    url,
)

pytestmark = pytest.mark.django_db

MEMBERS = ("member", "organiser", "admin")
VIEW_DENIED = "Only the group's members can see its assemblies and proposals."
PARTICIPATE_DENIED = "Only the group's active members can take part."
ORGANISE_DENIED = "Only the group's organisers can run its assemblies and votes."
STEER_DENIED = "Only the author of the proposal or the group's organisers can do this."


@pytest.fixture
def world(personas):
    """An open consent vote (by the organiser), the member's draft, the admin's draft and
    an adopted decision."""
    p = personas
    enable_governance(p.group)
    enable_governance(p.other_group)
    p.open = opened(p.group, p.organiser, title="Changer de fournisseur de pain")
    p.draft = draft(p.group, p.member, title="Acheter un frigo")
    p.hidden = draft(p.group, p.admin, title="Brouillon de l'administratrice")
    p.decided = opened(p.group, p.organiser, title="Distribution le jeudi")
    ballot_cast(proposal=p.decided, acting_user=p.member, response={"position": "agree"})
    proposal_close(proposal=p.decided, acting_user=p.organiser)
    return p


def _snapshot() -> tuple:
    """Everything a refused request must leave untouched."""
    return (
        sorted(
            Proposal.objects.values_list(
                "pk", "status", "title", "body", "method", "version", "closes_at", "counters"
            )
        ),
        sorted(ProposalOption.objects.values_list("pk", "proposal", "label")),
        sorted(Ballot.objects.values_list("pk", "voter", "position", "reason", "changed_at")),
        Voter.objects.count(),
        Proxy.objects.count(),
        Event.objects.count(),
    )


def _denied(response, who: str, message: str) -> None:
    if who == "anonymous":
        login_redirect(response)
    else:
        assert response.status_code == 403
        assert fr(message) in page(response)


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_home(world, who):
    response = world.client(who).get(url(world.group, "index"))
    if who == "anonymous":
        login_redirect(response)
        return
    if who not in MEMBERS:
        assert response.status_code == 403
        assert fr(VIEW_DENIED) in page(response)
        return
    assert response.status_code == 200
    text = page(response)
    assert "Changer de fournisseur de pain" in text
    assert "Distribution le jeudi" in text
    assert url(world.group, "assembly_list") in text
    assert url(world.group, "register") in text
    assert (url(world.group, "colleges") in text) == (who == "admin")
    # The member answered the decided vote only; the open one waits for everyone.
    assert fr("Waiting for your answer") in text


@pytest.mark.parametrize("who", PERSONAS)
def test_list(world, who):
    response = world.client(who).get(url(world.group, "proposals"))
    if who not in MEMBERS:
        _denied(response, who, VIEW_DENIED)
        return
    assert response.status_code == 200
    shown = [p.pk for p in response.context["page"]]
    # Open first, then drafts, then decided; another's draft only for organisers.
    if who == "member":
        assert shown == [world.open.pk, world.draft.pk, world.decided.pk]
    else:
        assert shown == [world.open.pk, world.hidden.pk, world.draft.pk, world.decided.pk]
    assert ("Brouillon de l'administratrice" in page(response)) == (who != "member")


def test_list_filters_by_status(world):
    client = world.client("member")
    response = client.get(url(world.group, "proposals"), {"status": "adopted"})
    assert [p.pk for p in response.context["page"]] == [world.decided.pk]
    response = client.get(url(world.group, "proposals"), {"status": "draft"})
    assert [p.pk for p in response.context["page"]] == [world.draft.pk]
    response = client.get(url(world.group, "proposals"), {"status": "nonsense"})
    assert len(response.context["page"].object_list) == 3  # a bad filter shows all


@pytest.mark.parametrize("who", PERSONAS)
def test_another_members_draft_is_hidden(world, who):
    response = world.client(who).get(url(world.group, "proposal", pk=world.hidden.pk))
    if who in ("organiser", "admin"):
        assert response.status_code == 200
    elif who == "member":
        assert response.status_code == 404
    else:
        _denied(response, who, VIEW_DENIED)


def test_a_counter_proposal_draft_is_visible_to_members(world):
    counter = draft(world.group, world.admin, title="Autre fournil", counters=world.open)
    response = world.client("member").get(url(world.group, "proposal", pk=counter.pk))
    assert response.status_code == 200
    assert "Autre fournil" in page(response)


def test_module_off_is_404(world):
    GroupModule.objects.filter(group=world.group, module="governance").delete()
    for name in ("index", "proposals", "proposal_create"):
        assert world.client("member").get(url(world.group, name)).status_code == 404


# --- Drafting ---------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "title": "Composter les épluchures",
        "body": "Installer un **composteur** près du local.",
        "method": "consent",
        "options": "",
        "quorum_rule": "none",
        "quorum_value": "0",
        "changes_allowed": "on",
        "motion_type": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", PERSONAS)
def test_create(world, who):
    client = world.client(who)
    get = client.get(url(world.group, "proposal_create"))
    before = _snapshot()
    response = client.post(url(world.group, "proposal_create"), _form())
    if who not in MEMBERS:
        _denied(get, who, PARTICIPATE_DENIED)
        _denied(response, who, PARTICIPATE_DENIED)
        assert _snapshot() == before
        return
    assert get.status_code == 200
    proposal = Proposal.objects.get(title="Composter les épluchures")
    assert response.status_code == 302
    assert response["Location"] == url(world.group, "proposal", pk=proposal.pk)
    assert (proposal.author, proposal.status, proposal.method) == (
        getattr(world, who),
        ProposalStatus.DRAFT,
        Method.CONSENT,
    )
    assert messages_of(response) == [
        fr("Your proposal is saved as a draft. Open it to the vote when it is ready.")
    ]


def test_create_with_options_settings_and_review_date(world):
    client = world.client("member")
    client.post(
        url(world.group, "proposal_create"),
        _form(
            title="Jour de distribution",
            method="dots",
            options="Mardi\n\n Jeudi \nSamedi",
            dots="3",
            review_on="2031-01-15",
        ),
    )
    proposal = Proposal.objects.get(title="Jour de distribution")
    assert list(proposal.options.values_list("label", flat=True)) == ["Mardi", "Jeudi", "Samedi"]
    assert proposal.settings == {"dots": 3}
    assert proposal.review_on.isoformat() == "2031-01-15"
    client.post(
        url(world.group, "proposal_create"),
        _form(title="Statuts", method="qualified", threshold="6/10"),
    )
    assert Proposal.objects.get(title="Statuts").settings == {"threshold": "3/5"}


BAD_DRAFTS = [
    ({"method": "schulze", "options": "Seule"}, "Give at least two options to choose from."),
    (
        {"method": "qualified", "threshold": "5/3"},
        "A threshold is a fraction such as 2/3, above 0 and at most 1.",
    ),
    ({"closes_at": "2001-05-01T18:00"}, "Choose a closing time in the future."),
    (
        {"method": "score", "options": "A\nB", "min_score": "5", "max_score": "1"},
        "Scores run between two whole numbers from -100 to 100, lowest first.",
    ),
    ({"quorum_rule": "percent", "quorum_value": "120"}, "A quorum in percent is at most 100."),
    ({"motion_type": "groups.admit_member"}, "Choose a person."),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_DRAFTS)
def test_bad_drafts_show_a_message_and_change_nothing(world, overrides, message):
    before = _snapshot()
    response = world.client("member").post(url(world.group, "proposal_create"), _form(**overrides))
    assert response.status_code == 200
    assert fr(message) in page(response)
    assert _snapshot() == before


def test_create_with_an_effect(world):
    pending = MembershipFactory(group=world.group, status=MembershipStatus.PENDING)
    client = world.client("member")
    page_text = page(client.get(url(world.group, "proposal_create")))
    assert pending.user.public_name in page_text
    client.post(
        url(world.group, "proposal_create"),
        _form(title="Admettre", motion_type="groups.admit_member", motion_admit=str(pending.pk)),
    )
    proposal = Proposal.objects.get(title="Admettre")
    assert proposal.motion_data == {"membership": pending.pk, "name": pending.user.public_name}
    client.post(
        url(world.group, "proposal_create"),
        _form(
            title="Deux procurations",
            motion_type="governance.change_setting",
            motion_setting="max_proxies",
            motion_value="2",
        ),
    )
    assert Proposal.objects.get(title="Deux procurations").motion_data == {
        "setting": "max_proxies",
        "value": 2,
    }
    member = MembershipFactory(group=world.group)
    before = _snapshot()
    response = client.post(
        url(world.group, "proposal_create"),
        _form(title="Exclure", motion_type="groups.exclude_member", motion_exclude=str(member.pk)),
    )
    assert fr("“%(motion)s” can only be decided by: %(methods)s.") % {
        "motion": fr("Exclude a member"),
        "methods": "consensus",
    } in page(response)
    assert _snapshot() == before


def test_closing_time_is_typed_and_shown_in_the_groups_zone(world):
    type(world.group).objects.filter(pk=world.group.pk).update(time_zone="America/Montreal")
    client = world.client("member")
    client.post(url(world.group, "proposal_create"), _form(closes_at="2031-05-01T18:00"))
    proposal = Proposal.objects.get(title="Composter les épluchures")
    assert proposal.closes_at == datetime(2031, 5, 1, 22, 0, tzinfo=UTC)
    edit = page(client.get(url(world.group, "proposal_edit", pk=proposal.pk)))
    assert 'value="2031-05-01T18:00"' in edit
    detail = page(client.get(url(world.group, "proposal", pk=proposal.pk)))
    assert 'datetime="2031-05-01T18:00:00-04:00"' in detail


def test_a_counter_proposal_is_prefilled(world):
    client = world.client("member")
    response = client.get(url(world.group, "proposal_create"), {"counters": world.open.pk})
    text = page(response)
    assert f'name="counters" value="{world.open.pk}"' in text
    assert fr("Counter-proposal: %(title)s") % {"title": world.open.title} in text
    client.post(
        url(world.group, "proposal_create"), _form(title="Plutôt ceci", counters=world.open.pk)
    )
    assert Proposal.objects.get(title="Plutôt ceci").counters == world.open
    hidden = client.get(url(world.group, "proposal_create"), {"counters": world.hidden.pk})
    assert hidden.status_code == 404


def test_weighted_is_offered_only_with_colleges(world):
    client = world.client("member")
    assert 'name="weighted"' not in page(client.get(url(world.group, "proposal_create")))
    CollegeFactory(group=world.group)
    assert 'name="weighted"' in page(client.get(url(world.group, "proposal_create")))


# --- Editing, opening, withdrawing ------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_edit_a_draft(world, who):
    client = world.client(who)
    edit_url = url(world.group, "proposal_edit", pk=world.draft.pk)
    get = client.get(edit_url)
    before = _snapshot()
    response = client.post(edit_url, _form(title="Acheter un grand frigo"))
    world.draft.refresh_from_db()
    if who not in MEMBERS:
        _denied(get, who, VIEW_DENIED)
        _denied(response, who, VIEW_DENIED)
        assert _snapshot() == before
        return
    assert get.status_code == 200
    assert response.status_code == 302
    assert world.draft.title == "Acheter un grand frigo"
    assert messages_of(response) == [fr("The draft is saved.")]


def test_only_the_author_or_organisers_steer_a_draft(world):
    neighbour = MembershipFactory(group=world.group).user
    world.neighbour = neighbour
    counter = draft(world.group, world.member, title="Contre", counters=world.open)
    client = world.client("neighbour")
    before = _snapshot()
    for name in ("proposal_edit", "proposal_open", "proposal_withdraw"):
        response = client.post(url(world.group, name, pk=counter.pk), _form())
        assert response.status_code == 403
        assert fr(STEER_DENIED) in page(response)
    assert client.get(url(world.group, "proposal_edit", pk=counter.pk)).status_code == 403
    # The member's own draft is not even visible to another member.
    assert client.get(url(world.group, "proposal_edit", pk=world.draft.pk)).status_code == 404
    assert _snapshot() == before


def test_an_open_proposal_is_not_edited(world):
    response = world.client("organiser").post(
        url(world.group, "proposal_edit", pk=world.open.pk), _form(title="Autre")
    )
    assert response.status_code == 302
    assert messages_of(response) == [fr("Only a draft can be edited.")]
    world.open.refresh_from_db()
    assert world.open.title == "Changer de fournisseur de pain"


@pytest.mark.parametrize("who", PERSONAS)
def test_open_a_draft(world, who):
    before = _snapshot()
    response = world.client(who).post(url(world.group, "proposal_open", pk=world.draft.pk))
    world.draft.refresh_from_db()
    if who not in MEMBERS:
        _denied(response, who, VIEW_DENIED)
        assert _snapshot() == before
        return
    assert world.draft.status == ProposalStatus.OPEN
    assert world.draft.voters.count() == 3
    with timezone.override(world.group.time_zone):
        closes = timezone.localtime(world.draft.closes_at).strftime("%d/%m/%Y %H:%M")
    assert messages_of(response) == [fr("The vote is open until %(closes)s.") % {"closes": closes}]


def test_open_with_a_past_closing_time_is_refused(world):
    Proposal.objects.filter(pk=world.draft.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    before = _snapshot()
    response = world.client("member").post(url(world.group, "proposal_open", pk=world.draft.pk))
    assert messages_of(response) == [
        fr("The closing time has passed: set a later one before opening.")
    ]
    assert _snapshot() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_withdraw(world, who):
    before = _snapshot()
    response = world.client(who).post(
        url(world.group, "proposal_withdraw", pk=world.draft.pk), {"reason": "Doublon"}
    )
    world.draft.refresh_from_db()
    if who not in MEMBERS:
        _denied(response, who, VIEW_DENIED)
        assert _snapshot() == before
        return
    assert world.draft.status == ProposalStatus.WITHDRAWN
    assert messages_of(response) == [fr("The proposal is withdrawn.")]
    assert Event.objects.get(verb="governance.proposal_withdrawn").data["reason"] == "Doublon"


def test_a_member_cannot_withdraw_the_organisers_vote(world):
    before = _snapshot()
    response = world.client("member").post(url(world.group, "proposal_withdraw", pk=world.open.pk))
    assert response.status_code == 403
    assert fr(STEER_DENIED) in page(response)
    assert _snapshot() == before


# --- Closing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_close_now(world, who):
    ballot_cast(proposal=world.open, acting_user=world.admin, response={"position": "agree"})
    before = _snapshot()
    response = world.client(who).post(url(world.group, "proposal_close", pk=world.open.pk))
    world.open.refresh_from_db()
    if who in ("organiser", "admin"):
        assert world.open.status == ProposalStatus.ADOPTED
        assert messages_of(response) == [
            fr("The vote is closed: %(summary)s") % {"summary": world.open.outcome_summary}
        ]
        return
    _denied(response, who, ORGANISE_DENIED)
    assert world.open.status == ProposalStatus.OPEN
    assert _snapshot() == before


def test_closing_twice_says_so(world):
    client = world.client("organiser")
    client.post(url(world.group, "proposal_close", pk=world.open.pk), follow=True)
    before = _snapshot()
    response = client.post(url(world.group, "proposal_close", pk=world.open.pk))
    assert messages_of(response) == [fr("Only an open proposal can be closed.")]
    assert _snapshot() == before


@pytest.mark.parametrize("method", ["get", "put"])
def test_action_urls_take_post_only(world, method):
    response = getattr(world.client("organiser"), method)(
        url(world.group, "proposal_close", pk=world.open.pk)
    )
    assert response.status_code == 405


def test_a_network_can_adopt_a_charter_draft(world):
    # Charter sits above governance: its test factories are imported here only.
    from coops.charter.tests.factories import CharterVersionFactory, CommitmentFactory

    version = CharterVersionFactory(title="Charte 2026")
    CommitmentFactory(version=version)
    Group.objects.filter(pk=world.group.pk).update(kind=GroupKind.NETWORK)
    client = world.client("member")
    text = page(client.get(url(world.group, "proposal_create")))
    assert f'<option value="{version.pk}">' in text
    client.post(
        url(world.group, "proposal_create"),
        _form(
            title="Nouvelle charte", motion_type="charter.adopt_version", motion_version=version.pk
        ),
    )
    assert Proposal.objects.get(title="Nouvelle charte").motion_data == {"version": version.pk}


def test_a_local_group_is_not_offered_the_charter(world):
    text = page(world.client("member").get(url(world.group, "proposal_create")))
    assert 'value="charter.adopt_version"' not in text
    assert 'name="motion_version"' not in text
