"""Closing proposals (with the motion's effect), and the scheduled work: closing at the
deadline, the reminder 24 hours before, and decisions reaching their review date."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.groups.models import Membership, MembershipStatus, Role
from coops.notifications.services import notify

from ..models import Ballot, Proposal, ProposalStatus, Voter
from ..motions import get_motion
from ..selectors.tally import proposal_tally
from ._base import lock_objects
from .proposals import (
    KIND_CLOSING,
    KIND_OUTCOME,
    KIND_REVIEW,
    _transition,
    proposal_url,
)

logger = logging.getLogger(__name__)
REMIND_BEFORE = timedelta(hours=24)


def proposal_close(*, proposal: Proposal, acting_user: Any = None) -> Proposal:
    """Close an open proposal and decide it: no quorum, adopted or rejected, with the
    outcome (counts, per-college breakdown) stored. An adopted proposal's motion is
    applied in the same transaction: if the effect fails, nothing is closed. Voters are
    notified of the outcome after commit. Ballots being cast finish first (they hold a
    shared lock on the proposal), and none can start after."""
    with transaction.atomic():
        proposal = lock_objects(Proposal, proposal.pk)
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(_("Only an open proposal can be closed."), code="status")
        _transition(proposal, ProposalStatus.CLOSED, acting_user=acting_user)
        tally = proposal_tally(proposal)
        if not tally.quorum_met:
            final = ProposalStatus.NO_QUORUM
        elif tally.outcome.adopted:
            final = ProposalStatus.ADOPTED
        else:
            final = ProposalStatus.REJECTED
        proposal.outcome = tally.as_json()
        proposal.outcome_summary = str(tally.outcome.summary)
        if final == ProposalStatus.NO_QUORUM:
            proposal.outcome_summary = _(
                "No quorum: %(participants)s of %(eligible)s voters answered."
            ) % {"participants": tally.participants, "eligible": tally.eligible}
        proposal.save(update_fields=["outcome", "outcome_summary"])
        _transition(proposal, final, acting_user=acting_user)
        if final == ProposalStatus.ADOPTED and proposal.motion_type:
            get_motion(proposal.motion_type).apply(proposal, proposal.motion_data, acting_user)
            proposal.motion_applied_at = timezone.now()
            proposal.save(update_fields=["motion_applied_at"])
            event_record(
                actor=acting_user,
                verb="governance.motion_applied",
                target=proposal,
                motion=proposal.motion_type,
                data=proposal.motion_data,
            )
        voters = list(proposal.voters.values_list("user_id", flat=True))
        notify(
            recipients=voters,
            kind=KIND_OUTCOME,
            title=lambda user: (
                _("%(status)s: %(title)s")
                % {"status": ProposalStatus(final).label, "title": proposal.title}
            ),
            body=proposal.outcome_summary,
            url=proposal_url(proposal),
            group=proposal.group,
        )
    return proposal


def proposals_close_due() -> int:
    """Close every open proposal past its deadline; returns how many were closed. A
    proposal whose effect fails stays open, logged, and the others still close."""
    closed = 0
    for proposal in Proposal.objects.due().order_by("closes_at", "pk"):
        try:
            proposal_close(proposal=proposal)
        except ValidationError:
            logger.exception("proposal %s could not be closed", proposal.pk)
            continue
        closed += 1
    return closed


def proposals_remind() -> int:
    """Once per proposal, 24 hours before closing, remind the voters who have not
    answered. Returns the number of proposals reminded."""
    now = timezone.now()
    due = Proposal.objects.open().filter(
        reminder_sent_at__isnull=True, closes_at__gt=now, closes_at__lte=now + REMIND_BEFORE
    )
    count = 0
    for proposal in due.select_related("group"):
        with transaction.atomic():
            proposal = (
                Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
            )
            if proposal.reminder_sent_at is not None:
                continue
            answered = Ballot.objects.filter(
                proposal=proposal, voter=OuterRef("user"), set_aside_at__isnull=True
            )
            waiting = (
                Voter.objects.filter(proposal=proposal)
                .exclude(Exists(answered))
                .values_list("user_id", flat=True)
            )
            notify(
                recipients=list(waiting),
                kind=KIND_CLOSING,
                title=lambda user, p=proposal: (
                    _("Last day to vote: %(title)s") % {"title": p.title}
                ),
                url=proposal_url(proposal),
                group=proposal.group,
            )
            proposal.reminder_sent_at = now
            proposal.save(update_fields=["reminder_sent_at"])
        count += 1
    return count


def decisions_review_due() -> int:
    """Notify a group's organisers once when an adopted decision reaches its review date."""
    today = timezone.localdate()
    due = Proposal.objects.adopted().filter(review_on__lte=today, review_notified_at__isnull=True)
    count = 0
    for proposal in due.select_related("group"):
        with transaction.atomic():
            organisers = Membership.objects.filter(
                group_id=proposal.group_id,
                status=MembershipStatus.ACTIVE,
                role__in=[Role.ORGANISER, Role.ADMIN],
            ).values_list("user_id", flat=True)
            notify(
                recipients=list(organisers),
                kind=KIND_REVIEW,
                title=lambda user, p=proposal: (
                    _("Decision to review: %(title)s") % {"title": p.title}
                ),
                url=proposal_url(proposal),
                group=proposal.group,
            )
            Proposal.objects.filter(pk=proposal.pk).update(review_notified_at=timezone.now())
        count += 1
    return count
