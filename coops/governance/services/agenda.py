"""The agenda (ordre du jour): members' items until the cut-off, the organisers' ordering
and deferrals, the notes and outcome of each item, the vote in the room, and submitting
the minutes for approval at the next assembly."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.permissions import can, require

from ..models import (
    AgendaItem,
    AgendaItemStatus,
    Assembly,
    AssemblyStatus,
    Method,
    Proposal,
    ProposalStatus,
)
from ..selectors.assemblies import assembly_next
from ._base import lock_objects
from .assemblies import group_zone

LIVE = (AssemblyStatus.SCHEDULED, AssemblyStatus.IN_PROGRESS)
MINUTES_MOTION = "governance.approve_minutes"
# An approval vote that ended like this leaves the minutes to submit again.
RESUBMITTABLE = (ProposalStatus.REJECTED, ProposalStatus.NO_QUORUM, ProposalStatus.WITHDRAWN)


def cutoff_text(assembly: Assembly) -> str:
    """The agenda cut-off in the group's time zone, in the active language."""
    local = timezone.localtime(assembly.agenda_closes_at, group_zone(assembly.group))
    return formats.date_format(local, "DATETIME_FORMAT")


def _next_position(assembly: Assembly) -> int:
    top = AgendaItem.objects.filter(assembly=assembly).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def agenda_item_propose(
    *, assembly: Assembly, acting_user: Any, title: str, description: str = ""
) -> AgendaItem:
    """A member adds an item while the agenda is open; an organiser at any time until the
    assembly is closed. A late member's item is refused with code "agenda_closed" and a
    message naming the cut-off in the group's time zone."""
    group = assembly.group
    require(acting_user, "governance.participate", group)
    if not title.strip():
        raise ValidationError({"title": _("Give the item a title.")})
    with transaction.atomic():
        assembly = lock_objects(Assembly, assembly.pk)
        if assembly.status not in LIVE:
            raise ValidationError(
                _("This assembly is over: its agenda is closed."), code="assembly_over"
            )
        organiser = can(acting_user, "governance.organise", group)
        if not organiser and not assembly.agenda_open:
            raise ValidationError(
                _(
                    "The agenda of this assembly closed on %(date)s: new items can no "
                    "longer be added by members."
                )
                % {"date": cutoff_text(assembly)},
                code="agenda_closed",
            )
        item = AgendaItem(
            assembly=assembly,
            title=title.strip(),
            description=description.strip(),
            proposed_by=acting_user,
            position=_next_position(assembly),
        )
        item.full_clean()
        item.save()
        event_record(
            actor=acting_user,
            verb="governance.agenda_item_proposed",
            target=item,
            assembly=assembly,
            late=not assembly.agenda_open,
        )
    return item


def agenda_item_withdraw(*, item: AgendaItem, acting_user: Any) -> AgendaItem:
    """Take an item off the agenda: its author while the agenda is open, or an organiser
    until the assembly closes. An item whose vote is under way stays."""
    with transaction.atomic():
        assembly = lock_objects(Assembly, item.assembly_id)
        item = lock_objects(AgendaItem, item.pk)
        organiser = can(acting_user, "governance.organise", assembly.group)
        author = item.proposed_by_id == acting_user.pk and assembly.agenda_open
        if not (organiser or author):
            require(acting_user, "governance.organise", assembly.group)
        if assembly.status not in LIVE or item.status != AgendaItemStatus.PROPOSED:
            raise ValidationError(_("This item can no longer be withdrawn."), code="status")
        if item.proposal_id and item.proposal.status == ProposalStatus.OPEN:
            raise ValidationError(
                _("The vote on this item is open: close or withdraw it first."), code="vote"
            )
        item.status = AgendaItemStatus.WITHDRAWN
        item.save(update_fields=["status", "updated_at"])
        event_record(actor=acting_user, verb="governance.agenda_item_withdrawn", target=item)
    return item


