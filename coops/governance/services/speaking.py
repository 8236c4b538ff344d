"""The double speaking list of an agenda item (liste de parole double).

Members raise and lower their hand while the assembly is in progress; the chair adds
someone, calls the next speaker and ends a turn. Every change of turn runs under a lock
on the item row, so two chairs clicking at once never call two people.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.permissions import require
from coops.groups.models import Membership, MembershipStatus

from ..models import (
    AgendaItem,
    AgendaItemStatus,
    AssemblyStatus,
    SpeakingRequest,
    SpeakingStatus,
)
from ..selectors.assemblies import Hand, next_hand, speaking_order
from ._base import lock_objects

ANY = object()  # speaking_call_next: do not check who the chair saw speaking


def _live(item: AgendaItem) -> AgendaItem:
    """The item read afresh (its assembly may have started since it was loaded), if
    its speaking list is open."""
    item = AgendaItem.objects.select_related("assembly__group").get(pk=item.pk)
    if item.assembly.status != AssemblyStatus.IN_PROGRESS:
        raise ValidationError(
            _("The speaking list opens when the assembly is in progress."), code="not_live"
        )
    if item.status not in (AgendaItemStatus.PROPOSED, AgendaItemStatus.DISCUSSED):
        raise ValidationError(_("This item is no longer on the agenda."), code="not_live")
    return item


def _raise(item: AgendaItem, user: Any, acting_user: Any) -> SpeakingRequest:
    if SpeakingRequest.objects.filter(
        item=item, user=user, status__in=[SpeakingStatus.WAITING, SpeakingStatus.SPEAKING]
    ).exists():
        raise ValidationError(
            _("%(name)s is already on the speaking list of this item.")
            % {"name": user.public_name},
            code="one_hand",
        )
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin trips the constraint
            request = SpeakingRequest.objects.create(
                item=item, user=user, added_by=None if user == acting_user else acting_user
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is already on the speaking list of this item.")
            % {"name": user.public_name},
            code="one_hand",
        ) from None
    event_record(actor=acting_user, verb="governance.hand_raised", target=item, user=user)
    return request


def speaking_hand_raise(*, item: AgendaItem, acting_user: Any) -> SpeakingRequest:
    """A member asks to speak on the item: one waiting hand per person and item."""
    require(acting_user, "governance.participate", item.assembly.group)
    with transaction.atomic():
        item = _live(item)
        return _raise(item, acting_user, acting_user)


def speaking_add(*, item: AgendaItem, acting_user: Any, user: Any) -> SpeakingRequest:
    """The chair puts a member on the list (someone without a phone, say)."""
    group = item.assembly.group
    require(acting_user, "governance.organise", group)
    with transaction.atomic():
        item = _live(item)
        if not Membership.objects.filter(
            group=group, user=user, status=MembershipStatus.ACTIVE
        ).exists():
            raise ValidationError(
                _("%(name)s is not a member of the group.") % {"name": user.public_name},
                code="not_member",
            )
        return _raise(item, user, acting_user)


def speaking_hand_lower(*, item: AgendaItem, acting_user: Any) -> SpeakingRequest | None:
    """A member lowers their waiting hand (the one speaking finishes instead). Returns
    the withdrawn request, or None when there was no waiting hand."""
    require(acting_user, "governance.participate", item.assembly.group)
    with transaction.atomic():
        request = (
            SpeakingRequest.objects.select_for_update()
            .filter(item=item, user=acting_user, status=SpeakingStatus.WAITING)
            .first()
        )
        if request is None:
            return None
        request.status = SpeakingStatus.WITHDRAWN
        request.save(update_fields=["status"])
        event_record(actor=acting_user, verb="governance.hand_lowered", target=item)
    return request


def _finish(speaker: SpeakingRequest | None, now) -> None:
    if speaker is not None:
        speaker.status, speaker.done_at = SpeakingStatus.DONE, now
        speaker.save(update_fields=["status", "done_at"])


def speaking_call_next(
    *, item: AgendaItem, acting_user: Any, seen_speaker_id: Any = ANY
) -> SpeakingRequest | None:
    """End the current turn and give the floor to the head of the first-timers' queue,
    else of the others'. `seen_speaker_id` is who the chair saw speaking (None: nobody):
    if the list moved on since, nothing changes and the call is refused. Returns the new
    speaker, or None when nobody is waiting."""
    require(acting_user, "governance.organise", item.assembly.group)
    with transaction.atomic():
        item = lock_objects(AgendaItem, item.pk)
        item = _live(item)
        rows = list(SpeakingRequest.objects.filter(item=item))
        speaker = next((r for r in rows if r.status == SpeakingStatus.SPEAKING), None)
        current = speaker.pk if speaker is not None else None
        if seen_speaker_id is not ANY and seen_speaker_id != current:
            raise ValidationError(
                _("The speaking list has just changed: check who has the floor and try again."),
                code="stale",
            )
        spoken = {
            r.user_id for r in rows if r.status in (SpeakingStatus.DONE, SpeakingStatus.SPEAKING)
        }
        waiting = [
            Hand(r.pk, r.user_id, r.raised_at) for r in rows if r.status == SpeakingStatus.WAITING
        ]
        head = next_hand(*speaking_order(waiting, spoken))
        now = timezone.now()
        _finish(speaker, now)
        nxt = None
        if head is not None:
            nxt = next(r for r in rows if r.pk == head.pk)
            nxt.status, nxt.called_at = SpeakingStatus.SPEAKING, now
            nxt.save(update_fields=["status", "called_at"])
        event_record(
            actor=acting_user,
            verb="governance.speaker_called",
            target=item,
            finished=speaker.user_id if speaker else None,
            speaker=nxt.user_id if nxt else None,
        )
    return nxt


def speaking_done(*, item: AgendaItem, acting_user: Any) -> SpeakingRequest:
    """End the current turn without calling anyone."""
    require(acting_user, "governance.organise", item.assembly.group)
    with transaction.atomic():
        item = lock_objects(AgendaItem, item.pk)
        speaker = SpeakingRequest.objects.filter(item=item, status=SpeakingStatus.SPEAKING).first()
        if speaker is None:
            raise ValidationError(_("Nobody has the floor."), code="nobody")
        _finish(speaker, timezone.now())
        event_record(
            actor=acting_user, verb="governance.speaker_done", target=item, user=speaker.user_id
        )
    return speaker
