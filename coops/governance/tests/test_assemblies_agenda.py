"""The agenda: members' items until the cut-off, the organisers' order and deferrals,
notes, the vote in the room, and the minutes' approval at the next assembly."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone

from coops.core.models import Event
from coops.groups.tests.helpers import fr

from ..minutes import MOTION, approve_minutes
from ..models import (
    AgendaItem,
    AgendaItemStatus,
    Assembly,
    Method,
    Proposal,
    ProposalStatus,
    Voter,
)
from ..services import agenda as svc
from .assembly_helpers import governance_on, register
from .factories import AgendaItemFactory, AssemblyFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _registered():
    register()


@pytest.fixture
def world(personas):
    return governance_on(personas)


def _propose(assembly, user, title="Changer de fournisseur de pain"):
    return svc.agenda_item_propose(assembly=assembly, acting_user=user, title=title)


def test_members_propose_until_the_cutoff(world):
    assembly = AssemblyFactory(group=world.group)
    first = _propose(assembly, world.member)
    second = _propose(assembly, world.admin, "Budget")
    assert (first.position, second.position) == (0, 1)
    assert first.proposed_by == world.member
    assert Event.objects.filter(verb="governance.agenda_item_proposed").count() == 2


def test_a_late_item_is_refused_naming_the_cutoff_in_the_groups_zone(world):
    world.group.time_zone = "America/Montreal"
    world.group.save()
    assembly = AssemblyFactory(group=world.group, agenda_closed=True)
    with pytest.raises(ValidationError) as error:
        _propose(assembly, world.member)
    local = timezone.localtime(assembly.agenda_closes_at, ZoneInfo("America/Montreal"))
    date = formats.date_format(local, "DATETIME_FORMAT")
    assert error.value.code == "agenda_closed"
    assert error.value.messages == [
        fr(
            "The agenda of this assembly closed on %(date)s: new items can no longer be "
            "added by members.",
            date=date,
        )
    ]
    assert not AgendaItem.objects.exists()


def test_organisers_still_add_after_the_cutoff(world):
    assembly = AssemblyFactory(group=world.group, agenda_closed=True)
    item = _propose(assembly, world.organiser, "Point urgent")
    assert item.assembly == assembly
    assert Event.objects.get(verb="governance.agenda_item_proposed").data["late"] is True


def test_no_item_on_a_closed_assembly_or_from_outside(world):
    with pytest.raises(ValidationError):
        _propose(AssemblyFactory(group=world.group, closed=True), world.organiser)
    with pytest.raises(PermissionDenied):
        _propose(AssemblyFactory(group=world.group), world.other_member)
    with pytest.raises(ValidationError):
        _propose(AssemblyFactory(group=world.group), world.member, "   ")
    assert not AgendaItem.objects.exists()


def test_reorder_in_one_transaction(world):
    assembly = AssemblyFactory(group=world.group, agenda_closed=True)
    a, b, c = (AgendaItemFactory(assembly=assembly, position=p * 10) for p in range(3))
    assert svc.agenda_item_move(item=c, acting_user=world.organiser, direction="up") == [
        a.pk,
        c.pk,
        b.pk,
    ]
    assert svc.agenda_item_move(item=a, acting_user=world.organiser, direction="up") == [
        a.pk,
        c.pk,
        b.pk,
    ]
    svc.agenda_item_move(item=a, acting_user=world.organiser, direction="down")
    order = list(AgendaItem.objects.order_by("position").values_list("pk", "position"))
    assert order == [(c.pk, 0), (a.pk, 1), (b.pk, 2)]
    with pytest.raises(PermissionDenied):
        svc.agenda_item_move(item=a, acting_user=world.member, direction="up")
    with pytest.raises(ValidationError):
        svc.agenda_item_move(item=a, acting_user=world.organiser, direction="sideways")


def test_defer_to_the_next_assembly(world):
    now = AssemblyFactory(group=world.group, agenda_closed=True)
    item = AgendaItemFactory(assembly=now, title="Local de stockage", proposed_by=world.member)
    with pytest.raises(ValidationError) as error:
        svc.agenda_item_defer(item=item, acting_user=world.organiser)
    assert error.value.code == "no_next"
    assert AgendaItem.objects.get().status == AgendaItemStatus.PROPOSED
    later = AssemblyFactory(group=world.group, starts_at=now.starts_at + timedelta(days=30))
    AgendaItemFactory(assembly=later, position=0)
    AssemblyFactory(group=world.group, starts_at=now.starts_at + timedelta(days=60))
    copy = svc.agenda_item_defer(item=item, acting_user=world.organiser)
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.DEFERRED
    assert (copy.assembly, copy.deferred_from, copy.title) == (later, item, "Local de stockage")
    assert copy.proposed_by == world.member
    assert copy.position == 1
    with pytest.raises(ValidationError):
        svc.agenda_item_defer(item=item, acting_user=world.organiser)


def test_withdraw(world):
    assembly = AssemblyFactory(group=world.group)
    mine = _propose(assembly, world.member)
    theirs = _propose(assembly, world.admin, "Autre point")
    with pytest.raises(PermissionDenied):
        svc.agenda_item_withdraw(item=theirs, acting_user=world.member)
    svc.agenda_item_withdraw(item=mine, acting_user=world.member)
    assert AgendaItem.objects.get(pk=mine.pk).status == AgendaItemStatus.WITHDRAWN
    svc.agenda_item_withdraw(item=theirs, acting_user=world.organiser)
    with pytest.raises(ValidationError):
        svc.agenda_item_withdraw(item=theirs, acting_user=world.organiser)


def test_notes_until_the_minutes_are_approved(world):
    assembly = AssemblyFactory(group=world.group, closed=True)
    item = AgendaItemFactory(assembly=assembly)
    svc.agenda_item_record(
        item=item,
        acting_user=world.organiser,
        notes=" Débat animé ",
        outcome="Adopté",
        discussed=True,
    )
    item.refresh_from_db()
    assert (item.notes, item.outcome, item.status) == ("Débat animé", "Adopté", "discussed")
    svc.assembly_notes_record(assembly=assembly, acting_user=world.organiser, notes="Fin à 20 h")
    Assembly.objects.filter(pk=assembly.pk).update(minutes_approved_at=timezone.now())
    assembly.refresh_from_db()
    with pytest.raises(ValidationError):
        svc.agenda_item_record(
            item=item, acting_user=world.organiser, notes="x", outcome="", discussed=True
        )
    with pytest.raises(ValidationError):
        svc.assembly_notes_record(assembly=assembly, acting_user=world.organiser, notes="x")
    with pytest.raises(PermissionDenied):
        svc.assembly_notes_record(assembly=assembly, acting_user=world.member, notes="x")
    assert Assembly.objects.get().minutes_notes == "Fin à 20 h"


# --- The vote in the room ------------------------------------------------------------------


def test_open_a_vote_in_the_room(world):
    assembly = AssemblyFactory(group=world.group, in_progress=True)
    item = AgendaItemFactory(assembly=assembly, title="Nouveau boulanger")
    closes = timezone.now() + timedelta(minutes=15)
    proposal = svc.agenda_item_open_vote(
        item=item,
        acting_user=world.organiser,
        title="Choisir le fournil des Weppes",
        method=Method.CONSENT,
        closes_at=closes,
    )
    item.refresh_from_db()
    assert item.proposal == proposal
    assert (proposal.status, proposal.method, proposal.closes_at) == ("open", "consent", closes)
    assert Voter.objects.filter(proposal=proposal).count() == 3
    with pytest.raises(ValidationError) as error:
        svc.agenda_item_open_vote(
            item=item, acting_user=world.organiser, title="Encore", method=Method.CONSENT
        )
    assert error.value.code == "has_vote"


def test_a_vote_needs_the_assembly_in_progress_and_an_organiser(world):
    item = AgendaItemFactory(assembly=AssemblyFactory(group=world.group))
    with pytest.raises(ValidationError):
        svc.agenda_item_open_vote(
            item=item, acting_user=world.organiser, title="Trop tôt", method=Method.CONSENT
        )
    live = AgendaItemFactory(assembly=AssemblyFactory(group=world.group, in_progress=True))
    with pytest.raises(PermissionDenied):
        svc.agenda_item_open_vote(
            item=live, acting_user=world.member, title="Non", method=Method.CONSENT
        )
    assert not Proposal.objects.exists()


def test_an_items_draft_is_opened_as_it_is(world):
    item = AgendaItemFactory(
        assembly=AssemblyFactory(group=world.group, in_progress=True),
        proposal=ProposalFactory(group=world.group),
    )
    proposal = svc.agenda_item_open_vote(item=item, acting_user=world.organiser)
    assert proposal.pk == item.proposal_id
    assert proposal.status == ProposalStatus.OPEN


# --- Minutes approval ----------------------------------------------------------------------


def test_submit_the_minutes_to_the_next_assembly(world):
    past = AssemblyFactory(group=world.group, closed=True, title="AG de printemps")
    with pytest.raises(ValidationError) as error:
        svc.minutes_submit(assembly=past, acting_user=world.organiser)
    assert error.value.code == "no_next"
    upcoming = AssemblyFactory(group=world.group)
    item = svc.minutes_submit(assembly=past, acting_user=world.organiser)
    proposal = item.proposal
    assert item.assembly == upcoming
    assert proposal.method == Method.MAJORITY
    assert proposal.status == ProposalStatus.DRAFT
    assert (proposal.motion_type, proposal.motion_data) == (MOTION, {"assembly": past.pk})
    day = timezone.localtime(past.starts_at, ZoneInfo("Europe/Paris"))
    assert item.title == fr(
        "Approval of the minutes of “%(title)s” (%(date)s)",
        title="AG de printemps",
        date=formats.date_format(day, "DATE_FORMAT"),
    )
    assert proposal.title == item.title
    with pytest.raises(ValidationError) as error:
        svc.minutes_submit(assembly=past, acting_user=world.organiser)
    assert error.value.code == "pending"
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.REJECTED)
    again = svc.minutes_submit(assembly=past, acting_user=world.organiser)
    assert again.position == 1


def test_only_closed_assemblies_submit_minutes(world):
    AssemblyFactory(group=world.group, starts_at=timezone.now() + timedelta(days=40))
    with pytest.raises(ValidationError):
        svc.minutes_submit(
            assembly=AssemblyFactory(group=world.group, in_progress=True),
            acting_user=world.organiser,
        )
    with pytest.raises(PermissionDenied):
        svc.minutes_submit(
            assembly=AssemblyFactory(group=world.group, closed=True), acting_user=world.member
        )
    assert not Proposal.objects.exists()


def test_adopting_the_motion_approves_the_minutes(world, django_capture_on_commit_callbacks):
    from ..services.ballots import ballot_cast
    from ..services.closing import proposal_close

    past = AssemblyFactory(group=world.group, closed=True)
    AssemblyFactory(group=world.group, in_progress=True)
    item = svc.minutes_submit(assembly=past, acting_user=world.organiser)
    proposal = svc.agenda_item_open_vote(item=item, acting_user=world.organiser)
    for user in (world.member, world.admin):
        ballot_cast(proposal=proposal, acting_user=user, response={"position": "yes"})
    proposal_close(proposal=proposal, acting_user=world.organiser)
    past.refresh_from_db()
    assert past.minutes_proposal == proposal
    assert past.minutes_approved_at is not None
    assert Event.objects.filter(verb="governance.minutes_approved").count() == 1
    with pytest.raises(ValidationError):
        approve_minutes(proposal, {"assembly": past.pk}, world.organiser)


def test_the_motion_refuses_other_assemblies(world, personas):
    from ..minutes import validate_minutes

    other = AssemblyFactory(group=world.other_group, closed=True)
    with pytest.raises(ValidationError):
        validate_minutes(world.group, {"assembly": other.pk})
    with pytest.raises(ValidationError):
        validate_minutes(world.group, {"assembly": "x"})
    with pytest.raises(ValidationError):
        validate_minutes(world.group, {"assembly": AssemblyFactory(group=world.group).pk})
    mine = AssemblyFactory(group=world.group, closed=True)
    assert validate_minutes(world.group, {"assembly": str(mine.pk)}) == {"assembly": mine.pk}