def agenda_item_move(*, item: AgendaItem, acting_user: Any, direction: str) -> list[int]:
    """Move an item one place up or down the agenda. Positions are renumbered 0…n-1 in
    one transaction under the assembly's lock; returns the item ids in the new order.
    Moving the first item up (or the last down) changes nothing."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."), code="direction")
    require(acting_user, "governance.organise", item.assembly.group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, item.assembly_id)
        if assembly.status not in LIVE:
            raise ValidationError(_("The agenda of a past assembly is final."), code="status")
        items = list(AgendaItem.objects.filter(assembly=assembly).order_by("position", "pk"))
        index = next(i for i, x in enumerate(items) if x.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        changed = [x for position, x in enumerate(items) if x.position != position]
        for position, x in enumerate(items):
            x.position = position
        AgendaItem.objects.bulk_update(changed, ["position"])
        if changed:
            event_record(
                actor=acting_user,
                verb="governance.agenda_reordered",
                target=assembly,
                order=[x.pk for x in items],
            )
    return [x.pk for x in items]


def agenda_item_defer(*, item: AgendaItem, acting_user: Any) -> AgendaItem:
    """Move an item to the group's next scheduled assembly: a copy is added at the end of
    its agenda (with `deferred_from`) and this one is marked deferred. Refused when there
    is no next assembly. Returns the copy."""
    require(acting_user, "governance.organise", item.assembly.group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, item.assembly_id)
        item = lock_objects(AgendaItem, item.pk)
        if assembly.status == AssemblyStatus.CANCELLED:
            raise ValidationError(_("This assembly is cancelled."), code="status")
        if item.status != AgendaItemStatus.PROPOSED:
            raise ValidationError(
                _("Only an item still on the agenda can be moved to the next assembly."),
                code="status",
            )
        target = assembly_next(assembly=assembly)
        if target is None:
            raise ValidationError(
                _("There is no next assembly to move this item to: schedule one first."),
                code="no_next",
            )
        target = lock_objects(Assembly, target.pk)
        copy = AgendaItem.objects.create(
            assembly=target,
            title=item.title,
            description=item.description,
            proposed_by=item.proposed_by,
            position=_next_position(target),
            deferred_from=item,
        )
        item.status = AgendaItemStatus.DEFERRED
        item.save(update_fields=["status", "updated_at"])
        event_record(
            actor=acting_user,
            verb="governance.agenda_item_deferred",
            target=item,
            to_assembly=target,
            copy=copy,
        )
    return copy


def _minutes_open(assembly: Assembly) -> None:
    if assembly.minutes_approved_at is not None:
        raise ValidationError(
            _("The minutes of this assembly are approved: they can no longer change."),
            code="approved",
        )
    if assembly.status == AssemblyStatus.CANCELLED:
        raise ValidationError(_("This assembly is cancelled."), code="status")


def agenda_item_record(
    *, item: AgendaItem, acting_user: Any, notes: str, outcome: str, discussed: bool
) -> AgendaItem:
    """The organisers write an item's notes and outcome for the minutes (until the
    minutes are approved); `discussed` marks an item on the agenda as dealt with."""
    require(acting_user, "governance.organise", item.assembly.group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, item.assembly_id)
        _minutes_open(assembly)
        item = lock_objects(AgendaItem, item.pk)
        item.notes, item.outcome = notes.strip(), outcome.strip()
        if discussed and item.status == AgendaItemStatus.PROPOSED:
            item.status = AgendaItemStatus.DISCUSSED
        elif not discussed and item.status == AgendaItemStatus.DISCUSSED:
            item.status = AgendaItemStatus.PROPOSED
        item.save(update_fields=["notes", "outcome", "status", "updated_at"])
        event_record(actor=acting_user, verb="governance.agenda_item_recorded", target=item)
    return item


def assembly_notes_record(*, assembly: Assembly, acting_user: Any, notes: str) -> Assembly:
    """The general notes of the minutes (until they are approved)."""
    require(acting_user, "governance.organise", assembly.group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, assembly.pk)
        _minutes_open(assembly)
        assembly.minutes_notes = notes.strip()
        assembly.save(update_fields=["minutes_notes", "updated_at"])
        event_record(actor=acting_user, verb="governance.minutes_notes", target=assembly)
    return assembly


def agenda_item_open_vote(
    *, item: AgendaItem, acting_user: Any, **proposal_fields: Any
) -> Proposal:
    """Put an item to the vote in the room, while the assembly is in progress: a new
    proposal created and opened with `proposal_fields`, or the item's own draft (the
    approval of minutes) opened as it is. The item keeps the proposal."""
    from .proposals import proposal_create, proposal_open

    group = item.assembly.group
    require(acting_user, "governance.organise", group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, item.assembly_id)
        item = lock_objects(AgendaItem, item.pk)
        if assembly.status != AssemblyStatus.IN_PROGRESS:
            raise ValidationError(
                _("Votes in the room open while the assembly is in progress."), code="status"
            )
        if item.status not in (AgendaItemStatus.PROPOSED, AgendaItemStatus.DISCUSSED):
            raise ValidationError(_("This item is no longer on the agenda."), code="status")
        proposal = item.proposal
        if proposal is not None and proposal.status != ProposalStatus.DRAFT:
            raise ValidationError(_("This item already has a vote."), code="has_vote")
        if proposal is None:
            proposal = proposal_create(group=group, acting_user=acting_user, **proposal_fields)
            item.proposal = proposal
            item.save(update_fields=["proposal", "updated_at"])
        proposal = proposal_open(proposal=proposal, acting_user=acting_user)
        event_record(
            actor=acting_user, verb="governance.agenda_vote_opened", target=item, proposal=proposal
        )
    return proposal


def minutes_submit(*, assembly: Assembly, acting_user: Any) -> AgendaItem:
    """Put the approval of a closed assembly's minutes on the agenda of the group's next
    assembly, with a draft "majority" proposal carrying the motion that approves them
    (opened in the room). Refused when they are approved, already submitted (and not
    rejected) or there is no next assembly."""
    from .proposals import proposal_create

    group = assembly.group
    require(acting_user, "governance.organise", group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, assembly.pk)
        if assembly.status != AssemblyStatus.CLOSED:
            raise ValidationError(
                _("The minutes are submitted once the assembly is closed."), code="status"
            )
        _minutes_open(assembly)
        pending = Proposal.objects.filter(
            group=group, motion_type=MINUTES_MOTION, motion_data__assembly=assembly.pk
        ).exclude(status__in=RESUBMITTABLE)
        if pending.exists():
            raise ValidationError(
                _("These minutes are already submitted for approval."), code="pending"
            )
        target = assembly_next(assembly=assembly)
        if target is None:
            raise ValidationError(
                _("There is no next assembly to approve the minutes: schedule one first."),
                code="no_next",
            )
        target = lock_objects(Assembly, target.pk)
        date = formats.date_format(
            timezone.localtime(assembly.starts_at, group_zone(group)), "DATE_FORMAT"
        )
        title = _("Approval of the minutes of “%(title)s” (%(date)s)") % {
            "title": assembly.title,
            "date": date,
        }
        proposal = proposal_create(
            group=group,
            acting_user=acting_user,
            title=title[:200],
            method=Method.MAJORITY,
            motion_type=MINUTES_MOTION,
            motion_data={"assembly": assembly.pk},
        )
        item = AgendaItem.objects.create(
            assembly=target,
            title=title[:160],
            proposed_by=acting_user,
            position=_next_position(target),
            proposal=proposal,
        )
        event_record(
            actor=acting_user,
            verb="governance.minutes_submitted",
            target=assembly,
            item=item,
            proposal=proposal,
        )
    return item
